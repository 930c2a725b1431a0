// The nn kernels of benches/nn.rs in C simulation: the HLS kernels of
// hls/include/lowprec/nn/ compiled by g++ -O2 with the real ap_fixed headers, on the same
// inputs (the same hash) at MiniLM size (64 tokens, hidden 384, FFN 1536).
//
// Prints one line per kernel: "name median-ns-per-call work-items checksum" (the checksum
// is the sum of the raw outputs, as the Rust bench prints it), so that
// scripts/bench-nn.sh can put both side by side. To add a kernel, add it here and in
// benches/nn.rs under the same name.
//
// The attention configurations (with their softmax tables) come from nn_bench_cfgs.h,
// which `LOWPREC_NN_CPP_CONFIG=DIR/nn_bench_cfgs.h cargo bench --bench nn` writes.
//
// Compile: g++ -O2 -std=c++17 -I$H/ap_types -I$H -Ihls/include -IDIR hls/tb/nn_bench.cpp
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "lowprec/nn/attention.h"
#include "lowprec/nn/dense.h"
#include "lowprec/nn/encoder.h"
#include "lowprec/nn/residual.h"
#include "nn_bench_cfgs.h"

using namespace lowprec::nn;

static const int SEQ = 64;

static uint64_t hash(uint64_t a, uint64_t b, uint64_t seed) {
    uint64_t h = ((a * 1000003ULL) ^ b ^ (seed << 40)) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    return h ^ (h >> 32);
}
static long long act(int r, int i) { return (long long)(hash(r, i, 1) % 8192) - 4096; }
static long long weight(int j, int i) { return (long long)(hash(j, i, 2) % 64) - 32; }
static long long bias(int j) { return (long long)(hash(j, 0, 3) % 1024) - 512; }

template <class T>
long long raw(const T& v) {
    unsigned long long bits = v.V.to_uint64() & ((1ULL << T::width) - 1);
    if ((bits >> (T::width - 1)) & 1) bits |= ~0ULL << T::width;  // all types here are signed
    return (long long)bits;
}

