// C-simulation harness: evaluates casts, conversions and expressions with the real
// ap_types / ac_types headers, driven by a small text protocol, so that a test can
// compare another implementation with them bit for bit.
//
// A test program includes this header, defines a table of entries (template
// instantiations for the types it needs, see the LP_* helpers below) and calls
// lp::run(table, count). Template parameters are compile-time, so the table is
// generated for the types under test (tests/hls/mod.rs does that from Rust).
//
// Protocol (standard input, or the file named by the first argument), one command a line:
//   I n            then n lines of one hex u64 each: the current inputs (the bits of a
//                  double for casts from double, raw bits otherwise)
//   P n            then n lines "hexA hexB": the current input pairs
//   R k            run entry k over the current inputs (or pairs); print one line with one
//                  result token per input: hex u64 values separated by spaces, where an
//                  entry may print several comma-joined values per input
//   Y k            print entry k's description line (result types: "W I S" triples)
//   Q              quit
// Output tokens are lowercase hex without 0x.
//
// Compile: g++ -O0 -std=c++17 -I$H/ap_types -I$H -I$AC tb.cpp, with the directories
// printed by hls/fetch-headers.sh.
#ifndef LOWPREC_HLS_HARNESS_H
#define LOWPREC_HLS_HARNESS_H

#include <ap_fixed.h>
#include <ap_int.h>
#ifdef LP_WITH_AC
#include <ac_fixed.h>
#endif
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace lp {

inline uint64_t mask(int w) { return w >= 64 ? ~0ULL : ((1ULL << w) - 1); }

inline double to_double_bits(uint64_t b) {
  double d;
  std::memcpy(&d, &b, 8);
  return d;
}
inline uint64_t from_double(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return b;
}
inline uint64_t from_float(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

// Raw bits of values (low W bits, zero-extended), and setting them.
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
uint64_t bits(const ap_fixed_base<W, I, S, Q, O, N>& x) {
  return x.V.to_uint64() & mask(W);
}
template <int W, bool S>
uint64_t bits(const ap_int_base<W, S>& x) {
  return x.V.to_uint64() & mask(W);
}
// Bits 64..W-1 of a wide (W > 64) value.
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
uint64_t high_bits(const ap_fixed_base<W, I, S, Q, O, N>& x) {
  if constexpr (W > 64) {
    return x.V.lshr(64).to_uint64() & mask(W - 64);
  } else {
    return 0;
  }
}
template <int W, bool S>
uint64_t high_bits(const ap_int_base<W, S>& x) {
  if constexpr (W > 64) {
    return x.V.lshr(64).to_uint64() & mask(W - 64);
  } else {
    return 0;
  }
}
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
void set_bits(ap_fixed_base<W, I, S, Q, O, N>& x, uint64_t v) {
  x.setBits(v);
}
template <int W, bool S>
void set_bits(ap_int_base<W, S>& x, uint64_t v) {
  x.V = v;
}
#ifdef LP_WITH_AC
template <int W, int I, bool S, ac_q_mode Q, ac_o_mode O>
uint64_t bits(const ac_fixed<W, I, S, Q, O>& x) {
  return x.template slc<W>(0).to_uint64() & mask(W);
}
template <int W, int I, bool S, ac_q_mode Q, ac_o_mode O>
void set_bits(ac_fixed<W, I, S, Q, O>& x, uint64_t v) {
  ac_int<W, false> t = v;
  x.set_slc(0, t);
}
// Bits 64..min(W, 128)-1 of a wide (W > 64) value.
template <int W, int I, bool S, ac_q_mode Q, ac_o_mode O>
uint64_t high_bits(const ac_fixed<W, I, S, Q, O>& x) {
  if constexpr (W > 64) {
    return x.template slc<W - 64>(64u).to_uint64() & mask(W - 64);
  } else {
    return 0;
  }
}
#endif

// The description of a type: "W I S".
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
std::string describe(const ap_fixed_base<W, I, S, Q, O, N>*) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%d %d %d", W, I, (int)S);
  return buf;
}
template <int W, bool S>
std::string describe(const ap_int_base<W, S>*) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%d %d %d", W, W, (int)S);
  return buf;
}
#ifdef LP_WITH_AC
template <int W, int I, bool S, ac_q_mode Q, ac_o_mode O>
std::string describe(const ac_fixed<W, I, S, Q, O>*) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%d %d %d", W, I, (int)S);
  return buf;
}
#endif
template <class T>
std::string type_of() {
  return describe(static_cast<const T*>(nullptr));
}

