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

// ---- Value and gradient in one pass over the design matrix.

/// The terms of one logit η with outcome y: adds y η − max(η, 0) to `*total`, multiplies
/// `*product` by 1 + e^{−|η|} (so that log(product) is the sum of the log(1 + e^{−|η|})), and
/// returns the residual y − σ(η).
static inline double logistic_term(double eta, double y, double *total, double *product) {
  double e = exp_of_nonpositive(-fabs(eta));
  *total += y * eta - (eta > 0 ? eta : 0);
  *product *= 1 + e;
  return y - (eta >= 0 ? 1 : e) / (1 + e);
}

/// The plain loops: for each draw, each row's logit, its terms, and the row added to the
/// gradient with its residual as weight.
static void logistic_gradient_portable(
    const double *design, size_t rows, size_t columns, const double *outcomes,
    const double *coefficients, size_t draws, double *values, double *gradients) {
  for (size_t l = 0; l < draws; l++) {
    const double *beta = coefficients + l * columns;
    double *gradient = gradients + l * columns;
    for (size_t j = 0; j < columns; j++) gradient[j] = 0;
    double total = 0, log_sum = 0, product = 1;
    for (size_t i = 0; i < rows; i++) {
      const double *x = design + i * columns;
      double eta = 0;
      for (size_t j = 0; j < columns; j++) eta += x[j] * beta[j];
      double residual = logistic_term(eta, outcomes[i], &total, &product);
      for (size_t j = 0; j < columns; j++) gradient[j] += residual * x[j];
      if (i % 512 == 511) {
        log_sum += log(product);
        product = 1;
      }
    }
    values[l] = total - log_sum - log(product);
  }
}

#if defined(__x86_64__)
#include <immintrin.h>

/// exp_of_nonpositive in four lanes.
__attribute__((target("avx2,fma"))) static inline __m256d exp_of_nonpositive4(__m256d x) {
  const __m256d round_to_integer = _mm256_set1_pd(6755399441055744.0);
  x = _mm256_max_pd(x, _mm256_set1_pd(-708.0));
  __m256d n = _mm256_sub_pd(
      _mm256_fmadd_pd(x, _mm256_set1_pd(1.4426950408889634), round_to_integer), round_to_integer);
  __m256d r = _mm256_fnmadd_pd(n, _mm256_set1_pd(0.6931471803691238), x);
  r = _mm256_fnmadd_pd(n, _mm256_set1_pd(1.9082149292705877e-10), r);
  __m256d p = _mm256_set1_pd(1.0 / 479001600.0);
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 39916800.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 3628800.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 362880.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 40320.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 5040.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 720.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 120.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 24.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 6.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(0.5));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0));
  // 2ⁿ: n + 1023 + 2⁵² holds n + 1023 in its low mantissa bits; shifted into the exponent.
  __m256i biased = _mm256_castpd_si256(_mm256_add_pd(n, _mm256_set1_pd(6755399441055744.0 + 1023)));
  __m256d scale = _mm256_castsi256_pd(_mm256_slli_epi64(biased, 52));
  return _mm256_mul_pd(p, scale);
}

/// The logits of four rows r₀…r₃ of the design for coefficients β, in four lanes: the first
/// `full` columns (a multiple of 4) in vectors, the rest one by one (masked loads and stores
/// are slow on AMD's Zen cores).
__attribute__((target("avx2,fma"))) static inline __m256d four_logits(
    const double *r0, size_t columns, const double *beta, size_t full) {
  const double *r1 = r0 + columns, *r2 = r1 + columns, *r3 = r2 + columns;
  __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
  for (size_t j = 0; j < full; j += 4) {
    __m256d b = _mm256_loadu_pd(beta + j);
    s0 = _mm256_fmadd_pd(_mm256_loadu_pd(r0 + j), b, s0);
    s1 = _mm256_fmadd_pd(_mm256_loadu_pd(r1 + j), b, s1);
    s2 = _mm256_fmadd_pd(_mm256_loadu_pd(r2 + j), b, s2);
    s3 = _mm256_fmadd_pd(_mm256_loadu_pd(r3 + j), b, s3);
  }
  double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
  for (size_t j = full; j < columns; j++) {
    t0 += r0[j] * beta[j];
    t1 += r1[j] * beta[j];
    t2 += r2[j] * beta[j];
    t3 += r3[j] * beta[j];
  }
  __m256d h01 = _mm256_hadd_pd(s0, s1), h23 = _mm256_hadd_pd(s2, s3);
  __m256d sums = _mm256_add_pd(
      _mm256_permute2f128_pd(h01, h23, 0x20), _mm256_permute2f128_pd(h01, h23, 0x31));
  return _mm256_add_pd(sums, _mm256_set_pd(t3, t2, t1, t0));
}

