/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Status codes shared by every corridor module.
 *
 * Bugs assert; bad input and runtime failures return one of these, with the
 * details in a diagnostic list (see diag.h). COR_OK is zero so that
 * `if (status)` reads as "if it failed". */
#ifndef CORRIDOR_STATUS_H
#define CORRIDOR_STATUS_H

enum cor_status {
    COR_OK = 0,
    COR_EINPUT,       /* bad scenario, bad override or bad option */
    COR_ELIMIT,       /* a documented cap was hit */
    COR_EIO,          /* reading or writing a file failed */
    COR_ERUNTIME,     /* the simulation could not complete */
    COR_EINTERRUPTED  /* stopped by SIGINT or SIGTERM */
};

#endif
