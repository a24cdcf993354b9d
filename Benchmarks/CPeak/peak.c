#include "CPeak.h"
#include <time.h>

#if defined(__x86_64__)
#include <immintrin.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

// Twelve independent accumulators hide the FMA latency (4 cycles) on two FMA ports.
#define CHAINS 12
enum { rounds = 1 << 16 };

__attribute__((target("avx2,fma"))) static float run256(long repeats) {
  __m256 a[CHAINS];
  const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
  for (int i = 0; i < CHAINS; i++) a[i] = _mm256_set1_ps((float)i);
  for (long r = 0; r < repeats; r++) {
#pragma GCC unroll 12
    for (int i = 0; i < CHAINS; i++) a[i] = _mm256_fmadd_ps(a[i], x, y);
  }
  __m256 sum = a[0];
  for (int i = 1; i < CHAINS; i++) sum = _mm256_add_ps(sum, a[i]);
  float out[8];
  _mm256_storeu_ps(out, sum);
  return out[0];
}

__attribute__((target("avx512f"))) static float run512(long repeats) {
  __m512 a[CHAINS];
  const __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
  for (int i = 0; i < CHAINS; i++) a[i] = _mm512_set1_ps((float)i);
  for (long r = 0; r < repeats; r++) {
#pragma GCC unroll 12
    for (int i = 0; i < CHAINS; i++) a[i] = _mm512_fmadd_ps(a[i], x, y);
  }
  // Every chain feeds the result, or the compiler drops the unused ones.
  __m512 sum = a[0];
  for (int i = 1; i < CHAINS; i++) sum = _mm512_add_ps(sum, a[i]);
  return _mm512_reduce_add_ps(sum);
}

volatile float variational_peak_sink;

double variational_fma_peak_gflops(int bits, double seconds) {
  __builtin_cpu_init();
  if (bits == 256 && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) return 0;
  if (bits == 512 && !__builtin_cpu_supports("avx512f")) return 0;
  if (bits != 256 && bits != 512) return 0;
  double best = 0;
  double start = now();
  while (now() - start < seconds) {
    double t = now();
    variational_peak_sink = bits == 256 ? run256(rounds) : run512(rounds);
    t = now() - t;
    double flops = 2.0 * (bits / 32) * CHAINS * (double)rounds;
    if (t > 0 && flops / t > best) best = flops / t;
  }
  return best * 1e-9;
}

#else
double variational_fma_peak_gflops(int bits, double seconds) {
  (void)bits, (void)seconds;
  return 0;
}
#endif
