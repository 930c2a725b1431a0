// HLS-style C++ testbench of the C ABI: the golden model called through include/lowprec.h
// against the same computation with the real ap_fixed / ap_ufixed / ap_int types.
//
// For each type (every AP quantization mode x every overflow mode, signed and unsigned,
// with and without saturation bits N, narrow and wide) and random doubles (ties, values
// beyond the range, large magnitudes that wrap):
//   - T x = d;                  vs lowprec_fixed_from_f64(T, d)      (raw bits)
//   - x.to_double()             vs lowprec_fixed_to_f64(T, bits)
//   - D y = x; (D narrower)     vs lowprec_fixed_cast(D, T, bits)    (raw bits)
// and a dot product: sum of ap_fixed<8,3> products in an ap_fixed<24,10,AP_RND,AP_SAT>
// accumulator vs the same from lowprec's casts of the exact products.
//
// Build (capi/build.sh does): g++ -std=c++14 -Wall -Wextra -Werror -Iinclude
//   -isystem $H/ap_types hls/tb/capi_fixed_tb.cpp target/capi/release/liblowprec.a
//   -lpthread -ldl -lm, with $H the vivado templates directory printed by
// hls/fetch-headers.sh, at -O0 (at -O2 g++ reports uninitialized reads inside the
// headers' own code). Prints "N passed, N failed"; exits non-zero on a mismatch.
// The headers print "WARNING: assign NaN to ap integer value" for some ap_int inputs in
// [1, 2): their NaN test compares the exponent with (unsigned char)(1023 + 1) = 0. It is
// only a message; the value is right.
#include <ap_fixed.h>
#include <ap_int.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "lowprec.h"

