/* The C ABI from C11: golden values derived by hand from the format definitions, every
 * error path, stochastic rounding reproducibility, fixed-point casts, L-Mul and QFX.
 *
 * Build (capi/build.sh does): gcc -std=c11 -Wall -Wextra -Werror -Iinclude
 *   capi/tests/test_capi.c target/capi/release/liblowprec.a -lpthread -ldl -lm
 * Prints "N passed, N failed" and exits non-zero on a failure. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lowprec.h"

static int passed, failed;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (cond) {                                                                     \
            passed++;                                                                   \
        } else {                                                                        \
            failed++;                                                                   \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
        }                                                                               \
    } while (0)

#define OVF_INX (LOWPREC_STATUS_OVERFLOW | LOWPREC_STATUS_INEXACT)

static lowprec_format_t fmt(const char *name) {
    lowprec_format_t f;
    memset(&f, 0, sizeof f);
    if (lowprec_format_parse(name, &f) != LOWPREC_OK) {
        fprintf(stderr, "cannot parse %s\n", name);
        failed++;
    }
    return f;
}

static lowprec_fixed_t fixed(const char *name) {
    lowprec_fixed_t t;
    memset(&t, 0, sizeof t);
    if (lowprec_fixed_parse(name, &t) != LOWPREC_OK) {
        fprintf(stderr, "cannot parse %s\n", name);
        failed++;
    }
    return t;
}

static lowprec_round_t rnd(uint32_t mode, uint32_t overflow) {
    lowprec_round_t r;
    memset(&r, 0, sizeof r);
    r.mode = mode;
    r.overflow = overflow;
    return r;
}

static uint32_t f32_bits(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static float f32_of(uint64_t code) {
    uint32_t u = (uint32_t)code;
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static void test_formats(void) {
    lowprec_format_t f = fmt("e4m3fn");
    CHECK(f.exp_bits == 4 && f.man_bits == 3 && f.bias == 7);
    CHECK(f.specials == LOWPREC_SPECIALS_FINITE_NAN && f.subnormals == 1 && f.is_signed == 1);
    uint32_t width = 0;
    CHECK(lowprec_format_check(f, &width) == LOWPREC_OK && width == 8);
    CHECK(lowprec_format_check(fmt("E5M2FNUZ"), NULL) == LOWPREC_OK);
    lowprec_format_t p = fmt("binary8p3se");
    CHECK(p.specials == LOWPREC_SPECIALS_P3109_EXTENDED && p.exp_bits == 5 && p.bias == 16);
    lowprec_format_t c = fmt("e6m9:nosub:bias=20");
    CHECK(c.exp_bits == 6 && c.man_bits == 9 && c.bias == 20 && c.subnormals == 0);
    /* A format built by hand: IEEE half precision. */
    lowprec_format_t h = {5, 10, 15, LOWPREC_SPECIALS_IEEE, 1, 1};
    lowprec_format_t fp16 = fmt("fp16");
    CHECK(memcmp(&h, &fp16, sizeof h) == 0);
}

