// C-simulation testbench of lowprec::nn::layernorm (hls/include/lowprec/nn/layernorm.h).
//
// The configurations come from the generated header nn_layernorm_cfgs.h (written by
// tests/nn_act_hls.rs from the Rust golden model's write_cpp_config), which defines one
// struct per configuration and the list LP_LAYERNORM_CONFIGS of X(number, struct) items.
//
// Protocol (standard input): "k rows", then a line of D raw scales, a line of D raw
// biases, and rows lines of D raw input integers (decimal); for each row one output line
// of D raw output integers. Repeats until end of input.
// Compile: g++ -O1 -std=c++17 -I$H/ap_types -I$H -Ihls/include -I<dir of the cfgs> this.
#include <cstdio>

#include "nn_layernorm_cfgs.h"
#include "lowprec/nn/layernorm.h"

template <class T>
void set_raw(T& v, long long r) {
  ap_uint<T::width> b = (unsigned long long)r;
  v.range() = b;
}

template <class T>
bool read_raw(T& v) {
  long long r;
  if (std::scanf("%lld", &r) != 1) return false;
  set_raw(v, r);
  return true;
}

template <class C>
bool run_rows(long rows) {
  static typename C::input_t x[C::dim];
  static typename C::scale_t g[C::dim];
  static typename C::bias_t b[C::dim];
  static typename C::output_t y[C::dim];
  for (int i = 0; i < C::dim; i++)
    if (!read_raw(g[i])) return false;
  for (int i = 0; i < C::dim; i++)
    if (!read_raw(b[i])) return false;
  for (long r = 0; r < rows; r++) {
    for (int i = 0; i < C::dim; i++)
      if (!read_raw(x[i])) return false;
    lowprec::nn::layernorm<C>(x, g, b, y);
    for (int i = 0; i < C::dim; i++) {
      std::printf(i ? " %lld" : "%lld", (long long)lowprec::nn::layernorm_detail::raw(y[i]).to_int64());
    }
    std::printf("\n");
  }
  return true;
}

int main() {
  int k;
  long rows;
  while (std::scanf("%d %ld", &k, &rows) == 2) {
    bool ok = false;
    switch (k) {
#define X(num, cfg)           \
  case num:                   \
    ok = run_rows<cfg>(rows); \
    break;
      LP_LAYERNORM_CONFIGS
#undef X
      default:
        std::fprintf(stderr, "unknown configuration %d\n", k);
        return 2;
    }
    if (!ok) {
      std::fprintf(stderr, "short input\n");
      return 3;
    }
  }
  return 0;
}
