// lowprec/nn/types.h: compile-time helpers shared by the lowprec::nn kernels.
//
// Nothing here computes at run time: these are the width rules the kernels use to size
// their exact intermediates, written once so that every kernel (and its Rust golden model
// in src/nn/) agrees on them.
#ifndef LOWPREC_NN_TYPES_H
#define LOWPREC_NN_TYPES_H

#include <ap_fixed.h>

namespace lowprec {
namespace nn {

constexpr int max_int(int a, int b) { return a > b ? a : b; }
constexpr int min_int(int a, int b) { return a < b ? a : b; }

// The number of bits of n: ceil(log2(n + 1)) (0 for 0).
constexpr int bit_len(unsigned long long n) { return n == 0 ? 0 : 1 + bit_len(n >> 1); }

// Width, integer bits and fraction bits of an ap_fixed / ap_ufixed type.
template <class T>
struct fixed_shape {
    static const int W = T::width;
    static const int I = T::iwidth;
    static const int F = T::width - T::iwidth;
};

}  // namespace nn
}  // namespace lowprec

#endif
