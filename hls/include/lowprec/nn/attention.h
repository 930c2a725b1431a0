// lowprec/nn/attention.h: multi-head self-attention over one sequence (BERT's), composed
// of lowprec::nn::dense and lowprec::nn::softmax; the two attention products exact or by
// L-Mul. Synthesizable HLS C++ (ap_types and lowprec/lmul.h only).
//
// Golden model: lowprec::nn::Attention (src/nn/attention.rs in the Rust crate lowprec),
// bit for bit; tests/nn_attention_hls.rs checks it in C simulation. The configuration
// struct C is written by Attention::write_cpp_config: the dense configurations q_dense,
// k_dense, v_dense, o_dense (see dense.h), the softmax configuration softmax_cfg with its
// tables (see softmax.h), the constants seq, heads, head_dim, hidden (= heads * head_dim),
// the types score_t, scale_t, context_t, the scale constant's raw bits scale_bits(), and
// the L-Mul constants lmul_products (0: exact products, 1: L-Mul), lmul_e, lmul_m,
// lmul_bias, lmul_specials, lmul_overflow, lmul_k, lmul_l (see lmul.h).
//
// Contract, for X[seq][hidden] (row-major); "T(v)" is the C++ assignment to a T:
//   Q = dense<q_dense>(X), K = dense<k_dense>(X), V = dense<v_dense>(X), token by token.
//   Head h owns columns h*head_dim .. (h+1)*head_dim - 1.
//   For every head h and query i:
//     s[j] = score_t(sum_c Q[i][h,c] * K[j][h,c])   the exact sum, cast once
//     z[j] = softmax_cfg::input_t(s[j] * scale)      the exact product, cast once
//     P = softmax<softmax_cfg>(z)
//     ctx[i][h,c] = context_t(sum_t P[t] * V[t][h,c]) the exact sum, cast once
//   Y = dense<o_dense>(ctx), token by token.
// With lmul_products = 1 both sums are instead, for operands a, b:
//     every operand -> a code of the L-Mul format: its exact value rounded to nearest,
//                      ties to even (subnormals included), saturating at +-max finite;
//     float s = 0; s += value(lmul(a_code, b_code)) in index order (binary32, ties to even);
//     the result is T((double)s): the exact value of s cast into score_t / context_t.
// The L-Mul is lowprec::lmul in guarded mode (zero products are +-0, never subnormal).
#ifndef LOWPREC_NN_ATTENTION_H
#define LOWPREC_NN_ATTENTION_H

#include <ap_fixed.h>
#include <ap_int.h>

#include "../lmul.h"
#include "dense.h"
#include "softmax.h"
#include "types.h"