/// g[0..<4W] += Σₖ wₖ · rowₖ[0..<4W] for W = 1…8 vectors of columns, the sums in registers
/// while the rows go by (one broadcast and W loads per row), even and odd rows in separate
/// sums so that consecutive rows' additions overlap.
#define WEIGHTED_ROWS(W)                                                                     \
  __attribute__((target("avx2,fma"))) static void weighted_rows_##W(                          \
      const double *x, size_t n, size_t stride, const double *w, double *g) {                \
    __m256d even[W], odd[W];                                                                  \
    for (int t = 0; t < W; t++) {                                                             \
      even[t] = _mm256_loadu_pd(g + 4 * t);                                                   \
      odd[t] = _mm256_setzero_pd();                                                           \
    }                                                                                         \
    size_t k = 0;                                                                             \
    for (; k + 2 <= n; k += 2) {                                                              \
      __m256d w0 = _mm256_broadcast_sd(w + k), w1 = _mm256_broadcast_sd(w + k + 1);           \
      const double *r0 = x + k * stride, *r1 = r0 + stride;                                   \
      for (int t = 0; t < W; t++) {                                                           \
        even[t] = _mm256_fmadd_pd(w0, _mm256_loadu_pd(r0 + 4 * t), even[t]);                  \
        odd[t] = _mm256_fmadd_pd(w1, _mm256_loadu_pd(r1 + 4 * t), odd[t]);                    \
      }                                                                                       \
    }                                                                                         \
    if (k < n) {                                                                              \
      __m256d w0 = _mm256_broadcast_sd(w + k);                                                \
      for (int t = 0; t < W; t++)                                                             \
        even[t] = _mm256_fmadd_pd(w0, _mm256_loadu_pd(x + k * stride + 4 * t), even[t]);      \
    }                                                                                         \
    for (int t = 0; t < W; t++) _mm256_storeu_pd(g + 4 * t, _mm256_add_pd(even[t], odd[t]));  \
  }
WEIGHTED_ROWS(1)
WEIGHTED_ROWS(2)
WEIGHTED_ROWS(3)
WEIGHTED_ROWS(4)
WEIGHTED_ROWS(5)
WEIGHTED_ROWS(6)
WEIGHTED_ROWS(7)
WEIGHTED_ROWS(8)
#undef WEIGHTED_ROWS

/// gradient += Σₖ wₖ · rowₖ over the n rows of x (`columns` wide): 32 columns at a time with
/// the sums in registers, the last `columns − full` (< 4) one by one.
__attribute__((target("avx2,fma"))) static void add_weighted_rows(
    const double *x, size_t n, size_t columns, size_t full, const double *w, double *gradient) {
  for (size_t start = 0; start < full; start += 32) {
    size_t vectors = (full - start) / 4 < 8 ? (full - start) / 4 : 8;
    const double *stripe = x + start;
    double *g = gradient + start;
    switch (vectors) {
    case 1: weighted_rows_1(stripe, n, columns, w, g); break;
    case 2: weighted_rows_2(stripe, n, columns, w, g); break;
    case 3: weighted_rows_3(stripe, n, columns, w, g); break;
    case 4: weighted_rows_4(stripe, n, columns, w, g); break;
    case 5: weighted_rows_5(stripe, n, columns, w, g); break;
    case 6: weighted_rows_6(stripe, n, columns, w, g); break;
    case 7: weighted_rows_7(stripe, n, columns, w, g); break;
    default: weighted_rows_8(stripe, n, columns, w, g); break;
    }
  }
  double t0 = 0, t1 = 0, t2 = 0;
  size_t rest = columns - full;
  for (size_t k = 0; k < n && rest > 0; k++) {
    const double *tail = x + k * columns + full;
    t0 += w[k] * tail[0];
    if (rest > 1) t1 += w[k] * tail[1];
    if (rest > 2) t2 += w[k] * tail[2];
  }
  if (rest > 0) gradient[full] += t0;
  if (rest > 1) gradient[full + 1] += t1;
  if (rest > 2) gradient[full + 2] += t2;
}

