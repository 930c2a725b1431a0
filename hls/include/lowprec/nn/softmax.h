// lowprec/nn/softmax.h: softmax over a row, max-subtracted, with an exp table and a
// reciprocal by a normalising shift and a table. Synthesizable HLS C++ (ap_types only).
//
// Golden model: lowprec::nn::Softmax (src/nn/softmax.rs in the Rust crate lowprec), bit
// for bit; tests/nn_act_hls.rs checks it in C simulation. The configuration struct C,
// with its tables, is written by Softmax::write_cpp_config (or `lowprec hls-tables`):
// typedefs input_t, output_t, exp_table_t, accum_t, inv_table_t, inv_t; the constants
// n, <type>_width, <type>_frac, exp_index_bits (B_e), exp_range_bits (R_e + F_in),
// exp_shift (s = R_e + F_in - B_e), inv_index_bits (B_r); and the ROMs exp_lut(j),
// inv_lut(j) holding the raw bits of the table types.
//
// Contract, for a row x[0..n) (F_in = input_frac):
//   m = max x[i]; d[i] = m - x[i] >= 0 exactly, D[i] = d[i] * 2^F_in.
//   e[i] = 0 if D[i] >= 2^exp_range_bits, else exp_lut[D[i] >> exp_shift]; entry j is
//        e^-c_j correctly rounded, c_j the centre of the differences that map to j.
//   sum = 0 (accum_t); sum += e[i] for i = 0 .. n-1 in order (accum_t's modes).
//   sum <= 0: every y[i] = 0. Otherwise p = position of the leading one of S = sum's raw
//        integer, j = the inv_index_bits bits of S below it (zeros shifted in), and
//        inv = inv_t(inv_lut[j] * 2^(F_acc - p)), inv_lut[j] = 1/(1 + (j + 1/2) 2^-B_r)
//        correctly rounded.
//   y[i] = output_t(e[i] * inv) (the exact product cast once).
// The loops are pipelined at II = 1; the sum's order is part of the contract.
#ifndef LOWPREC_NN_SOFTMAX_H
#define LOWPREC_NN_SOFTMAX_H

#include <ap_fixed.h>
#include <ap_int.h>

namespace lowprec {
namespace nn {
namespace softmax_detail {

// The raw integer of a fixed-point value, sign- or zero-extended to W + 1 bits.
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
ap_int<W + 1> raw(const ap_fixed_base<W, I, S, Q, O, N>& x) {
#pragma HLS INLINE
  ap_int_base<W, S> r = x.range();
  return r;
}

// e for one input: the exp table read at the difference from the row's maximum.
template <class C>
typename C::exp_table_t exp_of(const typename C::input_t& m, const typename C::input_t& x) {
#pragma HLS INLINE
  typedef ap_ufixed<C::input_width, C::input_width - C::input_frac> diff_t;
  diff_t d = m - x;  // exact: 0 <= d < 2^(W_in - F_in)
  ap_uint<C::input_width> dr = d.range();
  typename C::exp_table_t e = 0;
  if (C::exp_range_bits >= C::input_width || (dr >> C::exp_range_bits) == 0) {
    ap_uint<C::exp_index_bits> j = dr >> C::exp_shift;
    e.range() = C::exp_lut(j);
  }
  return e;
}

}  // namespace softmax_detail

template <class C>
void softmax(const typename C::input_t x[C::n], typename C::output_t y[C::n]) {
  typedef typename C::input_t input_t;
  typedef typename C::accum_t accum_t;
  typedef typename C::inv_table_t inv_table_t;
  typedef typename C::inv_t inv_t;
  // The shifted-back reciprocal, exact: inv_lut[j] << (W_acc - 1 - p), with
  // F_T + W_acc - 1 - F_acc fraction bits.
  typedef ap_fixed<C::inv_table_width + C::accum_width,
                   C::inv_table_width - C::inv_table_frac + C::accum_frac + 1>
      wide_t;

  input_t m = x[0];
max_loop:
  for (int i = 1; i < C::n; i++) {
#pragma HLS PIPELINE II = 1
    if (x[i] > m) m = x[i];
  }

  accum_t sum = 0;
sum_loop:
  for (int i = 0; i < C::n; i++) {
#pragma HLS PIPELINE II = 1
    sum += softmax_detail::exp_of<C>(m, x[i]);
  }

  if (sum <= 0) {
  zero_loop:
    for (int i = 0; i < C::n; i++) {
#pragma HLS PIPELINE II = 1
      y[i] = 0;
    }
    return;
  }

  // Leading one of the sum: a priority encoder.
  ap_uint<C::accum_width> s = sum.range();
  int pos = 0;
lead_loop:
  for (int b = 0; b < C::accum_width; b++) {
#pragma HLS UNROLL
    if (s[b]) pos = b;
  }
  ap_uint<C::accum_width + C::inv_index_bits> sx = s;
  sx <<= C::inv_index_bits;
  ap_uint<C::inv_index_bits> j = sx >> pos;  // the bits below the leading one

  inv_table_t t;
  t.range() = C::inv_lut(j);
  ap_int<C::inv_table_width + C::accum_width> wr = softmax_detail::raw(t);
  wr <<= (C::accum_width - 1 - pos);
  wide_t wv;
  wv.range() = wr;
  inv_t inv = wv;

out_loop:
  for (int i = 0; i < C::n; i++) {
#pragma HLS PIPELINE II = 1
    y[i] = softmax_detail::exp_of<C>(m, x[i]) * inv;
  }
}

}  // namespace nn
}  // namespace lowprec

#endif