static void test_conversions(void) {
    lowprec_format_t e4m3 = fmt("e4m3fn");
    lowprec_round_t rne = rnd(LOWPREC_ROUND_TIES_TO_EVEN, LOWPREC_OVERFLOW_IEEE);
    uint64_t code = 0;
    uint32_t status = 99;
    /* 464 lies halfway between 448 (0x7E, even) and the NaN slot 480: ties to even. */
    CHECK(lowprec_round_f64(e4m3, 464.0, rne, &code, &status) == LOWPREC_OK);
    CHECK(code == 0x7E && status == LOWPREC_STATUS_INEXACT);
    /* 500 overflows: NaN (0x7F) under IEEE, 448 under satfinite; overflow | inexact. */
    CHECK(lowprec_round_f64(e4m3, 500.0, rne, &code, &status) == LOWPREC_OK);
    CHECK(code == 0x7F && status == OVF_INX);
    lowprec_round_t sat = rnd(LOWPREC_ROUND_TIES_TO_EVEN, LOWPREC_OVERFLOW_SAT_FINITE);
    CHECK(lowprec_round_f64(e4m3, 500.0, sat, &code, &status) == LOWPREC_OK);
    CHECK(code == 0x7E && status == OVF_INX);
    double v = 0;
    CHECK(lowprec_decode_f64(e4m3, code, &v) == LOWPREC_OK && v == 448.0);
    /* 0.3: nearest is 0.3125 (0x2A), toward zero 0.28125 = 1.125 * 2^-2 (0x29). */
    CHECK(lowprec_round_f64(e4m3, 0.3, rne, &code, NULL) == LOWPREC_OK && code == 0x2A);
    lowprec_round_t rtz = rnd(LOWPREC_ROUND_TOWARD_ZERO, LOWPREC_OVERFLOW_IEEE);
    CHECK(lowprec_round_f64(e4m3, 0.3, rtz, &code, &status) == LOWPREC_OK);
    CHECK(code == 0x29 && status == LOWPREC_STATUS_INEXACT);
    CHECK(lowprec_decode_f64(e4m3, 0x29, &v) == LOWPREC_OK && v == 0.28125);
    /* 1.0625 is halfway between 1 (0x38) and 1.125 (0x39): ties away gives 0x39. */
    lowprec_round_t rna = rnd(LOWPREC_ROUND_TIES_TO_AWAY, LOWPREC_OVERFLOW_IEEE);
    CHECK(lowprec_round_f64(e4m3, 1.0625, rna, &code, NULL) == LOWPREC_OK && code == 0x39);
    CHECK(lowprec_round_f64(e4m3, 1.0625, rne, &code, NULL) == LOWPREC_OK && code == 0x38);
    /* Smallest subnormal 2^-9 = 0x01; 2^-11 rounds to 0 with underflow | inexact. */
    CHECK(lowprec_round_f64(e4m3, ldexp(1, -9), rne, &code, &status) == LOWPREC_OK);
    CHECK(code == 0x01 && status == 0);
    CHECK(lowprec_round_f64(e4m3, ldexp(1, -11), rne, &code, &status) == LOWPREC_OK);
    CHECK(code == 0x00 && status == (LOWPREC_STATUS_UNDERFLOW | LOWPREC_STATUS_INEXACT));

    /* bf16 of 0.1f: 0x3DCCCCCD; the low half 0xCCCD is above 0x8000, so up: 0x3DCD. */
    lowprec_format_t bf16 = fmt("bf16");
    CHECK(f32_bits(0.1f) == 0x3DCCCCCDu);
    CHECK(lowprec_round_f32(bf16, 0.1f, rne, &code, &status) == LOWPREC_OK);
    CHECK(code == 0x3DCD && status == LOWPREC_STATUS_INEXACT);
    float fv = 0;
    CHECK(lowprec_decode_f32(bf16, 0x3DCD, &fv) == LOWPREC_OK && f32_bits(fv) == 0x3DCD0000u);

    /* fp16 round trip through the slice functions. */
    lowprec_format_t fp16 = fmt("fp16");
    const float src[6] = {1.0f, -2.0f, 65504.0f, 0x1p-24f, 0.5f, 65520.0f};
    const uint16_t want[6] = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x3800, 0x7C00};
    uint16_t codes[6] = {0};
    CHECK(lowprec_encode_f32_u16(fp16, src, codes, 6, rne, &status) == LOWPREC_OK);
    CHECK(memcmp(codes, want, sizeof want) == 0);
    CHECK(status == OVF_INX); /* 65520 is the overflow tie: +inf */
    float back[6] = {0};
    CHECK(lowprec_decode_u16_f32(fp16, codes, back, 6) == LOWPREC_OK);
    for (int i = 0; i < 5; i++) CHECK(back[i] == src[i]);
    CHECK(isinf(back[5]) && back[5] > 0);
    double dback[6] = {0};
    CHECK(lowprec_decode_u16_f64(fp16, codes, dback, 6) == LOWPREC_OK && dback[3] == ldexp(1, -24));

    /* Quantize in place and out of place; with and without status, the same values. */
    float xs[4] = {0.3f, 1.0625f, -70000.0f, 3.0f};
    float ys[4] = {0};
    CHECK(lowprec_quantize_f32(fp16, xs, ys, 4, rne, NULL) == LOWPREC_OK);
    CHECK(ys[0] == 0.30004883f && ys[1] == 1.0625f && isinf(ys[2]) && ys[2] < 0 && ys[3] == 3.0f);
    CHECK(lowprec_quantize_f32(fp16, xs, xs, 4, rne, &status) == LOWPREC_OK);
    CHECK(memcmp(xs, ys, sizeof xs) == 0 && status == OVF_INX);
    double ds[2] = {0.1, 448.0};
    CHECK(lowprec_quantize_f64(e4m3, ds, ds, 2, rne, NULL) == LOWPREC_OK);
    CHECK(ds[0] == 0.1015625 && ds[1] == 448.0);

    /* Encode f64 into 8-bit codes, decode back. */
    const double d8[3] = {1.5, -448.0, 0.0};
    uint8_t c8[3] = {0};
    CHECK(lowprec_encode_f64_u8(e4m3, d8, c8, 3, rne, NULL) == LOWPREC_OK);
    CHECK(c8[0] == 0x3C && c8[1] == 0xFE && c8[2] == 0x00);
    double r8[3] = {0};
    CHECK(lowprec_decode_u8_f64(e4m3, c8, r8, 3) == LOWPREC_OK);
    CHECK(r8[0] == 1.5 && r8[1] == -448.0 && r8[2] == 0.0);
}

static void test_stochastic(void) {
    lowprec_format_t e4m3 = fmt("e4m3fn");
    enum { N = 1000 };
    static float a[N], b[N], c[N];
    for (int i = 0; i < N; i++) a[i] = 1.0f + (float)i / 1024.0f;
    lowprec_round_t sr = rnd(LOWPREC_ROUND_SR, LOWPREC_OVERFLOW_IEEE);
    sr.seed = 42;
    CHECK(lowprec_quantize_f32(e4m3, a, b, N, sr, NULL) == LOWPREC_OK);
    uint32_t status = 0;
    CHECK(lowprec_quantize_f32(e4m3, a, c, N, sr, &status) == LOWPREC_OK);
    CHECK(memcmp(b, c, sizeof b) == 0); /* the same seed, the same bits, either path */
    CHECK(status == LOWPREC_STATUS_INEXACT);
    /* Every result is a neighbour of its input; exact inputs never move. */
    int ok = 1, up = 0;
    for (int i = 0; i < N; i++) {
        float lo = floorf(a[i] * 8.0f) / 8.0f, hi = lo + 0.125f;
        if (!(b[i] == lo || b[i] == hi)) ok = 0;
        if (a[i] == lo && b[i] != lo) ok = 0;
        up += b[i] == hi;
    }
    CHECK(ok);
    CHECK(up > 350 && up < 650); /* about half of the way up on average */
    sr.seed = 43;
    CHECK(lowprec_quantize_f32(e4m3, a, c, N, sr, NULL) == LOWPREC_OK);
    CHECK(memcmp(b, c, sizeof b) != 0);
    /* P3109 variant A with 3 random bits, equal-probability SR: valid configurations. */
    lowprec_round_t sra = rnd(LOWPREC_ROUND_SR_P3109A, LOWPREC_OVERFLOW_SAT_FINITE);
    sra.sr_bits = 3;
    uint64_t code = 0;
    CHECK(lowprec_round_f64(e4m3, 1.0625, sra, &code, NULL) == LOWPREC_OK);
    CHECK(code == 0x38 || code == 0x39);
    lowprec_round_t sre = rnd(LOWPREC_ROUND_SR_EQUAL, LOWPREC_OVERFLOW_IEEE);
    CHECK(lowprec_round_f64(e4m3, 1.0, sre, &code, NULL) == LOWPREC_OK && code == 0x38);
}

