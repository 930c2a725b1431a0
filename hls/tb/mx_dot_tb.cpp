// C-simulation testbench of hls/include/lowprec/mx_dot.h: the exact MX Dot of two blocks
// for every element format at block sizes 16 and 32, driven from standard input, so that
// tests/block_mx_dot_hls.rs compares the kernel with the Rust golden model
// (lowprec::block::dot_exact).
//
// Protocol (whitespace-separated tokens on standard input):
//   D ELEM BS N    then N vectors, each "XA XB A0 .. A(BS-1) B0 .. B(BS-1)" in hex
//                  (ELEM: 0 E4M3, 1 E5M2, 2 E3M2, 3 E2M3, 4 E2M1, 5 INT8; BS: 16 or 32);
//                  prints one line per vector: "SPECIAL EXP SF HI LO", where the sum is
//                  the 128-bit two's complement integer HI:LO (hex) times 2^-SF, and the
//                  value is sum * 2^EXP (decimal SPECIAL, EXP, SF)
//   Q              quit
//
// Compile: g++ -O1 -std=c++17 -I$H/ap_types -I$H -Ihls/include hls/tb/mx_dot_tb.cpp
#include <cstdio>
#include <cstdlib>

#include "lowprec/mx_dot.h"

using namespace lowprec;

template <int ELEM, int BS>
static void run(int n) {
    typedef mx_dot_types<ELEM, BS> D;
    for (int v = 0; v < n; v++) {
        unsigned xa, xb, c;
        if (std::scanf("%x %x", &xa, &xb) != 2) std::exit(2);
        typename D::code_t a[BS], b[BS];
        for (int i = 0; i < BS; i++) {
            if (std::scanf("%x", &c) != 1) std::exit(2);
            a[i] = c;
        }
        for (int i = 0; i < BS; i++) {
            if (std::scanf("%x", &c) != 1) std::exit(2);
            b[i] = c;
        }
        mx_dot_result<ELEM, BS> r;
        mx_dot<ELEM, BS>(a, ap_uint<8>(xa), b, ap_uint<8>(xb), r);
        ap_int<D::SW> bits = r.sum.range(D::SW - 1, 0);
        ap_int<128> wide = bits;
        unsigned long long hi = wide.range(127, 64).to_uint64();
        unsigned long long lo = wide.range(63, 0).to_uint64();
        std::printf("%d %d %d %llx %llx\n", (int)r.special, (int)r.exp, D::SF, hi, lo);
    }
}

template <int ELEM>
static void by_size(int bs, int n) {
    if (bs == 16) {
        run<ELEM, 16>(n);
    } else if (bs == 32) {
        run<ELEM, 32>(n);
    } else {
        std::exit(3);
    }
}

int main() {
    char cmd[4];
    while (std::scanf("%3s", cmd) == 1) {
        if (cmd[0] == 'Q') return 0;
        int elem, bs, n;
        if (cmd[0] != 'D' || std::scanf("%d %d %d", &elem, &bs, &n) != 3) return 2;
        switch (elem) {
            case MX_E4M3: by_size<MX_E4M3>(bs, n); break;
            case MX_E5M2: by_size<MX_E5M2>(bs, n); break;
            case MX_E3M2: by_size<MX_E3M2>(bs, n); break;
            case MX_E2M3: by_size<MX_E2M3>(bs, n); break;
            case MX_E2M1: by_size<MX_E2M1>(bs, n); break;
            case MX_INT8: by_size<MX_INT8>(bs, n); break;
            default: return 3;
        }
    }
    return 0;
}
