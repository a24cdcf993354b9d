// The compute backend for single-precision matrix products and convolutions: oneDNN (Intel's
// deep-learning library, what PyTorch runs its CPU convolutions on) where it is installed
// (Debian: `apt-get install libdnnl-dev`), chosen over OpenBLAS by measurement because it picks
// the CPU's widest vector units at run time (AVX-512 where there is, AVX2 elsewhere) and is not
// governed by the `OPENBLAS_*` variables (Benchmarks/README.md, "Compute backend"). Where it is
// not installed (Apple platforms) every function here returns 0 and the callers use BLAS.
#ifndef VARIATIONAL_CCOMPUTE_H
#define VARIATIONAL_CCOMPUTE_H
#include <stddef.h>

/// 1 when this build calls oneDNN, 0 when the functions below only return 0.
int variational_compute_available(void);

/// Runs every call below on the calling thread alone (`single` ≠ 0), as the library does when it
/// shares work between its own two threads, or lets oneDNN use its OpenMP threads (0, the start).
void variational_compute_set_single_threaded(int single);

/// The instruction set oneDNN's kernels use on this machine ("avx512_core", "avx2", …), or
/// "none" where oneDNN is not available.
const char *variational_compute_isa(void);

/// Limits oneDNN to AVX2 kernels, as the environment variable ONEDNN_MAX_CPU_ISA=AVX2 does;
/// 1 if the limit took effect (it cannot change once oneDNN has made its first kernel).
int variational_compute_limit_to_avx2(void);

/// C ← α·op(A)·op(B) + β·C for row-major matrices (`op(X) = Xᵀ` when the flag is set), `op(A)`
/// m × k and `op(B)` k × n, with oneDNN's `dnnl_sgemm`. 1 on success, 0 when not available.
int variational_sgemm(
    int transpose_a, int transpose_b, long m, long n, long k, float alpha, const float *a,
    long lda, const float *b, long ldb, float beta, float *c, long ldc);

/// A 2-D convolution (cross-correlation) of a batch of NCHW images with OIHW filters, square
/// kernel, equal stride and padding on both axes, no dilation: input [batch, input_channels,
/// height, width], weight [output_channels, input_channels, k, k], output [batch,
/// output_channels, output_height, output_width]. The padding is `padding` at the top and
/// left and whatever makes the output size right at the bottom and right (a transposed
/// convolution's output padding).
typedef struct {
  long batch, input_channels, height, width;
  long output_channels, kernel_size, stride, padding;
  long output_height, output_width;
} variational_convolution;

/// y = conv(x, w), overwriting y (no bias). 1 on success, 0 when not available or the shapes
/// are not supported.
int variational_convolution_forward(
    const variational_convolution *shape, const float *x, const float *w, float *y);

/// x̄ = convᵀ(ȳ): the gradient of the convolution with respect to its input for an output
/// gradient ȳ, overwriting x̄; also the forward pass of the transposed convolution.
int variational_convolution_backward_data(
    const variational_convolution *shape, const float *output_gradient, const float *w,
    float *input_gradient);

/// w̄ = Σ ȳ ⋆ x: the gradient of the convolution with respect to its weight, overwriting w̄.
int variational_convolution_backward_weights(
    const variational_convolution *shape, const float *x, const float *output_gradient,
    float *weight_gradient);

#endif
