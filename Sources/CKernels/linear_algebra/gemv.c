#include "CKernels.h"
#include "../internal/cpu_features.h"
#include <stdlib.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Matrix–vector products in double precision for the small products of variational inference
// (a [N, P] design times one draw's coefficients, and its transpose for the gradient).
// OpenBLAS's dgemv spends more time in its set-up (buffer allocation under a lock) than in the
// arithmetic at these sizes. On x86-64 CPUs with AVX2 and FMA the loops below run with 4-lane
// vectors and one pass over A; elsewhere plain loops.

/// x at unit stride: itself, or a copy in `*owned` (to free) when it is strided.
static const double *contiguous(const double *x, size_t count, size_t increment, double **owned) {
  *owned = NULL;
  if (increment == 1) return x;
  double *copy = malloc(count * sizeof(double));
  for (size_t i = 0; i < count; i++) copy[i] = x[i * increment];
  *owned = copy;
  return copy;
}

static void rows_portable(
    const double *a, size_t rows, size_t columns, size_t lda, const double *v, double *y) {
  for (size_t i = 0; i < rows; i++) {
    double total = 0;
    for (size_t j = 0; j < columns; j++) total += a[i * lda + j] * v[j];
    y[i] = total;
  }
}

static void columns_portable(
    const double *a, size_t rows, size_t columns, size_t lda, const double *x, double *y) {
  for (size_t j = 0; j < columns; j++) y[j] = 0;
  for (size_t i = 0; i < rows; i++) {
    for (size_t j = 0; j < columns; j++) y[j] += x[i] * a[i * lda + j];
  }
}

#if defined(__x86_64__)
/// Lanes 0..<count of a 4-lane mask (count ≥ 4 selects all).
__attribute__((target("avx2,fma"))) static inline __m256i lane_mask(size_t count) {
  long long c = count >= 4 ? 4 : (long long)count;
  return _mm256_set_epi64x(c > 3 ? -1 : 0, c > 2 ? -1 : 0, c > 1 ? -1 : 0, c > 0 ? -1 : 0);
}

/// y = A x, four rows at a time, each with its own accumulator; the last partial vector of a
/// row is read with a masked load.
__attribute__((target("avx2,fma"))) static void rows_avx2(
    const double *a, size_t rows, size_t columns, size_t lda, const double *v, double *y) {
  size_t full = columns / 4 * 4;
  __m256i tail = lane_mask(columns - full);
  size_t i = 0;
  for (; i + 4 <= rows; i += 4) {
    const double *r0 = a + i * lda, *r1 = r0 + lda, *r2 = r1 + lda, *r3 = r2 + lda;
    __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    for (size_t j = 0; j < full; j += 4) {
      __m256d x = _mm256_loadu_pd(v + j);
      s0 = _mm256_fmadd_pd(_mm256_loadu_pd(r0 + j), x, s0);
      s1 = _mm256_fmadd_pd(_mm256_loadu_pd(r1 + j), x, s1);
      s2 = _mm256_fmadd_pd(_mm256_loadu_pd(r2 + j), x, s2);
      s3 = _mm256_fmadd_pd(_mm256_loadu_pd(r3 + j), x, s3);
    }
    if (full < columns) {
      __m256d x = _mm256_maskload_pd(v + full, tail);
      s0 = _mm256_fmadd_pd(_mm256_maskload_pd(r0 + full, tail), x, s0);
      s1 = _mm256_fmadd_pd(_mm256_maskload_pd(r1 + full, tail), x, s1);
      s2 = _mm256_fmadd_pd(_mm256_maskload_pd(r2 + full, tail), x, s2);
      s3 = _mm256_fmadd_pd(_mm256_maskload_pd(r3 + full, tail), x, s3);
    }
    // Horizontal sums of the four accumulators into one vector (y[i], …, y[i + 3]).
    __m256d h01 = _mm256_hadd_pd(s0, s1), h23 = _mm256_hadd_pd(s2, s3);
    __m256d sums = _mm256_add_pd(
        _mm256_permute2f128_pd(h01, h23, 0x20), _mm256_permute2f128_pd(h01, h23, 0x31));
    _mm256_storeu_pd(y + i, sums);
  }
  rows_portable(a + i * lda, rows - i, columns, lda, v, y + i);
}

/// y = Aᵀ x in one pass over A: up to 32 columns of y stay in 8 vector registers while the
/// rows go by (the last, partial vector read with a masked load); wider matrices take one pass
/// per 32 columns.
__attribute__((target("avx2,fma"))) static void columns_avx2(
    const double *a, size_t rows, size_t columns, size_t lda, const double *x, double *y) {
  for (size_t start = 0; start < columns; start += 32) {
    size_t width = columns - start < 32 ? columns - start : 32;
    size_t full = width / 4;
    __m256i tail = lane_mask(width - 4 * full);
    __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0;
    __m256d s7 = s0;
#define COLUMN_STEP(t, sum)                                                  \
  if (t < full) {                                                            \
    sum = _mm256_fmadd_pd(xi, _mm256_loadu_pd(row + 4 * t), sum);            \
  } else if (t == full) {                                                    \
    sum = _mm256_fmadd_pd(xi, _mm256_maskload_pd(row + 4 * t, tail), sum);   \
  }
    for (size_t i = 0; i < rows; i++) {
      const double *row = a + i * lda + start;
      __m256d xi = _mm256_broadcast_sd(x + i);
      COLUMN_STEP(0, s0) COLUMN_STEP(1, s1) COLUMN_STEP(2, s2) COLUMN_STEP(3, s3)
      COLUMN_STEP(4, s4) COLUMN_STEP(5, s5) COLUMN_STEP(6, s6) COLUMN_STEP(7, s7)
    }
#undef COLUMN_STEP
    __m256d sums[8] = {s0, s1, s2, s3, s4, s5, s6, s7};
    for (size_t t = 0; t < full; t++) _mm256_storeu_pd(y + start + 4 * t, sums[t]);
    if (full < 8) _mm256_maskstore_pd(y + start + 4 * full, tail, sums[full]);
  }
}

#endif

void variational_gemv_rows(
    const double *a, size_t rows, size_t columns, size_t lda, const double *x, size_t incx,
    double *y) {
  double *owned;
  const double *v = contiguous(x, columns, incx, &owned);
#if defined(__x86_64__)
  if (variational_has_avx2_fma()) {
    rows_avx2(a, rows, columns, lda, v, y);
    free(owned);
    return;
  }
#endif
  rows_portable(a, rows, columns, lda, v, y);
  free(owned);
}

void variational_gemv_columns(
    const double *a, size_t rows, size_t columns, size_t lda, const double *x, size_t incx,
    double *y) {
  double *owned;
  const double *v = contiguous(x, rows, incx, &owned);
#if defined(__x86_64__)
  if (variational_has_avx2_fma()) {
    columns_avx2(a, rows, columns, lda, v, y);
    free(owned);
    return;
  }
#endif
  columns_portable(a, rows, columns, lda, v, y);
  free(owned);
}
