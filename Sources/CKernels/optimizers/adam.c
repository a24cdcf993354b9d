#include "CKernels.h"

// Results must equal the scalar formula bit for bit: no fused multiply–adds, and square roots
// through the correctly rounded vector instruction (`__builtin_elementwise_sqrt` has no errno
// path, so the loop vectorises, 8 lanes wide in the AVX2 clone).
#pragma clang fp contract(off)

__attribute__((target_clones("arch=x86-64-v3", "default")))
void variational_adam_update_float(
    float *theta, float *m, float *v, const float *gradient, size_t count,
    float one_minus_beta1, float beta2, float one_minus_beta2, float correction2_root,
    float epsilon, float step_size, float weight_decay) {
  for (size_t i = 0; i < count; i++) {
    float g = gradient[i] + weight_decay * theta[i];
    float mi = m[i] + one_minus_beta1 * (g - m[i]);
    float g2 = one_minus_beta2 * g * g;
    float vi = v[i] * beta2 + g2;
    float denominator = __builtin_elementwise_sqrt(vi) / correction2_root + epsilon;
    theta[i] = theta[i] - step_size * (mi / denominator);
    m[i] = mi;
    v[i] = vi;
  }
}

__attribute__((target_clones("arch=x86-64-v3", "default")))
void variational_adam_update_double(
    double *theta, double *m, double *v, const double *gradient, size_t count,
    double one_minus_beta1, double beta2, double one_minus_beta2, double correction2_root,
    double epsilon, double step_size, double weight_decay) {
  for (size_t i = 0; i < count; i++) {
    double g = gradient[i] + weight_decay * theta[i];
    double mi = m[i] + one_minus_beta1 * (g - m[i]);
    double g2 = one_minus_beta2 * g * g;
    double vi = v[i] * beta2 + g2;
    double denominator = __builtin_elementwise_sqrt(vi) / correction2_root + epsilon;
    theta[i] = theta[i] - step_size * (mi / denominator);
    m[i] = mi;
    v[i] = vi;
  }
}
