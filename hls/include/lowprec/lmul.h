// lowprec/lmul.h: L-Mul (Luo & Sun 2024) on ap_uint codes, synthesizable by Vitis HLS.
//
// The golden model is `lowprec::lmul::LMul` in the Rust crate (src/lmul.rs); this kernel
// agrees with it bit for bit on every configuration below (tests/lmul_hls.rs compiles
// hls/tb/lmul_tb.cpp with g++ against the ap_types headers and compares all code pairs of
// every format of at most 8 bits it lists, in each mode and overflow policy, and 10^6
// random pairs of each wider one: fp16, bf16, fp32, P3109 binary16p11se and binary16p8uf,
// and the 63-bit e10m52).
//
// A code is an optional sign bit (the top bit), E exponent bits and M fraction bits. With
// the operands' magnitudes |x|, |y| (codes without the sign bit, as unsigned integers),
//
//   C = (BIAS << M) - 2^(M - L),    S = |x| + |y| - C,    sign = x_s ^ y_s,
//
// where L is the offset exponent (the paper's l(m): m for m <= 3, 3 for m = 4, 4 above).
// Before the addition each operand keeps its first K fraction bits (the paper's "k-bit
// L-Mul"; K = M keeps all). Any BIAS in +-2^30 works (custom biases included).
//
//   LMUL_PAPER:   |r| = S modulo 2^(E+M), no special cases: bit-identical to the paper's
//                 code (fp32 0 x 0 = 4.25, large products wrap).
//   LMUL_GUARDED: S is computed exactly (wide enough for any bias); the special results
//                 are what the model's FloatFormat::round makes of the exact result:
//     NaN in, or inf x (zero or subnormal)  -> the canonical NaN (+0 where there is none)
//     inf x (normal or inf)                 -> +-inf; +-max under OVF_SAT_FINITE
//     zero or subnormal in                  -> +-0 (+0 where -0 does not exist)
//     S below the smallest normal 2^M       -> +-0 likewise; a format without zero
//                                              (E8M0) gives +-2^emin, the code sign | 0
//     S above the largest finite magnitude  -> OVF_SAT_FINITE, OVF_SAT_PROPAGATE: +-max;
//                                              OVF_IEEE: +-inf where the format has inf,
//                                              else its NaN (keeping the sign for FN), else
//                                              (MX: neither) +-max
//     otherwise                             -> sign | S
//
// SPECIALS selects the layout of the special codes; every constant the kernel uses (the
// largest finite magnitude, the infinity, the canonical NaN, which zeros exist) derives
// from it, the sign bit and E, M, exactly as lowprec's `FloatFormat` derives them:
//
//   SPECIALS_IEEE            inf = exponent all ones, fraction 0; NaN = the other all-ones
//                            exponent codes (canonical: fraction MSB set; none when M = 0)
//                            E5M2, E4M3, E3M4, fp16, bf16, fp32
//   SPECIALS_FN              no inf; NaN = S.1..1.1..1 only (OCP E4M3FN)
//   SPECIALS_FNUZ            no inf, no -0; NaN = 1.0..0 (E4M3FNUZ, E5M2FNUZ); signed only
//   SPECIALS_FINITE          no inf, no NaN: every code is a number (OCP MX FP6 E2M3,
//                            E3M2, FP4 E2M1)
//   SPECIALS_P3109_EXTENDED  IEEE P3109 extended: no -0; NaN = 1.0..0 (unsigned: 1..1);
//                            +-inf = the largest magnitude code (unsigned: 1..10)
//   SPECIALS_P3109_FINITE    IEEE P3109 finite: the same without inf
//   SPECIALS_NOZERO          no zero, no subnormals (exponent field 0 is the normal
//                            2^-BIAS), NaN = 1..1, no inf (OCP MX E8M0 scale)
//
// Signed formats use lmul<...>; unsigned ones (P3109 binaryKpPu*, E8M0, any layout but
// FNUZ without a sign bit) use lmul_unsigned<...>, whose codes are E + M bits wide. With
// M = 0 (P3109 p = 1, E8M0) the offset is 2^-0 = 1, so C = BIAS - 1 and L-Mul of two
// powers of two doubles their product (E8M0 1 x 1 = 2): exact products of MX scales are
// an exponent addition, not L-Mul.
// Formats without subnormals (lowprec's `:nosub`) need no switch of their own: the guarded
// mode flushes subnormal inputs to zero anyway, and the paper's form does not look.
#ifndef LOWPREC_LMUL_H
#define LOWPREC_LMUL_H