namespace lowprec {
namespace nn {
namespace attention_detail {

// The code type of the L-Mul format (a sign bit, E exponent bits, M fraction bits).
template <class C>
struct lmul_types {
    static const int E = C::lmul_e;
    static const int M = C::lmul_m;
    static const int BIAS = C::lmul_bias;
    typedef ap_uint<1 + E + M> code_t;
};

// A fixed-point value as a code of the L-Mul format: rounded to nearest, ties to even,
// saturating at the largest finite magnitude (the model's FloatFormat::round with
// TiesToEven and SatFinite). Value = m * 2^-F, m = |raw|; with e = msb(m) - F the
// value's exponent and e' = max(e, emin), the significand counted in units of
// 2^(e' - M) is q = round(m / 2^(e' - M + F)), and the code's magnitude is
// ((e' + BIAS - 1) << M) + q (a carry of q into 2^(M+1) increments the exponent field).
template <class C, class T>
typename lmul_types<C>::code_t to_code(const T& x) {
#pragma HLS INLINE
    typedef lmul_types<C> L;
    const int W = T::width;
    const int F = T::width - T::iwidth;
    const int M = L::M;
    const int emin = 1 - L::BIAS;
    typedef typename L::code_t code_t;
    ap_int<W + 1> r = softmax_detail::raw(x);
    const bool neg = r < 0;
    ap_uint<W + 1> m = neg ? ap_uint<W + 1>(-r) : ap_uint<W + 1>(r);
    if (m == 0) return 0;
    int p = 0;
lead:
    for (int b = 0; b <= W; b++) {
#pragma HLS UNROLL
        if (m[b]) p = b;
    }
    const int e = p - F;
    const int ee = e < emin ? emin : e;
    const int sh = ee - M + F;  // low bits of m below the result's last place
    unsigned long long q;
    if (sh <= 0) {
        q = m.to_uint64() << (-sh);  // m < 2^(M+1) here
    } else if (sh >= W + 1) {
        q = 0;  // m <= 2^W is at most half the last place (a tie goes to the even 0)
    } else {
        ap_uint<W + 1> one = 1;
        ap_uint<W + 1> rem = m & ((one << sh) - 1);
        ap_uint<W + 1> half = one << (sh - 1);
        q = (m >> sh).to_uint64();
        if (rem > half || (rem == half && (q & 1))) q++;
    }
    long long mag = ((long long)(ee + L::BIAS - 1) << M) + (long long)q;
    const long long max_mag = (long long)lmul_max_mag(C::lmul_specials, 1, L::E, M);
    if (mag > max_mag) mag = max_mag;
    code_t c = (unsigned long long)mag;
    c[L::E + M] = neg ? 1 : 0;
    return c;
}

// The value of a product code (zero or normal: guarded L-Mul never returns a subnormal)
// as a binary32, exactly (the format's normal exponents lie within binary32's).
template <class C>
float to_float(typename lmul_types<C>::code_t c) {
#pragma HLS INLINE
    typedef lmul_types<C> L;
    const unsigned long long cc = c.to_uint64();
    const unsigned s = (unsigned)((cc >> (L::E + L::M)) & 1);
    const unsigned e = (unsigned)((cc >> L::M) & ((1ULL << L::E) - 1));
    const unsigned f = (unsigned)(cc & ((1ULL << L::M) - 1));
    union {
        unsigned u;
        float v;
    } bits;
    bits.u = s << 31;
    if (e != 0) bits.u |= ((e - L::BIAS + 127) << 23) | (f << (23 - L::M));
    return bits.v;
}

template <class C>
typename lmul_types<C>::code_t mul(typename lmul_types<C>::code_t a,
                                   typename lmul_types<C>::code_t b) {
#pragma HLS INLINE
    return lowprec::lmul<C::lmul_e, C::lmul_m, C::lmul_bias, LMUL_GUARDED, C::lmul_specials,
                         C::lmul_overflow, C::lmul_k, C::lmul_l>(a, b);
}

// The exact sum of N products of A and B.
template <class A, class B, int N>
struct dot_type {
    static const int F = fixed_shape<A>::F + fixed_shape<B>::F;
    static const int BITS = A::width + B::width + bit_len(N) + 1;
    typedef ap_fixed<BITS, BITS - F> type;
};

// The heads: exact products (LM = 0) or L-Mul (LM = 1).
template <class C, int LM>
struct heads {
    typedef typename C::q_dense::out_t q_t;
    typedef typename C::k_dense::out_t k_t;
    typedef typename C::v_dense::out_t v_t;
    typedef typename C::softmax_cfg SM;
    typedef typename SM::input_t z_t;
    typedef typename SM::output_t p_t;
    static const int S = C::seq, D = C::hidden, HD = C::head_dim;

    static void run(const q_t q[S * D], const k_t k[S * D], const v_t v[S * D],
                    typename C::context_t ctx[S * D]) {
        typedef typename dot_type<q_t, k_t, HD>::type qk_t;
        typedef typename dot_type<p_t, v_t, S>::type pv_t;
        typename C::scale_t scale;
        scale.range() = C::scale_bits();
    Heads:
        for (int h = 0; h < C::heads; h++) {
        Queries:
            for (int i = 0; i < S; i++) {
                z_t z[S];
                p_t pr[S];
            Keys:
                for (int j = 0; j < S; j++) {
#pragma HLS PIPELINE II = 1
                    qk_t acc = 0;
                    for (int c = 0; c < HD; c++) {
                        acc += q[i * D + h * HD + c] * k[j * D + h * HD + c];
                    }
                    typename C::score_t s = acc;
                    z[j] = s * scale;
                }
                softmax<SM>(z, pr);
            Context:
                for (int c = 0; c < HD; c++) {
#pragma HLS PIPELINE II = 1
                    pv_t acc = 0;
                    for (int t = 0; t < S; t++) {
                        acc += pr[t] * v[t * D + h * HD + c];
                    }
                    ctx[i * D + h * HD + c] = acc;
                }
            }
        }
    }
};

template <class C>
struct heads<C, 1> {
    typedef typename C::q_dense::out_t q_t;
    typedef typename C::k_dense::out_t k_t;
    typedef typename C::v_dense::out_t v_t;
    typedef typename C::softmax_cfg SM;
    typedef typename SM::input_t z_t;
    typedef typename SM::output_t p_t;
    typedef typename lmul_types<C>::code_t code_t;
    static const int S = C::seq, D = C::hidden, HD = C::head_dim;