static void test_arith(void) {
    lowprec_format_t e4m3 = fmt("e4m3fn");
    lowprec_format_t fp16 = fmt("fp16");
    lowprec_round_t rne = rnd(LOWPREC_ROUND_TIES_TO_EVEN, LOWPREC_OVERFLOW_IEEE);
    uint64_t r = 0;
    uint32_t st = 0;
    /* 448 + 16 = 464 ties to 448; 448 + 18 overflows to NaN (no infinity in E4M3FN). */
    CHECK(lowprec_add(e4m3, 0x7E, 0x58, rne, &r, &st) == LOWPREC_OK && r == 0x7E);
    CHECK(st == LOWPREC_STATUS_INEXACT);
    CHECK(lowprec_add(e4m3, 0x7E, 0x59, rne, &r, &st) == LOWPREC_OK && r == 0x7F && st == OVF_INX);
    lowprec_round_t sat = rnd(LOWPREC_ROUND_TIES_TO_EVEN, LOWPREC_OVERFLOW_SAT_FINITE);
    CHECK(lowprec_add(e4m3, 0x7E, 0x59, sat, &r, &st) == LOWPREC_OK && r == 0x7E && st == OVF_INX);
    /* 1.5 - 1.5 = +0 exactly; 1.5 * 1.5 = 2.25 exact (0x41); 1 / 3 = 0.3333 -> 0x2B
     * (0.34375, nearest: 0.3125 is 0.0208 below, 0.34375 0.0104 above). */
    CHECK(lowprec_sub(e4m3, 0x3C, 0x3C, rne, &r, &st) == LOWPREC_OK && r == 0 && st == 0);
    CHECK(lowprec_mul(e4m3, 0x3C, 0x3C, rne, &r, &st) == LOWPREC_OK && r == 0x41 && st == 0);
    CHECK(lowprec_div(e4m3, 0x38, 0x40 | 0x04, rne, &r, &st) == LOWPREC_OK && r == 0x2B);
    CHECK(st == LOWPREC_STATUS_INEXACT);
    CHECK(lowprec_div(e4m3, 0x38, 0x00, rne, &r, &st) == LOWPREC_OK && r == 0x7F);
    CHECK(st == LOWPREC_STATUS_DIV_BY_ZERO);
    /* sqrt 4 = 2; sqrt -1 is invalid. */
    CHECK(lowprec_sqrt(e4m3, 0x48, rne, &r, &st) == LOWPREC_OK && r == 0x40 && st == 0);
    CHECK(lowprec_sqrt(e4m3, 0xB8, rne, &r, &st) == LOWPREC_OK && r == 0x7F);
    CHECK(st == LOWPREC_STATUS_INVALID);
    /* fp16 fma: (1 + 2^-10)^2 - (1 + 2^-9) = 2^-20 exactly (0x0010), rounded once. */
    CHECK(lowprec_fma(fp16, 0x3C01, 0x3C01, 0xBC02, rne, &r, &st) == LOWPREC_OK);
    CHECK(r == 0x0010 && st == 0);
    /* Directed: 1 + 2^-11 in fp16 is 1 toward zero, 1 + 2^-10 upward. */
    lowprec_round_t up = rnd(LOWPREC_ROUND_TOWARD_POSITIVE, LOWPREC_OVERFLOW_IEEE);
    CHECK(lowprec_add(fp16, 0x3C00, 0x1000, up, &r, &st) == LOWPREC_OK && r == 0x3C01);
    lowprec_round_t rtz = rnd(LOWPREC_ROUND_TOWARD_ZERO, LOWPREC_OVERFLOW_IEEE);
    CHECK(lowprec_add(fp16, 0x3C00, 0x1000, rtz, &r, &st) == LOWPREC_OK && r == 0x3C00);
    CHECK(st == LOWPREC_STATUS_INEXACT);
}

