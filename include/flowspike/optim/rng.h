// Seeded random numbers that are the same under every compiler and standard
// library. std::mt19937_64's raw output is fixed by the C++ standard, but
// std::uniform_*_distribution and std::normal_distribution are not, so
// everything that must repeat bit for bit (initialisation, sampling, splits)
// maps the raw 64-bit words to numbers with the functions below.
// normal() uses std::log/std::cos/std::sqrt, so it repeats exactly wherever
// the same libm is used (glibc: g++ and clang alike). Header-only; the engine
// is the caller's, so these are as thread-safe as the caller's engine.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <utility>

namespace flowspike::optim {

using Rng = std::mt19937_64;

// Uniform double in [0, 1): the top 53 bits of one engine word.
inline double uniform01(Rng& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// Uniform double in (0, 1]: never 0, so safe for log().
inline double uniform01_open_low(Rng& rng) { return static_cast<double>((rng() >> 11) + 1) * 0x1.0p-53; }

// Uniform integer in [0, n), unbiased: words below 2^64 mod n are rejected
// so that every residue is equally likely. n > 0.
inline uint64_t uniform_index(Rng& rng, uint64_t n) {
  const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
  for (;;) {
    const uint64_t r = rng();
    if (r >= threshold) return r % n;
  }
}

// Standard normal N(0, 1) by the Box-Muller transform. Uses exactly two engine
// words per call and keeps no cached second value, so the sequence depends only
// on the engine state.
inline double normal(Rng& rng) {
  const double u1 = uniform01_open_low(rng);
  const double u2 = uniform01(rng);
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

// N(mean, sigma^2).
inline double normal(Rng& rng, double mean, double sigma) { return mean + sigma * normal(rng); }

// Fisher-Yates shuffle with uniform_index (std::shuffle's draws are unspecified).
template <class T>
void shuffle(std::span<T> values, Rng& rng) {
  for (size_t i = values.size(); i > 1; --i) {
    const auto j = static_cast<size_t>(uniform_index(rng, i));
    using std::swap;
    swap(values[i - 1], values[j]);
  }
}

}  // namespace flowspike::optim
