// lowprec/lmul.h: L-Mul (Luo & Sun 2024) on ap_uint codes, synthesizable by Vitis HLS.
//
// The golden model is `lowprec::lmul::LMul` in the Rust crate (src/lmul.rs); this kernel
// agrees with it bit for bit on every configuration below (tests/lmul_hls.rs compiles
// hls/tb/lmul_tb.cpp with g++ against the ap_types headers and compares all 65,536 code
// pairs of each 8-bit format and 10^6 random pairs of fp16, bf16 and fp32).
//
// A code is 1 sign bit, E exponent bits, M fraction bits (sign in the top bit). With the
// operands' magnitudes |x|, |y| (codes without the sign bit, as unsigned integers),
//
//   C = (BIAS << M) - 2^(M - L),    |r| = |x| + |y| - C,    sign = x_s ^ y_s,
//
// where L is the offset exponent (the paper's l(m): m for m <= 3, 3 for m = 4, 4 above).
// Before the addition each operand keeps its first K fraction bits (the paper's "k-bit
// L-Mul"; K = M keeps all).
//
//   LMUL_PAPER:   |r| modulo 2^(E+M), no special cases: bit-identical to the paper's code
//                 (fp32 0 x 0 = 4.25, large products wrap).
//   LMUL_GUARDED: NaN in -> canonical NaN; inf x (zero or subnormal) -> NaN; inf -> +-inf
//                 (+-max under SAT_FINITE); zero or subnormal in -> +-0; |r| below the
//                 smallest normal -> +-0; |r| above the largest finite -> per OVERFLOW:
//                 OVF_IEEE gives +-inf (+-NaN for FN formats, the NaN for FNUZ),
//                 OVF_SAT_FINITE and OVF_SAT_PROPAGATE give +-max finite.
//
// SPECIALS selects the code layout of infinities and NaN: SPECIALS_IEEE (E5M2, E4M3,
// fp16, bf16, fp32), SPECIALS_FN (OCP E4M3FN: no inf, NaN = S.1..1.1..1) or SPECIALS_FNUZ
// (no inf, no -0, NaN = 1.0..0).
#ifndef LOWPREC_LMUL_H
#define LOWPREC_LMUL_H

#include <ap_int.h>

