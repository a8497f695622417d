/*
 * parallel.c — a small pool of POSIX threads for smx__parallel_for, and
 * the thread-count API of smx.h.
 *
 * Workers are started at the first parallel call.  Between jobs each one
 * first spins for a short while (SPIN_ROUNDS) on the job counter, so that
 * the back-to-back calls of a training loop reach it without a system
 * call, and then sleeps on a condition variable.  A job hands out its
 * chunks through an atomic counter, the calling thread taking its share.
 * When the caller runs out of chunks it closes the job and waits only for
 * the workers that joined it and are still on a chunk: a worker the system
 * has not scheduled yet (a busy machine) costs the caller nothing, and
 * finds the job closed when it comes.  One job at a time: a caller that
 * finds the pool busy runs its chunks itself (same chunks, same results).
 */
#include "parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_THREADS 256
/* Rounds of a pause before a thread sleeps: about 0.1-0.3 ms, the time of a
 * few calls on a mid-sized batch. */
#define SPIN_ROUNDS 8192

/* A short wait in a spin loop (the CPU's pause hint where it has one). */
static inline void spin_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER; /* one job at a time */
static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_posted = PTHREAD_COND_INITIALIZER;
static pthread_cond_t job_done = PTHREAD_COND_INITIALIZER;

static size_t workers_started; /* under pool_lock */
/* The job generation when each worker was created: the jobs it must wait
 * for are the later ones. */
static unsigned long worker_start_generation[MAX_THREADS];

/* The job in progress (under job_lock, except the counters). */
static unsigned long job_generation;
/* job_generation as last posted, for the spinning workers to read without
 * the lock. */
static atomic_ulong job_posted_generation;
static size_t job_workers;  /* how many workers may take part */
static size_t job_chunks;
static smx__chunk_fn job_fn;
static void *job_ctx;
static int job_open;       /* workers may still join */
static atomic_size_t next_chunk;
static atomic_size_t workers_in_job; /* joined and not done; changed under job_lock */

/* 0 until chosen: then SMX_NUM_THREADS, or smx_set_num_threads, or the
 * online CPUs. */
static atomic_int thread_count;

static void run_chunks(smx__chunk_fn fn, void *ctx, size_t chunks)
{
    for (;;) {
        const size_t c = atomic_fetch_add_explicit(&next_chunk, 1, memory_order_relaxed);
        if (c >= chunks)
            return;
        fn(ctx, c);
    }
}

static void *worker_main(void *arg)
{
    const size_t id = (size_t)(uintptr_t)arg;
    pthread_mutex_lock(&job_lock);
    unsigned long seen = worker_start_generation[id];
    for (;;) {
        if (job_generation == seen) {
            pthread_mutex_unlock(&job_lock);
            for (int i = 0; i < SPIN_ROUNDS && atomic_load_explicit(&job_posted_generation,
                                                                   memory_order_relaxed) == seen;
                 i++)
                spin_pause();
            pthread_mutex_lock(&job_lock);
        }
        while (job_generation == seen)
            pthread_cond_wait(&job_posted, &job_lock);
        seen = job_generation;
        if (id >= job_workers || !job_open)
            continue;
        workers_in_job++;
        const smx__chunk_fn fn = job_fn;
        void *ctx = job_ctx;
        const size_t chunks = job_chunks;
        pthread_mutex_unlock(&job_lock);
        run_chunks(fn, ctx, chunks);
        pthread_mutex_lock(&job_lock);
        if (--workers_in_job == 0 && !job_open)
            pthread_cond_signal(&job_done);
    }
    return NULL;
}

static int default_threads(void)
{
    const char *env = getenv("SMX_NUM_THREADS");
    if (env && *env) {
        char *end;
        const long n = strtol(env, &end, 10);
        if (*end == '\0' && n >= 1)
            return n > MAX_THREADS ? MAX_THREADS : (int)n;
    }
    const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (int)cpus;
}

int smx_get_num_threads(void)
{
    int n = atomic_load_explicit(&thread_count, memory_order_relaxed);
    if (n == 0) {
        n = default_threads();
        atomic_store_explicit(&thread_count, n, memory_order_relaxed);
    }
    return n;
}

smx_status smx_set_num_threads(int n)
{
    if (n < 0)
        return SMX_ERR_BAD_OPTION;
    atomic_store_explicit(&thread_count, n == 0 ? default_threads()
                                         : n > MAX_THREADS ? MAX_THREADS : n,
                          memory_order_relaxed);
    return SMX_OK;
}

void smx__parallel_for(size_t chunks, smx__chunk_fn fn, void *ctx)
{
    size_t threads = (size_t)smx_get_num_threads();
    if (threads > chunks)
        threads = chunks;
    if (threads <= 1 || pthread_mutex_trylock(&pool_lock) != 0) {
        for (size_t c = 0; c < chunks; c++)
            fn(ctx, c);
        return;
    }
    /* Start the workers this job needs that are not running yet. */
    while (workers_started < threads - 1) {
        pthread_t t;
        pthread_attr_t attr;
        worker_start_generation[workers_started] = job_generation;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        const int failed =
            pthread_create(&t, &attr, worker_main, (void *)(uintptr_t)workers_started);
        pthread_attr_destroy(&attr);
        if (failed)
            break;
        workers_started++;
    }
    const size_t helpers = threads - 1 < workers_started ? threads - 1 : workers_started;

    pthread_mutex_lock(&job_lock);
    job_fn = fn;
    job_ctx = ctx;
    job_chunks = chunks;
    job_workers = helpers;
    job_open = 1;
    workers_in_job = 0;
    atomic_store_explicit(&next_chunk, 0, memory_order_relaxed);
    job_generation++;
    atomic_store_explicit(&job_posted_generation, job_generation, memory_order_relaxed);
    pthread_cond_broadcast(&job_posted);
    pthread_mutex_unlock(&job_lock);

    run_chunks(fn, ctx, chunks);

    /* Every chunk is taken: close the job, then wait for those still on one. */
    pthread_mutex_lock(&job_lock);
    job_open = 0;
    pthread_mutex_unlock(&job_lock);
    for (int i = 0;
         i < SPIN_ROUNDS && atomic_load_explicit(&workers_in_job, memory_order_relaxed); i++)
        spin_pause();
    pthread_mutex_lock(&job_lock);
    while (workers_in_job > 0)
        pthread_cond_wait(&job_done, &job_lock);
    pthread_mutex_unlock(&job_lock);
    pthread_mutex_unlock(&pool_lock);
}