/// The rows of the design in chunks of 32 (8 KB for 31 columns, so the chunk stays in L1
/// between its three phases), per draw: (1) the chunk's logits, four rows at a time; (2) their
/// terms, eight independent 4-lane evaluations of e^{−|η|} that the CPU overlaps; (3) the rows
/// added to the gradient weighted by their residuals, 32 gradient columns at a time in eight
/// vector registers. The design is read from memory once per 8 draws.
__attribute__((target("avx2,fma"))) static void logistic_gradient_avx2(
    const double *design, size_t rows, size_t columns, const double *outcomes,
    const double *coefficients, size_t draws, double *values, double *gradients) {
  enum { chunk = 32, most_draws = 8 };
  size_t full = columns / 4 * 4;
  const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1);
  double eta[chunk], residual[chunk];
  __m256d totals[most_draws], products[most_draws];
  double scalar_totals[most_draws], log_sums[most_draws];
  for (size_t first = 0; first < draws; first += most_draws) {
    size_t count = draws - first < most_draws ? draws - first : most_draws;
    for (size_t l = 0; l < count; l++) {
      totals[l] = zero;
      products[l] = one;
      scalar_totals[l] = 0;
      log_sums[l] = 0;
      for (size_t j = 0; j < columns; j++) gradients[(first + l) * columns + j] = 0;
    }
    for (size_t start = 0; start < rows; start += chunk) {
      size_t n = rows - start < chunk ? rows - start : chunk;
      size_t vectors = n / 4;
      const double *x = design + start * columns;
      const double *y = outcomes + start;
      for (size_t l = 0; l < count; l++) {
        const double *beta = coefficients + (first + l) * columns;
        double *gradient = gradients + (first + l) * columns;

        // (1) Logits.
        for (size_t v = 0; v < vectors; v++)
          _mm256_storeu_pd(eta + 4 * v, four_logits(x + 4 * v * columns, columns, beta, full));
        for (size_t k = 4 * vectors; k < n; k++) {
          double sum = 0;
          for (size_t j = 0; j < columns; j++) sum += x[k * columns + j] * beta[j];
          eta[k] = sum;
        }

        // (2) Terms: e = e^{−|η|}, y η − max(η, 0), 1 + e (into the product), y − σ(η).
        __m256d total = totals[l], product = products[l];
        for (size_t v = 0; v < vectors; v++) {
          __m256d h = _mm256_loadu_pd(eta + 4 * v), yv = _mm256_loadu_pd(y + 4 * v);
          __m256d e = exp_of_nonpositive4(
              _mm256_sub_pd(zero, _mm256_andnot_pd(_mm256_set1_pd(-0.0), h)));
          __m256d one_plus_e = _mm256_add_pd(one, e);
          total = _mm256_add_pd(total, _mm256_fmsub_pd(yv, h, _mm256_max_pd(h, zero)));
          product = _mm256_mul_pd(product, one_plus_e);
          __m256d numerator = _mm256_blendv_pd(e, one, _mm256_cmp_pd(h, zero, _CMP_GE_OQ));
          _mm256_storeu_pd(
              residual + 4 * v, _mm256_sub_pd(yv, _mm256_div_pd(numerator, one_plus_e)));
        }
        double product_rest = 1;
        for (size_t k = 4 * vectors; k < n; k++)
          residual[k] = logistic_term(eta[k], y[k], &scalar_totals[l], &product_rest);
        // Each lane's product gains up to 8 factors in [1, 2] per chunk: its log is taken
        // every 64 chunks (a product below 2⁵¹²), far from overflow.
        if ((start / chunk) % 64 == 63 || start + chunk >= rows) {
          double lanes[4];
          _mm256_storeu_pd(lanes, product);
          log_sums[l] += log(lanes[0] * lanes[1]) + log(lanes[2] * lanes[3]) + log(product_rest);
          product = one;
        } else if (product_rest != 1) {
          log_sums[l] += log(product_rest);
        }
        totals[l] = total;
        products[l] = product;

        // (3) Gradient: Σₖ residualₖ · rowₖ.
        add_weighted_rows(x, n, columns, full, residual, gradient);
      }
    }
    for (size_t l = 0; l < count; l++) {
      double sums[4];
      _mm256_storeu_pd(sums, totals[l]);
      values[first + l] =
          (sums[0] + sums[1]) + (sums[2] + sums[3]) + scalar_totals[l] - log_sums[l];
    }
  }
}

static int logistic_has_avx2(void) {
  static int answer = -1;
  if (answer < 0) {
    __builtin_cpu_init();
    answer = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  return answer;
}
#endif

void variational_logistic_value_and_gradient(
    const double *design, size_t rows, size_t columns, const double *outcomes,
    const double *coefficients, size_t draws, double *values, double *gradients) {
#if defined(__x86_64__)
  if (logistic_has_avx2()) {
    logistic_gradient_avx2(
        design, rows, columns, outcomes, coefficients, draws, values, gradients);
    return;
  }
#endif
  logistic_gradient_portable(
      design, rows, columns, outcomes, coefficients, draws, values, gradients);
}
