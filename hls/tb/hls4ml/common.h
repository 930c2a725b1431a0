// Shared pieces of the hls4ml kernel testbenches: raw-integer I/O of ap_fixed values.
//
// Each testbench includes a generated file (LP_CONFIGS, written by tests/nn_hls4ml.rs)
// that defines, per configuration k, the typedefs cK_*_t and the config struct configK as
// hls4ml's code generator writes it (backends/vivado/passes/core_templates.py), and the
// X-macro LP_CONFIGS(X) listing the configuration numbers.
//
// Protocol (standard input, whitespace-separated decimal tokens; raw integers are the
// values times 2^F):
//   W k ...   set configuration k's parameters (weights/biases, scale/bias)
//   T k       print configuration k's tables, one line per table
//   R k m ... run configuration k on m input vectors; print one line per vector
//   Q         quit
#ifndef LP_HLS4ML_TB_COMMON_H
#define LP_HLS4ML_TB_COMMON_H

#include <cstdio>
#include <cstdlib>

namespace lp {

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
long long raw(const ap_fixed_base<W, I, S, Q, O, N>& x) {
  unsigned long long u = x.V.to_uint64();
  if (W < 64) {
    u &= (1ULL << W) - 1;
    if (S && (u >> (W - 1)) & 1) u |= ~0ULL << W;
  }
  return (long long)u;
}

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
void set_raw(ap_fixed_base<W, I, S, Q, O, N>& x, long long r) {
  x.setBits((unsigned long long)r);
}

inline long long next() {
  long long v;
  if (std::scanf("%lld", &v) != 1) {
    std::fprintf(stderr, "testbench: expected a number\n");
    std::exit(2);
  }
  return v;
}

template <class T> void read(T* x, unsigned n) {
  for (unsigned i = 0; i < n; i++) set_raw(x[i], next());
}

template <class T> void print(const T* x, unsigned n) {
  for (unsigned i = 0; i < n; i++) std::printf(i ? " %lld" : "%lld", raw(x[i]));
  std::printf("\n");
}

}  // namespace lp

#endif
