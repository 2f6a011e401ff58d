#include "cardinal/cmd/server_state.h"

#include "cardinal/util/alloc_stats.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>

namespace cardinal::cmd {

namespace {
std::string random_hex(std::mt19937_64& rng, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(n, '0');
  for (char& c : s) c = kHex[rng() & 15];
  return s;
}
}  // namespace

ServerState::ServerState(config::Config& cfg, const util::Clock& clk)
    : config(cfg),
      clock(clk),
      keyspace(clk, static_cast<int>(cfg.settings().databases)),
      rng(std::random_device{}()) {
  run_id = random_hex(rng, 40);
  start_time_ms = clk.now_ms();
  last_save_s = start_time_ms / 1000;
  startup_allocated_bytes = util::allocated_bytes();
}

void ServerHooks::fatal(const std::string& text) {
  std::fprintf(stderr, "%s\n", text.c_str());
  std::_Exit(1);
}

void ServerState::add_session(Session& s) {
  sessions.emplace(s.id(), &s);
  s.reply().set_error_sink(this);
}

void ServerState::on_error_reply(std::string_view code) {
  ++stats.total_error_replies;
  auto it = error_counts.find(code);
  if (it != error_counts.end()) {
    ++it->second;
  } else if (error_counts.size() < kMaxErrorCodes) {
    error_counts.emplace(std::string(code), 1);
  }
}

void ServerState::sample_ops(int64_t now_ms) {
  if (last_sample_ms_ == 0) {
    last_sample_ms_ = now_ms;
    last_sample_commands_ = stats.total_commands_processed;
    return;
  }
  int64_t elapsed = now_ms - last_sample_ms_;
  if (elapsed < 100) return;  // Redis samples at most every 100 ms
  uint64_t ops = stats.total_commands_processed - last_sample_commands_;
  ops_samples_[ops_sample_index_] = ops * 1000 / static_cast<uint64_t>(elapsed);
  ops_sample_index_ = (ops_sample_index_ + 1) % kOpsSamples;
  last_sample_ms_ = now_ms;
  last_sample_commands_ = stats.total_commands_processed;
}

uint64_t ServerState::instantaneous_ops_per_sec() const {
  uint64_t sum = 0;
  for (uint64_t s : ops_samples_) sum += s;
  return sum / kOpsSamples;
}

void ServerState::remove_session(Session& s) {
  if (s.is_blocked()) blocking.unblock(s);
  watches.unwatch_all(s);
  pubsub.remove(s);
  sessions.erase(s.id());
  monitors.erase(std::remove(monitors.begin(), monitors.end(), &s), monitors.end());
}

}  // namespace cardinal::cmd
