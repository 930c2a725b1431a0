// C-simulation testbench of hls/include/lowprec/lmul.h.
//
//   lmul_tb CONFIG IN OUT
//
// CONFIG names one instantiation (`lmul_tb list` prints them all):
//   FORMAT-MODE-OVERFLOW-kK, e.g. e4m3fn-guarded-satfinite-k3, fp32-paper-ieee-k23,
//   binary8p3se-guarded-ieee-k2, e8m0-paper-ieee-k0, e4m3:finite:bias=-3-paper-ieee-k3.
// FORMAT is a name lowprec's `FloatFormat` parses (a preset, binaryKpP{s|u}{e|f}, or
// e{E}m{M} with options); it may contain '-', so split the name from the right.
// IN holds little-endian uint64 pairs (a, b) of codes; OUT receives one little-endian
// uint64 result code per pair. tests/lmul_hls.rs writes IN, runs this program and compares
// OUT with the Rust golden model, lowprec::lmul::LMul.
//
// Build: g++ -O2 -std=c++17 -I$H/ap_types -I$H -Ihls/include hls/tb/lmul_tb.cpp
// with H = hls4ml/templates/vivado from the hls4ml wheel (hls/fetch-headers.sh).
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "lowprec/lmul.h"

using namespace lowprec;

typedef uint64_t (*kernel_fn)(uint64_t, uint64_t);

// One instantiation: signed formats through lmul, unsigned ones through lmul_unsigned,
// both with the default offset exponent l(K). The code type keeps the low bits of each
// operand (higher bits are ignored, as in Rust).
template <int E, int M, int BIAS, int MODE, int SPECIALS, int OVERFLOW, int K, int SIGNED>
struct kernel {
    static uint64_t run(uint64_t a, uint64_t b) {
        const ap_uint<1 + E + M> x = a;
        const ap_uint<1 + E + M> y = b;
        return lmul<E, M, BIAS, MODE, SPECIALS, OVERFLOW, K>(x, y).to_uint64();
    }
};
template <int E, int M, int BIAS, int MODE, int SPECIALS, int OVERFLOW, int K>
struct kernel<E, M, BIAS, MODE, SPECIALS, OVERFLOW, K, 0> {
    static uint64_t run(uint64_t a, uint64_t b) {
        const ap_uint<E + M> x = a;
        const ap_uint<E + M> y = b;
        return lmul_unsigned<E, M, BIAS, MODE, SPECIALS, OVERFLOW, K>(x, y).to_uint64();
    }
};

struct config {
    const char* name;
    kernel_fn fn;
};

