#ifndef VARIATIONAL_CPU_FEATURES_H
#define VARIATIONAL_CPU_FEATURES_H

// Run-time CPU checks shared by the kernels (not part of the module's public header).

/// 1 when the CPU runs AVX2 and FMA instructions (the hand-vectorised kernels' paths), else 0;
/// always 0 off x86-64. Checked once, then cached.
int variational_has_avx2_fma(void);

#endif
