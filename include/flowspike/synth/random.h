// Seeded random numbers for the traffic generator: xoshiro256** seeded through
// splitmix64, and the handful of distributions the traffic models draw from,
// written out here because std::*_distribution differ between standard
// libraries. A seed therefore gives the same corpus with g++ and clang; the
// transcendental functions come from libm, so bit-identity also assumes the
// same libm (glibc here). An Rng is a plain value: one per thread.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>

#include "flowspike/common/error.h"

namespace flowspike::synth {

// splitmix64 finaliser: a strong 64-bit mix, used to derive seeds.
inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A seed for sub-stream `stream` of `seed`; different streams are independent.
inline uint64_t derive_seed(uint64_t seed, uint64_t stream) { return mix64(mix64(seed) ^ mix64(stream + 0x632be59bd9b4e019ULL)); }

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (auto& word : s_) {
      x += 0x9e3779b97f4a7c15ULL;
      word = mix64(x);
    }
  }

  // Next raw 64-bit word (xoshiro256**).
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // An independent generator for a named part of the work.
  Rng fork(uint64_t stream) { return Rng(derive_seed(next(), stream)); }

  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n); n > 0. The modulo bias is below 2^-40 for the n used here.
  uint64_t below(uint64_t n) {
    FLOWSPIKE_ASSERT(n > 0);
    return next() % n;
  }
  // Uniform integer in [lo, hi], both ends included.
  int64_t between(int64_t lo, int64_t hi) {
    FLOWSPIKE_ASSERT(hi >= lo);
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
  }
  bool chance(double p) { return uniform() < p; }

  double exponential(double mean) { return -mean * std::log1p(-uniform()); }
  // Box-Muller, two words per call, no cached second value.
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double normal(double mean, double sd) { return mean + sd * normal(); }
  // exp(N(log(median), sigma^2)): positive, right-skewed, half the draws below `median`.
  double lognormal(double median, double sigma) { return median * std::exp(sigma * normal()); }
  // Uniform on a log scale between lo and hi (> 0).
  double log_uniform(double lo, double hi) { return lo * std::exp(std::log(hi / lo) * uniform()); }
  // Index drawn with probability proportional to weights[i].
  size_t weighted(std::span<const double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    double r = uniform() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (r < weights[i]) return i;
      r -= weights[i];
    }
    return weights.size() - 1;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace flowspike::synth
