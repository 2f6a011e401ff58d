// Turns a command's documentation syntax ("key value [NX | XX] [EX seconds | PX ms]", with
// "<LEFT | RIGHT>" for a required choice) into the argument tree COMMAND DOCS reports, which
// redis-cli renders as typing hints. Pure; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cardinal::cmd {

struct DocArg {
  std::string name;
  std::string type;   // key, string, integer, pattern, unix-time, pure-token, oneof, block
  std::string token;  // the literal keyword before the value, if any
  bool optional = false;
  bool multiple = false;
  std::vector<DocArg> children;  // for oneof and block
};

std::vector<DocArg> parse_doc_syntax(std::string_view syntax);

}  // namespace cardinal::cmd
