// lowprec/nn/dense.h: a dense (fully connected) layer with bias and optional ReLU,
// synthesizable by Vitis HLS.
//
// The golden model is `lowprec::nn::Dense` in the Rust crate (src/nn/dense.rs); the two
// agree bit for bit (tests/nn_dense_hls.rs compiles hls/tb/nn_dense_tb.cpp with g++
// against the ap_types headers and compares every output of random and extreme vectors
// over several configurations).
//
// Layout: weights are [N_OUT][N_IN], row-major (w[j * N_IN + i] connects input i to
// output j), which is PyTorch's nn.Linear.weight layout and the transpose of hls4ml's.
// Biases are [N_OUT].
//
// Contract, per output j ("cast to T" is a C++ assignment to a T: T's quantization mode,
// then T's overflow mode):
//   DENSE_LATENCY  acc = cast_accum(b[j]); then for i = 0 .. N_IN-1, in this order:
//                    m = cast_accum(x[i] * w[j][i])    (the exact product)
//                    acc = cast_accum(acc + m)         (the exact sum)
//                  so every product and every partial sum rounds and wraps or saturates
//                  in accum_t, as the unrolled multiply-accumulate chain does.
//   DENSE_WIDE     acc = cast_accum(b[j] + sum_i x[i] * w[j][i]), the exact sum in an
//                  ap_fixed wide enough for it (dense_wide_type below), cast once.
//   output         y[j] = cast_out(acc); with RELU, cast_out(max(acc, 0)): the ReLU acts
//                  on the accumulator before the output cast.
//
// The configuration is a struct:
//   struct my_dense {
//       typedef ap_fixed<16, 6> in_t;      typedef ap_fixed<8, 2> weight_t;
//       typedef ap_fixed<16, 6> bias_t;    typedef ap_fixed<32, 12> accum_t;
//       typedef ap_fixed<16, 6, AP_RND_CONV, AP_SAT> out_t;
//       static const unsigned N_IN = 384, N_OUT = 384;
//       static const int SCHEDULE = lowprec::nn::DENSE_LATENCY;
//       static const bool RELU = false;
//   };
//   lowprec::nn::dense<my_dense>(x, y, w, b);
//
// Pragmas: the whole layer is one pipelined, fully unrolled computation (one multiplier
// per weight, as hls4ml's latency strategy with reuse factor 1); for large layers wrap the
// call in a loop with a reuse factor or partition the weights differently.
#ifndef LOWPREC_NN_DENSE_H
#define LOWPREC_NN_DENSE_H

#include <ap_fixed.h>

#include "types.h"

namespace lowprec {
namespace nn {

enum dense_schedule { DENSE_LATENCY = 0, DENSE_WIDE = 1 };

// The signed ap_fixed that holds b + sum x * w exactly: aligned to
// F = max(F_in + F_weight, F_bias), the wider of the product's and the bias's magnitude
// bits, ceil(log2(N_IN + 1)) carry bits and a sign bit. The Rust model refuses
// configurations where this exceeds 127 bits.
template <class CONFIG_T>
struct dense_wide_type {
    typedef fixed_shape<typename CONFIG_T::in_t> X;
    typedef fixed_shape<typename CONFIG_T::weight_t> Wt;
    typedef fixed_shape<typename CONFIG_T::bias_t> B;
    static const int FP = X::F + Wt::F;
    static const int F = max_int(FP, B::F);
    static const int BITS =
        max_int(X::W + Wt::W + (F - FP), B::W + (F - B::F)) + bit_len(CONFIG_T::N_IN) + 1;
    typedef ap_fixed<BITS, BITS - F> type;
};

template <class CONFIG_T>
void dense(const typename CONFIG_T::in_t x[CONFIG_T::N_IN],
           typename CONFIG_T::out_t y[CONFIG_T::N_OUT],
           const typename CONFIG_T::weight_t w[CONFIG_T::N_OUT * CONFIG_T::N_IN],
           const typename CONFIG_T::bias_t b[CONFIG_T::N_OUT]) {
#pragma HLS PIPELINE II = 1
#pragma HLS ARRAY_PARTITION variable = x complete
#pragma HLS ARRAY_PARTITION variable = y complete
#pragma HLS ARRAY_PARTITION variable = w complete
#pragma HLS ARRAY_PARTITION variable = b complete
    typedef typename CONFIG_T::accum_t accum_t;
    typedef typename CONFIG_T::out_t out_t;
    typedef typename dense_wide_type<CONFIG_T>::type wide_t;
Outputs:
    for (unsigned j = 0; j < CONFIG_T::N_OUT; j++) {
#pragma HLS UNROLL
        accum_t acc;
        if (CONFIG_T::SCHEDULE == DENSE_LATENCY) {
            acc = accum_t(b[j]);
        Products:
            for (unsigned i = 0; i < CONFIG_T::N_IN; i++) {
#pragma HLS UNROLL
                accum_t m = x[i] * w[j * CONFIG_T::N_IN + i];
                acc = accum_t(acc + m);
            }
        } else {
            wide_t s = b[j];
        WideProducts:
            for (unsigned i = 0; i < CONFIG_T::N_IN; i++) {
#pragma HLS UNROLL
                s += x[i] * w[j * CONFIG_T::N_IN + i];
            }
            acc = accum_t(s);
        }
        if (CONFIG_T::RELU && acc < 0) {
            y[j] = out_t(0);
        } else {
            y[j] = out_t(acc);
        }
    }
}

}  // namespace nn
}  // namespace lowprec

#endif
