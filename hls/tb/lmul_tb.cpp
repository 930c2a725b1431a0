// C-simulation testbench of hls/include/lowprec/lmul.h.
//
//   lmul_tb CONFIG IN OUT
//
// CONFIG names one instantiation (`lmul_tb list` prints them all):
//   FORMAT-MODE-OVERFLOW-kK, e.g. e4m3fn-guarded-satfinite-k3, fp32-paper-ieee-k23.
// IN holds little-endian uint32 pairs (a, b) of codes; OUT receives one little-endian
// uint32 result code per pair. tests/lmul_hls.rs writes IN, runs this program and compares
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

typedef uint32_t (*kernel_fn)(uint32_t, uint32_t);

template <int E, int M, int BIAS, int MODE, int SPECIALS, int OVERFLOW, int K>
uint32_t run(uint32_t a, uint32_t b) {
    const ap_uint<1 + E + M> x = a;
    const ap_uint<1 + E + M> y = b;
    return (uint32_t)lmul<E, M, BIAS, MODE, SPECIALS, OVERFLOW, K>(x, y).to_uint64();
}

struct config {
    const char* name;
    kernel_fn fn;
};

// Each format in paper mode at full and reduced k, guarded in every overflow policy at
// full k, and guarded IEEE at reduced k.
#define LMUL_CONFIGS(NAME, E, M, BIAS, SPECIALS, KT)                                            \
    {NAME "-paper-ieee-k" #M, run<E, M, BIAS, LMUL_PAPER, SPECIALS, OVF_IEEE, M>},              \
    {NAME "-paper-ieee-k" #KT, run<E, M, BIAS, LMUL_PAPER, SPECIALS, OVF_IEEE, KT>},            \
    {NAME "-guarded-ieee-k" #M, run<E, M, BIAS, LMUL_GUARDED, SPECIALS, OVF_IEEE, M>},          \
    {NAME "-guarded-satfinite-k" #M, run<E, M, BIAS, LMUL_GUARDED, SPECIALS, OVF_SAT_FINITE, M>}, \
    {NAME "-guarded-satpropagate-k" #M,                                                          \
     run<E, M, BIAS, LMUL_GUARDED, SPECIALS, OVF_SAT_PROPAGATE, M>},                             \
    {NAME "-guarded-ieee-k" #KT, run<E, M, BIAS, LMUL_GUARDED, SPECIALS, OVF_IEEE, KT>},

static const config configs[] = {
    LMUL_CONFIGS("e4m3", 4, 3, 7, SPECIALS_IEEE, 1)
    LMUL_CONFIGS("e4m3fn", 4, 3, 7, SPECIALS_FN, 1)
    LMUL_CONFIGS("e4m3fnuz", 4, 3, 8, SPECIALS_FNUZ, 1)
    LMUL_CONFIGS("e5m2", 5, 2, 15, SPECIALS_IEEE, 1)
    LMUL_CONFIGS("fp16", 5, 10, 15, SPECIALS_IEEE, 3)
    LMUL_CONFIGS("bf16", 8, 7, 127, SPECIALS_IEEE, 3)
    LMUL_CONFIGS("fp32", 8, 23, 127, SPECIALS_IEEE, 3)
};

static uint32_t get_le32(const unsigned char* p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
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
    if (buf.size() % 8 != 0) {
        std::fprintf(stderr, "lmul_tb: %s is not a sequence of uint32 pairs\n", argv[2]);
        return 1;
    }
    const size_t pairs = buf.size() / 8;
    std::vector<unsigned char> out(pairs * 4);
    for (size_t i = 0; i < pairs; ++i) {
        const uint32_t r = fn(get_le32(&buf[8 * i]), get_le32(&buf[8 * i + 4]));
        out[4 * i] = (unsigned char)r;
        out[4 * i + 1] = (unsigned char)(r >> 8);
        out[4 * i + 2] = (unsigned char)(r >> 16);
        out[4 * i + 3] = (unsigned char)(r >> 24);
    }
    FILE* o = std::fopen(argv[3], "wb");
    if (!o || std::fwrite(out.data(), 1, out.size(), o) != out.size() || std::fclose(o) != 0) {
        std::perror(argv[3]);
        return 1;
    }
    return 0;
}
