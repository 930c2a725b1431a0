// lowprec/qfx_mlp.h: the fixed-point digits network of the qfx_digits example as an HLS
// kernel, synthesizable by Vitis HLS.
//
//   a1 = relu(s1 * (W1 . x) + b1)    cast to a1_t
//   a2 = relu(s2 * (W2 . a1) + b2)   cast to a2_t
//   r  = a1 + a2                     cast to r_t
//   z  = W3 . r + b3                 cast to z_t (the logits)
//
// The golden model is `FixedModel::logits` in examples/qfx_digits/model.rs; the two agree
// bit for bit (tests/qfx_digits_hls.rs compiles hls/tb/qfx_digits_tb.cpp with g++ against
// the ap_types headers, on random models and on the trained ones of the example).
//
// The configuration is the struct the example writes to <name>.h (see FixedModel::header):
// the dimensions n_in, n_hid, n_out, the tensor types input_t, w1_t, s1_t, b1_t, a1_t,
// w2_t, ..., z_t, the exact intermediate types acc1_t, t1_t, acc2_t, t2_t, res_t, acc3_t,
// t3_t (wide enough that no product or sum rounds or wraps), the parameter arrays w1 [n_hid]
// [n_in], s1, b1, w2, s2, b2, w3 [n_out][n_hid], b3 and, when khot > 0, the shift-add terms
// w1_sign / w1_shift [n_hid][n_in][khot] (and the same for w2, w3).
//
// Every sum and product is exact; the only roundings are the assignments to a1_t, a2_t,
// r_t and z_t (their quantization mode, then their overflow mode).
//
// Two forms of the dense layers:
//   dense_mul   acc = sum_i w[o][i] * x[i] with the weights as multiplier operands;
//   dense_khot  the same exact sum by shifts and adds only: every weight is
//               sum_j sign[j] * 2^shift[j] (raw integers, at most K terms, canonical signed
//               digits), so w * x = sum_j +-(x_raw << shift[j]). No multiplication with a
//               weight operand appears in it (the test greps its source to keep it so); with
//               constant terms and full unrolling the shifts are wires and each product
//               costs at most K - 1 adders instead of a DSP.
// qfx_mlp<M> picks dense_khot when M::khot > 0; qfx_mlp_plain<M> always multiplies.
//
// Pragmas: each layer is one pipelined, fully unrolled computation (one multiplier or
// shift-add per weight); for a smaller design drop the UNROLL of the inner loops.
#ifndef LOWPREC_QFX_MLP_H
#define LOWPREC_QFX_MLP_H

#include <ap_fixed.h>
#include <ap_int.h>

