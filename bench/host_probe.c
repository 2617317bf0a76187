/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How much of its core a thread gets right now, for bench/run.sh's report.
 *
 * On a shared virtual machine the speed of a core moves with the load of
 * the physical machine, which the guest's load average does not show
 * (docs/performance.md, "The machine"). Two loops tell it:
 *
 * - a chain of dependent 64-bit multiplies, each waiting for the last
 *   (three cycles apiece on x86-64 cores of the last fifteen years): its
 *   rate is the core's clock. It slows too when another thread shares the
 *   core, though less than the additions, so the fastest of the fifteen
 *   windows is taken as the clock;
 * - six independent chains of additions: they fill the core's integer
 *   units, so their rate falls when another thread shares them.
 *
 * Independent additions per clock cycle is then the share of the core
 * this thread gets. The loop is six additions and a fused count-and-branch
 * (seven operations) an iteration, so a core that renames six operations a
 * cycle runs it at 6 x 6 / 7 = 5.1 additions a cycle when the core is the
 * thread's own, and about half that while a second thread shares it. The
 * share moves within a second on a shared host, so the probe takes fifteen
 * windows of about a tenth of a second and reports the median and the
 * highest.
 *
 * Usage: host_probe          prints "MEDIAN_ADDS_PER_CYCLE MAX CLOCK_GHZ" */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MUL_STEPS 100000000L
#define ADD_STEPS 50000000L /* of six additions each */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Seconds for MUL_STEPS dependent multiplies. The empty asm keeps the
 * compiler from folding the chain. */
static double mul_chain(uint64_t *sink)
{
    uint64_t x = 12345;
    double t0 = now();
    for (long i = 0; i < MUL_STEPS; i++) {
        x *= 0x9E3779B97F4A7C15ull;
        __asm__ volatile("" : "+r"(x));
    }
    *sink += x;
    return now() - t0;
}

/* Seconds for ADD_STEPS rounds of six independent additions, each kept in
 * a register of its own by the empty asm (no vectorising, no folding). */
static double add_chains(uint64_t *sink)
{
    uint64_t a = 1, b = 2, c = 3, d = 4, e = 5, f = 6;
    double t0 = now();
    for (long i = 0; i < ADD_STEPS; i++) {
        a += 1;
        b += 1;
        c += 1;
        d += 1;
        e += 1;
        f += 1;
        __asm__ volatile("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d), "+r"(e), "+r"(f));
    }
    *sink += a + b + c + d + e + f;
    return now() - t0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define ROUNDS 15

int main(void)
{
    uint64_t sink = 0;
    double best_mul = 1e30, add[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
        double m = mul_chain(&sink);
        best_mul = m < best_mul ? m : best_mul;
        add[round] = add_chains(&sink);
    }
    double hz = 3.0 * (double)MUL_STEPS / best_mul;
    double per_cycle[ROUNDS];
    for (int round = 0; round < ROUNDS; round++)
        per_cycle[round] = 6.0 * (double)ADD_STEPS / add[round] / hz;
    qsort(per_cycle, ROUNDS, sizeof *per_cycle, cmp_double);
    printf("%.2f %.2f %.2f\n", per_cycle[ROUNDS / 2], per_cycle[ROUNDS - 1], hz / 1e9);
    return (int)(sink & 0); /* sink used: the loops cannot be dropped */
}
