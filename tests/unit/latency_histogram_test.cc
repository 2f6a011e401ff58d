// LatencyHistogram against a plain sorted vector of the recorded values: bucket edges computed
// independently (two significant digits: 128 equal steps per power of two), percentiles by
// rank, and the cumulative counts at each power of two.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "cardinal/util/latency_histogram.h"

using cardinal::util::LatencyHistogram;

namespace {

int64_t clamped(int64_t ns) {
  return std::clamp(ns, LatencyHistogram::kMinNs, LatencyHistogram::kMaxNs);
}

// The bucket [low, high] holding v, found by walking the powers of two (not by bit tricks).
std::pair<int64_t, int64_t> naive_bucket(int64_t v) {
  int64_t power = 1024;
  while (power * 2 <= v) power *= 2;
  int64_t step = power / 128;
  int64_t low = power + (v - power) / step * step;
  return {low, low + step - 1};
}

}  // namespace

TEST_CASE("latency histogram: percentiles match a sorted oracle's bucket", "[latency_histogram]") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    LatencyHistogram h;
    std::vector<int64_t> values;
    size_t n = 1 + rng() % 5000;
    for (size_t i = 0; i < n; ++i) {
      // Log-uniform from 100 ns to 4 s, so both clamps and every power of two get hits.
      double exponent = std::uniform_real_distribution<double>(2.0, 9.6)(rng);
      auto v = static_cast<int64_t>(std::pow(10.0, exponent));
      h.record(v);
      values.push_back(clamped(v));
    }
    std::sort(values.begin(), values.end());
    REQUIRE(h.total() == n);
    for (double p : {0.0, 0.1, 1.0, 12.5, 50.0, 90.0, 99.0, 99.9, 99.999, 100.0}) {
      auto rank = static_cast<size_t>(p / 100.0 * static_cast<double>(n) + 0.5);
      rank = std::max<size_t>(rank, 1);
      auto [low, high] = naive_bucket(values[rank - 1]);
      INFO("seed " << seed << " p" << p << " value " << values[rank - 1]);
      CHECK(h.value_at_percentile(p) == (p == 0.0 ? low : high));
    }
  }
}

TEST_CASE("latency histogram: cumulative counts at each power of two", "[latency_histogram]") {
  std::mt19937_64 rng(7);
  LatencyHistogram h;
  std::vector<int64_t> values;
  for (int i = 0; i < 20000; ++i) {
    auto v =
        static_cast<int64_t>(std::pow(10.0, std::uniform_real_distribution<double>(2, 9.3)(rng)));
    h.record(v);
    values.push_back(clamped(v));
  }
  std::vector<std::pair<int64_t, uint64_t>> got;
  h.for_each_power_of_two([&](int64_t edge, uint64_t count) { got.emplace_back(edge, count); });
  std::vector<std::pair<int64_t, uint64_t>> want;
  uint64_t previous = 0;
  for (int64_t power = 1024; power <= (int64_t{1} << 29); power *= 2) {
    int64_t edge_high = naive_bucket(power).second;
    auto count = static_cast<uint64_t>(
        std::count_if(values.begin(), values.end(), [&](int64_t v) { return v <= edge_high; }));
    if (count > previous) want.emplace_back(edge_high, count);
    previous = count;
  }
  CHECK(got == want);
  // Redis's first edges, as LATENCY HISTOGRAM prints them in microseconds.
  REQUIRE(got.size() >= 3);
  CHECK(got[0].first / 1000 == 1);
  CHECK(got[1].first / 1000 == 2);
  CHECK(got[2].first / 1000 == 4);
}

TEST_CASE("latency histogram: empty and single values", "[latency_histogram]") {
  LatencyHistogram h;
  CHECK(h.total() == 0);
  CHECK(h.value_at_percentile(50) == 0);
  int calls = 0;
  h.for_each_power_of_two([&](int64_t, uint64_t) { ++calls; });
  CHECK(calls == 0);
  h.record(5000);  // Redis reports p50=5.023 us and p0=4.992 us for a lone 5 us call
  CHECK(h.value_at_percentile(50) == 5023);
  CHECK(h.value_at_percentile(0) == 4992);
  h.record(0);  // clamped to 1024 ns
  CHECK(h.value_at_percentile(0) == 1024);
  CHECK(h.value_at_percentile(100) == 5023);
}
