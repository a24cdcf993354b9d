// Small numeric kernels in C, for loops that Swift does not vectorise: Swift's
// `squareRoot()` goes through `sqrtf` with its errno path, which keeps the compiler from using
// packed square roots.
#ifndef VARIATIONAL_CKERNELS_H
#define VARIATIONAL_CKERNELS_H
#include <stddef.h>

/// One Adam step on `count` parameters, in place (Kingma & Ba 2015, in PyTorch's order of
/// operations, so results equal the scalar Swift loop bit for bit):
///   g  = gradient + weight_decay · θ
///   m += (1 − β₁)(g − m)
///   v  = β₂ v + (1 − β₂) g²
///   θ −= step · m / (√v / √(1 − β₂ᵗ) + ε)
void variational_adam_update_float(
    float *theta, float *m, float *v, const float *gradient, size_t count,
    float one_minus_beta1, float beta2, float one_minus_beta2, float correction2_root,
    float epsilon, float step_size, float weight_decay);

/// The same step in double precision, for variational inference.
void variational_adam_update_double(
    double *theta, double *m, double *v, const double *gradient, size_t count,
    double one_minus_beta1, double beta2, double one_minus_beta2, double correction2_root,
    double epsilon, double step_size, double weight_decay);

#endif
