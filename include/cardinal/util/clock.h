// Time source for expiry and statistics. The server uses CachedClock (milliseconds read once
// per command batch); tests use ManualClock to move time without sleeping. Not thread-safe: owned
// and read by the event-loop thread.
#pragma once

#include <cstdint>

namespace cardinal::util {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock milliseconds since the Unix epoch (expiry times are absolute, as in Redis).
  virtual int64_t now_ms() const = 0;
  // Wall-clock microseconds since the epoch (MONITOR timestamps, TIME).
  virtual int64_t now_us() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t now_ms() const override;
  int64_t now_us() const override;
};

// The server's clock: milliseconds are read once per batch of commands (refresh()), the way
// Redis caches its time per event-loop iteration, because expiry checks and access times ask
// for them several times per command; microseconds (TIME, MONITOR) stay exact.
class CachedClock final : public Clock {
 public:
  CachedClock() { refresh(); }
  void refresh() { ms_ = system_.now_ms(); }
  int64_t now_ms() const override { return ms_; }
  int64_t now_us() const override { return system_.now_us(); }

 private:
  SystemClock system_;
  int64_t ms_ = 0;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : us_(start_ms * 1000) {}
  int64_t now_ms() const override { return us_ / 1000; }
  int64_t now_us() const override { return us_; }
  void advance_ms(int64_t ms) { us_ += ms * 1000; }

 private:
  int64_t us_;
};

// Monotonic microseconds for measuring durations (command latency, time budgets).
int64_t monotonic_us();
// The same clock in nanoseconds (per-command latency histograms).
int64_t monotonic_ns();

}  // namespace cardinal::util