namespace lowprec {

enum lmul_mode { LMUL_PAPER = 0, LMUL_GUARDED = 1 };
enum lmul_specials { SPECIALS_IEEE = 0, SPECIALS_FN = 1, SPECIALS_FNUZ = 2 };
enum lmul_overflow { OVF_IEEE = 0, OVF_SAT_FINITE = 1, OVF_SAT_PROPAGATE = 2 };

// The paper's offset exponent l(m).
constexpr int lmul_offset_exponent(int m) { return m <= 3 ? m : (m == 4 ? 3 : 4); }

constexpr int lmul_min(int a, int b) { return a < b ? a : b; }

// Sign bit above W magnitude bits.
template <int W>
ap_uint<1 + W> lmul_pack(ap_uint<1> sign, ap_uint<W> mag) {
#pragma HLS INLINE
    ap_uint<1 + W> r = mag;
    r[W] = sign;
    return r;
}

// L-Mul of two codes of the format <E, M, BIAS, SPECIALS>.
//   K: fraction bits kept of each operand (clamped to M);
//   L: offset exponent, 0 <= L <= M (default l(min(K, M))).
template <int E, int M, int BIAS, int MODE, int SPECIALS = SPECIALS_IEEE,
          int OVERFLOW = OVF_IEEE, int K = M,
          int L = lmul_offset_exponent(lmul_min(K, M))>
ap_uint<1 + E + M> lmul(ap_uint<1 + E + M> a, ap_uint<1 + E + M> b) {
#pragma HLS INLINE
    static_assert(E >= 1 && M >= 0 && E + M <= 62, "format too wide");
    static_assert(L >= 0 && L <= M, "offset exponent must lie in 0..=M");
    const int W = E + M;        // magnitude bits
    const int KK = lmul_min(K, M);
    typedef ap_uint<W> mag_t;

    const ap_uint<1> s = a[W] ^ b[W];
    const mag_t ma = a(W - 1, 0);
    const mag_t mb = b(W - 1, 0);
    // Truncation to the first KK fraction bits: clear the M - KK bits below them.
    const mag_t keep = ~mag_t((1ULL << (M - KK)) - 1);
    const mag_t ta = ma & keep;
    const mag_t tb = mb & keep;
    // C modulo 2^W (exact for every bias in 0..2^E).
    const mag_t c = mag_t((((unsigned long long)BIAS) << M) - (1ULL << (M - L)));

    if (MODE == LMUL_PAPER) {
        // ta + tb has W + 1 bits; the assignment keeps the low W bits: the wrap-around.
        const mag_t r = ta + tb - c;
        return lmul_pack<W>(s, r);
    }

    // ---- Guarded mode ------------------------------------------------------------------
    const unsigned long long ones = (1ULL << W) - 1;              // all magnitude bits
    const unsigned long long exp_ones = ((1ULL << E) - 1) << M;   // exponent field all ones
    const unsigned long long frac_mask = (1ULL << M) - 1;
    // Largest finite magnitude, infinity and the canonical NaN code.
    const unsigned long long max_mag = SPECIALS == SPECIALS_IEEE ? ones - (1ULL << M)
                                     : SPECIALS == SPECIALS_FN   ? ones - 1
                                                                 : ones;
        const ap_uint<1 + W> nan_code =
        SPECIALS == SPECIALS_IEEE ? ap_uint<1 + W>(exp_ones | (M > 0 ? 1ULL << (M - 1) : 0))
        : SPECIALS == SPECIALS_FN ? ap_uint<1 + W>(ones)
                                  : ap_uint<1 + W>(1ULL << W);   // FNUZ: 1.0..0

    const bool a_exp_ones = (ma & mag_t(exp_ones)) == mag_t(exp_ones);
    const bool b_exp_ones = (mb & mag_t(exp_ones)) == mag_t(exp_ones);
    const bool a_frac_zero = (ma & mag_t(frac_mask)) == 0;
    const bool b_frac_zero = (mb & mag_t(frac_mask)) == 0;
    const bool a_exp_zero = (ma & mag_t(exp_ones)) == 0;
    const bool b_exp_zero = (mb & mag_t(exp_ones)) == 0;

    bool a_nan, b_nan, a_inf, b_inf;
    if (SPECIALS == SPECIALS_IEEE) {
        a_nan = a_exp_ones && !a_frac_zero;
        b_nan = b_exp_ones && !b_frac_zero;
        a_inf = a_exp_ones && a_frac_zero;
        b_inf = b_exp_ones && b_frac_zero;
    } else if (SPECIALS == SPECIALS_FN) {
        a_nan = ma == mag_t(ones);
        b_nan = mb == mag_t(ones);
        a_inf = b_inf = false;
    } else {
        a_nan = a[W] == 1 && ma == 0;
        b_nan = b[W] == 1 && mb == 0;
        a_inf = b_inf = false;
    }
    // Zero or subnormal (flushed to zero).
    const bool a_zero = a_exp_zero && !a_nan;
    const bool b_zero = b_exp_zero && !b_nan;

    // +-0: FNUZ has no -0.
    const ap_uint<1> zs = SPECIALS == SPECIALS_FNUZ ? ap_uint<1>(0) : s;
    const ap_uint<1 + W> zero_code = lmul_pack<W>(zs, mag_t(0));
    const ap_uint<1 + W> max_code = lmul_pack<W>(s, mag_t(max_mag));
    ap_uint<1 + W> overflow_code;
    if (OVERFLOW != OVF_IEEE) {
        overflow_code = max_code;
    } else if (SPECIALS == SPECIALS_IEEE) {
        overflow_code = lmul_pack<W>(s, mag_t(exp_ones));
    } else if (SPECIALS == SPECIALS_FN) {
        overflow_code = lmul_pack<W>(s, mag_t(ones));  // the NaN, its sign kept
    } else {
        overflow_code = nan_code;
    }

    if (a_nan || b_nan) return nan_code;
    if (a_inf || b_inf) {
        if (a_zero || b_zero) return nan_code;
        return OVERFLOW == OVF_SAT_FINITE ? max_code : lmul_pack<W>(s, mag_t(exp_ones));
    }
    if (a_zero || b_zero) return zero_code;

    // Both normal: S = ta + tb - C exactly (W + 3 signed bits hold -2^W .. 2^(W+1)).
    const ap_int<W + 3> sum = ap_int<W + 3>(ta) + ap_int<W + 3>(tb) -
                              ap_int<W + 3>((long long)((((unsigned long long)BIAS) << M) -
                                                        (1ULL << (M - L))));
    if (sum < ap_int<W + 3>((long long)(1ULL << M))) return zero_code;  // underflow
    if (sum > ap_int<W + 3>((long long)max_mag)) return overflow_code;
    return lmul_pack<W>(s, mag_t(sum(W - 1, 0)));
}

}  // namespace lowprec

#endif  // LOWPREC_LMUL_H
