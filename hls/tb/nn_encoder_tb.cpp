// C-simulation testbench of lowprec::nn::encoder (hls/include/lowprec/nn/encoder.h).
//
// The configurations come from the generated header nn_encoder_cfgs.h (written by
// tests/nn_encoder_hls.rs from the Rust golden model's Encoder::write_cpp_config), which
// defines the structs and the list LP_ENCODER_CONFIGS of X(number, struct) items.
//
// Protocol (standard input, decimal raw integers: value = raw * 2^-F of the type):
//   "k n"   configuration k, n sequences; then the parameters wq bq wk bk wv bv wo bo
//           (hidden*hidden and hidden values each), gamma1 beta1 (hidden each), w1
//           (ffn*hidden) b1 (ffn), w2 (hidden*ffn) b2 (hidden), gamma2 beta2, then n
//           sequences of seq*hidden inputs. For each sequence one output line of
//           seq*hidden raw outputs. Repeats until end of input.
// Compile: g++ -O1 -std=c++17 -I$H/ap_types -I$H -Ihls/include -I<dir of the cfgs> this.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "nn_encoder_cfgs.h"
#include "nn_io.h"
#include "lowprec/nn/encoder.h"

using nn_io::num;
using nn_io::read_into;

template <class E>
bool run(long n) {
    typedef typename E::attn_cfg C;
    const int S = E::seq, D = E::hidden, FF = E::ffn;
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
    std::vector<typename E::ln1_cfg::scale_t> g1, g2;
    std::vector<typename E::ln1_cfg::bias_t> be1, be2;
    std::vector<typename E::ffn1_cfg::weight_t> w1;
    std::vector<typename E::ffn1_cfg::bias_t> b1;
    std::vector<typename E::ffn2_cfg::weight_t> w2;
    std::vector<typename E::ffn2_cfg::bias_t> b2;
    if (!read_into(g1, D) || !read_into(be1, D) || !read_into(w1, FF * D) || !read_into(b1, FF) ||
        !read_into(w2, D * FF) || !read_into(b2, D) || !read_into(g2, D) || !read_into(be2, D))
        return false;
    std::vector<typename E::res1_cfg::a_t> x;
    std::vector<typename E::ln2_cfg::output_t> y(S * D);
    for (long s = 0; s < n; s++) {
        if (!read_into(x, S * D)) return false;
        lowprec::nn::encoder<E>(x.data(), y.data(), wq.data(), bq.data(), wk.data(), bk.data(),
                                wv.data(), bv.data(), wo.data(), bo.data(), g1.data(), be1.data(),
                                w1.data(), b1.data(), w2.data(), b2.data(), g2.data(), be2.data());
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
            LP_ENCODER_CONFIGS
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