namespace {

long long passed = 0, failed = 0;
const int kInputs = 400;  // per type
const double kTwoM53 = 1.0 / 9007199254740992.0;  // 2^-53

uint64_t mask(int w) { return w >= 64 ? ~0ULL : ((1ULL << w) - 1); }

// SplitMix64, for reproducible inputs.
struct Rng {
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
};

// Random doubles for a type with F fraction bits and W bits: multiples of half an LSB
// (ties included) over four times the range, arbitrary reals near the range, and large
// magnitudes.
double input(Rng &r, int w, int f) {
    uint64_t u = r.next();
    double sign = (u & 1) ? -1.0 : 1.0;
    switch ((u >> 1) % 4) {
        case 0: {  // k / 2^(F+1): exact ties and exact values
            int span = w + 3 < 62 ? w + 3 : 62;
            double k = (double)(int64_t)(r.next() & mask(span));
            return sign * std::ldexp(k, -(f + 1));
        }
        case 1: {  // any double within four times the range
            double m = (double)(r.next() >> 11) * kTwoM53;
            return sign * std::ldexp(m, w - f + 2);
        }
        case 2: {  // near the LSB
            double m = (double)(r.next() >> 11) * kTwoM53;
            return sign * std::ldexp(m, -f + 2);
        }
        default: {  // large: exponents up to 40 above the range
            double m = 1.0 + (double)(r.next() >> 11) * kTwoM53;
            return sign * std::ldexp(m, w - f + (int)(r.next() % 40));
        }
    }
}

void check(bool ok, const char *what, const char *type, double x, uint64_t want, uint64_t got) {
    if (ok) {
        passed++;
        return;
    }
    if (failed < 20)
        std::fprintf(stderr, "mismatch: %s %s of %a: ap_types 0x%llx, lowprec 0x%llx\n", what,
                     type, x, (unsigned long long)want, (unsigned long long)got);
    failed++;
}

lowprec_fixed_t parse(const char *name) {
    lowprec_fixed_t t;
    std::memset(&t, 0, sizeof t);
    if (lowprec_fixed_parse(name, &t) != LOWPREC_OK) {
        std::fprintf(stderr, "lowprec_fixed_parse(\"%s\") failed\n", name);
        failed++;
    }
    return t;
}

// T: the type under test; D: a narrower type with the same modes, the target of casts.
template <class T, int W, int F, class D, int DW>
void run(const char *tname, const char *dname, uint64_t seed) {
    lowprec_fixed_t lt = parse(tname), ld = parse(dname);
    Rng r = {seed};
    for (int i = 0; i < kInputs; i++) {
        double d = input(r, W, F);
        T x = d;
        uint64_t want = x.V.to_uint64() & mask(W);
        uint64_t got = ~0ULL;
        int rc = lowprec_fixed_from_f64(lt, d, &got, NULL);
        check(rc == LOWPREC_OK && got == want, "cast", tname, d, want, got);
        double v = 0;
        rc = lowprec_fixed_to_f64(lt, want, &v);
        double xv = x.to_double();
        check(rc == LOWPREC_OK && std::memcmp(&v, &xv, sizeof v) == 0, "to_double", tname, d,
              0, 0);
        D y = x;
        uint64_t ywant = y.V.to_uint64() & mask(DW);
        uint64_t ygot = ~0ULL;
        rc = lowprec_fixed_cast(ld, lt, want, &ygot, NULL);
        check(rc == LOWPREC_OK && ygot == ywant, "cast to", dname, d, ywant, ygot);
    }
}

// A dot product with the accumulator's modes applied at every step: acc = acc + a*b,
// where a*b is exact (ap_fixed<16,6>) and the sum is rounded into the accumulator type.
void dot_products(uint64_t seed) {
    typedef ap_fixed<8, 3, AP_RND_CONV, AP_SAT> In;
    typedef ap_fixed<16, 6> Prod;
    typedef ap_fixed<12, 5, AP_RND, AP_SAT> Acc;
    typedef ap_fixed<18, 8> Sum;  // Acc + Prod, exact
    lowprec_fixed_t lin = parse("ap_fixed<8,3,AP_RND_CONV,AP_SAT>");
    lowprec_fixed_t lsum = parse("ap_fixed<18,8>");
    lowprec_fixed_t lacc = parse("ap_fixed<12,5,AP_RND,AP_SAT>");
    Rng r = {seed};
    for (int v = 0; v < 500; v++) {
        Acc acc = 0;
        uint64_t lacc_bits = 0;
        bool ok = true;
        for (int k = 0; k < 16; k++) {
            double da = input(r, 8, 5), db = input(r, 8, 5);
            In a = da, b = db;
            Prod p = a * b;
            acc = Sum(acc) + Sum(p);
            // lowprec: quantize the inputs, form the exact sum in ap_fixed<18,8> (its
            // value is a double exactly), then cast it into the accumulator.
            uint64_t ab = 0, bb = 0, sb = 0, nb = 0;
            double av = 0, bv = 0, accv = 0;
            ok &= lowprec_fixed_from_f64(lin, da, &ab, NULL) == LOWPREC_OK;
            ok &= lowprec_fixed_from_f64(lin, db, &bb, NULL) == LOWPREC_OK;
            ok &= lowprec_fixed_to_f64(lin, ab, &av) == LOWPREC_OK;
            ok &= lowprec_fixed_to_f64(lin, bb, &bv) == LOWPREC_OK;
            ok &= lowprec_fixed_to_f64(lacc, lacc_bits, &accv) == LOWPREC_OK;
            ok &= lowprec_fixed_from_f64(lsum, accv + av * bv, &sb, NULL) == LOWPREC_OK;
            ok &= lowprec_fixed_cast(lacc, lsum, sb, &nb, NULL) == LOWPREC_OK;
            lacc_bits = nb;
        }
        uint64_t want = acc.V.to_uint64() & mask(12);
        check(ok && lacc_bits == want, "dot", "ap_fixed<12,5,AP_RND,AP_SAT>", v, want, lacc_bits);
    }
}

}  // namespace

#define STR2(x) #x
#define STR(x) STR2(x)

// Signed ap_fixed<8,3,Q,O> -> ap_fixed<5,1,Q,O>.
#define S83(Q, O)                                                                         \
    run<ap_fixed<8, 3, Q, O>, 8, 5, ap_fixed<5, 1, Q, O>, 5>(                             \
        "ap_fixed<8,3," STR(Q) "," STR(O) ">", "ap_fixed<5,1," STR(Q) "," STR(O) ">", seed++)
