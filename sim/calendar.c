/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Gregorian month lengths and date arithmetic. */
#include "calendar.h"

#include <assert.h>

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int cor__month_days(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    assert(m >= 1 && m <= 12);
    return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

bool cor__date_is_valid(struct cor_date c)
{
    return c.y >= 1 && c.m >= 1 && c.m <= 12 && c.d >= 1 &&
           c.d <= cor__month_days(c.y, c.m);
}

/* A month per step: horizons are at most ten years, so at most ~120. */
struct cor_date cor__date_add(struct cor_date c, long days)
{
    assert(days >= 0 && cor__date_is_valid(c));
    while (days > 0) {
        long left = cor__month_days(c.y, c.m) - c.d; /* days to the month's end */
        if (days <= left) {
            c.d += (int)days;
            break;
        }
        days -= left + 1;
        c.d = 1;
        if (++c.m > 12) {
            c.m = 1;
            c.y++;
        }
    }
    return c;
}
