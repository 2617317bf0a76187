/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replications over POSIX threads, merged in replication order.
 *
 * Workers take replication indices from a shared counter and run each into
 * slot r % nslots. The calling thread waits for slot r's completion flag,
 * merges it into the aggregator and frees the slot. A worker whose next
 * replication would land in a slot not yet merged waits: that bounds the
 * memory at nslots results, and ordering the merge by replication index
 * makes every floating-point sum independent of the thread count.
 *
 * Wake-ups are targeted, because on a machine with as many workers as
 * cores every needless one costs a worker a context switch: a worker wakes
 * the merger only when it finished the very replication the merger is
 * waiting for (any other slot can wait until the merger comes to it), and
 * the merger wakes workers only when one is actually blocked on a full
 * ring of slots. Merging takes under 2 % of the samples on two workers
 * (docs/performance.md, optimisation 13), so a single merging thread is
 * not what limits scaling. */
#include "corridor/experiment.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "engine.h"
#include "stats.h"

struct shared {
    const struct cor_model *model;
    const struct cor_run_options *opt;
    struct cor_rep_result *slots;
    uint8_t *ready;       /* per slot: replication finished, not merged */
    int nslots;
    long next;            /* next replication to hand out */
    long merged;          /* replications merged so far */
    bool merger_waiting;  /* the merger sleeps on slot_ready for `merged` */
    int workers_waiting;  /* workers asleep on slot_free */
    bool failed;          /* a replication hit a limit */
    long failed_rep;
    bool failed_convoys;  /* failed_rep hit the convoy cap, not the event cap */
    pthread_mutex_t mu;
    pthread_cond_t slot_ready;  /* a slot finished */
    pthread_cond_t slot_free;   /* the merger freed a slot */
};

static bool stop_raised(const struct cor_run_options *opt)
{
    return opt->stop && atomic_load_explicit(opt->stop, memory_order_relaxed);
}

static bool stopping(const struct shared *sh)
{
    return sh->failed || stop_raised(sh->opt);
}

static void *worker(void *arg)
{
    struct shared *sh = arg;
    struct cor_engine *eng = cor_engine_new(sh->model);
    cor_engine_set_stop(eng, sh->opt->stop);
    pthread_mutex_lock(&sh->mu);
    for (;;) {
        if (stopping(sh) || sh->next >= sh->opt->replications)
            break;
        long r = sh->next++;
        while (r - sh->merged >= sh->nslots && !stopping(sh)) {
            sh->workers_waiting++;
            pthread_cond_wait(&sh->slot_free, &sh->mu);
            sh->workers_waiting--;
        }
        if (stopping(sh))
            break;
        struct cor_rep_result *slot = &sh->slots[r % sh->nslots];
        pthread_mutex_unlock(&sh->mu);

        slot->trace_on = sh->opt->trace && r == 0;
        enum cor_status st = cor_engine_run(eng, sh->opt->seed, r, slot);

        pthread_mutex_lock(&sh->mu);
        if (st != COR_OK && !sh->failed) {
            sh->failed = true;
            sh->failed_rep = r;
            sh->failed_convoys = slot->convoy_cap_hit;
        }
        sh->ready[r % sh->nslots] = 1;
        /* Only the merger waits on slot_ready, and only for `merged`. */
        if (sh->merger_waiting && (r == sh->merged || sh->failed))
            pthread_cond_signal(&sh->slot_ready);
    }
    /* Wake the merger so it notices a stop. */
    pthread_cond_broadcast(&sh->slot_ready);
    pthread_mutex_unlock(&sh->mu);
    cor_engine_free(eng);
    return NULL;
}

struct cor_run_options cor_run_options_default(const struct cor_scenario *sc)
{
    struct cor_run_options o;
    memset(&o, 0, sizeof o);
    o.replications = sc->replications;
    o.seed = sc->seed;
    o.threads = 1;
    o.days = sc->horizon_days;
    return o;
}

int cor_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return n > COR_MAX_THREADS ? COR_MAX_THREADS : (int)n;
}

enum cor_status cor_experiment_run(const struct cor_scenario *sc,
                                   const struct cor_run_options *opt,
                                   struct cor_results **out,
                                   struct cor_diag *diag)
{
    *out = NULL;
    int nthreads = opt->threads < 1 ? 1 : opt->threads;
    if (nthreads > COR_MAX_THREADS)
        nthreads = COR_MAX_THREADS;
    if (nthreads > opt->replications)
        nthreads = (int)opt->replications;

