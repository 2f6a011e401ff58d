// Harness: runs commands in process against a fresh ServerState with a manual clock, no
// sockets. h("SET k v") executes one inline-split command and returns its reply as raw RESP;
// the matchers compare it with what Redis sends.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cardinal/cmd/server_state.h"
#include "cardinal/config/config.h"
#include "cardinal/util/clock.h"

namespace cardinal::test {

class FakeSession;

class Harness {
 public:
  Harness();
  ~Harness();

  // Splits `line` with Redis's inline rules and runs it; returns the raw RESP reply.
  std::string operator()(const std::string& line);
  // Runs pre-split arguments (binary safe).
  std::string run(const std::vector<std::string>& args);

  util::ManualClock clock;
  config::Config config;
  std::unique_ptr<cmd::ServerState> state;
  std::unique_ptr<FakeSession> session;
};

// RESP builders for expected replies.
std::string Ok();
std::string Int(int64_t v);
std::string Bulk(const std::string& s);
std::string Simple(const std::string& s);
std::string Nil();
std::string Err(const std::string& message);  // full text after '-'

}  // namespace cardinal::test
