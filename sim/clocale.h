/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The "C" locale, for reading and writing numbers the same everywhere.
 *
 * strtod and printf obey LC_NUMERIC: a program that calls setlocale() for
 * its messages must neither read "1.5" as 1 nor write "0,5". Code that
 * parses or prints numbers switches the calling thread (uselocale, which
 * is per thread) to this object and back. */
#ifndef COR_CLOCALE_H
#define COR_CLOCALE_H

#include <locale.h>

/* The process's "C" locale object, made once on first use and never freed;
 * (locale_t)0 if it could not be made. Safe from any thread. */
locale_t cor__c_locale(void);

#endif
