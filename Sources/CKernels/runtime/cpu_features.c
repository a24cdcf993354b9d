#include "../internal/cpu_features.h"

int variational_has_avx2_fma(void) {
#if defined(__x86_64__)
  static int answer = -1;
  if (answer < 0) {
    __builtin_cpu_init();
    answer = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  return answer;
#else
  return 0;
#endif
}