static void test_fixed(void) {
    lowprec_fixed_t t = fixed("ap_fixed<8,3,AP_RND,AP_SAT>");
    CHECK(t.family == LOWPREC_FAMILY_AP_FIXED && t.width == 8 && t.int_bits == 3);
    CHECK(t.quantization == LOWPREC_Q_RND && t.overflow == LOWPREC_O_SAT && t.is_signed == 1);
    uint64_t bits = 0;
    uint32_t st = 0;
    double v = 0;
    int64_t raw = 0;
    /* F = 5: 3.3 * 32 = 105.6 -> 106 = 0x6A = 3.3125. */
    CHECK(lowprec_fixed_from_f64(t, 3.3, &bits, &st) == LOWPREC_OK && bits == 0x6A);
    CHECK(st == LOWPREC_STATUS_INEXACT);
    CHECK(lowprec_fixed_to_f64(t, bits, &v) == LOWPREC_OK && v == 3.3125);
    /* Ties up: 0.015625 * 32 = 0.5 -> 1; -0.015625 -> -0.5 -> 0. */
    CHECK(lowprec_fixed_from_f64(t, 0.015625, &bits, NULL) == LOWPREC_OK && bits == 1);
    CHECK(lowprec_fixed_from_f64(t, -0.015625, &bits, NULL) == LOWPREC_OK && bits == 0);
    /* Saturation: 5 -> 127 (3.96875), -100 -> -128 (0x80, -4). */
    CHECK(lowprec_fixed_from_f64(t, 5.0, &bits, &st) == LOWPREC_OK && bits == 0x7F);
    CHECK((st & LOWPREC_STATUS_OVERFLOW) != 0);
    CHECK(lowprec_fixed_from_f64(t, -100.0, &bits, NULL) == LOWPREC_OK && bits == 0x80);
    CHECK(lowprec_fixed_raw(t, bits, &raw) == LOWPREC_OK && raw == -128);
    CHECK(lowprec_fixed_to_f64(t, bits, &v) == LOWPREC_OK && v == -4.0);
    /* SAT_SYM never gives the most negative code; WRAP_SM and WRAP as in ap_fixed.h. */
    lowprec_fixed_t sym = fixed("ap_fixed<8,3,AP_RND_CONV,AP_SAT_SYM>");
    CHECK(lowprec_fixed_from_f64(sym, -100.0, &bits, NULL) == LOWPREC_OK);
    CHECK(lowprec_fixed_raw(sym, bits, &raw) == LOWPREC_OK && raw == -127);
    lowprec_fixed_t sm = fixed("ap_fixed<4,4,AP_TRN,AP_WRAP_SM>");
    CHECK(lowprec_fixed_from_f64(sm, 9.0, &bits, NULL) == LOWPREC_OK && bits == 6);
    lowprec_fixed_t wrap = fixed("ap_fixed<4,4>");
    CHECK(lowprec_fixed_from_f64(wrap, 9.0, &bits, &st) == LOWPREC_OK && bits == 9);
    CHECK(lowprec_fixed_raw(wrap, bits, &raw) == LOWPREC_OK && raw == -7);
    /* AP_TRN is toward -inf: -0.1 in ap_fixed<8,3> is -4/32 = -0.125. */
    lowprec_fixed_t trn = fixed("ap_fixed<8,3>");
    CHECK(lowprec_fixed_from_f64(trn, -0.1, &bits, NULL) == LOWPREC_OK && bits == 0xFC);
    /* ap_ufixed, ap_int, ac_fixed. */
    lowprec_fixed_t u = fixed("ap_ufixed<8,4,AP_RND_CONV,AP_SAT>");
    CHECK(lowprec_fixed_from_f64(u, -1.0, &bits, NULL) == LOWPREC_OK && bits == 0);
    CHECK(lowprec_fixed_from_f64(u, 2.03125, &bits, NULL) == LOWPREC_OK && bits == 0x20);
    lowprec_fixed_t i8 = fixed("ap_int<8>");
    CHECK(i8.family == LOWPREC_FAMILY_AP_INT);
    CHECK(lowprec_fixed_from_f64(i8, -3.7, &bits, NULL) == LOWPREC_OK && bits == 0xFD);
    lowprec_fixed_t ac = fixed("ac_fixed<8,3,true,AC_RND_CONV_ODD,AC_SAT>");
    CHECK(ac.family == LOWPREC_FAMILY_AC_FIXED && ac.quantization == LOWPREC_Q_RND_CONV_ODD);
    /* 0.046875 * 32 = 1.5 -> ties to odd: 1. */
    CHECK(lowprec_fixed_from_f64(ac, 0.046875, &bits, NULL) == LOWPREC_OK && bits == 1);
    /* Casts between types: 3.3125 (ap_fixed<8,3>) into ap_fixed<6,3,AP_RND,AP_SAT>:
     * 3.3125 * 8 = 26.5 -> 27 = 3.375. */
    lowprec_fixed_t t6 = fixed("ap_fixed<6,3,AP_RND,AP_SAT>");
    CHECK(lowprec_fixed_cast(t6, t, 0x6A, &bits, &st) == LOWPREC_OK && bits == 27);
    CHECK(st == LOWPREC_STATUS_INEXACT);
    /* Slices. */
    const double xs[3] = {3.3, 5.0, -0.5};
    uint64_t bs[3] = {0};
    double vs[3] = {0};
    CHECK(lowprec_fixed_from_f64_n(t, xs, bs, 3, &st) == LOWPREC_OK);
    CHECK(bs[0] == 0x6A && bs[1] == 0x7F && bs[2] == 0xF0 && (st & LOWPREC_STATUS_OVERFLOW));
    CHECK(lowprec_fixed_to_f64_n(t, bs, vs, 3) == LOWPREC_OK);
    CHECK(vs[0] == 3.3125 && vs[1] == 3.96875 && vs[2] == -0.5);
    /* A struct built by hand equals the parsed one. */
    lowprec_fixed_t h = {LOWPREC_FAMILY_AP_FIXED, 8, 3, 1, LOWPREC_Q_RND, LOWPREC_O_SAT, 0};
    CHECK(memcmp(&h, &t, sizeof h) == 0);
}

