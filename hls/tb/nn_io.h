// Fast raw-integer I/O for the nn C-simulation testbenches: the whole of standard input is
// read at once, numbers are parsed in place, and output lines are collected in one buffer
// written at the end (the testbenches move millions of values).
#ifndef LOWPREC_HLS_TB_NN_IO_H
#define LOWPREC_HLS_TB_NN_IO_H

#include <ap_fixed.h>
#include <ap_int.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace nn_io {

inline std::vector<char>& in_buf() {
  static std::vector<char> b;
  return b;
}
inline const char*& in_p() {
  static const char* p = nullptr;
  return p;
}
inline std::vector<char>& out_buf() {
  static std::vector<char> b;
  return b;
}

// Reads all of standard input.
inline void read_all() {
  char chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, stdin)) > 0)
    in_buf().insert(in_buf().end(), chunk, chunk + n);
  in_buf().push_back(0);
  in_p() = in_buf().data();
}

// The next decimal integer, or false at the end of the input.
inline bool num(long long& v) {
  char* end;
  v = std::strtoll(in_p(), &end, 10);
  if (end == in_p()) return false;
  in_p() = end;
  return true;
}

// Sets a fixed-point value from its raw integer (the low W bits).
template <class T>
void set_raw(T& v, long long r) {
  ap_uint<T::width> b = (unsigned long long)r;
  v.range() = b;
}

// Reads n raw integers into v.
template <class T>
bool read_into(std::vector<T>& v, size_t n) {
  v.resize(n);
  for (size_t i = 0; i < n; i++) {
    long long r;
    if (!num(r)) return false;
    set_raw(v[i], r);
  }
  return true;
}

// The raw integer of a fixed-point value (sign-extended for signed types).
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
long long raw_of(const ap_fixed_base<W, I, S, Q, O, N>& v) {
  unsigned long long bits = v.range().to_uint64();
  const int sh = 64 - W;
  return S ? (long long)(bits << sh) >> sh : (long long)bits;
}

// Appends one output line: the raw integers of v[0..n).
template <class T>
void emit_row(const T* v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    long long r = raw_of(v[i]);
    char tmp[24];
    int len = std::snprintf(tmp, sizeof tmp, i ? " %lld" : "%lld", r);
    out_buf().insert(out_buf().end(), tmp, tmp + len);
  }
  out_buf().push_back('\n');
}

// Writes the collected output.
inline void flush() { std::fwrite(out_buf().data(), 1, out_buf().size(), stdout); }

}  // namespace nn_io

#endif