// Paper mode and guarded mode in every overflow policy, all M fraction bits kept.
#define LMUL_FULL(NAME, E, M, BIAS, SP, SIGNED)                                          \
    {NAME "-paper-ieee-k" #M, kernel<E, M, BIAS, LMUL_PAPER, SP, OVF_IEEE, M, SIGNED>::run}, \
    {NAME "-guarded-ieee-k" #M,                                                          \
     kernel<E, M, BIAS, LMUL_GUARDED, SP, OVF_IEEE, M, SIGNED>::run},                    \
    {NAME "-guarded-satfinite-k" #M,                                                     \
     kernel<E, M, BIAS, LMUL_GUARDED, SP, OVF_SAT_FINITE, M, SIGNED>::run},              \
    {NAME "-guarded-satpropagate-k" #M,                                                  \
     kernel<E, M, BIAS, LMUL_GUARDED, SP, OVF_SAT_PROPAGATE, M, SIGNED>::run},

// Those, plus paper mode and guarded IEEE with only the first KT < M fraction bits kept.
#define LMUL_CONFIGS(NAME, E, M, BIAS, SP, SIGNED, KT)                                   \
    LMUL_FULL(NAME, E, M, BIAS, SP, SIGNED)                                              \
    {NAME "-paper-ieee-k" #KT,                                                           \
     kernel<E, M, BIAS, LMUL_PAPER, SP, OVF_IEEE, KT, SIGNED>::run},                     \
    {NAME "-guarded-ieee-k" #KT,                                                         \
     kernel<E, M, BIAS, LMUL_GUARDED, SP, OVF_IEEE, KT, SIGNED>::run},

#define S_IEEE SPECIALS_IEEE
#define S_PE SPECIALS_P3109_EXTENDED
#define S_PF SPECIALS_P3109_FINITE

static const config configs[] = {
    // OCP FP8, FNUZ and IEEE-style 8-bit formats.
    LMUL_CONFIGS("e4m3", 4, 3, 7, S_IEEE, 1, 1)
    LMUL_CONFIGS("e4m3fn", 4, 3, 7, SPECIALS_FN, 1, 1)
    LMUL_CONFIGS("e4m3fnuz", 4, 3, 8, SPECIALS_FNUZ, 1, 1)
    LMUL_CONFIGS("e5m2", 5, 2, 15, S_IEEE, 1, 1)
    LMUL_CONFIGS("e5m2fnuz", 5, 2, 16, SPECIALS_FNUZ, 1, 1)
    LMUL_CONFIGS("e4m3b11fnuz", 4, 3, 11, SPECIALS_FNUZ, 1, 1)
    LMUL_CONFIGS("e3m4", 3, 4, 3, S_IEEE, 1, 2)
    // OCP MX element formats: FP6 E2M3 and E3M2, FP4 E2M1 (no inf, no NaN).
    LMUL_CONFIGS("e2m3", 2, 3, 1, SPECIALS_FINITE, 1, 1)
    LMUL_CONFIGS("e3m2", 3, 2, 3, SPECIALS_FINITE, 1, 1)
    LMUL_CONFIGS("e2m1", 2, 1, 1, SPECIALS_FINITE, 1, 0)
    // OCP MX E8M0 scale: unsigned, no zero, 0xFF = NaN.
    LMUL_FULL("e8m0", 8, 0, 127, SPECIALS_NOZERO, 0)
    // IEEE P3109 binary8pP, signed: E = 8 - P, M = P - 1, bias 2^(E-1).
    LMUL_FULL("binary8p1se", 7, 0, 64, S_PE, 1)
    LMUL_FULL("binary8p1sf", 7, 0, 64, S_PF, 1)
    LMUL_CONFIGS("binary8p2se", 6, 1, 32, S_PE, 1, 0)
    LMUL_CONFIGS("binary8p2sf", 6, 1, 32, S_PF, 1, 0)
    LMUL_CONFIGS("binary8p3se", 5, 2, 16, S_PE, 1, 1)
    LMUL_CONFIGS("binary8p3sf", 5, 2, 16, S_PF, 1, 1)
    LMUL_CONFIGS("binary8p4se", 4, 3, 8, S_PE, 1, 1)
    LMUL_CONFIGS("binary8p4sf", 4, 3, 8, S_PF, 1, 1)
    LMUL_CONFIGS("binary8p5se", 3, 4, 4, S_PE, 1, 2)
    LMUL_CONFIGS("binary8p5sf", 3, 4, 4, S_PF, 1, 2)
    LMUL_CONFIGS("binary8p6se", 2, 5, 2, S_PE, 1, 3)
    LMUL_CONFIGS("binary8p6sf", 2, 5, 2, S_PF, 1, 3)
    LMUL_CONFIGS("binary8p7se", 1, 6, 1, S_PE, 1, 3)
    LMUL_CONFIGS("binary8p7sf", 1, 6, 1, S_PF, 1, 3)
    // IEEE P3109 binary8pP, unsigned: E = 9 - P, M = P - 1, bias 2^(E-1).
    LMUL_FULL("binary8p1ue", 8, 0, 128, S_PE, 0)
    LMUL_FULL("binary8p1uf", 8, 0, 128, S_PF, 0)
    LMUL_CONFIGS("binary8p2ue", 7, 1, 64, S_PE, 0, 0)
    LMUL_CONFIGS("binary8p2uf", 7, 1, 64, S_PF, 0, 0)
    LMUL_CONFIGS("binary8p3ue", 6, 2, 32, S_PE, 0, 1)
    LMUL_CONFIGS("binary8p3uf", 6, 2, 32, S_PF, 0, 1)
    LMUL_CONFIGS("binary8p4ue", 5, 3, 16, S_PE, 0, 1)
    LMUL_CONFIGS("binary8p4uf", 5, 3, 16, S_PF, 0, 1)
    LMUL_CONFIGS("binary8p5ue", 4, 4, 8, S_PE, 0, 2)
    LMUL_CONFIGS("binary8p5uf", 4, 4, 8, S_PF, 0, 2)
    LMUL_CONFIGS("binary8p6ue", 3, 5, 4, S_PE, 0, 3)
    LMUL_CONFIGS("binary8p6uf", 3, 5, 4, S_PF, 0, 3)
    LMUL_CONFIGS("binary8p7ue", 2, 6, 2, S_PE, 0, 3)
    LMUL_CONFIGS("binary8p7uf", 2, 6, 2, S_PF, 0, 3)
    LMUL_CONFIGS("binary8p8ue", 1, 7, 1, S_PE, 0, 3)
    LMUL_CONFIGS("binary8p8uf", 1, 7, 1, S_PF, 0, 3)
    // Narrower P3109 formats.
    LMUL_CONFIGS("binary6p3se", 3, 2, 4, S_PE, 1, 1)
    LMUL_CONFIGS("binary4p2sf", 2, 1, 2, S_PF, 1, 0)
    LMUL_CONFIGS("binary4p2ue", 3, 1, 4, S_PE, 0, 0)
    // Edges of the layouts: IEEE with M = 0 (inf but no NaN: inf x 0 gives +0) and with
    // E = 1 (no normal numbers), biases beyond 2^E (100: every normal product underflows,
    // C needs more than W + 3 bits) and negative, a signed format without zero, unsigned
    // IEEE, FN, MX-style and no-zero layouts.
    LMUL_FULL("e5m0", 5, 0, 15, S_IEEE, 1)
    LMUL_CONFIGS("e1m6", 1, 6, 0, S_IEEE, 1, 3)
    LMUL_CONFIGS("e4m3:bias=20", 4, 3, 20, S_IEEE, 1, 1)
    LMUL_FULL("e4m3:bias=100", 4, 3, 100, S_IEEE, 1)
    LMUL_CONFIGS("e4m3:finite:bias=-3", 4, 3, -3, SPECIALS_FINITE, 1, 1)
    LMUL_CONFIGS("e4m3:nozero:nosub", 4, 3, 7, SPECIALS_NOZERO, 1, 1)
    LMUL_CONFIGS("e5m3:unsigned", 5, 3, 15, S_IEEE, 0, 1)
    LMUL_CONFIGS("e4m4:fn:unsigned", 4, 4, 7, SPECIALS_FN, 0, 2)
    LMUL_CONFIGS("e5m3:finite:unsigned", 5, 3, 15, SPECIALS_FINITE, 0, 1)
    LMUL_CONFIGS("e4m4:nozero:nosub:unsigned", 4, 4, 7, SPECIALS_NOZERO, 0, 2)
    // Wider formats (random pairs): IEEE half, bfloat16, single, P3109 16-bit formats and
    // a 63-bit format whose exact sum needs more than 64 bits.
    LMUL_CONFIGS("fp16", 5, 10, 15, S_IEEE, 1, 3)
    LMUL_CONFIGS("bf16", 8, 7, 127, S_IEEE, 1, 3)
    LMUL_CONFIGS("fp32", 8, 23, 127, S_IEEE, 1, 3)
    LMUL_CONFIGS("binary16p11se", 5, 10, 16, S_PE, 1, 3)
    LMUL_CONFIGS("binary16p8uf", 9, 7, 256, S_PF, 0, 3)
    LMUL_CONFIGS("e10m52", 10, 52, 511, S_IEEE, 1, 7)
};

static uint64_t get_le64(const unsigned char* p) {
    uint64_t r = 0;
    for (int i = 7; i >= 0; --i) r = (r << 8) | p[i];
    return r;
}

int main(int argc, char** argv) {
    const size_t n_configs = sizeof(configs) / sizeof(configs[0]);
    if (argc == 2 && std::strcmp(argv[1], "list") == 0) {
        for (size_t i = 0; i < n_configs; ++i) std::printf("%s\n", configs[i].name);
        return 0;
    }
    if (argc != 4) {
        std::fprintf(stderr, "usage: lmul_tb CONFIG IN OUT | lmul_tb list\n");
        return 2;
    }
    kernel_fn fn = nullptr;
    for (size_t i = 0; i < n_configs; ++i)
        if (std::strcmp(argv[1], configs[i].name) == 0) fn = configs[i].fn;
    if (!fn) {
        std::fprintf(stderr, "lmul_tb: unknown configuration %s\n", argv[1]);
        return 2;
    }
    FILE* in = std::fopen(argv[2], "rb");
    if (!in) {
        std::perror(argv[2]);
        return 1;
    }
    std::vector<unsigned char> buf;
    unsigned char chunk[1 << 16];
    size_t got;
    while ((got = std::fread(chunk, 1, sizeof chunk, in)) > 0) buf.insert(buf.end(), chunk, chunk + got);
    std::fclose(in);
    if (buf.size() % 16 != 0) {
        std::fprintf(stderr, "lmul_tb: %s is not a sequence of uint64 pairs\n", argv[2]);
        return 1;
    }
    const size_t pairs = buf.size() / 16;
    std::vector<unsigned char> out(pairs * 8);
    for (size_t i = 0; i < pairs; ++i) {
        const uint64_t r = fn(get_le64(&buf[16 * i]), get_le64(&buf[16 * i + 8]));
        for (int j = 0; j < 8; ++j) out[8 * i + j] = (unsigned char)(r >> (8 * j));
    }
    FILE* o = std::fopen(argv[3], "wb");
    if (!o || std::fwrite(out.data(), 1, out.size(), o) != out.size() || std::fclose(o) != 0) {
        std::perror(argv[3]);
        return 1;
    }
    return 0;
}
