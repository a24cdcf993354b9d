// The C BLAS interface: Accelerate on Apple platforms, OpenBLAS elsewhere
// (Debian: `apt-get install libopenblas-dev`). Linking is declared in Package.swift.
#ifndef VARIATIONAL_CBLAS_SHIM_H
#define VARIATIONAL_CBLAS_SHIM_H
#if defined(__APPLE__)
#define ACCELERATE_NEW_LAPACK 1
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif
#endif
