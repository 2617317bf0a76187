/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One "C" locale object for the whole process. */
#include "clocale.h"

#include <pthread.h>

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

locale_t cor__c_locale(void)
{
    pthread_once(&c_locale_once, make_c_locale);
    return c_locale;
}
