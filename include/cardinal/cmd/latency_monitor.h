// LatencyMonitor: for each event class ("command", "fast-command", "expire-cycle"), the latency
// spikes of at least latency-monitor-threshold milliseconds — one sample per second (the worst of
// that second), the last kSamples seconds that had one — and the worst ever, as LATENCY LATEST,
// HISTORY, GRAPH and DOCTOR report them. Events appear in the order first seen. Event-loop thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cardinal::cmd {

class LatencyMonitor {
 public:
  static constexpr size_t kSamples = 160;

  struct Sample {
    int64_t unix_seconds = 0;  // 0: an unused slot
    int64_t ms = 0;
  };

  class Series {
   public:
    void add(int64_t unix_seconds, int64_t ms);
    const Sample& latest() const { return ring_[(next_ + kSamples - 1) % kSamples]; }
    int64_t max_ms() const { return max_ms_; }
    // Oldest first.
    std::vector<Sample> history() const;

   private:
    std::array<Sample, kSamples> ring_{};
    size_t next_ = 0;
    int64_t max_ms_ = 0;
  };

  // Records `ms` when the monitor is on (threshold > 0) and ms reaches the threshold.
  void add_if_needed(std::string_view event, int64_t ms, int64_t threshold_ms,
                     int64_t unix_seconds) {
    if (threshold_ms > 0 && ms >= threshold_ms) add(event, ms, unix_seconds);
  }
  void add(std::string_view event, int64_t ms, int64_t unix_seconds);

  const Series* find(std::string_view event) const;
  const std::vector<std::pair<std::string, Series>>& events() const { return events_; }
  // Forgets the named event; returns whether it had samples.
  bool reset(std::string_view event);
  // Forgets every event; returns how many there were.
  size_t reset_all();

 private:
  std::vector<std::pair<std::string, Series>> events_;  // a handful: linear search is fine
};

}  // namespace cardinal::cmd
