// C-simulation testbench of hls/include/lowprec/nn/dense.h and residual.h: every
// configuration below in one translation unit, driven from standard input, so that
// tests/nn_dense_hls.rs compares the kernels with the Rust golden models
// (lowprec::nn::Dense, lowprec::nn::Residual) bit for bit.
//
// Protocol (whitespace-separated decimal tokens on standard input):
//   L              list the configurations, one line each:
//                    "dense K NAME N_IN N_OUT in_t weight_t bias_t accum_t out_t SCHEDULE RELU"
//                    "residual K NAME N a_t b_t out_t"
//                  (types spelled with all five template arguments)
//   D K ROWS       dense configuration K: then N_OUT*N_IN raw weights ([N_OUT][N_IN]),
//                  N_OUT raw biases, ROWS*N_IN raw inputs; prints ROWS lines of N_OUT raw
//                  outputs
//   R K ROWS       residual configuration K: then ROWS*N raw a's, ROWS*N raw b's; prints
//                  ROWS lines of N raw outputs
//   Q              quit
// A raw value is the integer raw with value raw * 2^-F; it is stored modulo 2^W.
//
// Compile: g++ -O1 -std=c++17 -I$H/ap_types -I$H -Ihls/include hls/tb/nn_dense_tb.cpp
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "lowprec/nn/dense.h"
#include "lowprec/nn/residual.h"

using namespace lowprec::nn;

// ---- raw values and type spellings ------------------------------------------------------
static const char* const Q_NAMES[] = {"AP_RND",     "AP_RND_ZERO", "AP_RND_MIN_INF", "AP_RND_INF",
                                      "AP_RND_CONV", "AP_TRN",      "AP_TRN_ZERO"};
static const char* const O_NAMES[] = {"AP_SAT", "AP_SAT_ZERO", "AP_SAT_SYM", "AP_WRAP",
                                      "AP_WRAP_SM"};

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
std::string spell(const ap_fixed_base<W, I, S, Q, O, N>*) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s<%d,%d,%s,%s,%d>", S ? "ap_fixed" : "ap_ufixed", W, I,
                  Q_NAMES[Q], O_NAMES[O], N);
    return buf;
}
template <class T>
std::string spell() {
    return spell((const T*)nullptr);
}

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
long long raw(const ap_fixed_base<W, I, S, Q, O, N>& v) {
    unsigned long long bits = v.V.to_uint64();
    if (W < 64) bits &= (1ULL << W) - 1;
    if (S && W < 64 && (bits >> (W - 1)) & 1) bits |= ~0ULL << W;
    return (long long)bits;
}
template <class T>
void set_raw(T& v, long long r) {
    v.setBits((ap_ulong)r);
}

// ---- input and output ---------------------------------------------------------------------
struct Reader {
    std::vector<char> buf;
    const char* p;
    Reader() {
        char chunk[1 << 16];
        size_t n;
        while ((n = std::fread(chunk, 1, sizeof chunk, stdin)) > 0) buf.insert(buf.end(), chunk, chunk + n);
        buf.push_back(0);
        p = buf.data();
    }
    bool word(std::string& s) {
        while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') p++;
        if (!*p) return false;
        s.clear();
        while (*p && *p != ' ' && *p != '\n' && *p != '\r' && *p != '\t') s.push_back(*p++);
        return true;
    }
    long long num() {
        char* end;
        long long v = std::strtoll(p, &end, 10);
        if (end == p) {
            std::fprintf(stderr, "nn_dense_tb: expected a number\n");
            std::exit(2);
        }
        p = end;
        return v;
    }
};

struct Writer {
    std::vector<char> buf;
    void num(long long v) {
        char tmp[24];
        int n = std::snprintf(tmp, sizeof tmp, "%lld", v);
        buf.insert(buf.end(), tmp, tmp + n);
    }
    void ch(char c) { buf.push_back(c); }
    void flush() {
        std::fwrite(buf.data(), 1, buf.size(), stdout);
        buf.clear();
    }
};

