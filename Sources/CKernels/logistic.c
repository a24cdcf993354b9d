#include "CKernels.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

// The Bernoulli-logit log likelihood of logistic regression in double precision, with a
// branch-free e^x that vectorises (compiled for AVX2 with FMA and for baseline SSE2; the loader
// picks the clone for the CPU).

/// e^x for −708 ≤ x ≤ 0 (smaller x are clamped; e^−708 ≈ 3·10⁻³⁰⁸): x = n·ln 2 + r with
/// |r| ≤ ½ ln 2, ln 2 split in a 32-bit and a long part so that n·ln2_high is exact, e^r from
/// its Taylor series to r¹² (truncation error 2·10⁻¹⁶ relative), and 2ⁿ written into the
/// exponent bits: within 2 ulp of e^x.
static inline double exp_of_nonpositive(double x) {
  const double round_to_integer = 6755399441055744.0;  // 1.5·2⁵²: adding it rounds.
  x = x < -708.0 ? -708.0 : x;
  double n = (x * 1.4426950408889634 + round_to_integer) - round_to_integer;
  double r = x - n * 0.6931471803691238;
  r = r - n * 1.9082149292705877e-10;
  double p = 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  int64_t bits = ((int64_t)n + 1023) << 52;
  double scale;
  memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

__attribute__((target_clones("arch=x86-64-v3", "default")))
void variational_logistic_rows(
    double *logits, const double *outcomes, size_t rows, size_t columns, double *totals) {
  enum { block = 32 };
  double e[block];
  for (size_t row = 0; row < rows; row++) {
    double *l = logits + row * columns;
    double total = 0, log_sum = 0;
    for (size_t start = 0; start < columns; start += block) {
      size_t count = columns - start < block ? columns - start : block;
      for (size_t i = 0; i < count; i++) e[i] = exp_of_nonpositive(-fabs(l[start + i]));
      double product = 1;
      for (size_t i = 0; i < count; i++) {
        double logit = l[start + i], y = outcomes[start + i], ei = e[i];
        total += y * logit - (logit > 0 ? logit : 0);
        product *= 1 + ei;
        l[start + i] = y - (logit >= 0 ? 1 / (1 + ei) : ei / (1 + ei));
      }
      log_sum += log(product);
    }
    totals[row] = total - log_sum;
  }
}
