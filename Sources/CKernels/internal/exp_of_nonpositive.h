#ifndef VARIATIONAL_EXP_OF_NONPOSITIVE_H
#define VARIATIONAL_EXP_OF_NONPOSITIVE_H

#include <stdint.h>
#include <string.h>

// Branch-free approximations of e^x for x ≤ 0 that vectorise, shared by the kernels (not part
// of the module's public header). One definition serves both precisions:
//
//   x = n·ln 2 + r with |r| ≤ ½ ln 2: n rounded by adding and subtracting 1.5·2^mantissa bits,
//   ln 2 split in a short part (so that n·ln2_high is exact) and a long part;
//   e^r from its Taylor series Σ r^k/k! to the given degree, by Horner's rule;
//   2ⁿ written into the exponent bits.
//
// The double version (logistic regression's likelihood) keeps r¹² (truncation error 2·10⁻¹⁶
// relative, within 2 ulp of e^x), the float version (the VAE's sigmoid cross-entropy) r⁷
// (< 6·10⁻⁹): each is as precise as its type needs. Inputs below the clamp give its
// exponential (e^−708 ≈ 3·10⁻³⁰⁸, e^−87 ≈ 1.6·10⁻³⁸).

/// k! for k ≤ 12, each exact in float and double.
static const double variational_factorials[13] = {
    1.0, 1.0, 2.0, 6.0, 24.0, 120.0, 720.0, 5040.0, 40320.0, 362880.0, 3628800.0, 39916800.0,
    479001600.0};

#define VARIATIONAL_DEFINE_EXP_OF_NONPOSITIVE(                                                   \
    NAME, REAL, BITS, MANTISSA_BITS, EXPONENT_BIAS, CLAMP, LN2_HIGH, LN2_LOW, DEGREE)           \
  static inline REAL NAME(REAL x) {                                                             \
    const REAL round_to_integer = (REAL)(1.5 * (double)((int64_t)1 << (MANTISSA_BITS)));       \
    x = x < (CLAMP) ? (CLAMP) : x;                                                              \
    REAL n = (x * (REAL)1.4426950408889634 + round_to_integer) - round_to_integer;              \
    REAL r = x - n * (LN2_HIGH);                                                                \
    r = r - n * (LN2_LOW);                                                                      \
    REAL p = (REAL)1 / (REAL)variational_factorials[DEGREE];                                    \
    for (int k = (DEGREE) - 1; k >= 0; k--) p = p * r + (REAL)1 / (REAL)variational_factorials[k]; \
    BITS bits = ((BITS)n + (EXPONENT_BIAS)) << (MANTISSA_BITS);                                 \
    REAL scale;                                                                                 \
    memcpy(&scale, &bits, sizeof scale);                                                        \
    return p * scale;                                                                           \
  }

/// e^x for −708 ≤ x ≤ 0 (smaller x are clamped), Taylor series to r¹².
VARIATIONAL_DEFINE_EXP_OF_NONPOSITIVE(
    exp_of_nonpositive, double, int64_t, 52, 1023, -708.0, 0.6931471803691238,
    1.9082149292705877e-10, 12)

/// e^x for −87 ≤ x ≤ 0 (smaller x are clamped), Taylor series to r⁷.
VARIATIONAL_DEFINE_EXP_OF_NONPOSITIVE(
    exp_of_nonpositive_float, float, int32_t, 23, 127, -87.0f, 0.693145751953125f,
    1.428606765330187045e-6f, 7)

#undef VARIATIONAL_DEFINE_EXP_OF_NONPOSITIVE

#endif
