// lowprec/mx_dot.h: the OCP MX v1.0 Dot of two blocks on packed codes, exactly,
// synthesizable by Vitis HLS.
//
// The golden model is the exact form of `lowprec::block::dot_exact` in the Rust crate
// (src/block/dot.rs); the two agree on every vector tests/block_mx_dot_hls.rs gives
// them (hls/tb/mx_dot_tb.cpp compiled with g++ against the ap_types headers: random
// blocks of all six element formats, special values included).
//
// Dot(A, B) = X_A * X_B * sum_i P_i^A * P_i^B for two blocks of BS elements with E8M0
// scales X = 2^(code - 127) (code 0xFF: NaN). The result is exact, in two parts:
//
//   value = sum * 2^exp,   sum: ap_fixed (mx_dot_types<ELEM, BS>::sum_t),
//                          exp = X_A code + X_B code - 254 (an ap_int<10>, -254 .. 254)
//
// Why this form: the scales are powers of two, so the exact product of the two scales is
// an exponent addition and the exact dot product is a fixed-point sum of the element
// products with that exponent beside it. The sum fits a narrow ap_fixed (E4M3: 43 bits
// for 32 elements; E5M2: 71; E2M1: 15), while one ap_fixed holding the value itself would
// span 2^-254 .. 2^254 (over 500 bits); and an f32 result would be a rounding the
// consumer may not want (the Rust model's f32 block-by-block mode rounds exactly this
// value to f32, so an f32 accumulator downstream reproduces it).
//
// special (ap_uint<2>): MX_DOT_FINITE (value above), MX_DOT_NAN, MX_DOT_POS_INF,
// MX_DOT_NEG_INF, following IEEE 754 on the values element * scale, as the Rust model:
//   a NaN scale (0xFF) on either side, or a NaN element  -> NaN
//   inf * 0 (E5M2 elements)                              -> NaN
//   +inf and -inf among the products                     -> NaN
//   otherwise an infinite product                        -> +-inf
// A zero result is a zero sum (its sign is not represented; the Rust model's -0 when
// every product is -0 compares equal).
//
// ELEM selects the element format (all sign-magnitude floats are OCP's: E4M3 is E4M3FN,
// NaN = S.1111.111, no inf; E5M2 is IEEE-like; E3M2, E2M3, E2M1 have no specials; INT8 is
// two's complement with 6 fraction bits, MXINT8). Elements are ap_uint<W> codes, W the
// element width (8, 8, 6, 6, 4, 8). A block shorter than BS (the tail of a vector) is
// padded with zero codes on both sides, which adds nothing.
//
// Element values as integers: a float element is mag * 2^-F with F = BIAS - 1 + M (its
// quantum), mag = fraction (subnormal) or (1.fraction) << (exponent - 1); the product of
// two is an integer with 2F fraction bits, so the sum is exact in
// ap_fixed<2 VW + clog2(BS), 2 VW + clog2(BS) - 2F>, VW the signed width of an element
// integer.
//
// Pragmas: one block per call, fully unrolled (BS multipliers and an adder tree),
// pipelined with II = 1; the element arrays are partitioned completely.
#ifndef LOWPREC_MX_DOT_H
#define LOWPREC_MX_DOT_H

#include <ap_fixed.h>
#include <ap_int.h>