// ---- the configurations ----------------------------------------------------------------
// MiniLM attention projection: 384 -> 384, 16-bit activations, 8-bit weights, a 32-bit
// wrapping accumulator that holds every product exactly.
struct d_minilm_proj {
    typedef ap_fixed<16, 6> in_t;
    typedef ap_fixed<8, 2> weight_t;
    typedef ap_fixed<16, 6> bias_t;
    typedef ap_fixed<32, 12> accum_t;
    typedef ap_fixed<16, 6, AP_RND_CONV, AP_SAT> out_t;
    static const unsigned N_IN = 384, N_OUT = 384;
    static const int SCHEDULE = DENSE_LATENCY;
    static const bool RELU = false;
};
// MiniLM FFN up-projection: 384 -> 1536, a narrower saturating accumulator that rounds
// every product (14 fraction bits < 10 + 6), ReLU.
struct d_minilm_ffn {
    typedef ap_fixed<16, 6> in_t;
    typedef ap_fixed<8, 2> weight_t;
    typedef ap_fixed<12, 4> bias_t;
    typedef ap_fixed<24, 10, AP_RND_CONV, AP_SAT> accum_t;
    typedef ap_fixed<16, 6, AP_RND_CONV, AP_SAT> out_t;
    static const unsigned N_IN = 384, N_OUT = 1536;
    static const int SCHEDULE = DENSE_LATENCY;
    static const bool RELU = true;
};
// MiniLM FFN down-projection: 1536 -> 384, wide accumulation, saturating accumulator.
struct d_minilm_down {
    typedef ap_fixed<16, 6> in_t;
    typedef ap_fixed<8, 2> weight_t;
    typedef ap_fixed<16, 6> bias_t;
    typedef ap_fixed<20, 8, AP_RND_CONV, AP_SAT> accum_t;
    typedef ap_fixed<16, 6, AP_RND, AP_SAT> out_t;
    static const unsigned N_IN = 1536, N_OUT = 384;
    static const int SCHEDULE = DENSE_WIDE;
    static const bool RELU = false;
};
// Narrow types, saturating accumulator with rounded products, ReLU.
struct d_narrow_sat {
    typedef ap_fixed<8, 3> in_t;
    typedef ap_fixed<6, 1> weight_t;
    typedef ap_fixed<10, 4> bias_t;
    typedef ap_fixed<10, 4, AP_RND_CONV, AP_SAT> accum_t;
    typedef ap_fixed<8, 3, AP_RND, AP_SAT> out_t;
    static const unsigned N_IN = 8, N_OUT = 4;
    static const int SCHEDULE = DENSE_LATENCY;
    static const bool RELU = true;
};
// Narrow types, wrapping truncating accumulator, unsigned inputs.
struct d_narrow_wrap {
    typedef ap_ufixed<8, 4> in_t;
    typedef ap_fixed<4, 1> weight_t;
    typedef ap_fixed<6, 2> bias_t;
    typedef ap_fixed<12, 6> accum_t;
    typedef ap_fixed<8, 4> out_t;
    static const unsigned N_IN = 16, N_OUT = 8;
    static const int SCHEDULE = DENSE_LATENCY;
    static const bool RELU = false;
};
// Wide schedule, symmetric saturation, unsigned output with ReLU.
struct d_narrow_wide {
    typedef ap_fixed<10, 4> in_t;
    typedef ap_fixed<8, 1> weight_t;
    typedef ap_fixed<12, 5> bias_t;
    typedef ap_fixed<14, 6, AP_RND_CONV, AP_SAT_SYM> accum_t;
    typedef ap_ufixed<8, 4, AP_RND_CONV, AP_SAT> out_t;
    static const unsigned N_IN = 12, N_OUT = 6;
    static const int SCHEDULE = DENSE_WIDE;
    static const bool RELU = true;
};
// Wide types: 40- and 30-bit operands, a 64-bit accumulator, a 48-bit bias.
struct d_wide_types {
    typedef ap_fixed<40, 10> in_t;
    typedef ap_fixed<30, 2> weight_t;
    typedef ap_fixed<48, 20> bias_t;
    typedef ap_fixed<64, 24, AP_RND, AP_SAT> accum_t;
    typedef ap_fixed<32, 12, AP_RND_CONV, AP_WRAP> out_t;
    static const unsigned N_IN = 5, N_OUT = 3;
    static const int SCHEDULE = DENSE_LATENCY;
    static const bool RELU = false;
};
struct d_wide_types_wide : d_wide_types {
    static const int SCHEDULE = DENSE_WIDE;
    static const bool RELU = true;
};
// The rarer modes: rounding to +inf, sign-magnitude wrap, saturation bits.
struct d_odd_modes {
    typedef ap_fixed<9, 3> in_t;
    typedef ap_fixed<7, 0> weight_t;
    typedef ap_fixed<8, 3> bias_t;
    typedef ap_fixed<11, 4, AP_RND_INF, AP_WRAP_SM> accum_t;
    typedef ap_fixed<7, 3, AP_RND_ZERO, AP_WRAP, 2> out_t;
    static const unsigned N_IN = 6, N_OUT = 5;
    static const int SCHEDULE = DENSE_LATENCY;
    static const bool RELU = false;
};
struct d_odd_modes_sat0 {
    typedef ap_fixed<9, 3> in_t;
    typedef ap_fixed<7, 0> weight_t;
    typedef ap_fixed<8, 3> bias_t;
    typedef ap_fixed<11, 4, AP_TRN_ZERO, AP_SAT_ZERO> accum_t;
    typedef ap_fixed<7, 3, AP_RND_MIN_INF, AP_SAT_SYM> out_t;
    static const unsigned N_IN = 6, N_OUT = 5;
    static const int SCHEDULE = DENSE_LATENCY;
    static const bool RELU = true;
};