template <class F>
double median_ns(int runs, F f) {
    f();
    std::vector<double> t;
    for (int r = 0; r < runs; r++) {
        auto s = std::chrono::steady_clock::now();
        f();
        auto e = std::chrono::steady_clock::now();
        t.push_back(std::chrono::duration<double, std::nano>(e - s).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

template <unsigned NI, unsigned NO, class ACC>
struct bench_dense {
    typedef ap_fixed<16, 6> in_t;
    typedef ap_fixed<8, 2> weight_t;
    typedef ap_fixed<16, 6> bias_t;
    typedef ACC accum_t;
    typedef ap_fixed<16, 6, AP_RND_CONV, AP_SAT> out_t;
    static const unsigned N_IN = NI, N_OUT = NO;
    static const int SCHEDULE = DENSE_LATENCY;
    static const bool RELU = false;
};

template <class C>
void time_dense(const char* name, int runs) {
    std::vector<typename C::in_t> x(SEQ * C::N_IN);
    std::vector<typename C::weight_t> w(C::N_OUT * C::N_IN);
    std::vector<typename C::bias_t> b(C::N_OUT);
    std::vector<typename C::out_t> y(SEQ * C::N_OUT);
    for (int r = 0; r < SEQ; r++)
        for (unsigned i = 0; i < C::N_IN; i++) x[r * C::N_IN + i].setBits(act(r, i));
    for (unsigned j = 0; j < C::N_OUT; j++)
        for (unsigned i = 0; i < C::N_IN; i++) w[j * C::N_IN + i].setBits(weight(j, i));
    for (unsigned j = 0; j < C::N_OUT; j++) b[j].setBits(bias(j));
    double ns = median_ns(runs, [&] {
        for (int r = 0; r < SEQ; r++) dense<C>(&x[r * C::N_IN], &y[r * C::N_OUT], w.data(), b.data());
    });
    long long sum = 0;
    for (auto& v : y) sum += raw(v);
    std::printf("%s %.0f %lld %lld\n", name, ns, (long long)SEQ * C::N_IN * C::N_OUT, sum);
    std::fflush(stdout);
}

struct bench_residual {
    typedef ap_fixed<16, 6> a_t;
    typedef ap_fixed<16, 6> b_t;
    typedef ap_fixed<16, 6, AP_RND_CONV, AP_SAT> out_t;
    static const unsigned N = 384;
};

void time_residual(int runs) {
    typedef bench_residual C;
    std::vector<C::a_t> a(SEQ * C::N);
    std::vector<C::b_t> b(SEQ * C::N);
    std::vector<C::out_t> y(SEQ * C::N);
    for (int t = 0; t < SEQ * (int)C::N; t++) {
        a[t].setBits(act(t / C::N, t % C::N) * 4);
        b[t].setBits(act(t % C::N, t / C::N) * 4);
    }
    double ns = median_ns(runs, [&] {
        for (int r = 0; r < SEQ; r++) residual_add<C>(&a[r * C::N], &b[r * C::N], &y[r * C::N]);
    });
    long long sum = 0;
    for (auto& v : y) sum += raw(v);
    std::printf("residual_384 %.0f %d %lld\n", ns, SEQ * C::N, sum);
}

// MiniLM self-attention over one sequence; the projections' weights are weight(j + 384 k, i)
// and biases bias(j + 384 k) for projection k = 0 (Q), 1 (K), 2 (V), 3 (output).
template <class C>
void time_attention(const char* name, int runs) {
    const int D = C::hidden;
    std::vector<typename C::q_dense::in_t> x(SEQ * D);
    std::vector<typename C::q_dense::weight_t> w[4];
    std::vector<typename C::q_dense::bias_t> b[4];
    std::vector<typename C::o_dense::out_t> y(SEQ * D);
    for (int t = 0; t < SEQ * D; t++) x[t].setBits(act(t / D, t % D));
    for (int k = 0; k < 4; k++) {
        w[k].resize(D * D);
        b[k].resize(D);
        for (int t = 0; t < D * D; t++) w[k][t].setBits(weight(t / D + k * D, t % D));
        for (int j = 0; j < D; j++) b[k][j].setBits(bias(j + k * D));
    }
    double ns = median_ns(runs, [&] {
        attention<C>(x.data(), y.data(), w[0].data(), b[0].data(), w[1].data(), b[1].data(),
                     w[2].data(), b[2].data(), w[3].data(), b[3].data());
    });
    long long sum = 0;
    for (auto& v : y) sum += raw(v);
    std::printf("%s %.0f %lld %lld\n", name, ns, 4LL * SEQ * D * D + 2LL * SEQ * SEQ * D, sum);
    std::fflush(stdout);
}

// One whole MiniLM encoder layer (the parameters of benches/nn.rs's encoder_64x384).
void time_encoder(int runs) {
    typedef encoder_64x384 E;
    typedef E::attn_cfg C;
    const int D = E::hidden, F = E::ffn;
    std::vector<E::res1_cfg::a_t> x(SEQ * D);
    std::vector<C::q_dense::weight_t> w[4];
    std::vector<C::q_dense::bias_t> b[4];
    std::vector<E::ffn1_cfg::weight_t> w1(F * D);
    std::vector<E::ffn1_cfg::bias_t> b1(F);
    std::vector<E::ffn2_cfg::weight_t> w2(D * F);
    std::vector<E::ffn2_cfg::bias_t> b2(D);
    std::vector<E::ln1_cfg::scale_t> g(D);
    std::vector<E::ln1_cfg::bias_t> be(D);
    std::vector<E::ln2_cfg::output_t> y(SEQ * D);
    for (int t = 0; t < SEQ * D; t++) x[t].setBits(act(t / D, t % D));
    for (int k = 0; k < 4; k++) {
        w[k].resize(D * D);
        b[k].resize(D);
        for (int t = 0; t < D * D; t++) w[k][t].setBits(weight(t / D + k * D, t % D));
        for (int j = 0; j < D; j++) b[k][j].setBits(bias(j + k * D));
    }
    for (int t = 0; t < F * D; t++) w1[t].setBits(weight(t / D + 2000, t % D));
    for (int j = 0; j < F; j++) b1[j].setBits(bias(j + 2000));
    for (int t = 0; t < D * F; t++) w2[t].setBits(weight(t / F + 4000, t % F));
    for (int j = 0; j < D; j++) {
        b2[j].setBits(bias(j + 4000));
        g[j].setBits(4096 + (long long)(hash(j, 0, 4) % 2048) - 1024);
        be[j].setBits((long long)(hash(j, 0, 5) % 1024) - 512);
    }
    double ns = median_ns(runs, [&] {
        encoder<E>(x.data(), y.data(), w[0].data(), b[0].data(), w[1].data(), b[1].data(),
                   w[2].data(), b[2].data(), w[3].data(), b[3].data(), g.data(), be.data(),
                   w1.data(), b1.data(), w2.data(), b2.data(), g.data(), be.data());
    });
    long long sum = 0;
    for (auto& v : y) sum += raw(v);
    std::printf("encoder_64x384 %.0f %lld %lld\n", ns,
                4LL * SEQ * D * D + 2LL * SEQ * SEQ * D + 2LL * SEQ * D * F, sum);
    std::fflush(stdout);
}

int main() {
    typedef ap_fixed<32, 12> acc;
    time_dense<bench_dense<384, 384, acc> >("dense_384x384", 5);
    time_dense<bench_dense<384, 1536, acc> >("dense_384x1536", 3);
    time_dense<bench_dense<1536, 384, acc> >("dense_1536x384", 3);
    time_dense<bench_dense<384, 384, ap_fixed<24, 10, AP_RND_CONV, AP_SAT> > >("dense_384x384_rounded", 5);
    time_residual(21);
    time_attention<attention_64x384>("attention_64x384", 3);
    time_attention<attention_64x384_lmul_bf16>("attention_64x384_lmul_bf16", 3);
    time_encoder(3);
    return 0;
}
