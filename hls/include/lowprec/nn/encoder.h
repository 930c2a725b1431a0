// lowprec/nn/encoder.h: one BERT encoder layer (post-LN) over a sequence, composed of the
// lowprec::nn kernels. Synthesizable HLS C++ (ap_types and lowprec headers only).
//
// Golden model: lowprec::nn::Encoder (src/nn/encoder.rs in the Rust crate lowprec), bit
// for bit; tests/nn_encoder_hls.rs checks it in C simulation. The configuration struct C
// is written by Encoder::write_cpp_config: attn_cfg (attention.h), res1_cfg, res2_cfg
// (residual.h), ln1_cfg, ln2_cfg (layernorm.h), ffn1_cfg, ffn2_cfg (dense.h), gelu_cfg
// (gelu.h), and the constants seq, hidden, ffn.
//
// Contract, for X[seq][hidden] (each step the sub-kernel's own contract and types):
//   A  = attention<attn_cfg>(X)
//   R1 = residual_add<res1_cfg>(X, A)            token by token
//   H  = layernorm<ln1_cfg>(R1; gamma1, beta1)   token by token
//   F  = dense<ffn1_cfg>(H)                      hidden -> ffn, token by token
//   G  = gelu<gelu_cfg>(F)                       element by element
//   F2 = dense<ffn2_cfg>(G)                      ffn -> hidden
//   R2 = residual_add<res2_cfg>(H, F2)
//   Y  = layernorm<ln2_cfg>(R2; gamma2, beta2)
#ifndef LOWPREC_NN_ENCODER_H
#define LOWPREC_NN_ENCODER_H

#include <ap_fixed.h>

#include "attention.h"
#include "dense.h"
#include "gelu.h"
#include "layernorm.h"
#include "residual.h"

namespace lowprec {
namespace nn {

template <class C>
void encoder(const typename C::res1_cfg::a_t x[C::seq * C::hidden],
             typename C::ln2_cfg::output_t y[C::seq * C::hidden],
             const typename C::attn_cfg::q_dense::weight_t wq[C::hidden * C::hidden],
             const typename C::attn_cfg::q_dense::bias_t bq[C::hidden],
             const typename C::attn_cfg::k_dense::weight_t wk[C::hidden * C::hidden],
             const typename C::attn_cfg::k_dense::bias_t bk[C::hidden],
             const typename C::attn_cfg::v_dense::weight_t wv[C::hidden * C::hidden],
             const typename C::attn_cfg::v_dense::bias_t bv[C::hidden],
             const typename C::attn_cfg::o_dense::weight_t wo[C::hidden * C::hidden],
             const typename C::attn_cfg::o_dense::bias_t bo[C::hidden],
             const typename C::ln1_cfg::scale_t g1[C::hidden],
             const typename C::ln1_cfg::bias_t be1[C::hidden],
             const typename C::ffn1_cfg::weight_t w1[C::ffn * C::hidden],
             const typename C::ffn1_cfg::bias_t b1[C::ffn],
             const typename C::ffn2_cfg::weight_t w2[C::hidden * C::ffn],
             const typename C::ffn2_cfg::bias_t b2[C::hidden],
             const typename C::ln2_cfg::scale_t g2[C::hidden],
             const typename C::ln2_cfg::bias_t be2[C::hidden]) {
    const int S = C::seq, D = C::hidden, FF = C::ffn;
    static typename C::attn_cfg::o_dense::out_t a[S * D];
    static typename C::res1_cfg::out_t r1[S * D];
    static typename C::ln1_cfg::output_t h[S * D];
    static typename C::ffn1_cfg::out_t f[S * FF];
    static typename C::gelu_cfg::output_t g[S * FF];
    static typename C::ffn2_cfg::out_t f2[S * D];
    static typename C::res2_cfg::out_t r2[S * D];
    attention<typename C::attn_cfg>(x, a, wq, bq, wk, bk, wv, bv, wo, bo);
Tokens1:
    for (int r = 0; r < S; r++) {
        residual_add<typename C::res1_cfg>(&x[r * D], &a[r * D], &r1[r * D]);
        layernorm<typename C::ln1_cfg>(&r1[r * D], g1, be1, &h[r * D]);
        dense<typename C::ffn1_cfg>(&h[r * D], &f[r * FF], w1, b1);
        gelu<typename C::gelu_cfg, C::ffn>(&f[r * FF], &g[r * FF]);
        dense<typename C::ffn2_cfg>(&g[r * FF], &f2[r * D], w2, b2);
        residual_add<typename C::res2_cfg>(&h[r * D], &f2[r * D], &r2[r * D]);
        layernorm<typename C::ln2_cfg>(&r2[r * D], g2, be2, &y[r * D]);
    }
}

}  // namespace nn
}  // namespace lowprec

#endif
