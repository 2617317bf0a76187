/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: arbitrary bytes as a scenario file.
 *
 * The bytes go to cor_scenario_load_buffer exactly as read from disk (not
 * NUL-terminated, so AddressSanitizer catches any read past the end). See
 * fuzz_common.h for what is checked and what a loaded scenario goes
 * through. Seeds: scenarios/ and tests/scenarios/ (scripts/fuzz.sh). */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cor_fuzz_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    struct cor_diag d;
    cor_diag_init(&d);
    struct cor_scenario *s =
        cor_scenario_load_buffer("fuzz.yaml", (const char *)data, size, NULL, 0, &d);
    cor_fuzz_outcome(s, &d);
    return 0;
}