// Unsigned ap_ufixed<8,4,Q,O> -> ap_ufixed<5,2,Q,O>.
#define U84(Q, O)                                                                         \
    run<ap_ufixed<8, 4, Q, O>, 8, 4, ap_ufixed<5, 2, Q, O>, 5>(                           \
        "ap_ufixed<8,4," STR(Q) "," STR(O) ">", "ap_ufixed<5,2," STR(Q) "," STR(O) ">", seed++)
// With saturation bits: ap_fixed<12,4,Q,O,2> -> ap_fixed<7,2,Q,O,2>.
#define SN(Q, O)                                                                          \
    run<ap_fixed<12, 4, Q, O, 2>, 12, 8, ap_fixed<7, 2, Q, O, 2>, 7>(                     \
        "ap_fixed<12,4," STR(Q) "," STR(O) ",2>", "ap_fixed<7,2," STR(Q) "," STR(O) ",2>", seed++)
#define UN(Q)                                                                             \
    run<ap_ufixed<10, 3, Q, AP_WRAP, 3>, 10, 7, ap_ufixed<6, 1, Q, AP_WRAP, 3>, 6>(       \
        "ap_ufixed<10,3," STR(Q) ",AP_WRAP,3>", "ap_ufixed<6,1," STR(Q) ",AP_WRAP,3>", seed++)

#define SIGNED_ALL_O(Q) \
    S83(Q, AP_SAT);     \
    S83(Q, AP_SAT_ZERO); \
    S83(Q, AP_SAT_SYM); \
    S83(Q, AP_WRAP);    \
    S83(Q, AP_WRAP_SM); \
    SN(Q, AP_WRAP);     \
    SN(Q, AP_WRAP_SM)
#define UNSIGNED_ALL_O(Q) \
    U84(Q, AP_SAT);       \
    U84(Q, AP_SAT_ZERO);  \
    U84(Q, AP_SAT_SYM);   \
    U84(Q, AP_WRAP);      \
    UN(Q)
#define ALL(Q)        \
    SIGNED_ALL_O(Q);  \
    UNSIGNED_ALL_O(Q)

int main() {
    uint64_t seed = 1;
    ALL(AP_TRN);
    ALL(AP_TRN_ZERO);
    ALL(AP_RND);
    ALL(AP_RND_ZERO);
    ALL(AP_RND_MIN_INF);
    ALL(AP_RND_INF);
    ALL(AP_RND_CONV);
    // Wider types, fractional-only and integer-only ones.
    run<ap_fixed<40, 20, AP_RND_CONV, AP_SAT>, 40, 20, ap_fixed<20, 8, AP_RND_CONV, AP_SAT>, 20>(
        "ap_fixed<40,20,AP_RND_CONV,AP_SAT>", "ap_fixed<20,8,AP_RND_CONV,AP_SAT>", seed++);
    run<ap_fixed<64, 32, AP_RND, AP_WRAP>, 64, 32, ap_fixed<33, 16, AP_RND, AP_WRAP>, 33>(
        "ap_fixed<64,32,AP_RND,AP_WRAP>", "ap_fixed<33,16,AP_RND,AP_WRAP>", seed++);
    run<ap_fixed<8, -2, AP_RND_INF, AP_SAT>, 8, 10, ap_fixed<4, -3, AP_RND_INF, AP_SAT>, 4>(
        "ap_fixed<8,-2,AP_RND_INF,AP_SAT>", "ap_fixed<4,-3,AP_RND_INF,AP_SAT>", seed++);
    run<ap_fixed<6, 10, AP_TRN_ZERO, AP_SAT_SYM>, 6, -4, ap_fixed<4, 9, AP_TRN_ZERO, AP_SAT_SYM>, 4>(
        "ap_fixed<6,10,AP_TRN_ZERO,AP_SAT_SYM>", "ap_fixed<4,9,AP_TRN_ZERO,AP_SAT_SYM>", seed++);
    run<ap_int<16>, 16, 0, ap_int<9>, 9>("ap_int<16>", "ap_int<9>", seed++);
    run<ap_uint<12>, 12, 0, ap_uint<7>, 7>("ap_uint<12>", "ap_uint<7>", seed++);
    dot_products(seed++);
    std::printf("%lld passed, %lld failed\n", passed, failed);
    return failed != 0;
}
