#ifndef VARIATIONAL_EXP_OF_NONPOSITIVE_H
#define VARIATIONAL_EXP_OF_NONPOSITIVE_H

#include <stdint.h>
#include <string.h>

// Branch-free approximations of e^x for x ≤ 0 that vectorise, shared by the kernels (not part
// of the module's public header). Both write x = n·ln 2 + r with |r| ≤ ½ ln 2 (n rounded by
// adding and subtracting 1.5·2^mantissa bits; ln 2 split in a short part, so that n·ln2_high
// is exact, and a long part), take e^r from its Taylor series, and write 2ⁿ into the exponent
// bits. The double version (logistic regression's likelihood) keeps r¹², the float version
// (the VAE's sigmoid cross-entropy) r⁷: each is as precise as its type needs.

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

/// e^x for x ≤ 0: x = n·ln 2 + r with |r| ≤ ½ ln 2 (ln 2 split in a short and a long part so
/// that n·ln2_high is exact), e^r from its Taylor series to r⁷ (truncation error < 6·10⁻⁹),
/// and 2ⁿ written into the exponent bits. Inputs below −87 give e^−87 ≈ 1.6·10⁻³⁸.
static inline float exp_of_nonpositive_float(float x) {
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

#endif
