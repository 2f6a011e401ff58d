#include "harness.h"

#include <stdexcept>

#include "cardinal/cmd/dispatcher.h"
#include "cardinal/cmd/session.h"
#include "cardinal/util/split_args.h"

namespace cardinal::test {

class FakeSession final : public cmd::Session {
 public:
  using cmd::Session::Session;
  void request_flush() override {}
  void request_close() override { closing = true; }
  size_t query_buffer_bytes() const override { return 0; }
};

Harness::Harness()
    : state(std::make_unique<cmd::ServerState>(config, clock)),
      session(std::make_unique<FakeSession>(1)) {
  session->authenticated = true;
  state->add_session(*session);
  // No save points: FLUSHALL must not write a dump into the test's working directory.
  config.mutable_settings().save.clear();
}

Harness::~Harness() {
  state->remove_session(*session);
}

std::string Harness::run(const std::vector<std::string>& args) {
  std::vector<std::string_view> views(args.begin(), args.end());
  session->output().clear();
  cmd::execute(*state, *session, views);
  return session->output();
}

std::string Harness::operator()(const std::string& line) {
  auto args = util::split_args(line);
  if (!args) throw std::invalid_argument("unbalanced quotes in test command: " + line);
  return run(*args);
}

std::string Ok() {
  return "+OK\r\n";
}
std::string Int(int64_t v) {
  return ":" + std::to_string(v) + "\r\n";
}
std::string Bulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}
std::string Simple(const std::string& s) {
  return "+" + s + "\r\n";
}
std::string Nil() {
  return "$-1\r\n";
}
std::string Err(const std::string& message) {
  return "-" + message + "\r\n";
}

}  // namespace cardinal::test
