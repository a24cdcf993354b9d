// Counts heap allocations by interposing `malloc`: a definition in the executable comes before
// the C library's for every shared library that calls it through the PLT (the Swift runtime
// does), and forwards to glibc's `__libc_malloc`. The count is per thread, so tests running
// concurrently on other threads do not disturb it, and it is a plain increment of
// local-exec TLS, which allocates nothing itself.
#include "AllocationCounting.h"

#include <stddef.h>
#include <stdlib.h>

#if defined(__linux__) && defined(__GLIBC__)
extern void *__libc_malloc(size_t size);

static _Thread_local long allocations;

void *malloc(size_t size) {
  allocations += 1;
  return __libc_malloc(size);
}

void variational_reset_allocation_count(void) { allocations = 0; }

long variational_allocation_count(void) { return allocations; }
#else
// Elsewhere nothing is counted: the count is −1.
void variational_reset_allocation_count(void) {}

long variational_allocation_count(void) { return -1; }
#endif