static lowprec_lmul_t lmul(const char *name, uint32_t mode, uint32_t overflow) {
    lowprec_lmul_t lm;
    memset(&lm, 0, sizeof lm);
    lm.format = fmt(name);
    lm.mode = mode;
    lm.overflow = overflow;
    lm.k = -1;
    lm.l = -1;
    return lm;
}

static void test_lmul(void) {
    lowprec_lmul_t lm = lmul("fp32", LOWPREC_LMUL_PAPER, LOWPREC_OVERFLOW_IEEE);
    uint64_t r = 0;
    uint32_t st = 7;
    /* 1.5 x 1.5: 1 + .5 + .5 + 2^-4 carries: 2 x 1.0625 = 2.125. */
    CHECK(lowprec_lmul_mul(lm, f32_bits(1.5f), f32_bits(1.5f), &r, &st) == LOWPREC_OK);
    CHECK(f32_of(r) == 2.125f && st == 0);
    CHECK(lowprec_lmul_mul(lm, f32_bits(1.75f), f32_bits(1.75f), &r, NULL) == LOWPREC_OK);
    CHECK(f32_of(r) == 3.125f);
    CHECK(lowprec_lmul_mul(lm, f32_bits(-2.0f), f32_bits(3.0f), &r, NULL) == LOWPREC_OK);
    CHECK(f32_of(r) == -6.25f);
    CHECK(lowprec_lmul_mul(lm, 0, 0, &r, NULL) == LOWPREC_OK && f32_of(r) == 4.25f);
    /* E4M3FN guarded: 0x3C x 0x3C = 2.25 (0x41); 448 x 2 saturates; 0 x 448 = 0. */
    lowprec_lmul_t g = lmul("e4m3fn", LOWPREC_LMUL_GUARDED, LOWPREC_OVERFLOW_SAT_FINITE);
    CHECK(lowprec_lmul_mul(g, 0x3C, 0x3C, &r, NULL) == LOWPREC_OK && r == 0x41);
    CHECK(lowprec_lmul_mul(g, 0x7E, 0x40, &r, &st) == LOWPREC_OK && r == 0x7E);
    CHECK(st == OVF_INX);
    CHECK(lowprec_lmul_mul(g, 0x00, 0x7E, &r, NULL) == LOWPREC_OK && r == 0x00);
    /* k = 3 on fp32: 1.9 is kept as 1.875; 1.875 x 1 = 2.0. */
    lowprec_lmul_t k3 = lm;
    k3.k = 3;
    CHECK(lowprec_lmul_mul(k3, f32_bits(1.9f), f32_bits(1.0f), &r, NULL) == LOWPREC_OK);
    CHECK(f32_of(r) == 2.0f);
    /* Dot products: products 1.125, 2.25, 6.5 summed in fp32 (9.875) or E4M3FN (10). */
    const uint8_t a[3] = {0x38, 0x3C, 0x40}, b[3] = {0x38, 0x3C, 0x44};
    lowprec_accum_t acc;
    memset(&acc, 0, sizeof acc);
    acc.format = fmt("fp32");
    CHECK(lowprec_lmul_dot_u8(g, a, b, 3, acc, &r, &st) == LOWPREC_OK && f32_of(r) == 9.875f);
    acc.format = fmt("e4m3fn");
    double v = 0;
    CHECK(lowprec_lmul_dot_u8(g, a, b, 3, acc, &r, NULL) == LOWPREC_OK);
    CHECK(lowprec_decode_f64(acc.format, r, &v) == LOWPREC_OK && v == 10.0);
    CHECK(lowprec_lmul_dot_u8(g, NULL, NULL, 0, acc, &r, &st) == LOWPREC_OK && r == 0 && st == 0);
    /* Matrix product in bf16 (doc example): powers of two, products exact x (1 + 2^-4). */
    lowprec_lmul_t gb = lmul("bf16", LOWPREC_LMUL_GUARDED, LOWPREC_OVERFLOW_IEEE);
    const uint16_t ma[4] = {0x3F80, 0x4000, 0x3F00, 0xBF80}; /* 1 2 / 0.5 -1 */
    const uint16_t mb[4] = {0x3F80, 0x0000, 0x3F80, 0x4080}; /* 1 0 / 1 4 */
    uint64_t mc[4] = {0};
    acc.format = fmt("fp32");
    CHECK(lowprec_lmul_matmul_u16(gb, ma, mb, mc, 2, 2, 2, acc, &st) == LOWPREC_OK);
    CHECK(f32_of(mc[0]) == 3.1875f && f32_of(mc[1]) == 8.5f);
    CHECK(f32_of(mc[2]) == -0.53125f && f32_of(mc[3]) == -4.25f);
}

