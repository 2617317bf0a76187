/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Golden outputs: a fixed run of the benchmark scenario, byte for byte.
 *
 * The real binary runs scenarios/bench-rn1.yaml with --reps 50 --seed 1
 * --threads 2 and its summary.json and timeline.csv must equal the files
 * committed under tests/golden/. This is the safety net for performance
 * work (docs/performance.md): a faster event queue, generator, merge or thread
 * scheme must leave every output byte where it was. Two threads, so that a
 * change in the merge order or in which thread runs which replication
 * shows up too.
 *
 * When the goldens legitimately change — only when the model itself is
 * meant to change (new feature, model fix, new random stream, edited
 * bench-rn1.yaml) — regenerate them with one command and commit them with
 * the change that explains them:
 *
 *     scripts/regen-golden.sh
 *
 * The only bytes ignored are the program version in summary.json, so that
 * a release bump does not need new goldens. The files were produced with
 * Debian 12's GCC, glibc and GSL on x86-64; another libm may round expm1 or
 * log1p differently in the last bit and need its own goldens. */
#include "tu_spawn.h"

static char tmpdir[256];

/* Replaces the value of "version" in a summary.json text by "*", in place
 * (the text only gets shorter), so that goldens survive a version bump. */
static void mask_version(char *json)
{
    static const char key[] = "\"version\": \"";
    char *p = strstr(json, key);
    if (!p)
        return;
    p += sizeof key - 1;
    char *end = strchr(p, '"');
    if (!end)
        return;
    *p = '*';
    memmove(p + 1, end, strlen(end) + 1);
}

/* Fails with the first differing line of the two texts, if any. */
static void assert_same_text(const char *name, const char *got, const char *want)
{
    if (strcmp(got, want) == 0)
        return;
    int line = 1;
    const char *g = got, *w = want;
    while (*g && *g == *w) {
        if (*g == '\n')
            line++;
        g++;
        w++;
    }
    /* Back up to the start of the differing line for a readable message. */
    while (g > got && g[-1] != '\n') {
        g--;
        w--;
    }
    int gl = (int)strcspn(g, "\n"), wl = (int)strcspn(w, "\n");
    fail_msg("%s differs from tests/golden at line %d:\n  got:  %.*s\n  want: %.*s\n"
             "If the model was meant to change, run scripts/regen-golden.sh; "
             "if this is a performance change, it broke reproducibility.",
             name, line, gl, g, wl, w);
}

static void test_golden_bench_rn1(void **state)
{
    (void)state;
    char out[300];
    snprintf(out, sizeof out, "%s/out", tmpdir);
    /* Keep in step with scripts/regen-golden.sh. */
    struct tu_spawn o = {.dir = tmpdir};
    struct tu_outcome r = tu_spawn(&o, "run", COR_SOURCE_DIR "/scenarios/bench-rn1.yaml",
                                   "--reps", "50", "--seed", "1", "--threads", "2",
                                   "--quiet", "--format", "json", "--out", out, NULL);
    if (r.status != 0)
        fail_msg("corridor exited with %d: %s", r.status, r.err ? r.err : "");
    tu_outcome_free(&r);

    const char *files[] = {"summary.json", "timeline.csv"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char got_path[400], want_path[400];
        snprintf(got_path, sizeof got_path, "%s/%s", out, files[i]);
        snprintf(want_path, sizeof want_path,
                 COR_SOURCE_DIR "/tests/golden/bench-rn1-%s", files[i]);
        char *got = tu_slurp(got_path), *want = tu_slurp(want_path);
        if (!got)
            fail_msg("the run wrote no %s", got_path);
        if (!want)
            fail_msg("no golden file %s: run scripts/regen-golden.sh", want_path);
        if (i == 0) {
            mask_version(got);
            mask_version(want);
        }
        assert_same_text(files[i], got, want);
        free(got);
        free(want);
    }
}

static int setup(void **state)
{
    (void)state;
    return tu_tmpdir(tmpdir, sizeof tmpdir, "golden");
}

static int teardown(void **state)
{
    (void)state;
    return tu_rmtree(tmpdir);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_bench_rn1),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
