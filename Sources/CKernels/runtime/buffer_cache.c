#include "CKernels.h"
#include <pthread.h>
#include <stdlib.h>

// A per-thread cache of freed tensor buffers, keyed by exact size (see CKernels.h).

enum { slot_count = 32 };
static const size_t largest_cached_block = (size_t)16 << 20;
static const size_t largest_cached_total = (size_t)96 << 20;

typedef struct {
  void *pointers[slot_count];
  size_t sizes[slot_count];
  int count;
  int next_victim;
  size_t total;
  int registered;
} buffer_cache;

static _Thread_local buffer_cache cache;
static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

// Frees what the exiting thread still holds.
static void flush(void *value) {
  buffer_cache *c = value;
  for (int i = 0; i < c->count; i++) free(c->pointers[i]);
  c->count = 0;
  c->total = 0;
}

static void make_exit_key(void) { pthread_key_create(&exit_key, flush); }

void *variational_buffer_allocate(size_t bytes) {
  buffer_cache *c = &cache;
  for (int i = c->count - 1; i >= 0; i--) {
    if (c->sizes[i] == bytes) {
      void *pointer = c->pointers[i];
      c->count -= 1;
      c->pointers[i] = c->pointers[c->count];
      c->sizes[i] = c->sizes[c->count];
      c->total -= bytes;
      return pointer;
    }
  }
  void *pointer = NULL;
  if (posix_memalign(&pointer, 64, bytes < 64 ? 64 : bytes) != 0) return NULL;
  return pointer;
}

void variational_buffer_deallocate(void *pointer, size_t bytes) {
  buffer_cache *c = &cache;
  if (bytes > largest_cached_block) {
    free(pointer);
    return;
  }
  if (!c->registered) {
    pthread_once(&exit_key_once, make_exit_key);
    pthread_setspecific(exit_key, c);
    c->registered = 1;
  }
  // Make room: evict in turn until the block fits the slot and byte budgets.
  while (c->count == slot_count || (c->count > 0 && c->total + bytes > largest_cached_total)) {
    int victim = c->next_victim % c->count;
    c->next_victim = victim + 1;
    free(c->pointers[victim]);
    c->total -= c->sizes[victim];
    c->count -= 1;
    c->pointers[victim] = c->pointers[c->count];
    c->sizes[victim] = c->sizes[c->count];
  }
  c->pointers[c->count] = pointer;
  c->sizes[c->count] = bytes;
  c->count += 1;
  c->total += bytes;
}
