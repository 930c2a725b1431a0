// nnet::softmax (nnet_activation.h) of the hls4ml 1.3.0 wheel on the configurations of
// tests/nn_hls4ml.rs. T k prints the exp table and the inverse table as the kernel's
// init functions fill them (nothing for argmax).
#include "nnet_utils/nnet_activation.h"

#include "common.h"

#include LP_CONFIG_FILE

template <class In, class Out, class C> struct Layer {
    static void tables() {
        using impl = nnet::softmax_implementation;
        if (C::implementation == impl::latency || C::implementation == impl::stable) {
            static typename C::exp_table_t e[C::exp_table_size];
            static typename C::inv_table_t i[C::inv_table_size];
            if (C::implementation == impl::stable)
                nnet::init_exp_table<typename C::inp_norm_t, C>(e, true);
            else
                nnet::init_exp_table<In, C>(e);
            nnet::init_invert_table<typename C::inv_inp_t, C>(i);
            lp::print(e, C::exp_table_size);
            lp::print(i, C::inv_table_size);
        } else if (C::implementation == impl::legacy) {
            static typename C::table_t e[C::exp_table_size];
            static typename C::table_t i[C::inv_table_size];
            nnet::init_exp_table_legacy<C, C::exp_table_size>(e);
            nnet::init_invert_table_legacy<C, C::inv_table_size>(i);
            lp::print(e, C::exp_table_size);
            lp::print(i, C::inv_table_size);
        } else {
            std::printf("\n\n");
        }
    }
    static void run(long long m) {
        In x[C::n_slice];
        Out y[C::n_slice];
        for (long long v = 0; v < m; v++) {
            lp::read(x, C::n_slice);
            nnet::softmax<In, Out, C>(x, y);
            lp::print(y, C::n_slice);
        }
    }
};

#define LP_LAYER(k) Layer<c##k##_in_t, c##k##_out_t, softmax_config##k>
#define LP_TABLES(k) \
    case k: LP_LAYER(k)::tables(); break;
#define LP_RUN(k) \
    case k: LP_LAYER(k)::run(m); break;

int main() {
    char cmd[4];
    while (std::scanf("%3s", cmd) == 1 && cmd[0] != 'Q') {
        long long k = lp::next();
        if (cmd[0] == 'T') {
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
