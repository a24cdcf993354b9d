#include "CMPIShim.h"

// Compiled only with the package trait MPI (which defines VARIATIONAL_MPI and adds the CMPI
// dependency with Open MPI's include path); without it this target is empty.
#ifdef VARIATIONAL_MPI

#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int variational_mpi_initialize(void) {
  int provided = 0;
  int code = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
  if (code != MPI_SUCCESS) return code;
  return MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

int variational_mpi_is_initialized(void) {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  return initialized && !finalized;
}

int variational_mpi_rank(void) {
  int rank = -1;
  return MPI_Comm_rank(MPI_COMM_WORLD, &rank) == MPI_SUCCESS ? rank : -1;
}

int variational_mpi_size(void) {
  int size = -1;
  return MPI_Comm_size(MPI_COMM_WORLD, &size) == MPI_SUCCESS ? size : -1;
}

static const size_t largest_message = (size_t)1 << 30;

/// In-place MPI_Allreduce (MPI_SUM) of `count` elements of `type`, each `size` bytes, in
/// messages of at most 2^30 elements.
static int sum_in_place(void *buffer, size_t count, size_t size, MPI_Datatype type) {
  char *bytes = buffer;
  for (size_t start = 0; start < count; start += largest_message) {
    size_t n = count - start < largest_message ? count - start : largest_message;
    int code = MPI_Allreduce(MPI_IN_PLACE, bytes + start * size, (int)n, type, MPI_SUM,
                             MPI_COMM_WORLD);
    if (code != MPI_SUCCESS) return code;
  }
  return MPI_SUCCESS;
}

int variational_mpi_sum_floats(float *buffer, size_t count) {
  return sum_in_place(buffer, count, sizeof(float), MPI_FLOAT);
}

int variational_mpi_sum_doubles(double *buffer, size_t count) {
  return sum_in_place(buffer, count, sizeof(double), MPI_DOUBLE);
}

int variational_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

void variational_mpi_error_text(int code, char *text, size_t capacity) {
  if (capacity == 0) return;
  char message[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(code, message, &length) != MPI_SUCCESS) {
    snprintf(text, capacity, "MPI error %d", code);
    return;
  }
  snprintf(text, capacity, "%.*s", length, message);
}

int variational_mpi_finalize(void) { return MPI_Finalize(); }

void variational_mpi_abort(int status) {
  MPI_Abort(MPI_COMM_WORLD, status);
  exit(status);
}

#endif  // VARIATIONAL_MPI
