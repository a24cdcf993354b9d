#include "CKernels.h"
#include "../internal/cpu_features.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

// Standard normal draws by the Box–Muller transform in double precision,
//   z₀ = √(−2 log u₁) cos(2π u₂),   z₁ = √(−2 log u₁) sin(2π u₂),
// with log, sin and cos as polynomials that vectorise (4 pairs per step with AVX2 and FMA).
// Every path evaluates the same operations in the same order with fused multiply-adds, so the
// draws are identical whichever path runs; they are within a few ulp of libm's.

#define LN2_HIGH 0.6931471803691238       // ln 2 with its last 32 bits zero: e · LN2_HIGH is exact
#define LN2_LOW 1.9082149292705877e-10    // ln 2 − LN2_HIGH
#define TWO_PI_HIGH 6.283185307179586     // 2π rounded to double
#define TWO_PI_LOW 2.4492935982947064e-16 // 2π − TWO_PI_HIGH

/// log u for 0 < u ≤ 1 (normal numbers): u = m · 2ᵉ with m in [√½, √2), s = (m − 1)/(m + 1),
/// log m = 2 artanh s = 2s + 2s³/3 + … + 2s²¹/21 (|s| ≤ 0.172: truncation below 10⁻¹⁸).
static inline double log_unit(double u) {
  uint64_t bits;
  memcpy(&bits, &u, sizeof bits);
  double e = (double)(int64_t)(bits >> 52) - 1023;
  uint64_t mantissa_bits = (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
  double m;
  memcpy(&m, &mantissa_bits, sizeof m);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  double f = m - 1, s = f / (m + 1), z = s * s;
  double p = 2.0 / 21;
  p = fma(p, z, 2.0 / 19);
  p = fma(p, z, 2.0 / 17);
  p = fma(p, z, 2.0 / 15);
  p = fma(p, z, 2.0 / 13);
  p = fma(p, z, 2.0 / 11);
  p = fma(p, z, 2.0 / 9);
  p = fma(p, z, 2.0 / 7);
  p = fma(p, z, 2.0 / 5);
  p = fma(p, z, 2.0 / 3);
  double log_m = fma(s * z, p, 2 * s);
  return fma(e, LN2_HIGH, fma(e, LN2_LOW, log_m));
}

/// sin x and cos x for |x| ≤ π/4 from their Taylor series to x¹⁷ and x¹⁶.
static inline void sin_cos_small(double x, double *sine, double *cosine) {
  double z = x * x;
  double s = -1.0 / 355687428096000.0;
  s = fma(s, z, 1.0 / 1307674368000.0);
  s = fma(s, z, -1.0 / 6227020800.0);
  s = fma(s, z, 1.0 / 39916800.0);
  s = fma(s, z, -1.0 / 362880.0);
  s = fma(s, z, 1.0 / 5040.0);
  s = fma(s, z, -1.0 / 120.0);
  s = fma(s, z, 1.0 / 6.0);
  // sin x = x − x³ (1/6 − …)
  *sine = fma(-x * z, s, x);
  double c = 1.0 / 20922789888000.0;
  c = fma(c, z, -1.0 / 87178291200.0);
  c = fma(c, z, 1.0 / 479001600.0);
  c = fma(c, z, -1.0 / 3628800.0);
  c = fma(c, z, 1.0 / 40320.0);
  c = fma(c, z, -1.0 / 720.0);
  c = fma(c, z, 1.0 / 24.0);
  c = fma(c, z, -0.5);
  *cosine = fma(z, c, 1.0);
}

/// The pair for u₁ in (0, 1] and u₂ in [0, 1): the angle 2πu₂ = qπ/2 + x with q the nearest
/// quarter turn (t − q/4 is exact) and |x| ≤ π/4.
static inline void normal_pair(double u1, double u2, double *z0, double *z1) {
  double radius = sqrt(-2 * log_unit(u1));
  double q = nearbyint(4 * u2);
  double r = u2 - 0.25 * q;
  double x = fma(r, TWO_PI_HIGH, r * TWO_PI_LOW);
  double s, c;
  sin_cos_small(x, &s, &c);
  int quadrant = (int)q & 3;
  double cosine = quadrant == 0 ? c : quadrant == 1 ? -s : quadrant == 2 ? -c : s;
  double sine = quadrant == 0 ? s : quadrant == 1 ? c : quadrant == 2 ? -s : -c;
  *z0 = radius * cosine;
  *z1 = radius * sine;
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma"))) static inline __m256d log_unit4(__m256d u) {
  __m256i bits = _mm256_castpd_si256(u);
  // The biased exponent as a double: its 11 bits under 2⁵², minus 2⁵².
  __m256i biased = _mm256_srli_epi64(bits, 52);
  __m256d e = _mm256_sub_pd(
      _mm256_castsi256_pd(_mm256_or_si256(biased, _mm256_set1_epi64x(0x4330000000000000LL))),
      _mm256_set1_pd(4503599627370496.0 + 1023));
  __m256d m = _mm256_castsi256_pd(_mm256_or_si256(
      _mm256_and_si256(bits, _mm256_set1_epi64x(0x000fffffffffffffLL)),
      _mm256_set1_epi64x(0x3ff0000000000000LL)));
  __m256d large = _mm256_cmp_pd(m, _mm256_set1_pd(1.4142135623730951), _CMP_GT_OQ);
  m = _mm256_blendv_pd(m, _mm256_mul_pd(m, _mm256_set1_pd(0.5)), large);
  e = _mm256_add_pd(e, _mm256_and_pd(large, _mm256_set1_pd(1)));
  __m256d one = _mm256_set1_pd(1);
  __m256d s = _mm256_div_pd(_mm256_sub_pd(m, one), _mm256_add_pd(m, one));
  __m256d z = _mm256_mul_pd(s, s);
#define K(v) _mm256_set1_pd(v)
  __m256d p = K(2.0 / 21);
  p = _mm256_fmadd_pd(p, z, K(2.0 / 19));
  p = _mm256_fmadd_pd(p, z, K(2.0 / 17));
  p = _mm256_fmadd_pd(p, z, K(2.0 / 15));
  p = _mm256_fmadd_pd(p, z, K(2.0 / 13));
  p = _mm256_fmadd_pd(p, z, K(2.0 / 11));
  p = _mm256_fmadd_pd(p, z, K(2.0 / 9));
  p = _mm256_fmadd_pd(p, z, K(2.0 / 7));
  p = _mm256_fmadd_pd(p, z, K(2.0 / 5));
  p = _mm256_fmadd_pd(p, z, K(2.0 / 3));
  __m256d log_m = _mm256_fmadd_pd(_mm256_mul_pd(s, z), p, _mm256_add_pd(s, s));
  return _mm256_fmadd_pd(e, K(LN2_HIGH), _mm256_fmadd_pd(e, K(LN2_LOW), log_m));
}

/// Four pairs from u₁ = u1[0..<4] and u₂ = u2[0..<4], written interleaved to out[0..<8].
__attribute__((target("avx2,fma"))) static void normal_pairs4(
    const double *u1, const double *u2, double *out) {
  __m256d radius = _mm256_sqrt_pd(_mm256_mul_pd(K(-2), log_unit4(_mm256_loadu_pd(u1))));
  __m256d t = _mm256_loadu_pd(u2);
  __m256d q =
      _mm256_round_pd(_mm256_mul_pd(K(4), t), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256d r = _mm256_fnmadd_pd(K(0.25), q, t);
  __m256d x = _mm256_fmadd_pd(r, K(TWO_PI_HIGH), _mm256_mul_pd(r, K(TWO_PI_LOW)));
  __m256d z = _mm256_mul_pd(x, x);
  __m256d s = K(-1.0 / 355687428096000.0);
  s = _mm256_fmadd_pd(s, z, K(1.0 / 1307674368000.0));
  s = _mm256_fmadd_pd(s, z, K(-1.0 / 6227020800.0));
  s = _mm256_fmadd_pd(s, z, K(1.0 / 39916800.0));
  s = _mm256_fmadd_pd(s, z, K(-1.0 / 362880.0));
  s = _mm256_fmadd_pd(s, z, K(1.0 / 5040.0));
  s = _mm256_fmadd_pd(s, z, K(-1.0 / 120.0));
  s = _mm256_fmadd_pd(s, z, K(1.0 / 6.0));
  __m256d sine = _mm256_fmadd_pd(_mm256_mul_pd(_mm256_sub_pd(_mm256_setzero_pd(), x), z), s, x);
  __m256d c = K(1.0 / 20922789888000.0);
  c = _mm256_fmadd_pd(c, z, K(-1.0 / 87178291200.0));
  c = _mm256_fmadd_pd(c, z, K(1.0 / 479001600.0));
  c = _mm256_fmadd_pd(c, z, K(-1.0 / 3628800.0));
  c = _mm256_fmadd_pd(c, z, K(1.0 / 40320.0));
  c = _mm256_fmadd_pd(c, z, K(-1.0 / 720.0));
  c = _mm256_fmadd_pd(c, z, K(1.0 / 24.0));
  c = _mm256_fmadd_pd(c, z, K(-0.5));
  __m256d cosine = _mm256_fmadd_pd(z, c, K(1));
#undef K
  // Quadrants: odd ones swap sine and cosine; cos is negated in 1 and 2, sin in 2 and 3.
  __m256i quadrant = _mm256_and_si256(
      _mm256_castpd_si256(_mm256_add_pd(q, _mm256_set1_pd(6755399441055744.0))),
      _mm256_set1_epi64x(3));
  __m256d odd = _mm256_castsi256_pd(
      _mm256_cmpeq_epi64(_mm256_and_si256(quadrant, _mm256_set1_epi64x(1)), _mm256_set1_epi64x(1)));
  __m256d a = _mm256_blendv_pd(cosine, sine, odd), b = _mm256_blendv_pd(sine, cosine, odd);
  __m256i one_or_two = _mm256_or_si256(
      _mm256_cmpeq_epi64(quadrant, _mm256_set1_epi64x(1)),
      _mm256_cmpeq_epi64(quadrant, _mm256_set1_epi64x(2)));
  __m256i two_or_three = _mm256_cmpeq_epi64(
      _mm256_and_si256(quadrant, _mm256_set1_epi64x(2)), _mm256_set1_epi64x(2));
  __m256d sign = _mm256_set1_pd(-0.0);
  a = _mm256_xor_pd(a, _mm256_and_pd(_mm256_castsi256_pd(one_or_two), sign));
  b = _mm256_xor_pd(b, _mm256_and_pd(_mm256_castsi256_pd(two_or_three), sign));
  __m256d z0 = _mm256_mul_pd(radius, a), z1 = _mm256_mul_pd(radius, b);
  __m256d low = _mm256_unpacklo_pd(z0, z1), high = _mm256_unpackhi_pd(z0, z1);
  _mm256_storeu_pd(out, _mm256_permute2f128_pd(low, high, 0x20));
  _mm256_storeu_pd(out + 4, _mm256_permute2f128_pd(low, high, 0x31));
}

#endif

void variational_standard_normals(const double *u1, const double *u2, size_t count, double *out) {
  size_t pairs = (count + 1) / 2, i = 0;
#if defined(__x86_64__)
  if (variational_has_avx2_fma()) {
    for (; i + 4 <= pairs && 2 * i + 8 <= count; i += 4) normal_pairs4(u1 + i, u2 + i, out + 2 * i);
    // The rest through the same vector code, padded.
    if (i < pairs) {
      double a[4] = {1, 1, 1, 1}, b[4] = {0, 0, 0, 0}, z[8];
      for (size_t k = i; k < pairs; k++) {
        a[k - i] = u1[k];
        b[k - i] = u2[k];
      }
      normal_pairs4(a, b, z);
      for (size_t k = 2 * i; k < count; k++) out[k] = z[k - 2 * i];
    }
    return;
  }
#endif
  for (; i < pairs; i++) {
    double z0, z1;
    normal_pair(u1[i], u2[i], &z0, &z1);
    out[2 * i] = z0;
    if (2 * i + 1 < count) out[2 * i + 1] = z1;
  }
}