#include <ap_int.h>

namespace lowprec {

enum lmul_mode { LMUL_PAPER = 0, LMUL_GUARDED = 1 };
enum lmul_specials {
    SPECIALS_IEEE = 0,
    SPECIALS_FN = 1,
    SPECIALS_FNUZ = 2,
    SPECIALS_FINITE = 3,
    SPECIALS_P3109_EXTENDED = 4,
    SPECIALS_P3109_FINITE = 5,
    SPECIALS_NOZERO = 6
};
enum lmul_overflow { OVF_IEEE = 0, OVF_SAT_FINITE = 1, OVF_SAT_PROPAGATE = 2 };

// The paper's offset exponent l(m).
constexpr int lmul_offset_exponent(int m) { return m <= 3 ? m : (m == 4 ? 3 : 4); }

constexpr int lmul_min(int a, int b) { return a < b ? a : b; }
constexpr int lmul_max(int a, int b) { return a > b ? a : b; }
constexpr unsigned long long lmul_abs(long long x) {
    return x < 0 ? (unsigned long long)(-x) : (unsigned long long)x;
}
// Number of significant bits of x (0 for 0).
constexpr int lmul_bit_length(unsigned long long x) {
    return x == 0 ? 0 : 1 + lmul_bit_length(x >> 1);
}

// ---- The layout's constants (those of lowprec's FloatFormat) ---------------------------
// All magnitude bits set: 2^(E+M) - 1.
constexpr unsigned long long lmul_top(int e, int m) { return (1ULL << (e + m)) - 1; }
constexpr bool lmul_has_inf(int sp) {
    return sp == SPECIALS_IEEE || sp == SPECIALS_P3109_EXTENDED;
}
constexpr bool lmul_has_zero(int sp) { return sp != SPECIALS_NOZERO; }
constexpr bool lmul_has_nan(int sp, int m) {
    return sp == SPECIALS_IEEE ? m > 0 : sp != SPECIALS_FINITE;
}
constexpr bool lmul_has_neg_zero(int sp, int sgn) {
    return sgn && (sp == SPECIALS_IEEE || sp == SPECIALS_FN || sp == SPECIALS_FINITE);
}
// Whether the -0 code is the NaN (FNUZ and signed P3109).
constexpr bool lmul_neg_zero_is_nan(int sp, int sgn) {
    return sgn && (sp == SPECIALS_FNUZ || sp == SPECIALS_P3109_EXTENDED ||
                   sp == SPECIALS_P3109_FINITE);
}
// Whether NaN codes keep a sign (IEEE and E4M3FN style).
constexpr bool lmul_nan_has_sign(int sp, int sgn) {
    return sgn && (sp == SPECIALS_IEEE || sp == SPECIALS_FN);
}
// The largest finite magnitude code. The codes above it are inf (max + 1, where the
// layout has one) and NaN.
constexpr unsigned long long lmul_max_mag(int sp, int sgn, int e, int m) {
    return sp == SPECIALS_IEEE ? lmul_top(e, m) - (1ULL << m)   // exponent all ones - 1
         : sp == SPECIALS_FN || sp == SPECIALS_NOZERO ? lmul_top(e, m) - 1
         : sp == SPECIALS_P3109_EXTENDED || sp == SPECIALS_P3109_FINITE
             // Reserved at the top: the NaN (unsigned only), then +inf (extended only).
             ? lmul_top(e, m) - (sgn ? 0 : 1) - (sp == SPECIALS_P3109_EXTENDED ? 1 : 0)
             : lmul_top(e, m);                                  // FNUZ, FINITE
}
// The code of a NaN result: the canonical (positive) NaN, or +0 where the layout has none.
constexpr unsigned long long lmul_nan_code(int sp, int sgn, int e, int m) {
    return !lmul_has_nan(sp, m) ? 0
         : sp == SPECIALS_IEEE ? lmul_max_mag(sp, sgn, e, m) + 1 + (1ULL << (m - 1))
         : lmul_neg_zero_is_nan(sp, sgn) ? 1ULL << (e + m)      // 1.0..0
         : lmul_top(e, m);                      // FN, NOZERO, unsigned P3109: 1..1
}

// Sign bit access and packing; an unsigned code is its magnitude.
template <int SIGNED, int W>
struct lmul_code {
    typedef ap_uint<1 + W> type;
    static ap_uint<1> sign(type x) {
#pragma HLS INLINE
        return x[W];
    }
    static type pack(ap_uint<1> s, ap_uint<W> mag) {
#pragma HLS INLINE
        type r = mag;
        r[W] = s;
        return r;
    }
};
template <int W>
struct lmul_code<0, W> {
    typedef ap_uint<W> type;
    static ap_uint<1> sign(type) {
#pragma HLS INLINE
        return 0;
    }
    static type pack(ap_uint<1>, ap_uint<W> mag) {
#pragma HLS INLINE
        return mag;
    }
};

// L-Mul of two codes of the format <E, M, BIAS, SPECIALS>, with a sign bit (SIGNED = 1,
// codes of 1 + E + M bits) or without (SIGNED = 0, E + M bits; see lmul_unsigned).
//   K: fraction bits kept of each operand (clamped to M);
//   L: offset exponent, 0 <= L <= M (default l(min(K, M))).
template <int E, int M, int BIAS, int MODE, int SPECIALS = SPECIALS_IEEE,
          int OVERFLOW = OVF_IEEE, int K = M,
          int L = lmul_offset_exponent(lmul_min(K, M)), int SIGNED = 1>
ap_uint<SIGNED + E + M> lmul(ap_uint<SIGNED + E + M> a, ap_uint<SIGNED + E + M> b) {
#pragma HLS INLINE
    static_assert(E >= 1 && M >= 0 && E + M <= 62, "format too wide");
    static_assert(L >= 0 && L <= M, "offset exponent must lie in 0..=M");
    static_assert(SPECIALS >= SPECIALS_IEEE && SPECIALS <= SPECIALS_NOZERO, "unknown SPECIALS");
    static_assert(SIGNED == 0 || SIGNED == 1, "SIGNED is 0 or 1");
    static_assert(SIGNED || SPECIALS != SPECIALS_FNUZ, "FNUZ formats need a sign bit");
    static_assert(BIAS >= -(1 << 30) && BIAS <= (1 << 30), "bias out of range");
    const int W = E + M;        // magnitude bits
    const int KK = lmul_min(K, M);
    typedef ap_uint<W> mag_t;
    typedef lmul_code<SIGNED, W> code;
    typedef typename code::type code_t;

    const ap_uint<1> s = code::sign(a) ^ code::sign(b);  // always 0 when unsigned
    const mag_t ma = a(W - 1, 0);
    const mag_t mb = b(W - 1, 0);
    // Truncation to the first KK fraction bits: clear the M - KK bits below them.
    const mag_t keep = ~mag_t((1ULL << (M - KK)) - 1);
    const mag_t ta = ma & keep;
    const mag_t tb = mb & keep;
    // 2^(M - L): the offset 2^-L in units of the last fraction bit.
    const unsigned long long offset = 1ULL << (M - L);

    if (MODE == LMUL_PAPER) {
        // C modulo 2^W (exact for every bias: unsigned arithmetic wraps modulo 2^64).
        const mag_t c = mag_t((((unsigned long long)BIAS) << M) - offset);
        // ta + tb has W + 1 bits; the assignment keeps the low W bits: the wrap-around.
        const mag_t r = ta + tb - c;
        return code::pack(s, r);
    }

    // ---- Guarded mode ------------------------------------------------------------------
    const unsigned long long max_mag = lmul_max_mag(SPECIALS, SIGNED, E, M);
    const unsigned long long exp_mask = lmul_top(E, M) & ~((1ULL << M) - 1);
    const bool has_inf = lmul_has_inf(SPECIALS);
    const bool has_zero = lmul_has_zero(SPECIALS);
    const bool neg_zero_is_nan = lmul_neg_zero_is_nan(SPECIALS, SIGNED);
    // With inf, max_mag + 1 <= 2^W - 1 is its magnitude code.
    const mag_t inf_mag = mag_t(has_inf ? max_mag + 1 : 0);

    // Classes (FloatFormat::classify): NaN is the -0 code where that is the NaN, or a
    // magnitude above max that is not the infinity; zero-or-subnormal is an exponent
    // field of 0 in a format with zero.
    const bool a_nan = (neg_zero_is_nan && code::sign(a) == 1 && ma == 0) ||
                       (ma > mag_t(max_mag) && !(has_inf && ma == inf_mag));
    const bool b_nan = (neg_zero_is_nan && code::sign(b) == 1 && mb == 0) ||
                       (mb > mag_t(max_mag) && !(has_inf && mb == inf_mag));
    const bool a_inf = has_inf && ma == inf_mag;
    const bool b_inf = has_inf && mb == inf_mag;
    const bool a_zero = has_zero && (ma & mag_t(exp_mask)) == 0 && !a_nan;
    const bool b_zero = has_zero && (mb & mag_t(exp_mask)) == 0 && !b_nan;

    // Result codes.
    const code_t nan_code = code_t(lmul_nan_code(SPECIALS, SIGNED, E, M));
    const ap_uint<1> zs = lmul_has_neg_zero(SPECIALS, SIGNED) ? s : ap_uint<1>(0);
    const code_t zero_code = code::pack(zs, mag_t(0));
    const code_t max_code = code::pack(s, mag_t(max_mag));
    const code_t inf_code = code::pack(s, inf_mag);
    code_t overflow_code;
    if (OVERFLOW != OVF_IEEE) {
        overflow_code = max_code;
    } else if (has_inf) {
        overflow_code = inf_code;
    } else if (lmul_has_nan(SPECIALS, M)) {
        // The NaN, its sign kept where NaNs are signed (E4M3FN).
        const ap_uint<1> ns = lmul_nan_has_sign(SPECIALS, SIGNED) ? s : ap_uint<1>(0);
        overflow_code = nan_code | code::pack(ns, mag_t(0));
    } else {
        overflow_code = max_code;  // neither inf nor NaN (MX): saturate
    }
    // Below the smallest normal: +-0, or +-2^emin (the code sign | 0) without zero.
    const code_t underflow_code = has_zero ? zero_code : code::pack(s, mag_t(0));

    if (a_nan || b_nan) return nan_code;
    if (a_inf || b_inf) {
        if (a_zero || b_zero) return nan_code;
        return OVERFLOW == OVF_SAT_FINITE ? max_code : inf_code;
    }
    if (a_zero || b_zero) return zero_code;

    // Both normal: S = ta + tb - C exactly, in SW signed bits: ta + tb < 2^(W+1) and
    // |C| <= |BIAS| * 2^M + 2^M <= 2^(M + bits(|BIAS|)), so with X = max(W + 1,
    // M + bits(|BIAS|)), |S| < 2^(X+1) and X + 2 bits hold S with its sign.
    const int SW = lmul_max(W + 1, M + lmul_bit_length(lmul_abs(BIAS))) + 2;
    typedef ap_int<SW> wide_t;
    wide_t c = wide_t(BIAS);
    c <<= M;
    c -= wide_t(offset);
    const wide_t sum = wide_t(ta) + wide_t(tb) - c;
    // Smallest normal magnitude: 2^M, or 0 (exponent field 0 is normal) without zero.
    const wide_t min_normal = wide_t(has_zero ? 1ULL << M : 0);
    if (sum < min_normal) return underflow_code;
    if (sum > wide_t(max_mag)) return overflow_code;
    return code::pack(s, mag_t(sum(W - 1, 0)));
}

// L-Mul of two codes of an unsigned format (no sign bit: codes of E + M bits), e.g. the
// OCP MX E8M0 scale: lmul_unsigned<8, 0, 127, MODE, SPECIALS_NOZERO>, or P3109
// binary8p3ue: lmul_unsigned<6, 2, 32, MODE, SPECIALS_P3109_EXTENDED>.
template <int E, int M, int BIAS, int MODE, int SPECIALS = SPECIALS_IEEE,
          int OVERFLOW = OVF_IEEE, int K = M,
          int L = lmul_offset_exponent(lmul_min(K, M))>
ap_uint<E + M> lmul_unsigned(ap_uint<E + M> a, ap_uint<E + M> b) {
#pragma HLS INLINE
    return lmul<E, M, BIAS, MODE, SPECIALS, OVERFLOW, K, L, 0>(a, b);
}

}  // namespace lowprec

#endif  // LOWPREC_LMUL_H
