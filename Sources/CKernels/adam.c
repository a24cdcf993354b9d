#include "CKernels.h"
#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline void adam_scalar(
    float *theta, float *m, float *v, float gradient, float one_minus_beta1, float beta2,
    float one_minus_beta2, float correction2_root, float epsilon, float step_size,
    float weight_decay) {
  float g = gradient + weight_decay * *theta;
  *m += one_minus_beta1 * (g - *m);
  float g2 = one_minus_beta2 * g * g;
  *v = *v * beta2 + g2;
  float denominator = sqrtf(*v) / correction2_root + epsilon;
  *theta -= step_size * (*m / denominator);
}

void variational_adam_update_float(
    float *theta, float *m, float *v, const float *gradient, size_t count,
    float one_minus_beta1, float beta2, float one_minus_beta2, float correction2_root,
    float epsilon, float step_size, float weight_decay) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128 b1 = _mm_set1_ps(one_minus_beta1), b2 = _mm_set1_ps(beta2);
  const __m128 nb2 = _mm_set1_ps(one_minus_beta2), c2 = _mm_set1_ps(correction2_root);
  const __m128 eps = _mm_set1_ps(epsilon), step = _mm_set1_ps(step_size);
  const __m128 wd = _mm_set1_ps(weight_decay);
  for (; i + 4 <= count; i += 4) {
    __m128 t = _mm_loadu_ps(theta + i), mi = _mm_loadu_ps(m + i), vi = _mm_loadu_ps(v + i);
    __m128 g = _mm_add_ps(_mm_loadu_ps(gradient + i), _mm_mul_ps(wd, t));
    mi = _mm_add_ps(mi, _mm_mul_ps(b1, _mm_sub_ps(g, mi)));
    __m128 g2 = _mm_mul_ps(_mm_mul_ps(nb2, g), g);
    vi = _mm_add_ps(_mm_mul_ps(vi, b2), g2);
    __m128 denominator = _mm_add_ps(_mm_div_ps(_mm_sqrt_ps(vi), c2), eps);
    t = _mm_sub_ps(t, _mm_mul_ps(step, _mm_div_ps(mi, denominator)));
    _mm_storeu_ps(theta + i, t);
    _mm_storeu_ps(m + i, mi);
    _mm_storeu_ps(v + i, vi);
  }
#endif
  for (; i < count; i++) {
    adam_scalar(
        theta + i, m + i, v + i, gradient[i], one_minus_beta1, beta2, one_minus_beta2,
        correction2_root, epsilon, step_size, weight_decay);
  }
}

void variational_adam_update_double(
    double *theta, double *m, double *v, const double *gradient, size_t count,
    double one_minus_beta1, double beta2, double one_minus_beta2, double correction2_root,
    double epsilon, double step_size, double weight_decay) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128d b1 = _mm_set1_pd(one_minus_beta1), b2 = _mm_set1_pd(beta2);
  const __m128d nb2 = _mm_set1_pd(one_minus_beta2), c2 = _mm_set1_pd(correction2_root);
  const __m128d eps = _mm_set1_pd(epsilon), step = _mm_set1_pd(step_size);
  const __m128d wd = _mm_set1_pd(weight_decay);
  for (; i + 2 <= count; i += 2) {
    __m128d t = _mm_loadu_pd(theta + i), mi = _mm_loadu_pd(m + i), vi = _mm_loadu_pd(v + i);
    __m128d g = _mm_add_pd(_mm_loadu_pd(gradient + i), _mm_mul_pd(wd, t));
    mi = _mm_add_pd(mi, _mm_mul_pd(b1, _mm_sub_pd(g, mi)));
    __m128d g2 = _mm_mul_pd(_mm_mul_pd(nb2, g), g);
    vi = _mm_add_pd(_mm_mul_pd(vi, b2), g2);
    __m128d denominator = _mm_add_pd(_mm_div_pd(_mm_sqrt_pd(vi), c2), eps);
    t = _mm_sub_pd(t, _mm_mul_pd(step, _mm_div_pd(mi, denominator)));
    _mm_storeu_pd(theta + i, t);
    _mm_storeu_pd(m + i, mi);
    _mm_storeu_pd(v + i, vi);
  }
#endif
  for (; i < count; i++) {
    double g = gradient[i] + weight_decay * theta[i];
    m[i] += one_minus_beta1 * (g - m[i]);
    double g2 = one_minus_beta2 * g * g;
    v[i] = v[i] * beta2 + g2;
    double denominator = sqrt(v[i]) / correction2_root + epsilon;
    theta[i] -= step_size * (m[i] / denominator);
  }
}
