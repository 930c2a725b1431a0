// nnet::layernormalize (nnet_layernorm.h) of the hls4ml 1.3.0 wheel on the
// configurations of tests/nn_hls4ml.rs (seq_len 1: one row per call). W k: dim scales,
// then dim biases. T k prints the 1/sqrt table as init_invert_sqr_table fills it.
#include "nnet_utils/nnet_layernorm.h"

#include "common.h"

#include LP_CONFIG_FILE

template <class In, class Out, class C> struct Layer {
    static typename C::scale_t s[C::n_in];
    static typename C::bias_t b[C::n_in];
    static void set() {
        lp::read(s, C::n_in);
        lp::read(b, C::n_in);
    }
    static void tables() {
        static typename C::table_t t[C::table_size];
        nnet::init_invert_sqr_table<C, C::table_size>(t);
        lp::print(t, C::table_size);
    }
    static void run(long long m) {
        In x[C::n_in];
        Out y[C::n_in];
        for (long long v = 0; v < m; v++) {
            lp::read(x, C::n_in);
            nnet::layernormalize<In, Out, C>(x, y, s, b);
            lp::print(y, C::n_in);
        }
    }
};
template <class In, class Out, class C> typename C::scale_t Layer<In, Out, C>::s[C::n_in];
template <class In, class Out, class C> typename C::bias_t Layer<In, Out, C>::b[C::n_in];

#define LP_LAYER(k) Layer<c##k##_in_t, c##k##_out_t, config##k>
#define LP_SET(k) \
    case k: LP_LAYER(k)::set(); break;
#define LP_TABLES(k) \
    case k: LP_LAYER(k)::tables(); break;
#define LP_RUN(k) \
    case k: LP_LAYER(k)::run(m); break;

int main() {
    char cmd[4];
    while (std::scanf("%3s", cmd) == 1 && cmd[0] != 'Q') {
        long long k = lp::next();
        if (cmd[0] == 'W') {
            switch (k) { LP_CONFIGS(LP_SET) default: return 3; }
        } else if (cmd[0] == 'T') {
            switch (k) { LP_CONFIGS(LP_TABLES) default: return 3; }
        } else if (cmd[0] == 'R') {
            long long m = lp::next();
            switch (k) { LP_CONFIGS(LP_RUN) default: return 3; }
        } else {
            return 4;
        }
    }
    std::fflush(stdout);
    return 0;
}