static void test_qfx(void) {
    lowprec_qfx_t q;
    memset(&q, 0, sizeof q);
    q.width = 4;
    q.is_signed = 1;
    q.family = LOWPREC_FAMILY_AP_FIXED;
    q.quantization = LOWPREC_Q_RND_CONV;
    q.overflow = LOWPREC_O_SAT;
    q.layout = LOWPREC_LAYOUT_PER_TENSOR;
    /* latent 2.6 -> F = 3: LSB 1/8, range [-1, 0.875]. */
    const float frac[1] = {2.6f};
    float x[4] = {0.3f, -0.2f, 5.0f, 0.0f}, y[4] = {0};
    CHECK(lowprec_qfx_forward(q, frac, 1, x, y, 4) == LOWPREC_OK);
    CHECK(y[0] == 0.25f && y[1] == -0.25f && y[2] == 0.875f && y[3] == 0.0f);
    CHECK(lowprec_qfx_forward(q, frac, 1, x, x, 4) == LOWPREC_OK);
    CHECK(memcmp(x, y, sizeof x) == 0);
    /* Backward: 0.3 -> 0.25 in range (grad 1), 100 -> 0.875 saturated (grad 0). */
    const float f3[1] = {3.0f}, xb[2] = {0.3f, 100.0f}, gy[2] = {1.0f, 1.0f};
    float gx[2] = {0}, gf[1] = {0}, yb[2] = {0};
    CHECK(lowprec_qfx_backward(q, f3, 1, xb, gy, gx, gf, 2) == LOWPREC_OK);
    CHECK(gx[0] == 1.0f && gx[1] == 0.0f);
    double want = -0.69314718055994530942 * ((0.25 - (double)0.3f) + 0.875);
    CHECK(fabs(gf[0] - want) < 1e-6);
    CHECK(lowprec_qfx_forward_backward(q, f3, 1, xb, gy, yb, gx, gf, 2) == LOWPREC_OK);
    CHECK(yb[0] == 0.25f && yb[1] == 0.875f);
    /* Per channel, channel-major: two binary points. */
    q.layout = LOWPREC_LAYOUT_CHANNEL_MAJOR;
    q.channels = 2;
    const float f2[2] = {1.0f, 3.0f}, x2[4] = {0.7f, 9.0f, 0.7f, 9.0f};
    float y2[4] = {0};
    CHECK(lowprec_qfx_forward(q, f2, 2, x2, y2, 4) == LOWPREC_OK);
    CHECK(y2[0] == 0.5f && y2[1] == 3.5f && y2[2] == 0.75f && y2[3] == 0.875f);
}

