#ifndef VARIATIONAL_CMPI_SHIM_H
#define VARIATIONAL_CMPI_SHIM_H

#include <stddef.h>

// The few MPI calls data-parallel training makes, as plain C functions over MPI_COMM_WORLD:
// Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_DOUBLE, MPI_SUM) are macros that Swift
// cannot import. Every function returns an MPI error code (0 is MPI_SUCCESS) unless noted;
// errors are returned, not fatal (MPI_ERRORS_RETURN), so the caller can say what failed.

/// MPI_Init_thread with MPI_THREAD_FUNNELED (only the main thread calls MPI).
int variational_mpi_initialize(void);
/// Whether MPI_Init has been called and MPI_Finalize has not.
int variational_mpi_is_initialized(void);
/// This process's rank in MPI_COMM_WORLD (-1 on error).
int variational_mpi_rank(void);
/// The size of MPI_COMM_WORLD (-1 on error).
int variational_mpi_size(void);
/// In-place MPI_Allreduce with MPI_SUM over `count` floats, in messages of at most 2^30
/// elements (MPI counts are `int`).
int variational_mpi_sum_floats(float *buffer, size_t count);
/// In-place MPI_Allreduce with MPI_SUM over `count` doubles, as above.
int variational_mpi_sum_doubles(double *buffer, size_t count);
/// MPI_Barrier on MPI_COMM_WORLD.
int variational_mpi_barrier(void);
/// The text of MPI error `code`, written to `text` (at most `capacity` bytes, NUL included).
void variational_mpi_error_text(int code, char *text, size_t capacity);
/// MPI_Finalize.
int variational_mpi_finalize(void);
/// MPI_Abort(MPI_COMM_WORLD, status): ends every process of the job. Does not return.
void variational_mpi_abort(int status);

#endif
