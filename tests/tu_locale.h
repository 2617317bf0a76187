/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A locale with a decimal comma, for the tests that check that numbers are
 * read and written the same whatever LC_NUMERIC says. */
#ifndef COR_TU_LOCALE_H
#define COR_TU_LOCALE_H

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static inline bool tu_decimal_comma(void)
{
    return strcmp(localeconv()->decimal_point, ",") == 0;
}

/* Switches `category` to a locale whose decimal point is a comma and
 * returns its name; NULL, with `category` back in "C", when there is none.
 * The build makes one in its own tree and names it in
 * COR_TEST_COMMA_LOCALE (tests/CMakeLists.txt); then it must work, so
 * that where the build promised the locale, these tests cannot quietly
 * skip. */
static inline const char *tu_comma_locale(int category)
{
    const char *promised = getenv("COR_TEST_COMMA_LOCALE");
    if (promised && *promised) {
        if (!setlocale(category, promised) || !tu_decimal_comma()) {
            const char *dir = getenv("LOCPATH");
            fail_msg("COR_TEST_COMMA_LOCALE=%s is not a decimal-comma locale (LOCPATH=%s)",
                     promised, dir ? dir : "(unset)");
        }
        return promised;
    }
    static const char *const installed[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                            "fr_FR.utf8",  "de_DE",      "fr_FR",
                                            "nl_NL.UTF-8"};
    for (size_t i = 0; i < sizeof installed / sizeof installed[0]; i++)
        if (setlocale(category, installed[i]) && tu_decimal_comma())
            return installed[i];
    setlocale(category, "C");
    return NULL;
}

#endif
