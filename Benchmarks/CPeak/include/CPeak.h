// The peak single-precision multiply–add rate of one core, measured: a loop of independent
// fused multiply–adds on registers (no memory traffic), the ceiling any GEMM kernel works under.
#ifndef VARIATIONAL_CPEAK_H
#define VARIATIONAL_CPEAK_H

/// GFLOP/s of one thread running 256-bit (`bits` = 256, AVX2 + FMA) or 512-bit (512, AVX-512F)
/// fused multiply–adds for about `seconds`; 0 when the CPU lacks those instructions.
double variational_fma_peak_gflops(int bits, double seconds);

#endif
