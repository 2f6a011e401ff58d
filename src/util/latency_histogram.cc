#include "cardinal/util/latency_histogram.h"

#include <algorithm>
#include <bit>

namespace cardinal::util {

size_t LatencyHistogram::bucket_index(int64_t ns) {
  auto v = static_cast<uint64_t>(std::clamp(ns, kMinNs, kMaxNs));
  int exp = std::bit_width(v) - 1;
  size_t sub = (v >> (exp - kSubBucketBits)) - kSubBuckets;  // the 7 bits after the leading one
  return static_cast<size_t>(exp - kFirstExp) * kSubBuckets + sub;
}

int64_t LatencyHistogram::lowest_equivalent(size_t index) {
  int exp = kFirstExp + static_cast<int>(index / kSubBuckets);
  auto sub = static_cast<int64_t>(index % kSubBuckets);
  return (static_cast<int64_t>(kSubBuckets) + sub) << (exp - kSubBucketBits);
}

int64_t LatencyHistogram::highest_equivalent(size_t index) {
  int exp = kFirstExp + static_cast<int>(index / kSubBuckets);
  return lowest_equivalent(index) + (int64_t{1} << (exp - kSubBucketBits)) - 1;
}

void LatencyHistogram::record(int64_t ns) {
  ++counts_[bucket_index(ns)];
  ++total_;
}

int64_t LatencyHistogram::value_at_percentile(double percentile) const {
  double p = std::min(percentile, 100.0);
  auto wanted = static_cast<uint64_t>(p / 100.0 * static_cast<double>(total_) + 0.5);
  wanted = std::max<uint64_t>(wanted, 1);
  uint64_t cumulative = 0;
  size_t index = 0;
  for (; index < counts_.size(); ++index) {
    cumulative += counts_[index];
    if (cumulative >= wanted) break;
  }
  if (index == counts_.size()) return 0;  // nothing recorded
  return percentile == 0.0 ? lowest_equivalent(index) : highest_equivalent(index);
}

}  // namespace cardinal::util
