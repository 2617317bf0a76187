/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replays a fuzz target's inputs without libFuzzer: files and directories.
 *
 * Linked with one target (fuzz_scenario.c or fuzz_override.c) in the normal
 * and sanitizer builds, so the test suite runs every seed and every saved
 * crasher (tests/fuzz/regressions/) through the same checks the fuzzer
 * applies, with any compiler and without clang's libFuzzer. A directory is
 * read one level deep; a name that does not exist is an error, so a moved
 * corpus does not silently test nothing. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 1 << 16, n = 0, got;
    unsigned char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *wider = realloc(buf, cap *= 2);
            if (!wider)
                free(buf);
            buf = wider;
        }
    }
    fclose(f);
    /* Exactly n bytes, as libFuzzer passes them: no terminator to lean on. */
    unsigned char *exact = buf ? malloc(n ? n : 1) : NULL;
    if (!exact) {
        free(buf);
        fprintf(stderr, "%s: out of memory\n", path);
        return -1;
    }
    memcpy(exact, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 0;
}

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    long files = 0;
    int failed = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            failed = 1;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            failed |= replay_file(argv[i]) != 0;
            files++;
            continue;
        }
        DIR *dir = opendir(argv[i]);
        struct dirent *de;
        while (dir && (de = readdir(dir))) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], de->d_name);
            if (de->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
                continue;
            failed |= replay_file(path) != 0;
            files++;
        }
        if (dir)
            closedir(dir);
    }
    printf("replayed %ld inputs\n", files);
    return failed;
}
