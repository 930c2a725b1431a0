// C-simulation testbench of lowprec::nn::gelu (hls/include/lowprec/nn/gelu.h).
//
// The configurations come from the generated header nn_gelu_cfgs.h (written by
// tests/nn_act_hls.rs from the Rust golden model's write_cpp_config), which defines one
// struct per configuration and the list LP_GELU_CONFIGS of X(number, struct) items.
//
// Protocol (standard input): "k rows", then rows lines of 64 raw input integers
// (decimal); for each row one output line of 64 raw output integers. Repeats until end
// of input.
// Compile: g++ -O1 -std=c++17 -I$H/ap_types -I$H -Ihls/include -I<dir of the cfgs> this.
#include <cstdio>

#include "nn_gelu_cfgs.h"
#include "lowprec/nn/gelu.h"

template <class T>
void set_raw(T& v, long long r) {
  ap_uint<T::width> b = (unsigned long long)r;
  v.range() = b;
}

template <class C>
bool run_rows(long rows) {
  const int n = 64;
  typename C::input_t x[n];
  typename C::output_t y[n];
  for (long r = 0; r < rows; r++) {
    for (int i = 0; i < n; i++) {
      long long v;
      if (std::scanf("%lld", &v) != 1) return false;
      set_raw(x[i], v);
    }
    lowprec::nn::gelu<C, n>(x, y);
    for (int i = 0; i < n; i++) {
      std::printf(i ? " %lld" : "%lld", (long long)lowprec::nn::gelu_detail::raw(y[i]).to_int64());
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
      LP_GELU_CONFIGS
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
