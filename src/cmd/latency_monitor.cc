#include "cardinal/cmd/latency_monitor.h"

#include <algorithm>

namespace cardinal::cmd {

void LatencyMonitor::Series::add(int64_t unix_seconds, int64_t ms) {
  max_ms_ = std::max(max_ms_, ms);
  Sample& last = ring_[(next_ + kSamples - 1) % kSamples];
  if (last.unix_seconds == unix_seconds) {  // one sample per second: keep its worst
    last.ms = std::max(last.ms, ms);
    return;
  }
  ring_[next_] = {unix_seconds, ms};
  next_ = (next_ + 1) % kSamples;
}

std::vector<LatencyMonitor::Sample> LatencyMonitor::Series::history() const {
  std::vector<Sample> out;
  for (size_t i = 0; i < kSamples; ++i) {
    const Sample& s = ring_[(next_ + i) % kSamples];
    if (s.unix_seconds != 0) out.push_back(s);
  }
  return out;
}

void LatencyMonitor::add(std::string_view event, int64_t ms, int64_t unix_seconds) {
  for (auto& [name, series] : events_) {
    if (name == event) return series.add(unix_seconds, ms);
  }
  events_.emplace_back(std::string(event), Series{});
  events_.back().second.add(unix_seconds, ms);
}

const LatencyMonitor::Series* LatencyMonitor::find(std::string_view event) const {
  for (const auto& [name, series] : events_) {
    if (name == event) return &series;
  }
  return nullptr;
}

bool LatencyMonitor::reset(std::string_view event) {
  auto it =
      std::find_if(events_.begin(), events_.end(), [&](const auto& e) { return e.first == event; });
  if (it == events_.end()) return false;
  events_.erase(it);
  return true;
}

size_t LatencyMonitor::reset_all() {
  size_t n = events_.size();
  events_.clear();
  return n;
}

}  // namespace cardinal::cmd
