// lowprec/nn/gelu.h: GELU (erf form or tanh approximation) as a lookup table over the
// input's raw bits, entries correctly rounded. Synthesizable HLS C++ (ap_types only).
//
// Golden model: lowprec::nn::Gelu (src/nn/gelu.rs in the Rust crate lowprec), bit for
// bit; tests/nn_act_hls.rs checks it in C simulation. The configuration struct C, with
// its table, is written by Gelu::write_cpp_config (or `lowprec hls-tables`): typedefs
// input_t (signed), output_t; the constants input_width, input_frac, whole (the window is
// the input's whole range), window_bits (R + F_in), index_bits (B), index_shift
// (s = R + F_in - B), and the ROM gelu_lut(j) holding raw output bits.
//
// Contract, for each x (X = its raw integer, O = X + 2^(window_bits - 1)):
//   O >= 2^window_bits (x above the window [-2^(R-1), 2^(R-1))): y = output_t(x);
//   O < 0 (x below the window): y = 0;
//   otherwise y = gelu_lut[O >> index_shift], entry j = GELU(c_j) correctly rounded into
//   output_t, c_j the centre of the inputs that map to j (with whole = 1 and
//   index_shift = 0: GELU(x) itself, correctly rounded, for every x).
// The loop is pipelined at II = 1: one table read per value.
#ifndef LOWPREC_NN_GELU_H
#define LOWPREC_NN_GELU_H

#include <ap_fixed.h>
#include <ap_int.h>

namespace lowprec {
namespace nn {
namespace gelu_detail {

// The raw integer of a fixed-point value, sign- or zero-extended to W + 1 bits.
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
ap_int<W + 1> raw(const ap_fixed_base<W, I, S, Q, O, N>& x) {
#pragma HLS INLINE
  ap_int_base<W, S> r = x.range();
  return r;
}

}  // namespace gelu_detail

// GELU of one value.
template <class C>
typename C::output_t gelu_one(const typename C::input_t& x) {
#pragma HLS INLINE
  typedef ap_int<C::input_width + 2> off_t;
  off_t o = gelu_detail::raw(x);
  o += off_t(1) << (C::window_bits - 1);
  typename C::output_t y = 0;
  if (!C::whole && o >= (off_t(1) << C::window_bits)) {
    y = x;
  } else if (!C::whole && o < 0) {
    y = 0;
  } else {
    ap_uint<C::index_bits> j = o >> C::index_shift;
    y.range() = C::gelu_lut(j);
  }
  return y;
}

// GELU of N values.
template <class C, int N>
void gelu(const typename C::input_t x[N], typename C::output_t y[N]) {
gelu_loop:
  for (int i = 0; i < N; i++) {
#pragma HLS PIPELINE II = 1
    y[i] = gelu_one<C>(x[i]);
  }
}

}  // namespace nn
}  // namespace lowprec

#endif
