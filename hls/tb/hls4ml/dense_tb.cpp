// nnet::dense (nnet_dense.h) of the hls4ml 1.3.0 wheel on the configurations of
// tests/nn_hls4ml.rs. W k: n_in·n_out weights as the kernel reads them (transposed for
// the resource strategy, as the converter writes them), then n_out biases.
#include "nnet_utils/nnet_dense.h"

#include "common.h"

// dense_resource's third branch (rf > n_in, rf % n_in != 0) has no kernel class in
// nnet_dense.h (the converter never selects it); this one calls it.
template <class data_T, class res_T, typename CONFIG_T>
class DenseResource_rf_gt_nin_tb : public nnet::DenseKernel<data_T, res_T, CONFIG_T> {
  public:
    static void dense(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                      typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                      typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
        nnet::dense_resource_rf_gt_nin<data_T, res_T, CONFIG_T>(data, res, weights, biases);
    }
};

#include LP_CONFIG_FILE

template <class In, class Out, class C> struct Layer {
    static typename C::weight_t w[C::n_in * C::n_out];
    static typename C::bias_t b[C::n_out];
    static void set() {
        lp::read(w, C::n_in * C::n_out);
        lp::read(b, C::n_out);
    }
    static void run(long long m) {
        In x[C::n_in];
        Out y[C::n_out];
        for (long long v = 0; v < m; v++) {
            lp::read(x, C::n_in);
            nnet::dense<In, Out, C>(x, y, w, b);
            lp::print(y, C::n_out);
        }
    }
};
template <class In, class Out, class C> typename C::weight_t Layer<In, Out, C>::w[C::n_in * C::n_out];
template <class In, class Out, class C> typename C::bias_t Layer<In, Out, C>::b[C::n_out];

#define LP_LAYER(k) Layer<c##k##_in_t, c##k##_out_t, config##k>
#define LP_SET(k) \
    case k: LP_LAYER(k)::set(); break;
#define LP_RUN(k) \
    case k: LP_LAYER(k)::run(m); break;

int main() {
    char cmd[4];
    while (std::scanf("%3s", cmd) == 1 && cmd[0] != 'Q') {
        long long k = lp::next();
        if (cmd[0] == 'W') {
            switch (k) { LP_CONFIGS(LP_SET) default: return 3; }
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
