// Open MPI's C API (Debian: libopenmpi-dev; flags from pkg-config's ompi-c). Swift code
// reaches it through CMPIShim, since MPI_COMM_WORLD, MPI_FLOAT and MPI_SUM are macros.
#include <mpi.h>
