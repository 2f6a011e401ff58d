// Every row of every family table is checked once here, so a malformed row fails the build's
// tests rather than a client: names, arity, key positions, documentation fields.
#include <catch2/catch.hpp>
#include <cctype>
#include <set>
#include <string>

#include "cardinal/cmd/command_table.h"
#include "harness.h"

using cardinal::cmd::CommandSpec;

namespace {

void check_row(const CommandSpec& spec, const std::string& parent) {
  INFO("command " << spec.name);
  CHECK(!spec.name.empty());
  for (char c : spec.name)
    CHECK((std::islower(static_cast<unsigned char>(c)) || c == '|' || c == '-' ||
           std::isdigit(static_cast<unsigned char>(c))));
  if (!parent.empty()) CHECK(spec.name.starts_with(parent + "|"));
  CHECK(spec.arity != 0);
  CHECK(!spec.since.empty());
  CHECK(!spec.summary.empty());
  // A row either runs (handler) or dispatches to subcommands; COMMAND does both.
  CHECK((spec.handler != nullptr || !spec.subcommands.empty()));
  if (!spec.subcommands.empty()) CHECK(spec.arity < 0);
  if (spec.keys.first > 0) {
    CHECK(spec.keys.step > 0);
    int min_args = spec.arity > 0 ? spec.arity : -spec.arity;
    // SUNSUBSCRIBE (arity -1) has Redis's "1 -1 1" not_key range, empty when called bare.
    CHECK((spec.keys.first < min_args || (spec.keys.not_key && spec.keys.last < 0)));
    if (spec.keys.last >= 0) {
      CHECK(spec.keys.last >= spec.keys.first);
      if (spec.arity > 0) CHECK(spec.keys.last < spec.arity);
    }
  } else {
    CHECK(spec.keys.last == 0);
    CHECK(spec.keys.step == 0);
  }
  for (const CommandSpec& sub : spec.subcommands) check_row(sub, std::string(spec.name));
}

}  // namespace

TEST_CASE("every command row is well formed", "[command_table]") {
  std::set<std::string> names;
  for (auto family : cardinal::cmd::command_families()) {
    for (const CommandSpec& spec : family) {
      CHECK(names.insert(std::string(spec.name)).second);
      check_row(spec, "");
    }
  }
  CHECK(names.size() > 50);
}

TEST_CASE("the table answers case-insensitively and rejects long names", "[command_table]") {
  cardinal::cmd::CommandTable table;
  REQUIRE(table.find("GeT") != nullptr);
  CHECK(table.find("GeT")->spec->name == "get");
  CHECK(table.find(std::string(100, 'a')) == nullptr);
  CHECK(table.find("") == nullptr);
  auto* client = table.find("CLIENT");
  REQUIRE(client != nullptr);
  REQUIRE(client->find_subcommand("SetName") != nullptr);
  CHECK(client->find_subcommand("SetName")->spec->name == "client|setname");
}

TEST_CASE("COMMAND GETKEYS follows the key positions of the table", "[command_table]") {
  using namespace cardinal::test;
  Harness h;
  CHECK(h("COMMAND GETKEYS MSET a 1 b 2") == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(h("COMMAND GETKEYS GET k") == "*1\r\n$1\r\nk\r\n");
  // Texts and arity (-4: a command and at least one argument) as redis-server 7.0 answers.
  CHECK(h("COMMAND GETKEYS PING x") == Err("ERR The command has no key arguments"));
  CHECK(h("COMMAND GETKEYS NOPE x") == Err("ERR Invalid command specified"));
  CHECK(h("COMMAND GETKEYS GET a b") ==
        Err("ERR Invalid number of arguments specified for command"));
  CHECK(h("COMMAND GETKEYS GET") ==
        Err("ERR wrong number of arguments for 'command|getkeys' command"));
}
