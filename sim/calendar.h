/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Gregorian calendar, for scenarios with a start date.
 *
 * Dates are computed on year, month and day directly: no time_t, time zone
 * or locale, so outputs carry the same dates on every machine. */
#ifndef COR_CALENDAR_H
#define COR_CALENDAR_H

#include <stdbool.h>

struct cor_date {
    int y, m, d;
};

/* Days in month m (1-12) of year y. */
int cor__month_days(int y, int m);
/* Whether the date exists (year >= 1). */
bool cor__date_is_valid(struct cor_date c);
/* The date `days` (>= 0) days after c, which must be valid. */
struct cor_date cor__date_add(struct cor_date c, long days);

#endif