namespace lowprec {

enum mx_elem { MX_E4M3 = 0, MX_E5M2 = 1, MX_E3M2 = 2, MX_E2M3 = 3, MX_E2M1 = 4, MX_INT8 = 5 };
enum mx_dot_special { MX_DOT_FINITE = 0, MX_DOT_NAN = 1, MX_DOT_POS_INF = 2, MX_DOT_NEG_INF = 3 };
// The specials layout of a float element.
enum mx_elem_specials { MX_SP_NONE = 0, MX_SP_FN = 1, MX_SP_IEEE = 2 };

constexpr int mx_clog2(int n) { return n <= 1 ? 0 : 1 + mx_clog2((n + 1) / 2); }

// The parameters of an element format: code width W; for floats E, M, BIAS and SP; the
// signed width VW of its integer value and its fraction bits F.
template <int ELEM>
struct mx_elem_traits;
template <int E_, int M_, int BIAS_, int SP_>
struct mx_float_traits {
    static const bool INT = false;
    static const int E = E_, M = M_, BIAS = BIAS_, SP = SP_;
    static const int W = 1 + E + M;
    // The largest exponent field of a finite value (IEEE: all ones is special).
    static const int EMAXF = SP == MX_SP_IEEE ? (1 << E) - 2 : (1 << E) - 1;
    static const int VW = M + EMAXF + 1;
    static const int F = BIAS - 1 + M;
};
template <>
struct mx_elem_traits<MX_E4M3> : mx_float_traits<4, 3, 7, MX_SP_FN> {};
template <>
struct mx_elem_traits<MX_E5M2> : mx_float_traits<5, 2, 15, MX_SP_IEEE> {};
template <>
struct mx_elem_traits<MX_E3M2> : mx_float_traits<3, 2, 3, MX_SP_NONE> {};
template <>
struct mx_elem_traits<MX_E2M3> : mx_float_traits<2, 3, 1, MX_SP_NONE> {};
template <>
struct mx_elem_traits<MX_E2M1> : mx_float_traits<2, 1, 1, MX_SP_NONE> {};
template <>
struct mx_elem_traits<MX_INT8> {
    static const bool INT = true;
    static const int E = 0, M = 0, BIAS = 0, SP = MX_SP_NONE;
    static const int W = 8, VW = 8, F = 6;
};

template <int ELEM, int BS>
struct mx_dot_types {
    typedef mx_elem_traits<ELEM> T;
    typedef ap_uint<T::W> code_t;
    typedef ap_int<T::VW> val_t;
    static const int PW = 2 * T::VW;
    static const int SW = PW + mx_clog2(BS);
    static const int SF = 2 * T::F;
    typedef ap_int<PW> prod_t;
    typedef ap_int<SW> acc_t;
    // The exact sum of the element products.
    typedef ap_fixed<SW, SW - SF> sum_t;
};

// The exact Dot of two blocks: special, sum and exp as described above.
template <int ELEM, int BS>
struct mx_dot_result {
    ap_uint<2> special;
    typename mx_dot_types<ELEM, BS>::sum_t sum;
    ap_int<10> exp;
};

// One element: its signed integer value (value * 2^F) and its class.
template <int ELEM>
struct mx_elem_value {
    ap_int<mx_elem_traits<ELEM>::VW> v;
    bool nan, inf, neg, zero;
};

// Decoding, for float elements (INT = false) and integers (INT = true).
template <int ELEM, bool INT = mx_elem_traits<ELEM>::INT>
struct mx_decoder {
    static mx_elem_value<ELEM> run(ap_uint<mx_elem_traits<ELEM>::W> c) {
#pragma HLS INLINE
        typedef mx_elem_traits<ELEM> T;
        const int MAGW = T::W - 1;
        mx_elem_value<ELEM> r;
        ap_uint<MAGW> mag = c(MAGW - 1, 0);
        ap_uint<T::E> ef = mag >> T::M;
        ap_uint<T::M> fr = mag(T::M - 1, 0);
        r.neg = c[T::W - 1];
        r.nan = (T::SP == MX_SP_FN && mag == ap_uint<MAGW>(-1)) ||
                (T::SP == MX_SP_IEEE && ef == ap_uint<T::E>(-1) && fr != 0);
        r.inf = T::SP == MX_SP_IEEE && ef == ap_uint<T::E>(-1) && fr == 0;
        ap_uint<T::VW> m;
        if (ef == 0) {
            m = fr;
        } else {
            ap_uint<T::M + 1> sig = fr;
            sig[T::M] = 1;
            m = ap_uint<T::VW>(sig) << (ef - 1);
        }
        if (r.nan || r.inf) m = 0;
        r.zero = mag == 0;
        ap_int<T::VW> v = m;
        r.v = r.neg ? ap_int<T::VW>(-v) : v;
        return r;
    }
};
template <int ELEM>
struct mx_decoder<ELEM, true> {
    static mx_elem_value<ELEM> run(ap_uint<mx_elem_traits<ELEM>::W> c) {
#pragma HLS INLINE
        mx_elem_value<ELEM> r;
        ap_int<mx_elem_traits<ELEM>::W> s = c;
        r.v = s;
        r.nan = false;
        r.inf = false;
        r.neg = s < 0;
        r.zero = s == 0;
        return r;
    }
};

template <int ELEM>
mx_elem_value<ELEM> mx_decode(ap_uint<mx_elem_traits<ELEM>::W> c) {
#pragma HLS INLINE
    return mx_decoder<ELEM>::run(c);
}

template <int ELEM, int BS>
void mx_dot(const ap_uint<mx_elem_traits<ELEM>::W> a[BS], ap_uint<8> xa,
            const ap_uint<mx_elem_traits<ELEM>::W> b[BS], ap_uint<8> xb,
            mx_dot_result<ELEM, BS>& r) {
#pragma HLS PIPELINE II = 1
#pragma HLS ARRAY_PARTITION variable = a complete
#pragma HLS ARRAY_PARTITION variable = b complete
    typedef mx_dot_types<ELEM, BS> D;
    typename D::acc_t acc = 0;
    bool nan = xa == 0xFF || xb == 0xFF;
    bool pos_inf = false, neg_inf = false;
Products:
    for (int i = 0; i < BS; i++) {
#pragma HLS UNROLL
        mx_elem_value<ELEM> x = mx_decode<ELEM>(a[i]);
        mx_elem_value<ELEM> y = mx_decode<ELEM>(b[i]);
        typename D::prod_t p = typename D::prod_t(x.v) * typename D::prod_t(y.v);
        acc += p;
        nan = nan || x.nan || y.nan || (x.inf && y.zero) || (y.inf && x.zero);
        bool inf = x.inf || y.inf;
        bool neg = x.neg != y.neg;
        pos_inf = pos_inf || (inf && !neg);
        neg_inf = neg_inf || (inf && neg);
    }
    r.sum.range(D::SW - 1, 0) = acc.range(D::SW - 1, 0);
    r.exp = ap_int<10>(ap_int<10>(xa) + ap_int<10>(xb) - 254);
    if (nan || (pos_inf && neg_inf)) {
        r.special = MX_DOT_NAN;
    } else if (pos_inf) {
        r.special = MX_DOT_POS_INF;
    } else if (neg_inf) {
        r.special = MX_DOT_NEG_INF;
    } else {
        r.special = MX_DOT_FINITE;
    }
}

}  // namespace lowprec

#endif
