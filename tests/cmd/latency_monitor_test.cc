// LatencyMonitor against a std::map oracle (second -> worst latency) under random samples:
// one sample per second keeping its worst, the newest 160 seconds kept, the all-time max.
#include <algorithm>
#include <map>
#include <random>

#include <catch2/catch.hpp>

#include "cardinal/cmd/latency_monitor.h"

using cardinal::cmd::LatencyMonitor;

TEST_CASE("latency monitor: series keep one worst sample per second, newest 160",
          "[latency_monitor]") {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    std::mt19937_64 rng(seed);
    LatencyMonitor m;
    std::map<int64_t, int64_t> worst;  // second -> worst ms, all seconds ever sampled
    int64_t max_ever = 0;
    int64_t now = 1'700'000'000;
    int64_t last_ms = 0;
    size_t adds = 1 + rng() % 600;
    for (size_t i = 0; i < adds; ++i) {
      now += static_cast<int64_t>(rng() % 3);  // often the same second
      int64_t ms = 1 + static_cast<int64_t>(rng() % 200);
      m.add_if_needed("command", ms, 1, now);
      auto& w = worst[now];
      w = std::max(w, ms);
      max_ever = std::max(max_ever, ms);
      last_ms = w;
    }
    const LatencyMonitor::Series* s = m.find("command");
    REQUIRE(s);
    CHECK(s->max_ms() == max_ever);
    CHECK(s->latest().unix_seconds == now);
    CHECK(s->latest().ms == last_ms);
    std::vector<LatencyMonitor::Sample> history = s->history();
    std::vector<std::pair<int64_t, int64_t>> got, want;
    for (const auto& x : history) got.emplace_back(x.unix_seconds, x.ms);
    for (const auto& [sec, ms] : worst) want.emplace_back(sec, ms);
    if (want.size() > LatencyMonitor::kSamples)
      want.erase(want.begin(), want.end() - LatencyMonitor::kSamples);
    CHECK(got == want);
  }
}

TEST_CASE("latency monitor: threshold, events in first-seen order, reset", "[latency_monitor]") {
  LatencyMonitor m;
  m.add_if_needed("command", 50, 0, 100);  // monitor off
  m.add_if_needed("command", 4, 5, 100);   // below the threshold
  CHECK(m.events().empty());
  m.add_if_needed("fast-command", 5, 5, 100);
  m.add_if_needed("command", 9, 5, 101);
  m.add_if_needed("expire-cycle", 30, 5, 102);
  REQUIRE(m.events().size() == 3);
  CHECK(m.events()[0].first == "fast-command");
  CHECK(m.events()[2].first == "expire-cycle");
  CHECK(m.reset("command"));
  CHECK_FALSE(m.reset("command"));
  CHECK(m.find("command") == nullptr);
  CHECK(m.reset_all() == 2);
  CHECK(m.events().empty());
}
