// The 64x64x64 fixed-point matrix multiply of benches/fixed.rs with the real ap_fixed
// headers: ap_fixed<16,6> inputs, an ap_fixed<32,12> accumulator written after every add.
// Prints the checksum (the sum of the raw results, as the Rust bench does) and the median
// time per matrix multiply in nanoseconds over 31 timed runs.
#include <ap_fixed.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

enum { N = 64 };
typedef ap_fixed<16, 6> In;
typedef ap_fixed<32, 12> Acc;

static In x[N][N], w[N][N];
static Acc out[N][N];

static void matmul() {
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) {
      Acc acc = 0;
      for (int k = 0; k < N; ++k) acc += x[i][k] * w[k][j];
      out[i][j] = acc;
    }
}

int main() {
  for (int i = 0; i < N; ++i)
    for (int k = 0; k < N; ++k) {
      x[i][k].setBits((uint64_t)((i * 7919 + k * 104729 + 12345) & 0xFFFF));
      w[i][k].setBits((uint64_t)((i * 7919 + k * 104729 + 54321) & 0xFFFF));
    }
  matmul();
  long long sum = 0;
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) sum += (int32_t)out[i][j].range(31, 0).to_uint64();
  std::printf("checksum %lld\n", sum);
  std::vector<double> t;
  for (int r = 0; r < 34; ++r) {
    auto s = std::chrono::steady_clock::now();
    matmul();
    auto e = std::chrono::steady_clock::now();
    if (r >= 3) t.push_back(std::chrono::duration<double, std::nano>(e - s).count());
  }
  std::sort(t.begin(), t.end());
  std::printf("cpp-ap_fixed %.0f\n", t[t.size() / 2]);
  return 0;
}
