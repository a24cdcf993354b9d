#include "CKernels.h"

// The elementwise ends of a dense layer, y = f(x·W + b), for f = identity or relu, written as
// plain loops that the compiler vectorises; compiled for AVX2 and for baseline x86-64.

__attribute__((target_clones("arch=x86-64-v3", "default")))
void variational_bias_activation_float(
    float *y, const float *bias, size_t rows, size_t columns, int relu) {
  for (size_t row = 0; row < rows; row++) {
    float *restrict out = y + row * columns;
    if (relu) {
      for (size_t j = 0; j < columns; j++) {
        float z = out[j] + bias[j];
        out[j] = z > 0.0f ? z : 0.0f;
      }
    } else {
      for (size_t j = 0; j < columns; j++) out[j] = out[j] + bias[j];
    }
  }
}

__attribute__((target_clones("arch=x86-64-v3", "default")))
void variational_bias_activation_gradient_float(
    const float *gradient, const float *y, float *preactivation_gradient, float *bias_gradient,
    size_t rows, size_t columns, size_t stride, int relu) {
  for (size_t j = 0; j < columns; j++) bias_gradient[j] = 0.0f;
  for (size_t row = 0; row < rows; row++) {
    const float *restrict g = gradient + row * stride;
    float *restrict gb = bias_gradient;
    if (relu) {
      const float *restrict out = y + row * stride;
      float *restrict gz = preactivation_gradient + row * stride;
      for (size_t j = 0; j < columns; j++) {
        float value = out[j] > 0.0f ? g[j] : 0.0f;
        gz[j] = value;
        gb[j] += value;
      }
    } else {
      for (size_t j = 0; j < columns; j++) gb[j] += g[j];
    }
  }
}

__attribute__((target_clones("arch=x86-64-v3", "default")))
void variational_relu_float(float *y, size_t count) {
  for (size_t i = 0; i < count; i++) y[i] = y[i] > 0.0f ? y[i] : 0.0f;
}
