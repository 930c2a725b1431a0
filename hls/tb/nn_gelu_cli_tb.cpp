// Evaluates lowprec::nn::gelu_one on raw input integers (decimal, one a line on standard
// input) for the configuration `cfg` of a header written by
// `lowprec hls-tables gelu ... --name cfg`, found as cfg.h on the include path; prints one
// raw output integer a line. tests/cli_nn.rs compares it with `lowprec nn gelu`.
#include <cstdio>

#include "cfg.h"
#include "lowprec/nn/gelu.h"

int main() {
  long long r;
  while (std::scanf("%lld", &r) == 1) {
    cfg::input_t x;
    x.range() = ap_uint<cfg::input_width>((unsigned long long)r);
    cfg::output_t y = lowprec::nn::gelu_one<cfg>(x);
    unsigned long long v = y.range().to_uint64();
    const int sh = 64 - cfg::output_width;
    long long out = cfg::output_signed ? (long long)(v << sh) >> sh : (long long)v;
    std::printf("%lld\n", out);
  }
  return 0;
}
