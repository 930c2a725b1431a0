// C-simulation testbench of lowprec::nn::attention (hls/include/lowprec/nn/attention.h).
//
// The configurations come from the generated header nn_attention_cfgs.h (written by
// tests/nn_attention_hls.rs from the Rust golden model's Attention::write_cpp_config),
// which defines the structs and the list LP_ATTENTION_CONFIGS of X(number, struct) items.
//
// Protocol (standard input, decimal raw integers: value = raw * 2^-F of the type):
//   "k n"   configuration k, n sequences; then the weights and biases wq bq wk bk wv bv
//           wo bo (hidden*hidden and hidden values each), then n sequences of
//           seq*hidden inputs. For each sequence one output line of seq*hidden raw
//           outputs. Repeats until end of input.
// Compile: g++ -O1 -std=c++17 -I$H/ap_types -I$H -Ihls/include -I<dir of the cfgs> this.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "nn_attention_cfgs.h"
#include "nn_io.h"
#include "lowprec/nn/attention.h"

using nn_io::num;
using nn_io::read_into;

template <class C>
bool run(long n) {
    const int S = C::seq, D = C::hidden;
    std::vector<typename C::q_dense::weight_t> wq;
    std::vector<typename C::q_dense::bias_t> bq;
    std::vector<typename C::k_dense::weight_t> wk;
    std::vector<typename C::k_dense::bias_t> bk;
    std::vector<typename C::v_dense::weight_t> wv;
    std::vector<typename C::v_dense::bias_t> bv;
    std::vector<typename C::o_dense::weight_t> wo;
    std::vector<typename C::o_dense::bias_t> bo;
    if (!read_into(wq, D * D) || !read_into(bq, D) || !read_into(wk, D * D) || !read_into(bk, D) ||
        !read_into(wv, D * D) || !read_into(bv, D) || !read_into(wo, D * D) || !read_into(bo, D))
        return false;
    std::vector<typename C::q_dense::in_t> x;
    std::vector<typename C::o_dense::out_t> y(S * D);
    for (long s = 0; s < n; s++) {
        if (!read_into(x, S * D)) return false;
        lowprec::nn::attention<C>(x.data(), y.data(), wq.data(), bq.data(), wk.data(), bk.data(),
                                  wv.data(), bv.data(), wo.data(), bo.data());
        nn_io::emit_row(y.data(), S * D);
    }
    return true;
}

int main() {
    nn_io::read_all();
    long long k, n;
    while (num(k) && num(n)) {
        bool ok = false;
        switch (k) {
#define X(number, cfg)    \
    case number:          \
        ok = run<cfg>(n); \
        break;
            LP_ATTENTION_CONFIGS
#undef X
            default:
                std::fprintf(stderr, "unknown configuration %lld\n", k);
                return 2;
        }
        if (!ok) {
            std::fprintf(stderr, "short input\n");
            return 3;
        }
    }
    nn_io::flush();
    return 0;
}