static void test_errors(void) {
    lowprec_format_t f = fmt("e4m3fn");
    lowprec_format_t keep = f;
    lowprec_round_t rne = rnd(0, 0);
    uint64_t code = 12345;
    uint32_t st = 777;
    double d = 0;
    /* Names. */
    CHECK(lowprec_format_parse(NULL, &f) == LOWPREC_ERR_NULL);
    CHECK(lowprec_format_parse("fp16", NULL) == LOWPREC_ERR_NULL);
    CHECK(lowprec_format_parse("e4m3fx", &f) == LOWPREC_ERR_FORMAT);
    CHECK(lowprec_format_parse("", &f) == LOWPREC_ERR_FORMAT);
    CHECK(lowprec_format_parse("e12m3", &f) == LOWPREC_ERR_FORMAT);
    CHECK(lowprec_format_parse("\xff\xfe", &f) == LOWPREC_ERR_FORMAT);
    CHECK(memcmp(&f, &keep, sizeof f) == 0); /* nothing written on error */
    /* Bad structs. */
    lowprec_format_t bad = f;
    bad.exp_bits = 0;
    CHECK(lowprec_format_check(bad, NULL) == LOWPREC_ERR_FORMAT);
    bad = f;
    bad.man_bits = 53;
    CHECK(lowprec_round_f64(bad, 1.0, rne, &code, &st) == LOWPREC_ERR_FORMAT);
    bad = f;
    bad.specials = 7;
    CHECK(lowprec_add(bad, 1, 2, rne, &code, &st) == LOWPREC_ERR_FORMAT);
    bad = f;
    bad.subnormals = 2;
    CHECK(lowprec_decode_f64(bad, 1, &d) == LOWPREC_ERR_FORMAT);
    bad = f;
    bad.is_signed = 0xFFFFFFFFu;
    CHECK(lowprec_format_check(bad, NULL) == LOWPREC_ERR_FORMAT);
    bad = f;
    bad.is_signed = 0;
    bad.specials = LOWPREC_SPECIALS_FNUZ; /* FNUZ needs a sign bit */
    CHECK(lowprec_format_check(bad, NULL) == LOWPREC_ERR_FORMAT);
    bad = f;
    bad.bias = 1 << 21;
    CHECK(lowprec_format_check(bad, NULL) == LOWPREC_ERR_FORMAT);
    CHECK(code == 12345 && st == 777);
    /* Bad modes. */
    lowprec_round_t r = rnd(15, 0);
    CHECK(lowprec_round_f64(f, 1.0, r, &code, &st) == LOWPREC_ERR_MODE);
    r = rnd(0xFFFFFFFFu, 0);
    CHECK(lowprec_mul(f, 1, 2, r, &code, &st) == LOWPREC_ERR_MODE);
    r = rnd(0, 3);
    CHECK(lowprec_sqrt(f, 1, r, &code, &st) == LOWPREC_ERR_MODE);
    r = rnd(LOWPREC_ROUND_SR, 0);
    r.sr_bits = 65;
    CHECK(lowprec_fma(f, 1, 2, 3, r, &code, &st) == LOWPREC_ERR_MODE);
    r = rnd(LOWPREC_ROUND_SR_P3109B, 0);
    r.sr_bits = 64;
    CHECK(lowprec_div(f, 1, 2, r, &code, &st) == LOWPREC_ERR_MODE);
    r = rnd(LOWPREC_ROUND_SR_P3109B, 0);
    r.sr_bits = 0; /* the most the rule takes: 63 */
    CHECK(lowprec_div(f, 1, 2, r, &code, NULL) == LOWPREC_OK);
    code = 12345;
    r = rnd(LOWPREC_ROUND_SR_EQUAL, 0);
    r.sr_bits = 2;
    CHECK(lowprec_sub(f, 1, 2, r, &code, &st) == LOWPREC_ERR_MODE);
    CHECK(code == 12345 && st == 777);
    /* NULL out-pointers; NULL status is fine. */
    CHECK(lowprec_round_f64(f, 1.0, rne, NULL, &st) == LOWPREC_ERR_NULL);
    CHECK(lowprec_round_f32(f, 1.0f, rne, NULL, NULL) == LOWPREC_ERR_NULL);
    CHECK(lowprec_add(f, 1, 2, rne, NULL, NULL) == LOWPREC_ERR_NULL);
    CHECK(lowprec_decode_f64(f, 1, NULL) == LOWPREC_ERR_NULL);
    CHECK(lowprec_decode_f32(f, 1, NULL) == LOWPREC_ERR_NULL);
    CHECK(lowprec_add(f, 1, 2, rne, &code, NULL) == LOWPREC_OK);
    /* Slices: NULL with length 0 is fine, NULL otherwise is not. */
    float fs[4] = {1, 2, 3, 4};
    uint8_t c8[4] = {0};
    uint16_t c16[4] = {0};
    CHECK(lowprec_quantize_f32(f, NULL, NULL, 0, rne, &st) == LOWPREC_OK && st == 0);
    CHECK(lowprec_encode_f32_u8(f, NULL, NULL, 0, rne, NULL) == LOWPREC_OK);
    CHECK(lowprec_decode_u8_f32(f, NULL, NULL, 0) == LOWPREC_OK);
    CHECK(lowprec_quantize_f32(f, NULL, fs, 4, rne, NULL) == LOWPREC_ERR_NULL);
    CHECK(lowprec_quantize_f32(f, fs, NULL, 4, rne, NULL) == LOWPREC_ERR_NULL);
    CHECK(lowprec_encode_f32_u8(f, fs, NULL, 4, rne, NULL) == LOWPREC_ERR_NULL);
    CHECK(lowprec_decode_u8_f64(f, NULL, &d, 1) == LOWPREC_ERR_NULL);
    /* Overlap (other than exact in-place quantization), and a format too wide. */
    CHECK(lowprec_quantize_f32(f, fs, fs + 1, 3, rne, NULL) == LOWPREC_ERR_OVERLAP);
    CHECK(lowprec_encode_f32_u8(f, fs, (uint8_t *)fs, 4, rne, NULL) == LOWPREC_ERR_OVERLAP);
    CHECK(lowprec_encode_f32_u8(fmt("fp16"), fs, c8, 4, rne, NULL) == LOWPREC_ERR_FORMAT);
    CHECK(lowprec_decode_u8_f32(fmt("bf16"), c8, fs, 4) == LOWPREC_ERR_FORMAT);
    CHECK(lowprec_encode_f32_u16(fmt("bf16"), fs, c16, 4, rne, NULL) == LOWPREC_OK);
    CHECK(fs[0] == 1 && fs[3] == 4 && c8[0] == 0);
    /* Huge lengths are refused before any access. */
    CHECK(lowprec_decode_u64_f64(f, (const uint64_t *)c16, &d, SIZE_MAX / 4) == LOWPREC_ERR_LENGTH);
    /* Misaligned pointers. */
    CHECK(lowprec_decode_u16_f32(fmt("fp16"), (const uint16_t *)(c8 + 1), fs, 1) == LOWPREC_ERR_NULL);

    /* Fixed point. */
    lowprec_fixed_t t = fixed("ap_fixed<8,3>");
    lowprec_fixed_t tk = t;
    CHECK(lowprec_fixed_parse("ap_fixed<8,3,AP_RND_CONV_ODD>", &t) == LOWPREC_ERR_FORMAT);
    CHECK(lowprec_fixed_parse("ap_ufixed<8,3,AP_TRN,AP_WRAP_SM>", &t) == LOWPREC_ERR_FORMAT);
    CHECK(lowprec_fixed_parse("ap_fixed<65,3>", &t) == LOWPREC_ERR_FORMAT);
    CHECK(lowprec_fixed_parse("float", &t) == LOWPREC_ERR_FORMAT);
    CHECK(lowprec_fixed_parse(NULL, &t) == LOWPREC_ERR_NULL);
    CHECK(lowprec_fixed_parse("ap_int<8>", NULL) == LOWPREC_ERR_NULL);
    CHECK(memcmp(&t, &tk, sizeof t) == 0);
    lowprec_fixed_t tb = t;
    tb.quantization = 8;
    CHECK(lowprec_fixed_from_f64(tb, 1.0, &code, NULL) == LOWPREC_ERR_FORMAT);
    tb = t;
    tb.overflow = 5;
    CHECK(lowprec_fixed_to_f64(tb, 1, &d) == LOWPREC_ERR_FORMAT);
    tb = t;
    tb.family = 3;
    CHECK(lowprec_fixed_raw(tb, 1, (int64_t *)&code) == LOWPREC_ERR_FORMAT);
    tb = t;
    tb.width = 0;
    CHECK(lowprec_fixed_cast(t, tb, 1, &code, NULL) == LOWPREC_ERR_FORMAT);
    tb = t;
    tb.sat_bits = 9;
    CHECK(lowprec_fixed_from_f64(tb, 1.0, &code, NULL) == LOWPREC_ERR_FORMAT);
    CHECK(lowprec_fixed_from_f64(t, 1.0, NULL, NULL) == LOWPREC_ERR_NULL);
    CHECK(lowprec_fixed_from_f64_n(t, NULL, NULL, 0, &st) == LOWPREC_OK && st == 0);
    CHECK(lowprec_fixed_to_f64_n(t, NULL, &d, 1) == LOWPREC_ERR_NULL);

    /* L-Mul. */
    lowprec_lmul_t lm = lmul("e4m3fn", LOWPREC_LMUL_GUARDED, LOWPREC_OVERFLOW_IEEE);
    lowprec_accum_t acc;
    memset(&acc, 0, sizeof acc);
    acc.format = fmt("fp32");
    lowprec_lmul_t lb = lm;
    lb.mode = 2;
    CHECK(lowprec_lmul_mul(lb, 1, 1, &code, NULL) == LOWPREC_ERR_MODE);
    lb = lm;
    lb.l = 4; /* above M = 3 */
    CHECK(lowprec_lmul_mul(lb, 1, 1, &code, NULL) == LOWPREC_ERR_PARAM);
    CHECK(lowprec_lmul_mul(lm, 1, 1, NULL, NULL) == LOWPREC_ERR_NULL);
    lowprec_accum_t ab = acc;
    ab.round_products = 2;
    CHECK(lowprec_lmul_dot_u8(lm, c8, c8, 4, ab, &code, NULL) == LOWPREC_ERR_FORMAT);
    ab = acc;
    ab.round.mode = 99;
    CHECK(lowprec_lmul_dot_u8(lm, c8, c8, 4, ab, &code, NULL) == LOWPREC_ERR_MODE);
    CHECK(lowprec_lmul_dot_u8(lm, c8, NULL, 4, acc, &code, NULL) == LOWPREC_ERR_NULL);
    lowprec_lmul_t l16 = lmul("bf16", LOWPREC_LMUL_PAPER, LOWPREC_OVERFLOW_IEEE);
    CHECK(lowprec_lmul_dot_u8(l16, c8, c8, 4, acc, &code, NULL) == LOWPREC_ERR_FORMAT);
    uint64_t mo[4];
    CHECK(lowprec_lmul_matmul_u8(lm, c8, c8, mo, 2, 2, 2, acc, NULL) == LOWPREC_OK);
    CHECK(lowprec_lmul_matmul_u8(lm, c8, c8, (uint64_t *)fs, 2, 2, 0, acc, NULL) == LOWPREC_OK);
    CHECK(lowprec_lmul_matmul_u8(lm, c8, c8, NULL, 2, 2, 2, acc, NULL) == LOWPREC_ERR_NULL);
    CHECK(lowprec_lmul_matmul_u8(lm, c8, c8, mo, SIZE_MAX, 2, 2, acc, NULL) == LOWPREC_ERR_LENGTH);
    CHECK(lowprec_lmul_matmul_u8(lm, (const uint8_t *)mo, c8, mo, 2, 2, 2, acc, NULL) ==
          LOWPREC_ERR_OVERLAP);

    /* QFX. */
    lowprec_qfx_t q;
    memset(&q, 0, sizeof q);
    q.width = 8;
    q.is_signed = 1;
    q.family = LOWPREC_FAMILY_AP_FIXED;
    q.quantization = LOWPREC_Q_RND_CONV;
    q.overflow = LOWPREC_O_SAT;
    float x[4] = {1, 2, 3, 4}, y[4] = {0}, g[4] = {0};
    const float nan_frac[1] = {NAN}, two[2] = {3, 3};
    float gf[2] = {0};
    CHECK(lowprec_qfx_forward(q, nan_frac, 1, x, y, 4) == LOWPREC_ERR_PARAM);
    CHECK(lowprec_qfx_forward(q, two, 2, x, y, 4) == LOWPREC_ERR_LENGTH);
    CHECK(lowprec_qfx_forward(q, two, 1, x, y, 4) == LOWPREC_OK);
    CHECK(lowprec_qfx_forward(q, two, 1, x, x + 1, 3) == LOWPREC_ERR_OVERLAP);
    CHECK(lowprec_qfx_forward(q, NULL, 1, x, y, 4) == LOWPREC_ERR_NULL);
    CHECK(lowprec_qfx_forward(q, two, 1, NULL, NULL, 0) == LOWPREC_OK);
    CHECK(lowprec_qfx_backward(q, two, 1, x, x, g, gf, 4) == LOWPREC_OK);
    CHECK(lowprec_qfx_backward(q, two, 1, x, x, g, g, 4) == LOWPREC_ERR_OVERLAP);
    CHECK(lowprec_qfx_forward_backward(q, two, 1, x, x, NULL, g, gf, 4) == LOWPREC_ERR_NULL);
    lowprec_qfx_t qb = q;
    qb.width = 33;
    CHECK(lowprec_qfx_forward(qb, two, 1, x, y, 4) == LOWPREC_ERR_FORMAT);
    qb = q;
    qb.layout = 3;
    CHECK(lowprec_qfx_forward(qb, two, 1, x, y, 4) == LOWPREC_ERR_MODE);
    qb = q;
    qb.layout = LOWPREC_LAYOUT_CHANNEL_LAST;
    qb.channels = 3; /* does not divide 4 */
    const float three[3] = {3, 3, 3};
    CHECK(lowprec_qfx_forward(qb, three, 3, x, y, 4) == LOWPREC_ERR_PARAM);
    qb.channels = 0;
    CHECK(lowprec_qfx_forward(qb, NULL, 0, x, y, 4) == LOWPREC_ERR_PARAM);
    qb = q;
    qb.grad_scale = 5;
    CHECK(lowprec_qfx_forward(qb, two, 1, x, y, 4) == LOWPREC_ERR_FORMAT);
}

int main(void) {
    test_formats();
    test_conversions();
    test_stochastic();
    test_arith();
    test_fixed();
    test_lmul();
    test_qfx();
    test_errors();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