    struct cor_model *model = cor_model_new(sc, opt->days);
    struct cor_agg *agg = cor_agg_new(model);
    struct shared sh;
    memset(&sh, 0, sizeof sh);
    sh.model = model;
    sh.opt = opt;
    sh.nslots = 4 * nthreads;
    sh.slots = cor_calloc((size_t)sh.nslots, sizeof *sh.slots);
    sh.ready = cor_calloc((size_t)sh.nslots, 1);
    for (int i = 0; i < sh.nslots; i++)
        cor_rep_result_init(&sh.slots[i], model);
    if (pthread_mutex_init(&sh.mu, NULL) != 0 || pthread_cond_init(&sh.slot_ready, NULL) != 0 ||
        pthread_cond_init(&sh.slot_free, NULL) != 0) {
        /* Only a lack of memory makes these fail on Linux; nothing is
         * running yet, so giving up here leaks nothing that matters. */
        cor_diag_add(diag, NULL, 0, 0, "cannot initialise thread synchronisation");
        for (int i = 0; i < sh.nslots; i++)
            cor_rep_result_fini(&sh.slots[i]);
        free(sh.slots);
        free(sh.ready);
        cor_agg_free(agg);
        cor_model_free(model);
        return COR_ERUNTIME;
    }

    /* Workers never take signals: the calling thread's handler sets the
     * stop flag, and workers look at it between replications and, through
     * the engine, every 65,536 events. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_t *tids = cor_calloc((size_t)nthreads, sizeof *tids);
    int started = 0;
    for (; started < nthreads; started++)
        if (pthread_create(&tids[started], NULL, worker, &sh) != 0)
            break;
    pthread_sigmask(SIG_SETMASK, &old, NULL);

    enum cor_status status = COR_OK;
    if (started == 0) {
        cor_diag_add(diag, NULL, 0, 0, "cannot start a worker thread");
        status = COR_ERUNTIME;
        sh.failed = true;
    }
    for (long r = 0; status == COR_OK && r < opt->replications; r++) {
        int s = (int)(r % sh.nslots);
        pthread_mutex_lock(&sh.mu);
        while (!sh.ready[s] && !stopping(&sh)) {
            sh.merger_waiting = true;
            pthread_cond_wait(&sh.slot_ready, &sh.mu);
            sh.merger_waiting = false;
        }
        bool ok = sh.ready[s] && !stopping(&sh);
        pthread_mutex_unlock(&sh.mu);
        if (!ok)
            break;
        cor_agg_add(agg, &sh.slots[s]);
        pthread_mutex_lock(&sh.mu);
        sh.ready[s] = 0;
        sh.merged = r + 1;
        if (sh.workers_waiting > 0)
            pthread_cond_broadcast(&sh.slot_free);
        pthread_mutex_unlock(&sh.mu);
        if (opt->progress)
            opt->progress(r + 1, opt->replications, opt->progress_ctx);
    }
    pthread_mutex_lock(&sh.mu);
    if (sh.merged < opt->replications && !sh.failed)
        sh.failed = true; /* interrupted: release waiting workers */
    pthread_cond_broadcast(&sh.slot_free);
    pthread_mutex_unlock(&sh.mu);
    for (int i = 0; i < started; i++)
        pthread_join(tids[i], NULL);

    if (status == COR_OK && sh.merged < opt->replications) {
        if (stop_raised(opt)) {
            status = COR_EINTERRUPTED;
            cor_diag_add(diag, NULL, 0, 0, "interrupted");
        } else {
            status = COR_ELIMIT;
            if (sh.failed_convoys)
                cor_diag_add(diag, sc->source, 0, 0,
                             "replication %ld had more than %d convoys on the road "
                             "at once (cap); departures come faster than convoys "
                             "arrive (long trips, or long closures?)",
                             sh.failed_rep, COR_MAX_CONVOYS_ON_ROAD);
            else
                cor_diag_add(diag, sc->source, 0, 0,
                             "replication %ld exceeded the cap of %llu events; "
                             "the scenario asks for too much work (departures too "
                             "frequent for the horizon?)",
                             sh.failed_rep, (unsigned long long)COR_MAX_EVENTS_PER_REP);
        }
    }
    if (status == COR_OK)
        *out = cor_agg_finish(agg, opt->seed);

    for (int i = 0; i < sh.nslots; i++)
        cor_rep_result_fini(&sh.slots[i]);
    free(sh.slots);
    free(sh.ready);
    free(tids);
    pthread_mutex_destroy(&sh.mu);
    pthread_cond_destroy(&sh.slot_ready);
    pthread_cond_destroy(&sh.slot_free);
    cor_agg_free(agg);
    cor_model_free(model);
    return status;
}
