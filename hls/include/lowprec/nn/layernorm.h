// lowprec/nn/layernorm.h: layer normalisation over a row, for the full dynamic range:
// 1/sqrt(var + eps) by a normalising shift (even exponent from a leading-one detector)
// and a table over the mantissa's top bits. Synthesizable HLS C++ (ap_types only).
//
// Golden model: lowprec::nn::LayerNorm (src/nn/layernorm.rs in the Rust crate lowprec),
// bit for bit; tests/nn_act_hls.rs checks it in C simulation. The configuration struct C,
// with its table, is written by LayerNorm::write_cpp_config (or `lowprec hls-tables`):
// typedefs input_t, output_t, accum_t, dim_recip_t, mean_t, sq_accum_t, var_t, eps_t,
// rsqrt_table_t, norm_t, scale_t, bias_t; the constants dim, <type>_width, <type>_frac,
// diff_width/diff_int (x - mean, exact), v_width/v_frac (var + eps, exact), v_qtop,
// rsqrt_index_bits (B), prod_width/prod_frac (the shifted normalised product); the
// constants dim_recip_raw() = 1/D and eps_raw() = eps (raw bits, correctly rounded) and
// the ROM rsqrt_lut(j).
//
// Contract, for a row x[0..D), scales g[i], biases b[i]:
//   sum = 0 (accum_t); sum += x[i] in order;        mean = mean_t(sum * (1/D)).
//   d[i] = x[i] - mean exactly; sq = 0 (sq_accum_t); sq += d[i]^2 in order;
//   var = var_t(sq * (1/D));                          v = var + eps exactly.
//   v <= 0: n[i] = 0. Otherwise V = v's raw integer (v_frac fraction bits), p = its
//     leading one, q = p - ((p - v_frac) mod 2) so that v = mu * 4^k, mu = V / 2^q in
//     [1, 4), k = (q - v_frac) / 2; j = floor(mu * 2^(B-2)) - 2^(B-2);
//     rsqrt_lut[j] = 1/sqrt(mu_j) correctly rounded, mu_j the centre of mu's cell;
//     n[i] = norm_t(d[i] * rsqrt_lut[j] * 2^-k)   (exact product and shift, one cast).
//   y[i] = output_t(n[i] * g[i] + b[i])             (exact, one cast).
// The loops are pipelined at II = 1; the sums' order is part of the contract.
#ifndef LOWPREC_NN_LAYERNORM_H
#define LOWPREC_NN_LAYERNORM_H

#include <ap_fixed.h>
#include <ap_int.h>

namespace lowprec {
namespace nn {
namespace layernorm_detail {

// The raw integer of a fixed-point value, sign- or zero-extended to W + 1 bits.
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
ap_int<W + 1> raw(const ap_fixed_base<W, I, S, Q, O, N>& x) {
#pragma HLS INLINE
  ap_int_base<W, S> r = x.range();
  return r;
}

}  // namespace layernorm_detail

template <class C>
void layernorm(const typename C::input_t x[C::dim], const typename C::scale_t scale[C::dim],
               const typename C::bias_t bias[C::dim], typename C::output_t y[C::dim]) {
  typedef ap_fixed<C::diff_width, C::diff_int> diff_t;
  typedef ap_fixed<C::v_width, C::v_width - C::v_frac> v_t;
  typedef ap_fixed<C::prod_width, C::prod_width - C::prod_frac> prod_t;
  const int B = C::rsqrt_index_bits;

  typename C::dim_recip_t r;
  r.range() = C::dim_recip_raw();
  typename C::eps_t eps;
  eps.range() = C::eps_raw();

  typename C::accum_t sum = 0;
sum_loop:
  for (int i = 0; i < C::dim; i++) {
#pragma HLS PIPELINE II = 1
    sum += x[i];
  }
  typename C::mean_t mean = sum * r;

  typename C::sq_accum_t sq = 0;
sq_loop:
  for (int i = 0; i < C::dim; i++) {
#pragma HLS PIPELINE II = 1
    diff_t d = x[i] - mean;
    sq += d * d;
  }
  typename C::var_t var = sq * r;
  v_t v = var + eps;

  typename C::rsqrt_table_t t = 0;
  int a = 0;
  if (v > 0) {
    ap_uint<C::v_width> vr = v.range();
    int pos = 0;
  lead_loop:
    for (int b = 0; b < C::v_width; b++) {
#pragma HLS UNROLL
      if (vr[b]) pos = b;
    }
    int q = pos - ((pos - C::v_frac) & 1);
    ap_uint<C::v_width + C::rsqrt_index_bits> vx = vr;
    vx <<= B;
    ap_uint<C::rsqrt_index_bits> jj = vx >> (q + 2);
    ap_uint<C::rsqrt_index_bits> j = jj - (1 << (B - 2));
    t.range() = C::rsqrt_lut(j);
    a = (C::v_qtop - q) >> 1;
  }

norm_loop:
  for (int i = 0; i < C::dim; i++) {
#pragma HLS PIPELINE II = 1
    diff_t d = x[i] - mean;
    ap_int<C::prod_width> pr = layernorm_detail::raw(d) * layernorm_detail::raw(t);
    pr <<= a;
    prod_t pw;
    pw.range() = pr;
    typename C::norm_t n = pw;
    y[i] = n * scale[i] + bias[i];
  }
}

}  // namespace nn
}  // namespace lowprec

#endif
