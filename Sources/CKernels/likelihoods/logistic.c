#include "CKernels.h"
#include "../internal/cpu_features.h"
#include "../internal/exp_of_nonpositive.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

// The Bernoulli-logit log likelihood of logistic regression in double precision, with a
// branch-free e^x that vectorises (exp_of_nonpositive.h; compiled for AVX2 with FMA and for
// baseline SSE2; the loader picks the clone for the CPU).

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
    const double *design, const ptrdiff_t *indices, size_t rows, size_t columns,
    const double *outcomes, const double *coefficients, size_t draws, double *values,
    double *gradients) {
  for (size_t l = 0; l < draws; l++) {
    const double *beta = coefficients + l * columns;
    double *gradient = gradients + l * columns;
    for (size_t j = 0; j < columns; j++) gradient[j] = 0;
    double total = 0, log_sum = 0, product = 1;
    for (size_t i = 0; i < rows; i++) {
      size_t row = indices ? (size_t)indices[i] : i;
      const double *x = design + row * columns;
      double eta = 0;
      for (size_t j = 0; j < columns; j++) eta += x[j] * beta[j];
      double residual = logistic_term(eta, outcomes[row], &total, &product);
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

/// exp_of_nonpositive in four lanes, with the same reduction and Taylor polynomial evaluated
/// by Estrin's scheme (pairs of coefficients combined with r², r⁴, r⁸), whose dependency chain
/// is 5 operations deep instead of Horner's 13, so that neighbouring vectors overlap.
__attribute__((target("avx2,fma"))) static inline __m256d exp_of_nonpositive4(__m256d x) {
  const __m256d round_to_integer = _mm256_set1_pd(6755399441055744.0);
  x = _mm256_max_pd(x, _mm256_set1_pd(-708.0));
  __m256d n = _mm256_sub_pd(
      _mm256_fmadd_pd(x, _mm256_set1_pd(1.4426950408889634), round_to_integer), round_to_integer);
  __m256d r = _mm256_fnmadd_pd(n, _mm256_set1_pd(0.6931471803691238), x);
  r = _mm256_fnmadd_pd(n, _mm256_set1_pd(1.9082149292705877e-10), r);
#define C(k) _mm256_set1_pd(1.0 / k)
  __m256d r2 = _mm256_mul_pd(r, r), r4 = _mm256_mul_pd(r2, r2), r8 = _mm256_mul_pd(r4, r4);
  __m256d p01 = _mm256_fmadd_pd(r, C(1.0), C(1.0));
  __m256d p23 = _mm256_fmadd_pd(r, C(6.0), C(2.0));
  __m256d p45 = _mm256_fmadd_pd(r, C(120.0), C(24.0));
  __m256d p67 = _mm256_fmadd_pd(r, C(5040.0), C(720.0));
  __m256d p89 = _mm256_fmadd_pd(r, C(362880.0), C(40320.0));
  __m256d p1011 = _mm256_fmadd_pd(r, C(39916800.0), C(3628800.0));
  __m256d p03 = _mm256_fmadd_pd(p23, r2, p01);
  __m256d p47 = _mm256_fmadd_pd(p67, r2, p45);
  __m256d p811 = _mm256_fmadd_pd(p1011, r2, p89);
  __m256d p812 = _mm256_fmadd_pd(C(479001600.0), r4, p811);
  __m256d p07 = _mm256_fmadd_pd(p47, r4, p03);
  __m256d p = _mm256_fmadd_pd(p812, r8, p07);
#undef C
  // 2ⁿ: n + 1023 + 2⁵² holds n + 1023 in its low mantissa bits; shifted into the exponent.
  __m256i biased = _mm256_castpd_si256(_mm256_add_pd(n, _mm256_set1_pd(6755399441055744.0 + 1023)));
  __m256d scale = _mm256_castsi256_pd(_mm256_slli_epi64(biased, 52));
  return _mm256_mul_pd(p, scale);
}

/// Vector slots of a row of `columns` ≥ 4 doubles: slot t starts at column 4t, except that
/// when 4 does not divide `columns` the last slot starts at `columns − 4` and overlaps the one
/// before it (unaligned full-width loads instead of masked ones, which are slow on AMD's Zen
/// cores). `overlap` lanes of the last slot repeat columns that the previous slot covers.
typedef struct {
  size_t count, last_offset, overlap;
} slots;

static inline slots row_slots(size_t columns) {
  size_t count = (columns + 3) / 4;
  slots result = {count, columns - 4, 4 * count - columns};
  return result;
}

/// The logits of four rows r₀…r₃ of the design for coefficients β given as slots with the
/// overlapping lanes zeroed (`beta`, 4 · slots.count doubles), in four lanes.
__attribute__((target("avx2,fma"))) static inline __m256d four_logits(
    const double *r0, size_t columns, const double *beta, slots s) {
  const double *r1 = r0 + columns, *r2 = r1 + columns, *r3 = r2 + columns;
  __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
  for (size_t t = 0; t < s.count; t++) {
    size_t j = t + 1 < s.count ? 4 * t : s.last_offset;
    __m256d b = _mm256_loadu_pd(beta + 4 * t);
    s0 = _mm256_fmadd_pd(_mm256_loadu_pd(r0 + j), b, s0);
    s1 = _mm256_fmadd_pd(_mm256_loadu_pd(r1 + j), b, s1);
    s2 = _mm256_fmadd_pd(_mm256_loadu_pd(r2 + j), b, s2);
    s3 = _mm256_fmadd_pd(_mm256_loadu_pd(r3 + j), b, s3);
  }
  __m256d h01 = _mm256_hadd_pd(s0, s1), h23 = _mm256_hadd_pd(s2, s3);
  return _mm256_add_pd(
      _mm256_permute2f128_pd(h01, h23, 0x20), _mm256_permute2f128_pd(h01, h23, 0x31));
}

/// sums[t] += Σₖ wₖ · rowₖ[slot t] for W = 1…8 slots, slot t at column 4t except the last at
/// `last` (the sums in registers while the rows go by: one broadcast, W loads and W
/// fused multiply-adds per row).
#define WEIGHTED_ROWS(W)                                                                      \
  __attribute__((target("avx2,fma"))) static void weighted_rows_##W(                           \
      const double *x, size_t n, size_t stride, size_t last, const double *w, __m256d *sums) { \
    __m256d s[W];                                                                              \
    for (int t = 0; t < W; t++) s[t] = sums[t];                                                \
    for (size_t k = 0; k < n; k++) {                                                           \
      __m256d weight = _mm256_broadcast_sd(w + k);                                             \
      const double *row = x + k * stride;                                                      \
      for (int t = 0; t + 1 < W; t++)                                                          \
        s[t] = _mm256_fmadd_pd(weight, _mm256_loadu_pd(row + 4 * t), s[t]);                    \
      s[W - 1] = _mm256_fmadd_pd(weight, _mm256_loadu_pd(row + last), s[W - 1]);               \
    }                                                                                          \
    for (int t = 0; t < W; t++) sums[t] = s[t];                                                \
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

/// sums (4 · slots.count doubles) += Σₖ wₖ · rowₖ in slots over the n rows of x, eight slots
/// (32 columns) per pass.
__attribute__((target("avx2,fma"))) static void add_weighted_rows(
    const double *x, size_t n, size_t columns, slots s, const double *w, __m256d *sums) {
  for (size_t first = 0; first < s.count; first += 8) {
    size_t count = s.count - first < 8 ? s.count - first : 8;
    size_t last = first + count == s.count ? s.last_offset - 4 * first : 4 * (count - 1);
    const double *stripe = x + 4 * first;
    __m256d *part = sums + first;
    switch (count) {
    case 1: weighted_rows_1(stripe, n, columns, last, w, part); break;
    case 2: weighted_rows_2(stripe, n, columns, last, w, part); break;
    case 3: weighted_rows_3(stripe, n, columns, last, w, part); break;
    case 4: weighted_rows_4(stripe, n, columns, last, w, part); break;
    case 5: weighted_rows_5(stripe, n, columns, last, w, part); break;
    case 6: weighted_rows_6(stripe, n, columns, last, w, part); break;
    case 7: weighted_rows_7(stripe, n, columns, last, w, part); break;
    default: weighted_rows_8(stripe, n, columns, last, w, part); break;
    }
  }
}

/// β of one draw in slots of four (`beta`, 4 · s.count doubles), the lanes of the last slot
/// that repeat earlier columns zeroed, and the gradient's slot sums `sums` cleared.
__attribute__((target("avx2,fma"), always_inline)) static inline void load_coefficient_slots(
    const double *coefficient, slots s, double *beta, __m256d *sums) {
  for (size_t t = 0; t < s.count; t++) {
    for (size_t i = 0; i < 4; i++) {
      int repeated = t + 1 == s.count && i < s.overlap;
      size_t j = t + 1 < s.count ? 4 * t + i : s.last_offset + i;
      beta[4 * t + i] = repeated ? 0 : coefficient[j];
    }
    sums[t] = _mm256_setzero_pd();
  }
}

/// The terms of a chunk of n rows from their logits η and outcomes y, with e = e^{−|η|}:
/// y η − max(η, 0) added to `total`, 1 + e multiplied into `product` (four lanes each; the
/// rows after the last full four go to `scalar_total`, and the log of their product to
/// `log_sum`), and the residual y − σ(η) written to `residual`.
__attribute__((target("avx2,fma"), always_inline)) static inline void chunk_terms(
    const double *eta, const double *y, size_t n, __m256d *total, __m256d *product,
    double *scalar_total, double *log_sum, double *residual) {
  const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1);
  size_t vectors = n / 4;
  for (size_t v = 0; v < vectors; v++) {
    __m256d h = _mm256_loadu_pd(eta + 4 * v), yv = _mm256_loadu_pd(y + 4 * v);
    __m256d e =
        exp_of_nonpositive4(_mm256_sub_pd(zero, _mm256_andnot_pd(_mm256_set1_pd(-0.0), h)));
    __m256d one_plus_e = _mm256_add_pd(one, e);
    *total = _mm256_add_pd(*total, _mm256_fmsub_pd(yv, h, _mm256_max_pd(h, zero)));
    *product = _mm256_mul_pd(*product, one_plus_e);
    __m256d numerator = _mm256_blendv_pd(e, one, _mm256_cmp_pd(h, zero, _CMP_GE_OQ));
    _mm256_storeu_pd(residual + 4 * v, _mm256_sub_pd(yv, _mm256_div_pd(numerator, one_plus_e)));
  }
  if (4 * vectors < n) {
    double product_rest = 1;
    for (size_t k = 4 * vectors; k < n; k++)
      residual[k] = logistic_term(eta[k], y[k], scalar_total, &product_rest);
    *log_sum += log(product_rest);
  }
}

/// The gradient's slot sums written to `gradient` (its columns), each column once: the lanes
/// of the last slot that repeat earlier columns are left out.
__attribute__((target("avx2,fma"), always_inline)) static inline void store_slots(
    const __m256d *sums, slots s, double *gradient) {
  for (size_t t = 0; t < s.count; t++) {
    double lanes[4];
    _mm256_storeu_pd(lanes, sums[t]);
    for (size_t i = 0; i < 4; i++) {
      if (t + 1 < s.count) gradient[4 * t + i] = lanes[i];
      else if (i >= s.overlap) gradient[s.last_offset + i] = lanes[i];
    }
  }
}

/// The rows of the design in chunks of 32 (8 KB for 31 columns, so that a chunk stays in L1
/// between its three phases), per draw: (1) the chunk's logits, four rows at a time; (2) their
/// terms, eight independent 4-lane evaluations of e^{−|η|} that the CPU overlaps; (3) the rows
/// added to the gradient weighted by their residuals, in registers 32 columns at a time. One
/// pass over the design per draw. Needs columns ≥ 4 and at most 64 slots (256 columns); the
/// caller takes the plain loops otherwise.
__attribute__((target("avx2,fma"))) static void logistic_gradient_avx2(
    const double *design, const ptrdiff_t *indices, size_t rows, size_t columns,
    const double *outcomes, const double *coefficients, size_t draws, double *values,
    double *gradients) {
  enum { chunk = 32, most_slots = 64 };
  const slots s = row_slots(columns);
  const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1);
  double eta[chunk], residual[chunk];
  // With `indices`, each chunk's rows are first copied here, in order (the same numbers as a
  // design that holds those rows).
  double gathered_rows[chunk * 4 * most_slots], gathered_outcomes[chunk];
  double beta[4 * most_slots] __attribute__((aligned(32)));
  __m256d sums[most_slots];
  for (size_t l = 0; l < draws; l++) {
    const double *coefficient = coefficients + l * columns;
    load_coefficient_slots(coefficient, s, beta, sums);
    __m256d total = zero, product = one;
    double scalar_total = 0, log_sum = 0;
    for (size_t start = 0; start < rows; start += chunk) {
      size_t n = rows - start < chunk ? rows - start : chunk;
      size_t vectors = n / 4;
      const double *x = design + start * columns;
      const double *y = outcomes + start;
      if (indices) {
        for (size_t k = 0; k < n; k++) {
          size_t row = (size_t)indices[start + k];
          memcpy(gathered_rows + k * columns, design + row * columns, columns * sizeof(double));
          gathered_outcomes[k] = outcomes[row];
        }
        x = gathered_rows;
        y = gathered_outcomes;
      }

      // (1) Logits.
      for (size_t v = 0; v < vectors; v++)
        _mm256_storeu_pd(eta + 4 * v, four_logits(x + 4 * v * columns, columns, beta, s));
      for (size_t k = 4 * vectors; k < n; k++) {
        double sum = 0;
        for (size_t j = 0; j < columns; j++) sum += x[k * columns + j] * coefficient[j];
        eta[k] = sum;
      }

      // (2) Terms: e = e^{−|η|}, y η − max(η, 0), 1 + e (into the product), y − σ(η).
      chunk_terms(eta, y, n, &total, &product, &scalar_total, &log_sum, residual);
      // Each lane's product gains up to 8 factors in [1, 2] per chunk: its log is taken every
      // 64 chunks (a product below 2⁵¹²), far from overflow, and at the end.
      if ((start / chunk) % 64 == 63 || start + chunk >= rows) {
        double lanes[4];
        _mm256_storeu_pd(lanes, product);
        log_sum += log(lanes[0] * lanes[1]) + log(lanes[2] * lanes[3]);
        product = one;
      }

      // (3) Gradient: Σₖ residualₖ · rowₖ.
      add_weighted_rows(x, n, columns, s, residual, sums);
    }
    store_slots(sums, s, gradients + l * columns);
    double lanes[4];
    _mm256_storeu_pd(lanes, total);
    values[l] = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + scalar_total - log_sum;
  }
}

#endif

/// One pass of the kernel over rows [first, first + count) of the design, or over the rows
/// indices[first ..< first + count].
static void logistic_gradient_rows(
    const double *design, const ptrdiff_t *indices, size_t first, size_t count, size_t columns,
    const double *outcomes, const double *coefficients, size_t draws, double *values,
    double *gradients) {
  if (indices) {
    indices += first;
  } else {
    design += first * columns;
    outcomes += first;
  }
#if defined(__x86_64__)
  if (variational_has_avx2_fma() && columns >= 4 && columns <= 256) {
    logistic_gradient_avx2(
        design, indices, count, columns, outcomes, coefficients, draws, values, gradients);
    return;
  }
#endif
  logistic_gradient_portable(
      design, indices, count, columns, outcomes, coefficients, draws, values, gradients);
}

/// The arguments of a split evaluation: rows [0, split) into the outputs, rows [split, rows)
/// into the second half's own buffers.
typedef struct {
  const double *design, *outcomes, *coefficients;
  const ptrdiff_t *indices;
  size_t rows, columns, draws, split;
  double *values, *gradients, *second_values, *second_gradients;
} logistic_halves;

static void logistic_half(void *context, int half) {
  const logistic_halves *job = context;
  if (half == 0) {
    logistic_gradient_rows(job->design, job->indices, 0, job->split, job->columns,
        job->outcomes, job->coefficients, job->draws, job->values, job->gradients);
  } else {
    logistic_gradient_rows(job->design, job->indices, job->split, job->rows - job->split,
        job->columns, job->outcomes, job->coefficients, job->draws, job->second_values,
        job->second_gradients);
  }
}

void variational_logistic_value_and_gradient(
    const double *design, size_t rows, size_t columns, const double *outcomes,
    const double *coefficients, size_t draws, double *values, double *gradients) {
  variational_logistic_value_and_gradient_of_rows(
      design, NULL, rows, columns, outcomes, coefficients, draws, values, gradients);
}

void variational_logistic_value_and_gradient_of_rows(
    const double *design, const ptrdiff_t *indices, size_t rows, size_t columns,
    const double *outcomes, const double *coefficients, size_t draws, double *values,
    double *gradients) {
  // Large designs in two halves of whole 32-row chunks, added in a fixed order: the same
  // numbers whether one thread or two computed them.
  enum { smallest_split = 1 << 13, stack_scalars = 2048 };
  if (rows < 256 || rows * columns < smallest_split) {
    logistic_gradient_rows(
        design, indices, 0, rows, columns, outcomes, coefficients, draws, values, gradients);
    return;
  }
  size_t outputs = draws * (columns + 1);
  double on_stack[stack_scalars];
  double *scratch = outputs <= stack_scalars ? on_stack : malloc(outputs * sizeof(double));
  logistic_halves job = {design, outcomes, coefficients, indices, rows, columns, draws,
      (rows / 2 + 31) / 32 * 32, values, gradients, scratch, scratch + draws};
  variational_run_halves(logistic_half, &job);
  for (size_t l = 0; l < draws; l++) values[l] += job.second_values[l];
  for (size_t i = 0; i < draws * columns; i++) gradients[i] += job.second_gradients[i];
  if (scratch != on_stack) free(scratch);
}