namespace lowprec {
namespace qfx {

// acc[o] = sum_i w[o][i] * x[i], exactly (acc_t holds the sum of N_IN full products).
template <int N_IN, int N_OUT, class in_t, class w_t, class acc_t>
void dense_mul(const in_t x[N_IN], const w_t w[N_OUT][N_IN], acc_t acc[N_OUT]) {
#pragma HLS PIPELINE II = 1
#pragma HLS ARRAY_PARTITION variable = x complete
#pragma HLS ARRAY_PARTITION variable = w complete dim = 0
#pragma HLS ARRAY_PARTITION variable = acc complete
MulOutputs:
    for (int o = 0; o < N_OUT; o++) {
#pragma HLS UNROLL
        acc_t a = 0;
    MulInputs:
        for (int i = 0; i < N_IN; i++) {
#pragma HLS UNROLL
            a += w[o][i] * x[i];
        }
        acc[o] = a;
    }
}

// The raw integer of an ap_fixed / ap_ufixed value, sign- or zero-extended into ap_int<AW>.
template <int AW, int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
ap_int<AW> raw_of(const ap_fixed_base<W, I, S, Q, O, N>& v) {
#pragma HLS INLINE
    ap_int_base<W, S> r = v.range(W - 1, 0);
    return ap_int<AW>(r);
}

// acc[o] = sum_i w[o][i] * x[i], exactly, with each weight given by its K shift-add terms:
// the raw integer of the sum (fraction bits F_w + F_x, the fraction bits of acc_t) is
// sum_i sum_j sign[o][i][j] * (x_raw[i] << shift[o][i][j]). Shifts and adds only.
template <int N_IN, int N_OUT, int K, class in_t, class acc_t>
void dense_khot(const in_t x[N_IN], const signed char sign[N_OUT][N_IN][K],
                const unsigned char shift[N_OUT][N_IN][K], acc_t acc[N_OUT]) {
#pragma HLS PIPELINE II = 1
#pragma HLS ARRAY_PARTITION variable = x complete
#pragma HLS ARRAY_PARTITION variable = sign complete dim = 0
#pragma HLS ARRAY_PARTITION variable = shift complete dim = 0
#pragma HLS ARRAY_PARTITION variable = acc complete
    static const int AW = acc_t::width;
KhotOutputs:
    for (int o = 0; o < N_OUT; o++) {
#pragma HLS UNROLL
        // Partial sums may wrap modulo 2^AW (a CSD term can exceed the product); the
        // final sum fits acc_t, so it is exact.
        ap_int<AW> sum = 0;
    KhotInputs:
        for (int i = 0; i < N_IN; i++) {
#pragma HLS UNROLL
            ap_int<AW> xr = raw_of<AW>(x[i]);
        KhotTerms:
            for (int j = 0; j < K; j++) {
#pragma HLS UNROLL
                ap_int<AW> term = xr << shift[o][i][j];
                if (sign[o][i][j] > 0) {
                    sum += term;
                } else if (sign[o][i][j] < 0) {
                    sum -= term;
                }
            }
        }
        acc_t a;
        a.range(AW - 1, 0) = sum;
        acc[o] = a;
    }
}

// y[o] = cast_out(max(s[o] * acc[o] + b[o], 0)), the sum exact in t_t.
template <int N, class acc_t, class s_t, class b_t, class t_t, class out_t>
void scale_shift_relu(const acc_t acc[N], const s_t s[N], const b_t b[N], out_t y[N]) {
#pragma HLS PIPELINE II = 1
#pragma HLS ARRAY_PARTITION variable = acc complete
#pragma HLS ARRAY_PARTITION variable = s complete
#pragma HLS ARRAY_PARTITION variable = b complete
#pragma HLS ARRAY_PARTITION variable = y complete
ScaleShift:
    for (int o = 0; o < N; o++) {
#pragma HLS UNROLL
        t_t t = s[o] * acc[o] + b[o];
        if (t < 0) t = 0;
        y[o] = t;
    }
}

// y[i] = cast_out(a[i] + b[i]), the sum exact in sum_t.
template <int N, class a_t, class b_t, class sum_t, class out_t>
void residual_add(const a_t a[N], const b_t b[N], out_t y[N]) {
#pragma HLS PIPELINE II = 1
#pragma HLS ARRAY_PARTITION variable = a complete
#pragma HLS ARRAY_PARTITION variable = b complete
#pragma HLS ARRAY_PARTITION variable = y complete
Residual:
    for (int i = 0; i < N; i++) {
#pragma HLS UNROLL
        sum_t t = a[i] + b[i];
        y[i] = t;
    }
}

// y[o] = cast_out(acc[o] + b[o]), the sum exact in t_t (the output layer: no relu).
template <int N, class acc_t, class b_t, class t_t, class out_t>
void bias_out(const acc_t acc[N], const b_t b[N], out_t y[N]) {
#pragma HLS PIPELINE II = 1
#pragma HLS ARRAY_PARTITION variable = acc complete
#pragma HLS ARRAY_PARTITION variable = b complete
#pragma HLS ARRAY_PARTITION variable = y complete
Bias:
    for (int o = 0; o < N; o++) {
#pragma HLS UNROLL
        t_t t = acc[o] + b[o];
        y[o] = t;
    }
}

// The three dense products of a model, multiplied (KHOT = false) or shift-added (true).
template <class M, bool KHOT>
struct products {
    static void l1(const typename M::input_t x[M::n_in], typename M::acc1_t acc[M::n_hid]) {
#pragma HLS INLINE
        dense_mul<M::n_in, M::n_hid>(x, M::w1, acc);
    }
    static void l2(const typename M::a1_t x[M::n_hid], typename M::acc2_t acc[M::n_hid]) {
#pragma HLS INLINE
        dense_mul<M::n_hid, M::n_hid>(x, M::w2, acc);
    }
    static void l3(const typename M::r_t x[M::n_hid], typename M::acc3_t acc[M::n_out]) {
#pragma HLS INLINE
        dense_mul<M::n_hid, M::n_out>(x, M::w3, acc);
    }
};

template <class M>
struct products<M, true> {
    static void l1(const typename M::input_t x[M::n_in], typename M::acc1_t acc[M::n_hid]) {
#pragma HLS INLINE
        dense_khot<M::n_in, M::n_hid, M::khot>(x, M::w1_sign, M::w1_shift, acc);
    }
    static void l2(const typename M::a1_t x[M::n_hid], typename M::acc2_t acc[M::n_hid]) {
#pragma HLS INLINE
        dense_khot<M::n_hid, M::n_hid, M::khot>(x, M::w2_sign, M::w2_shift, acc);
    }
    static void l3(const typename M::r_t x[M::n_hid], typename M::acc3_t acc[M::n_out]) {
#pragma HLS INLINE
        dense_khot<M::n_hid, M::n_out, M::khot>(x, M::w3_sign, M::w3_shift, acc);
    }
};

// The network: logits z of the input x, with the dense products of form KHOT.
template <class M, bool KHOT>
void qfx_mlp_with(const typename M::input_t x[M::n_in], typename M::z_t z[M::n_out]) {
#pragma HLS PIPELINE II = 1
#pragma HLS ARRAY_PARTITION variable = x complete
#pragma HLS ARRAY_PARTITION variable = z complete
    typename M::acc1_t acc1[M::n_hid];
    typename M::a1_t a1[M::n_hid];
    typename M::acc2_t acc2[M::n_hid];
    typename M::a2_t a2[M::n_hid];
    typename M::r_t r[M::n_hid];
    typename M::acc3_t acc3[M::n_out];
    products<M, KHOT>::l1(x, acc1);
    scale_shift_relu<M::n_hid, typename M::acc1_t, typename M::s1_t, typename M::b1_t,
                     typename M::t1_t>(acc1, M::s1, M::b1, a1);
    products<M, KHOT>::l2(a1, acc2);
    scale_shift_relu<M::n_hid, typename M::acc2_t, typename M::s2_t, typename M::b2_t,
                     typename M::t2_t>(acc2, M::s2, M::b2, a2);
    residual_add<M::n_hid, typename M::a1_t, typename M::a2_t, typename M::res_t>(a1, a2, r);
    products<M, KHOT>::l3(r, acc3);
    bias_out<M::n_out, typename M::acc3_t, typename M::b3_t, typename M::t3_t>(acc3, M::b3, z);
}

// The deployed form: shift-add dense layers for a K-hot model, multipliers otherwise.
template <class M>
void qfx_mlp(const typename M::input_t x[M::n_in], typename M::z_t z[M::n_out]) {
#pragma HLS INLINE
    qfx_mlp_with<M, (M::khot > 0)>(x, z);
}

// Always the multiplier form (any model).
template <class M>
void qfx_mlp_plain(const typename M::input_t x[M::n_in], typename M::z_t z[M::n_out]) {
#pragma HLS INLINE
    qfx_mlp_with<M, false>(x, z);
}

}  // namespace qfx
}  // namespace lowprec

#endif
