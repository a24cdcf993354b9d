#include "CKernels.h"
#include <stdint.h>
#include <string.h>

// Branch-free float approximations of e^x (x ≤ 0) and log(1 + y) (0 ≤ y ≤ 1), accurate to a
// few units in the last place, so that the loss loop below vectorises. Compiled twice (AVX2
// with FMA, and baseline SSE2); the loader picks the clone for the CPU.

/// e^x for x ≤ 0: x = n·ln 2 + r with |r| ≤ ½ ln 2 (ln 2 split in a short and a long part so
/// that n·ln2_high is exact), e^r from its Taylor series to r⁷ (truncation error < 6·10⁻⁹),
/// and 2ⁿ written into the exponent bits. Inputs below −87 give e^−87 ≈ 1.6·10⁻³⁸.
static inline float exp_of_nonpositive(float x) {
  const float round_to_integer = 12582912.0f;  // 1.5·2²³: adding it rounds to an integer.
  x = x < -87.0f ? -87.0f : x;
  float n = (x * 1.44269504088896341f + round_to_integer) - round_to_integer;
  float r = x - n * 0.693145751953125f;
  r = r - n * 1.428606765330187045e-6f;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  int32_t bits = ((int32_t)n + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

/// log(1 + y) for 0 ≤ y ≤ 1 as 2·atanh(s) with s = y / (2 + y) ≤ ⅓:
///   2s (1 + s²/3 + s⁴/5 + … + s¹⁴/15),
/// whose truncation error is below 2·10⁻⁹ relative; no cancellation for small y.
static inline float log_one_plus_unit(float y) {
  float s = y / (2.0f + y);
  float t = s * s;
  float q = 1.0f / 15.0f;
  q = q * t + 1.0f / 13.0f;
  q = q * t + 1.0f / 11.0f;
  q = q * t + 1.0f / 9.0f;
  q = q * t + 1.0f / 7.0f;
  q = q * t + 1.0f / 5.0f;
  q = q * t + 1.0f / 3.0f;
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
        float e = exp_of_nonpositive(-magnitude);
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
        float e = exp_of_nonpositive(-magnitude);
        float positive = l[j] > 0.0f ? l[j] : 0.0f;
        total += (positive - x[j] * l[j]) + log_one_plus_unit(e);
      }
    }
    row_sums[row] = total;
  }
}