struct Ctx {
  std::vector<uint64_t> in;
  std::vector<uint64_t> in2;
  std::string out;
  void put(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%llx", (unsigned long long)v);
    out += buf;
  }
};

// An entry: run over the inputs (appending to ctx.out), and describe itself.
struct Entry {
  void (*run)(Ctx&);
  std::string (*describe)();
};

// T x = double;
template <class T>
void cast_double(Ctx& c) {
  for (size_t i = 0; i < c.in.size(); ++i) {
    T x = to_double_bits(c.in[i]);
    if (i) c.out += ' ';
    c.put(bits(x));
  }
}

// D x = S(raw);
template <class S, class D>
void cast_fixed(Ctx& c) {
  for (size_t i = 0; i < c.in.size(); ++i) {
    S s;
    set_bits(s, c.in[i]);
    D x = s;
    if (i) c.out += ' ';
    c.put(bits(x));
  }
}

// Conversions out of T: to_double, to_float, to_int, to_uint, to_int64, to_uint64.
template <class T>
void convert_out(Ctx& c) {
  for (size_t i = 0; i < c.in.size(); ++i) {
    T x;
    set_bits(x, c.in[i]);
    if (i) c.out += ' ';
    c.put(from_double(x.to_double()));
    c.out += ',';
    c.put((uint32_t)x.to_int());
    c.out += ',';
    c.put((uint32_t)x.to_uint());
    c.out += ',';
    c.put((uint64_t)x.to_int64());
    c.out += ',';
    c.put((uint64_t)x.to_uint64());
  }
}

inline std::string none() { return ""; }

}  // namespace lp

namespace lp {
// An expression entry over the input pairs: `body(c, a, b)` with a of type A and b of
// type B set from the raw bits; the body prints its results with c.put (joined by ',').
template <class A, class B, class F>
void each_pair(Ctx& c, F body) {
  for (size_t i = 0; i < c.in.size(); ++i) {
    A a;
    B b;
    set_bits(a, c.in[i]);
    set_bits(b, c.in2[i]);
    if (i) c.out += ' ';
    body(c, a, b);
  }
}
}  // namespace lp

namespace lp {
inline int run(const Entry* table, size_t count, int argc, char** argv) {
  FILE* f = stdin;
  if (argc > 1) {
    f = std::fopen(argv[1], "r");
    if (!f) {
      std::perror(argv[1]);
      return 2;
    }
  }
  Ctx c;
  char cmd[8];
  while (std::fscanf(f, "%7s", cmd) == 1) {
    if (cmd[0] == 'Q') break;
    unsigned long long n;
    if (std::fscanf(f, "%llu", &n) != 1) return 3;
    if (cmd[0] == 'I' || cmd[0] == 'P') {
      c.in.assign(n, 0);
      c.in2.assign(cmd[0] == 'P' ? n : 0, 0);
      for (unsigned long long i = 0; i < n; ++i) {
        unsigned long long a, b;
        if (std::fscanf(f, "%llx", &a) != 1) return 3;
        c.in[i] = a;
        if (cmd[0] == 'P') {
          if (std::fscanf(f, "%llx", &b) != 1) return 3;
          c.in2[i] = b;
        }
      }
    } else if (cmd[0] == 'R' || cmd[0] == 'Y') {
      if (n >= count) return 4;
      c.out.clear();
      if (cmd[0] == 'R')
        table[n].run(c);
      else
        c.out = table[n].describe();
      c.out += '\n';
      std::fwrite(c.out.data(), 1, c.out.size(), stdout);
    } else {
      return 3;
    }
  }
  std::fflush(stdout);
  return 0;
}
}  // namespace lp

#endif
