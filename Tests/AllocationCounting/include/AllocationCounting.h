#ifndef VARIATIONAL_ALLOCATION_COUNTING_H
#define VARIATIONAL_ALLOCATION_COUNTING_H

/// Sets the calling thread's count of heap allocations to zero. Test binaries that link this
/// target count every call to `malloc`, per thread: each Swift object and array
/// (`swift_allocObject` allocates through `malloc`) and each tensor buffer that the buffer
/// cache does not serve.
void variational_reset_allocation_count(void);

/// The calls to `malloc` made on the calling thread since the last reset.
long variational_allocation_count(void);

#endif
