#include "CKernels.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define SPIN_PAUSE() _mm_pause()
#else
#define SPIN_PAUSE() ((void)0)
#endif

// Fixed pieces of a kernel on two cores: one helper thread per process, started on first use
// when the machine has two or more CPUs (and VARIATIONAL_THREADS is not 1). The caller and the
// helper each take the next piece not yet taken until none is left: with more pieces than
// threads, a thread that the machine slows down does fewer of them; with two (TensorCore's
// products and chunks), the caller does both when the helper has not started. The helper
// spins for a while after each job, so that the next one (microseconds later) starts without
// a system call, then sleeps on a condition variable. A caller that finds
// the helper busy (another thread's job) runs all pieces itself. Which thread runs a piece
// never changes its result.
//
// TensorCore's `forEachChunk` falls back to Dispatch on machines with more cores, whose pool
// parks idle workers and wakes them with a futex system call per job.
//
// A job is published as one 64-bit ticket: generation (32 bits), piece count (16 bits) and
// the next piece (16 bits). A piece is taken by a compare-and-swap on the ticket, so a helper
// that read an old generation can never take a piece of a newer job.

enum { spins_before_sleeping = 1 << 16 };

static pthread_once_t start_once = PTHREAD_ONCE_INIT;
static int helper_started;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static atomic_int owner;                // 1 while a caller owns the helper
static _Atomic unsigned long long ticket;  // generation << 32 | count << 16 | next
static atomic_int finished;             // pieces of the current job done
static atomic_int sleeping;             // 1 while the helper waits on `wake`
static atomic_int disabled;             // 1 after variational_set_helper_thread(0)
static void (*job_work)(void *, int);
static void *job_context;

static unsigned generation_of(unsigned long long t) { return (unsigned)(t >> 32); }

// Takes and runs pieces of the job of `generation` until none is left.
static void run_pieces(unsigned generation, void (*work)(void *, int), void *context) {
  for (;;) {
    unsigned long long t = atomic_load(&ticket);
    unsigned next = (unsigned)(t & 0xffff), count = (unsigned)((t >> 16) & 0xffff);
    if (generation_of(t) != generation || next >= count) return;
    if (atomic_compare_exchange_weak(&ticket, &t, t + 1)) {
      work(context, (int)next);
      atomic_fetch_add(&finished, 1);
    }
  }
}

static void *helper_main(void *unused) {
  (void)unused;
  unsigned seen = 0;
  for (;;) {
    int spins = 0;
    while (generation_of(atomic_load(&ticket)) == seen) {
      if (++spins < spins_before_sleeping) {
        SPIN_PAUSE();
        continue;
      }
      pthread_mutex_lock(&mutex);
      atomic_store(&sleeping, 1);
      while (generation_of(atomic_load(&ticket)) == seen) pthread_cond_wait(&wake, &mutex);
      atomic_store(&sleeping, 0);
      pthread_mutex_unlock(&mutex);
    }
    seen = generation_of(atomic_load(&ticket));
    // Read after the ticket that published them: if the job is already over, no piece of
    // this generation is left and they are not used.
    void (*work)(void *, int) = job_work;
    void *context = job_context;
    run_pieces(seen, work, context);
  }
  return NULL;
}

static void start_helper(void) {
  const char *setting = getenv("VARIATIONAL_THREADS");
  if (setting != NULL && atoi(setting) == 1) return;
  if (sysconf(_SC_NPROCESSORS_ONLN) < 2) return;
  pthread_t thread;
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  helper_started = pthread_create(&thread, &attributes, helper_main, NULL) == 0;
  pthread_attr_destroy(&attributes);
}

void variational_run_pieces(void (*work)(void *context, int piece), void *context, int count) {
  if (count <= 0) return;
  pthread_once(&start_once, start_helper);
  int free_helper = 0;
  if (count == 1 || count > 0xffff || !helper_started || atomic_load(&disabled) ||
      !atomic_compare_exchange_strong(&owner, &free_helper, 1)) {
    for (int piece = 0; piece < count; piece++) work(context, piece);
    return;
  }
  job_work = work;
  job_context = context;
  atomic_store(&finished, 0);
  unsigned generation = generation_of(atomic_load(&ticket)) + 1;
  if (generation == 0) generation = 1;  // 0 is the helper's initial "seen"
  atomic_store(&ticket, (unsigned long long)generation << 32 | (unsigned long long)count << 16);
  if (atomic_load(&sleeping)) {
    pthread_mutex_lock(&mutex);
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&mutex);
  }
  run_pieces(generation, work, context);
  while (atomic_load(&finished) != count) SPIN_PAUSE();
  atomic_store(&owner, 0);
}

void variational_run_halves(void (*work)(void *context, int half), void *context) {
  variational_run_pieces(work, context, 2);
}

void variational_set_helper_thread(int enabled) { atomic_store(&disabled, !enabled); }

int variational_helper_thread(void) {
  pthread_once(&start_once, start_helper);
  return helper_started && !atomic_load(&disabled);
}
