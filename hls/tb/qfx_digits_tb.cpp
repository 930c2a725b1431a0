// C-simulation testbench of hls/include/lowprec/qfx_mlp.h on one model written by the
// qfx_digits example (FixedModel::write), so that tests/qfx_digits_hls.rs compares the
// kernel with the Rust golden model FixedModel::logits bit for bit.
//
// The model: a header "qfx_model.h" on the include path that includes the emitted
// <name>.h and declares `typedef qfx_digits_<name> qfx_model;`.
//
// Standard input: one image per line, as in the example's test.txt: the model's n_in pixel
// integers (0..16; x = pixel / 16 cast to input_t), then anything (the label), ignored.
// Standard output: one line per image, the raw bits of its n_out logits (z_t, W low bits)
// in hexadecimal, separated by spaces.
// Argument: "plain" runs the multiplier form (qfx_mlp_plain) instead of the deployed one
// (qfx_mlp: the shift-add form for a K-hot model).
//
// Compile: g++ -O1 -std=c++17 -I$H/ap_types -I$H -Ihls/include -I<dir of qfx_model.h>
//          hls/tb/qfx_digits_tb.cpp
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <iostream>

#include "lowprec/qfx_mlp.h"
#include "qfx_model.h"

typedef qfx_model M;

int main(int argc, char** argv) {
    const bool plain = argc > 1 && std::strcmp(argv[1], "plain") == 0;
    std::string line;
    long images = 0;
    while (std::getline(std::cin, line)) {
        std::istringstream in(line);
        M::input_t x[M::n_in];
        int p = 0;
        int n = 0;
        while (n < M::n_in && in >> p) {
            x[n++] = M::input_t(p / 16.0);
        }
        if (n == 0) continue;
        if (n < M::n_in) {
            std::fprintf(stderr, "image %ld: %d pixels, expected %d\n", images, n, M::n_in);
            return 1;
        }
        M::z_t z[M::n_out];
        if (plain) {
            lowprec::qfx::qfx_mlp_plain<M>(x, z);
        } else {
            lowprec::qfx::qfx_mlp<M>(x, z);
        }
        for (int o = 0; o < M::n_out; o++) {
            unsigned long long bits = z[o].range(M::z_t::width - 1, 0).to_uint64();
            std::printf(o ? " %llx" : "%llx", bits);
        }
        std::printf("\n");
        images++;
    }
    return 0;
}
