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

// Two halves of a kernel on two cores: one helper thread per process, started on first use
// when the machine has two or more CPUs (and VARIATIONAL_THREADS is not 1). The helper spins
// for a while after each job, so that the next one (a VI step later, microseconds away) starts
// without a system call, then sleeps on a condition variable. A caller that finds the helper
// busy (another thread's job) runs both halves itself, and a caller that finishes its half
// before the helper has taken the other runs that too: nobody waits for a thread that is not
// running. Which thread runs a half never changes its result.
//
// TensorCore's `forEachChunk` (Dispatch) is the project's other way to use both cores, for
// passes of tens of microseconds and more: Dispatch parks idle workers and wakes them with a
// futex system call per job, and a VI step's whole likelihood takes about 4.5 µs.

enum { idle, posted, taken_by_helper, done, taken_by_caller };
enum { spins_before_sleeping = 1 << 16 };

static pthread_once_t start_once = PTHREAD_ONCE_INIT;
static int helper_started;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static atomic_int owner;     // 1 while a caller owns the helper
static atomic_int state;     // idle, posted, taken_by_helper, done or taken_by_caller
static atomic_int sleeping;  // 1 while the helper waits on `wake`
static atomic_int disabled;  // 1 after variational_set_helper_thread(0)
static void (*job_work)(void *, int);
static void *job_context;

static void *helper_main(void *unused) {
  (void)unused;
  for (;;) {
    int spins = 0;
    while (atomic_load(&state) != posted) {
      if (++spins < spins_before_sleeping) {
        SPIN_PAUSE();
        continue;
      }
      pthread_mutex_lock(&mutex);
      atomic_store(&sleeping, 1);
      while (atomic_load(&state) != posted) pthread_cond_wait(&wake, &mutex);
      atomic_store(&sleeping, 0);
      pthread_mutex_unlock(&mutex);
    }
    int expected = posted;
    if (atomic_compare_exchange_strong(&state, &expected, taken_by_helper)) {
      job_work(job_context, 1);
      atomic_store(&state, done);
    }
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

void variational_run_halves(void (*work)(void *context, int half), void *context) {
  pthread_once(&start_once, start_helper);
  int free_helper = 0;
  if (!helper_started || atomic_load(&disabled) ||
      !atomic_compare_exchange_strong(&owner, &free_helper, 1)) {
    work(context, 0);
    work(context, 1);
    return;
  }
  job_work = work;
  job_context = context;
  atomic_store(&state, posted);
  if (atomic_load(&sleeping)) {
    pthread_mutex_lock(&mutex);
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&mutex);
  }
  work(context, 0);
  int expected = posted;
  if (atomic_compare_exchange_strong(&state, &expected, taken_by_caller)) {
    work(context, 1);
  } else {
    while (atomic_load(&state) != done) SPIN_PAUSE();
  }
  atomic_store(&state, idle);
  atomic_store(&owner, 0);
}

void variational_set_helper_thread(int enabled) { atomic_store(&disabled, !enabled); }

int variational_helper_thread(void) {
  pthread_once(&start_once, start_helper);
  return helper_started && !atomic_load(&disabled);
}
