// lowprec/nn/residual.h: the residual add out[i] = a[i] + b[i], synthesizable by Vitis HLS.
//
// The golden model is `lowprec::nn::Residual` (and `lowprec::nn::residual::add`) in the
// Rust crate (src/nn/residual.rs); the two agree bit for bit (tests/nn_dense_hls.rs).
//
// Contract: a[i] + b[i] is exact (ap_fixed's full-precision sum type, aligned to the finer
// of the two fraction counts), then one assignment to out_t: its quantization mode, then its
// overflow mode.
//
// The configuration is a struct:
//   struct my_residual {
//       typedef ap_fixed<16, 6> a_t;  typedef ap_fixed<16, 6> b_t;
//       typedef ap_fixed<16, 6, AP_RND_CONV, AP_SAT> out_t;
//       static const unsigned N = 384;
//   };
//   lowprec::nn::residual_add<my_residual>(a, b, out);
#ifndef LOWPREC_NN_RESIDUAL_H
#define LOWPREC_NN_RESIDUAL_H

#include <ap_fixed.h>

namespace lowprec {
namespace nn {

template <class CONFIG_T>
void residual_add(const typename CONFIG_T::a_t a[CONFIG_T::N],
                  const typename CONFIG_T::b_t b[CONFIG_T::N],
                  typename CONFIG_T::out_t out[CONFIG_T::N]) {
#pragma HLS PIPELINE II = 1
#pragma HLS ARRAY_PARTITION variable = a complete
#pragma HLS ARRAY_PARTITION variable = b complete
#pragma HLS ARRAY_PARTITION variable = out complete
Elements:
    for (unsigned i = 0; i < CONFIG_T::N; i++) {
#pragma HLS UNROLL
        out[i] = typename CONFIG_T::out_t(a[i] + b[i]);
    }
}

}  // namespace nn
}  // namespace lowprec

#endif
