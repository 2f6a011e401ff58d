// LatencyHistogram: durations in nanoseconds counted in log-linear buckets — 128 equal
// sub-buckets per power of two, i.e. two significant digits — over [1024 ns, 1 s], values outside
// clamped to the range. These are the resolution and range of Redis 7.0's per-command histograms,
// so LATENCY HISTOGRAM and INFO latencystats report the same edges. Recording is a few integer
// operations and never allocates. Not thread-safe: one owner (the event-loop thread).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace cardinal::util {

class LatencyHistogram {
 public:
  static constexpr int64_t kMinNs = 1024;
  static constexpr int64_t kMaxNs = 1'000'000'000;

  void record(int64_t ns);
  uint64_t total() const { return total_; }

  // The value below which `percentile` (0..100) percent of the recordings fall, reported as the
  // highest value its bucket stands for (the lowest for percentile 0).
  int64_t value_at_percentile(double percentile) const;

  // Visits the powers of two from 1024 ns, each with the count of recordings up to that edge's
  // bucket, skipping edges where the count did not grow; `edge_ns` is the highest value the edge's
  // bucket stands for. Recordings past 2^29 ns + one bucket are counted in total() only.
  template <typename Visit>
  void for_each_power_of_two(Visit visit) const {
    uint64_t cumulative = 0;
    uint64_t reported = 0;
    size_t index = 0;
    for (int exp = kFirstExp; exp <= kLastExp; ++exp) {
      size_t edge = bucket_index(int64_t{1} << exp);
      for (; index <= edge; ++index) cumulative += counts_[index];
      if (cumulative > reported) visit(highest_equivalent(edge), cumulative);
      reported = cumulative;
    }
  }

 private:
  static constexpr int kSubBucketBits = 7;
  static constexpr size_t kSubBuckets = size_t{1} << kSubBucketBits;
  static constexpr int kFirstExp = 10;  // log2(kMinNs)
  static constexpr int kLastExp = 29;   // the largest power of two at or below kMaxNs

  static size_t bucket_index(int64_t ns);
  static int64_t lowest_equivalent(size_t index);
  static int64_t highest_equivalent(size_t index);

  std::array<uint64_t, (kLastExp - kFirstExp + 1) * kSubBuckets> counts_{};
  uint64_t total_ = 0;
};

}  // namespace cardinal::util
