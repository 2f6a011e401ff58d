#include "cardinal/cmd/server_state.h"

#include <algorithm>
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
}

void ServerState::add_session(Session& s) {
  sessions.emplace(s.id(), &s);
}

void ServerState::remove_session(Session& s) {
  sessions.erase(s.id());
  monitors.erase(std::remove(monitors.begin(), monitors.end(), &s), monitors.end());
}

}  // namespace cardinal::cmd