struct r_minilm {
    typedef ap_fixed<16, 6> a_t;
    typedef ap_fixed<16, 6> b_t;
    typedef ap_fixed<16, 6, AP_RND_CONV, AP_SAT> out_t;
    static const unsigned N = 384;
};
struct r_mixed {
    typedef ap_fixed<16, 6> a_t;
    typedef ap_fixed<8, 2> b_t;
    typedef ap_fixed<12, 4, AP_RND, AP_WRAP> out_t;
    static const unsigned N = 32;
};
struct r_unsigned {
    typedef ap_ufixed<10, 3> a_t;
    typedef ap_fixed<12, -2> b_t;
    typedef ap_fixed<9, 2, AP_TRN, AP_SAT_SYM> out_t;
    static const unsigned N = 16;
};
struct r_wide {
    typedef ap_fixed<40, 20> a_t;
    typedef ap_fixed<30, 2> b_t;
    typedef ap_fixed<24, 12, AP_RND_CONV, AP_SAT> out_t;
    static const unsigned N = 8;
};
struct r_to_unsigned {
    typedef ap_fixed<8, 8> a_t;
    typedef ap_fixed<8, 0> b_t;
    typedef ap_ufixed<8, 4, AP_RND_INF, AP_WRAP> out_t;
    static const unsigned N = 8;
};

// ---- drivers -------------------------------------------------------------------------------
template <class C>
void describe_dense(int k, const char* name) {
    std::printf("dense %d %s %u %u %s %s %s %s %s %s %d\n", k, name, C::N_IN, C::N_OUT,
                spell<typename C::in_t>().c_str(), spell<typename C::weight_t>().c_str(),
                spell<typename C::bias_t>().c_str(), spell<typename C::accum_t>().c_str(),
                spell<typename C::out_t>().c_str(),
                C::SCHEDULE == DENSE_LATENCY ? "latency" : "wide", C::RELU ? 1 : 0);
}

