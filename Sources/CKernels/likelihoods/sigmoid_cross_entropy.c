#include "CKernels.h"
#include "../internal/exp_of_nonpositive.h"
#include <stdint.h>
#include <string.h>

// Branch-free float approximations of e^x (x ≤ 0, exp_of_nonpositive.h) and log(1 + y)
// (0 ≤ y ≤ 1), accurate to a few units in the last place, so that the loss loop below
// vectorises. Compiled twice (AVX2 with FMA, and baseline SSE2); the loader picks the clone
// for the CPU.

/// log(1 + y) for 0 ≤ y ≤ 1 as 2·atanh(s) with s = y / (2 + y) ≤ ⅓:
///   2s (1 + s²/3 + s⁴/5 + … + s¹⁴/15),
/// whose truncation error is below 2·10⁻⁹ relative; no cancellation for small y.
static inline float log_one_plus_unit(float y) {
  float s = y / (2.0f + y);
  float t = s * s;
  float q = 1.0f / 15.0f;
  for (int k = 6; k >= 1; k--) q = q * t + 1.0f / (float)(2 * k + 1);  // Horner's rule.
  return 2.0f * s + 2.0f * s * (t * q);
}

__attribute__((target_clones("arch=x86-64-v3", "default")))
void variational_sigmoid_cross_entropy_rows(
    const float *logits, const float *labels, size_t rows, size_t columns, size_t label_rows,
    size_t first_row, float *row_sums, float *gradient) {
  for (size_t row = 0; row < rows; row++) {
    const float *l = logits + row * columns;
    const float *x = labels + ((first_row + row) % label_rows) * columns;
    float total = 0.0f;
    if (gradient) {
      float *d = gradient + row * columns;
      // The row sum may be reassociated (summed in vector lanes).
#pragma clang loop vectorize(enable)
      for (size_t j = 0; j < columns; j++) {
        float magnitude = l[j] < 0.0f ? -l[j] : l[j];
        float e = exp_of_nonpositive_float(-magnitude);
        float positive = l[j] > 0.0f ? l[j] : 0.0f;
        total += (positive - x[j] * l[j]) + log_one_plus_unit(e);
        float numerator = l[j] >= 0.0f ? 1.0f : e;
        d[j] = numerator / (1.0f + e) - x[j];
      }
    } else {
      // The row sum may be reassociated (summed in vector lanes).
#pragma clang loop vectorize(enable)
      for (size_t j = 0; j < columns; j++) {
        float magnitude = l[j] < 0.0f ? -l[j] : l[j];
        float e = exp_of_nonpositive_float(-magnitude);
        float positive = l[j] > 0.0f ? l[j] : 0.0f;
        total += (positive - x[j] * l[j]) + log_one_plus_unit(e);
      }
    }
    row_sums[row] = total;
  }
}