    static void run(const q_t q[S * D], const k_t k[S * D], const v_t v[S * D],
                    typename C::context_t ctx[S * D]) {
        static code_t qc[S * D], kc[S * D], vc[S * D];
    Codes:
        for (int n = 0; n < S * D; n++) {
#pragma HLS PIPELINE II = 1
            qc[n] = to_code<C>(q[n]);
            kc[n] = to_code<C>(k[n]);
            vc[n] = to_code<C>(v[n]);
        }
        typename C::scale_t scale;
        scale.range() = C::scale_bits();
    Heads:
        for (int h = 0; h < C::heads; h++) {
        Queries:
            for (int i = 0; i < S; i++) {
                z_t z[S];
                p_t pr[S];
                code_t pc[S];
            Keys:
                for (int j = 0; j < S; j++) {
                    float acc = 0.0f;
                    for (int c = 0; c < HD; c++) {
                        acc += to_float<C>(mul<C>(qc[i * D + h * HD + c], kc[j * D + h * HD + c]));
                    }
                    typename C::score_t s = (double)acc;
                    z[j] = s * scale;
                }
                softmax<SM>(z, pr);
                for (int t = 0; t < S; t++) pc[t] = to_code<C>(pr[t]);
            Context:
                for (int c = 0; c < HD; c++) {
                    float acc = 0.0f;
                    for (int t = 0; t < S; t++) {
                        acc += to_float<C>(mul<C>(pc[t], vc[t * D + h * HD + c]));
                    }
                    ctx[i * D + h * HD + c] = (double)acc;
                }
            }
        }
    }
};

}  // namespace attention_detail

// Self-attention of one sequence x[seq][hidden] into y[seq][hidden], with the weights
// ([hidden][hidden], one row per output, as dense.h) and biases of the four projections.
template <class C>
void attention(const typename C::q_dense::in_t x[C::seq * C::hidden],
               typename C::o_dense::out_t y[C::seq * C::hidden],
               const typename C::q_dense::weight_t wq[C::hidden * C::hidden],
               const typename C::q_dense::bias_t bq[C::hidden],
               const typename C::k_dense::weight_t wk[C::hidden * C::hidden],
               const typename C::k_dense::bias_t bk[C::hidden],
               const typename C::v_dense::weight_t wv[C::hidden * C::hidden],
               const typename C::v_dense::bias_t bv[C::hidden],
               const typename C::o_dense::weight_t wo[C::hidden * C::hidden],
               const typename C::o_dense::bias_t bo[C::hidden]) {
    const int S = C::seq, D = C::hidden;
    static typename C::q_dense::out_t q[S * D];
    static typename C::k_dense::out_t k[S * D];
    static typename C::v_dense::out_t v[S * D];
    static typename C::context_t ctx[S * D];
Projections:
    for (int r = 0; r < S; r++) {
        dense<typename C::q_dense>(&x[r * D], &q[r * D], wq, bq);
        dense<typename C::k_dense>(&x[r * D], &k[r * D], wk, bk);
        dense<typename C::v_dense>(&x[r * D], &v[r * D], wv, bv);
    }
    attention_detail::heads<C, C::lmul_products>::run(q, k, v, ctx);
Output:
    for (int r = 0; r < S; r++) {
        dense<typename C::o_dense>(&ctx[r * D], &y[r * D], wo, bo);
    }
}

}  // namespace nn
}  // namespace lowprec

#endif
