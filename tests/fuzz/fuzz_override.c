/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: `--set PATH=VALUE` overrides on a fixed scenario.
 *
 * The input is split at newlines into up to COR_FUZZ_MAX_SETS override
 * strings (a NUL inside a line ends that string early, as it would on a
 * command line), applied to tests/fuzz/override-base.yaml, a fixed valid
 * file read once at start-up, so that every mutation explores paths, values
 * and their checks rather than YAML syntax. That file is small because
 * parsing it is most of the cost of an input (the 15 KB default scenario
 * would make the fuzzer several times slower) and uses every key of the
 * schema, so that an override can reach every kind of value. See
 * fuzz_common.h for what is checked next. */
#include <string.h>

#include "fuzz_common.h"

static char *base;
static size_t base_len;

/* More than a user types, fewer than COR_MAX_OVERRIDES: the cap itself is
 * a unit test, and a long list only slows each input down. */
#define COR_FUZZ_MAX_SETS 16

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cor_fuzz_init();
    /* COR_FUZZ_BASE is the file's absolute path, set by CMake. */
    FILE *f = fopen(COR_FUZZ_BASE, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0)
        abort();
    long n = ftell(f);
    base = malloc((size_t)n + 1);
    if (n <= 0 || !base || fseek(f, 0, SEEK_SET) != 0 ||
        fread(base, 1, (size_t)n, f) != (size_t)n)
        abort();
    fclose(f);
    base_len = (size_t)n;
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    /* A private NUL-terminated copy: the strings are cut in place. */
    char *buf = malloc(size + 1);
    if (!buf)
        abort();
    memcpy(buf, data, size);
    buf[size] = '\0';
    const char *sets[COR_FUZZ_MAX_SETS];
    int n = 0;
    for (char *p = buf; n < COR_FUZZ_MAX_SETS;) {
        char *nl = memchr(p, '\n', (size_t)(buf + size - p));
        if (nl)
            *nl = '\0';
        sets[n++] = p;
        if (!nl)
            break;
        p = nl + 1;
    }
    struct cor_diag d;
    cor_diag_init(&d);
    struct cor_scenario *s =
        cor_scenario_load_buffer("override-base.yaml", base, base_len, sets, n, &d);
    cor_fuzz_outcome(s, &d);
    free(buf);
    return 0;
}