template <class C>
void run_dense(Reader& in, Writer& out, long rows) {
    static typename C::weight_t w[C::N_OUT * C::N_IN];
    static typename C::bias_t b[C::N_OUT];
    static typename C::in_t x[C::N_IN];
    static typename C::out_t y[C::N_OUT];
    for (unsigned i = 0; i < C::N_OUT * C::N_IN; i++) set_raw(w[i], in.num());
    for (unsigned j = 0; j < C::N_OUT; j++) set_raw(b[j], in.num());
    for (long r = 0; r < rows; r++) {
        for (unsigned i = 0; i < C::N_IN; i++) set_raw(x[i], in.num());
        dense<C>(x, y, w, b);
        for (unsigned j = 0; j < C::N_OUT; j++) {
            if (j) out.ch(' ');
            out.num(raw(y[j]));
        }
        out.ch('\n');
        if (out.buf.size() > (1 << 20)) out.flush();
    }
}

template <class C>
void describe_residual(int k, const char* name) {
    std::printf("residual %d %s %u %s %s %s\n", k, name, C::N, spell<typename C::a_t>().c_str(),
                spell<typename C::b_t>().c_str(), spell<typename C::out_t>().c_str());
}

template <class C>
void run_residual(Reader& in, Writer& out, long rows) {
    std::vector<long long> av(rows * C::N), bv(rows * C::N);
    for (auto& v : av) v = in.num();
    for (auto& v : bv) v = in.num();
    static typename C::a_t a[C::N];
    static typename C::b_t b[C::N];
    static typename C::out_t y[C::N];
    for (long r = 0; r < rows; r++) {
        for (unsigned i = 0; i < C::N; i++) {
            set_raw(a[i], av[r * C::N + i]);
            set_raw(b[i], bv[r * C::N + i]);
        }
        residual_add<C>(a, b, y);
        for (unsigned i = 0; i < C::N; i++) {
            if (i) out.ch(' ');
            out.num(raw(y[i]));
        }
        out.ch('\n');
    }
}

struct Entry {
    const char* name;
    void (*describe)(int, const char*);
    void (*run)(Reader&, Writer&, long);
};
#define DENSE_ENTRY(C) {#C, describe_dense<C>, run_dense<C>}
#define RESIDUAL_ENTRY(C) {#C, describe_residual<C>, run_residual<C>}

static const Entry DENSE[] = {
    DENSE_ENTRY(d_minilm_proj), DENSE_ENTRY(d_minilm_ffn),      DENSE_ENTRY(d_minilm_down),
    DENSE_ENTRY(d_narrow_sat),  DENSE_ENTRY(d_narrow_wrap),     DENSE_ENTRY(d_narrow_wide),
    DENSE_ENTRY(d_wide_types),  DENSE_ENTRY(d_wide_types_wide), DENSE_ENTRY(d_odd_modes),
    DENSE_ENTRY(d_odd_modes_sat0),
};
static const Entry RESIDUAL[] = {
    RESIDUAL_ENTRY(r_minilm), RESIDUAL_ENTRY(r_mixed),       RESIDUAL_ENTRY(r_unsigned),
    RESIDUAL_ENTRY(r_wide),   RESIDUAL_ENTRY(r_to_unsigned),
};
static const int N_DENSE = sizeof DENSE / sizeof DENSE[0];
static const int N_RESIDUAL = sizeof RESIDUAL / sizeof RESIDUAL[0];

int main() {
    Reader in;
    Writer out;
    std::string cmd;
    while (in.word(cmd)) {
        if (cmd == "Q") break;
        if (cmd == "L") {
            for (int k = 0; k < N_DENSE; k++) DENSE[k].describe(k, DENSE[k].name);
            for (int k = 0; k < N_RESIDUAL; k++) RESIDUAL[k].describe(k, RESIDUAL[k].name);
            continue;
        }
        long k = in.num(), rows = in.num();
        const Entry* table = cmd == "D" ? DENSE : cmd == "R" ? RESIDUAL : nullptr;
        int n = cmd == "D" ? N_DENSE : N_RESIDUAL;
        if (!table || k < 0 || k >= n || rows < 0) {
            std::fprintf(stderr, "nn_dense_tb: bad command %s %ld %ld\n", cmd.c_str(), k, rows);
            return 2;
        }
        table[k].run(in, out, rows);
        out.flush();
    }
    out.flush();
    return 0;
}
