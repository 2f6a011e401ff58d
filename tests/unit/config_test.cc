// config::Config: redis.conf parsing (comments, quotes, include, units, repeated save lines),
// CONFIG SET's all-or-nothing semantics and error texts, and CONFIG GET's glob and alias
// handling. Expected error texts were checked against redis-server 7.0.15.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cardinal/config/config.h"

using cardinal::config::Config;
using cardinal::config::parse_memory;
namespace fs = std::filesystem;

namespace {

// A fresh directory under /tmp, removed with its files at scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "cardinal-config-test-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    fs::path p = path / name;
    std::ofstream(p) << text;
    return p.string();
  }
};

// CONFIG SET / GET take views; keep the strings alive in the call.
std::string config_set(Config& c, std::vector<std::string> pairs) {
  std::vector<std::string_view> views(pairs.begin(), pairs.end());
  return c.set(views);
}

std::vector<std::pair<std::string, std::string>> config_get(const Config& c,
                                                            std::vector<std::string> patterns) {
  std::vector<std::string_view> views(patterns.begin(), patterns.end());
  return c.get(views);
}

std::string get_one(const Config& c, const std::string& name) {
  auto got = config_get(c, {name});
  REQUIRE(got.size() == 1);
  return got[0].second;
}

bool load(Config& c, const std::string& text, std::string& error) {
  return c.load_text(text, "test.conf", error);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Restores the working directory: the dir directive changes it.
struct CwdGuard {
  fs::path saved = fs::current_path();
  ~CwdGuard() { fs::current_path(saved); }
};

}  // namespace

TEST_CASE("parse_memory units", "[config]") {
  struct Unit {
    const char* text;
    int64_t value;
  };
  for (Unit u : {Unit{"0", 0}, Unit{"100", 100}, Unit{"5b", 5}, Unit{"1k", 1000}, Unit{"1kb", 1024},
                 Unit{"1KB", 1024}, Unit{"2K", 2000}, Unit{"1m", 1000000}, Unit{"1mb", 1048576},
                 Unit{"1g", 1000000000}, Unit{"1gb", 1073741824}, Unit{"3Gb", 3LL * 1073741824},
                 Unit{"8589934591gb", 8589934591LL << 30}}) {
    INFO(u.text);
    int64_t v = -7;
    REQUIRE(parse_memory(u.text, v));
    REQUIRE(v == u.value);
  }
  for (const char* bad : {"1 gb", " 1gb", "1gb ", "gb", "1x", "1.5gb", "1tb", "abc",
                          "9223372036854775807gb", "8589934592gb", "8589934591gb1", "1kbb"}) {
    INFO(bad);
    int64_t v = 0;
    REQUIRE_FALSE(parse_memory(bad, v));
  }
}

TEST_CASE("load_text reads directives, comments and quotes", "[config]") {
  Config c;
  std::string error;
  std::string text =
      "# a comment\n"
      "\n"
      "   # an indented comment\n"
      "  port 7000\r\n"
      "requirepass \"p a s s\"\n"
      "logfile ''\n"
      "loglevel WARNING\n"
      "maxmemory 1gb\n"
      "PORT 7001\n"  // names are case-insensitive; the last line wins
      "appendonly yes\n"
      "hash-max-ziplist-entries 77\n";
  REQUIRE(load(c, text, error));
  REQUIRE(error.empty());
  const auto& s = c.settings();
  REQUIRE(s.port == 7001);
  REQUIRE(s.requirepass == "p a s s");
  REQUIRE(s.logfile.empty());
  REQUIRE(s.loglevel == "warning");
  REQUIRE(s.maxmemory == 1073741824);
  REQUIRE(s.appendonly);
  REQUIRE(s.hash_max_listpack_entries == 77);
  REQUIRE(c.warnings().empty());
}

TEST_CASE("load_text errors name the file, line and text", "[config]") {
  Config c;
  std::string error;
  SECTION("unknown directive") {
    REQUIRE_FALSE(load(c, "port 7000\n\n# comment\nfoo bar baz\nport 1\n", error));
    CAPTURE(error);
    REQUIRE(contains(error, "test.conf"));
    REQUIRE(contains(error, "line 4"));
    REQUIRE(contains(error, "'foo bar baz'"));
    REQUIRE(contains(error, "Bad directive or wrong number of arguments"));
    REQUIRE(c.settings().port == 7000);  // lines before the error were applied
  }
  SECTION("bad value") {
    REQUIRE_FALSE(load(c, "port 99999\n", error));
    CAPTURE(error);
    REQUIRE(contains(error, "line 1"));
    REQUIRE(contains(error, "argument must be between 0 and 65535 inclusive"));
  }
  SECTION("wrong number of arguments") {
    REQUIRE_FALSE(load(c, "timeout 1 2\n", error));
    REQUIRE(contains(error, "Bad directive or wrong number of arguments"));
    REQUIRE_FALSE(load(c, "timeout\n", error));
    REQUIRE(contains(error, "Bad directive or wrong number of arguments"));
  }
  SECTION("unbalanced quotes") {
    REQUIRE_FALSE(load(c, "port 1\nrequirepass \"abc\n", error));
    CAPTURE(error);
    REQUIRE(contains(error, "line 2"));
    REQUIRE(contains(error, "Unbalanced quotes in configuration line"));
  }
}

TEST_CASE("load_text accepts known Redis directives it does not implement", "[config]") {
  Config c;
  std::string error;
  REQUIRE(load(c, "port 6400\nactiverehashing yes\nrepl-backlog-size 1mb\n", error));
  REQUIRE(c.settings().port == 6400);
  REQUIRE(c.warnings().size() == 2);
  REQUIRE(contains(c.warnings()[0], "activerehashing"));
  REQUIRE(contains(c.warnings()[0], "test.conf:2"));
  REQUIRE(contains(c.warnings()[1], "repl-backlog-size"));
}

TEST_CASE("repeated save lines accumulate and save \"\" resets", "[config]") {
  std::string error;
  {
    Config c;
    REQUIRE(load(c, "save 900 1\nsave 300 10\n", error));
    REQUIRE(c.settings().save == "900 1 300 10");  // the default is replaced, not extended
  }
  {
    Config c;
    REQUIRE(load(c, "save 900 1\nsave \"\"\n", error));
    REQUIRE(c.settings().save.empty());
  }
  {
    Config c;
    REQUIRE(load(c, "save 900 1\nsave \"\"\nsave 60 5\nsave 10 1\n", error));
    REQUIRE(c.settings().save == "60 5 10 1");
  }
  {
    Config c;
    REQUIRE_FALSE(load(c, "save 900\n", error));
    REQUIRE(contains(error, "Invalid save parameters"));
  }
}

TEST_CASE("load_text follows include", "[config]") {
  TempDir dir;
  std::string inner = dir.write("inner.conf", "timeout 9\n");
  std::string outer = dir.write("outer.conf", "maxclients 123\ninclude " + inner + "\nhz 20\n");
  Config c;
  std::string error;
  REQUIRE(load(c, "port 7100\ninclude \"" + outer + "\"\n", error));
  REQUIRE(c.settings().port == 7100);
  REQUIRE(c.settings().maxclients == 123);
  REQUIRE(c.settings().timeout == 9);
  REQUIRE(c.settings().hz == 20);

  SECTION("an error inside an included file names that file") {
    std::string bad = dir.write("bad.conf", "timeout 1\nnot-a-directive\n");
    REQUIRE_FALSE(load(c, "include " + bad + "\n", error));
    CAPTURE(error);
    REQUIRE(contains(error, bad));
    REQUIRE(contains(error, "line 2"));
    REQUIRE(contains(error, "'not-a-directive'"));
  }
  SECTION("a missing include file") {
    REQUIRE_FALSE(load(c, "include " + (dir.path / "missing.conf").string() + "\n", error));
    REQUIRE(contains(error, "missing.conf"));
  }
  SECTION("an include cycle is cut off") {
    std::string self = (dir.path / "self.conf").string();
    dir.write("self.conf", "include " + self + "\n");
    REQUIRE_FALSE(load(c, "include " + self + "\n", error));
    REQUIRE(contains(error, "include"));
  }
}

TEST_CASE("load_file and load_arguments", "[config]") {
  TempDir dir;
  std::string path = dir.write("redis.conf", "port 7200\nsave 5 5\n");
  Config c;
  std::string error;
  REQUIRE(c.load_file(path, error));
  REQUIRE(c.settings().port == 7200);
  REQUIRE_FALSE(c.load_file((dir.path / "nope.conf").string(), error));
  REQUIRE(contains(error, "nope.conf"));

  std::vector<std::string> args = {"--port", "7300", "--requirepass", "with space",
                                   "--save", "",     "--maxmemory",   "2mb"};
  REQUIRE(c.load_arguments(args, error));
  REQUIRE(c.settings().port == 7300);
  REQUIRE(c.settings().requirepass == "with space");
  REQUIRE(c.settings().save.empty());
  REQUIRE(c.settings().maxmemory == 2 * 1024 * 1024);
}

TEST_CASE("CONFIG SET applies every pair or none", "[config]") {
  Config c;
  std::vector<std::string> changed;
  int calls = 0;
  c.on_change = [&](const std::vector<std::string>& names) {
    ++calls;
    changed = names;
  };
  REQUIRE(config_set(c, {"timeout", "5", "MAXCLIENTS", "77", "maxmemory", "1mb"}).empty());
  REQUIRE(c.settings().timeout == 5);
  REQUIRE(c.settings().maxclients == 77);
  REQUIRE(c.settings().maxmemory == 1048576);
  REQUIRE(calls == 1);
  REQUIRE(changed == std::vector<std::string>{"timeout", "maxclients", "maxmemory"});

  // A bad value in the last pair undoes the first.
  REQUIRE(config_set(c, {"timeout", "6", "maxclients", "abc"}) ==
          "CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be "
          "parsed into an integer");
  REQUIRE(c.settings().timeout == 5);
  REQUIRE(c.settings().maxclients == 77);
  REQUIRE(calls == 1);  // nothing changed, nobody told

  REQUIRE(config_set(c, {"timeout", "6", "nosuch", "1"}) ==
          "Unknown option or number of arguments for CONFIG SET - 'nosuch'");
  REQUIRE(c.settings().timeout == 5);

  // The alias sets the canonical setting.
  REQUIRE(config_set(c, {"hash-max-ziplist-entries", "100"}).empty());
  REQUIRE(c.settings().hash_max_listpack_entries == 100);
  REQUIRE(changed == std::vector<std::string>{"hash-max-listpack-entries"});
}

TEST_CASE("CONFIG SET error texts", "[config]") {
  Config c;
  struct Err {
    std::vector<std::string> pairs;
    std::string error;
  };
  const std::string prefix = "CONFIG SET failed (possibly related to argument '";
  std::vector<Err> cases = {
      {{"timeout"}, "wrong number of arguments for 'config|set' command"},
      {{}, "wrong number of arguments for 'config|set' command"},
      {{"nosuch", "1"}, "Unknown option or number of arguments for CONFIG SET - 'nosuch'"},
      {{"databases", "3"}, prefix + "databases') - can't set immutable config"},
      {{"timeout", "abc"}, prefix + "timeout') - argument couldn't be parsed into an integer"},
      {{"hz", "-1"}, prefix + "hz') - argument must be between 0 and 2147483647 inclusive"},
      {{"appendonly", "maybe"}, prefix + "appendonly') - argument must be 'yes' or 'no'"},
      {{"maxmemory", "1x"}, prefix + "maxmemory') - argument must be a memory value"},
      {{"maxmemory-policy", "bogus"},
       prefix + "maxmemory-policy') - argument(s) must be one of the following: volatile-lru, "
                "volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, "
                "allkeys-random, noeviction"},
      {{"save", "900 1 x"}, prefix + "save') - Invalid save parameters"},
      {{"client-output-buffer-limit", "normal 0 0"},
       prefix + "client-output-buffer-limit') - Wrong number of arguments in buffer limit "
                "configuration."},
  };
  cardinal::config::Settings before = c.settings();
  for (const Err& e : cases) {
    INFO(e.error);
    REQUIRE(config_set(c, e.pairs) == e.error);
  }
  REQUIRE(c.settings().timeout == before.timeout);
  REQUIRE(c.settings().save == before.save);
  REQUIRE(c.settings().maxmemory_policy == before.maxmemory_policy);
}

TEST_CASE("CONFIG SET value syntax", "[config]") {
  Config c;
  REQUIRE(config_set(c, {"save", "100 2 50 3"}).empty());
  REQUIRE(get_one(c, "save") == "100 2 50 3");
  REQUIRE(config_set(c, {"save", ""}).empty());
  REQUIRE(get_one(c, "save").empty());
  REQUIRE(config_set(c, {"appendonly", "YES"}).empty());
  REQUIRE(get_one(c, "appendonly") == "yes");
  REQUIRE(config_set(c, {"maxmemory-policy", "ALLKEYS-LRU"}).empty());
  REQUIRE(get_one(c, "maxmemory-policy") == "allkeys-lru");
  REQUIRE(config_set(c, {"hz", "100000"}).empty());  // clamped, not refused
  REQUIRE(get_one(c, "hz") == "500");
  REQUIRE(config_set(c, {"hz", "0"}).empty());
  REQUIRE(get_one(c, "hz") == "1");
  REQUIRE(config_set(c, {"maxmemory", "2gb"}).empty());
  REQUIRE(get_one(c, "maxmemory") == "2147483648");
}

TEST_CASE("client-output-buffer-limit sets classes independently, as redis-server 7.0",
          "[config]") {
  Config c;
  const std::string def = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
  REQUIRE(get_one(c, "client-output-buffer-limit") == def);
  // Units, "replica" as an alias, any case, and only the named classes change.
  REQUIRE(
      config_set(c, {"client-output-buffer-limit", "pubsub 1mb 2k 5 Replica 1kB 2Gb 00"}).empty());
  REQUIRE(get_one(c, "client-output-buffer-limit") ==
          "normal 0 0 0 slave 1024 2147483648 0 pubsub 1048576 2000 5");
  const auto& pubsub = c.settings().client_output_buffer_limit[2];
  REQUIRE(pubsub.hard_bytes == 1048576);
  REQUIRE(pubsub.soft_bytes == 2000);
  REQUIRE(pubsub.soft_seconds == 5);
  // Values past 2^64 saturate, and the unit's product wraps, as Redis's strtoull use does.
  REQUIRE(
      config_set(c, {"client-output-buffer-limit", "normal 18446744073709551616 b +3"}).empty());
  REQUIRE(
      config_set(c, {"client-output-buffer-limit", "pubsub 99999999999gb 1 2147483647"}).empty());
  REQUIRE(get_one(c, "client-output-buffer-limit") ==
          "normal 18446744073709551615 0 3 slave 1024 2147483648 0 pubsub "
          "15140462030378500096 1 2147483647");
  // Errors leave every class as it was, even a valid group before the bad one.
  const std::string prefix =
      "CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - ";
  const std::string bad_value =
      prefix + "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
  std::string now = get_one(c, "client-output-buffer-limit");
  for (const char* v : {"pubsub 1 2 3 normal 1 2 x", "pubsub -1 2 3", "pubsub +5 1 3",
                        "pubsub 1x 2 3", "pubsub 1 2 -3", "pubsub 1 2 3.5", "pubsub 1 1.5 3",
                        "pubsub 0x5 1 3", "pubsub 1 1 2147483648", "pubsub 1 1 0x10"}) {
    INFO(v);
    REQUIRE(config_set(c, {"client-output-buffer-limit", v}) == bad_value);
  }
  REQUIRE(config_set(c, {"client-output-buffer-limit", "master 1 1 1"}) ==
          prefix + "Invalid client class specified in buffer limit configuration.");
  REQUIRE(config_set(c, {"client-output-buffer-limit", "pubsub 1 2 3 normal 1 2"}) ==
          prefix + "Wrong number of arguments in buffer limit configuration.");
  REQUIRE(config_set(c, {"client-output-buffer-limit", ""}) ==
          prefix + "Wrong number of arguments in buffer limit configuration.");
  REQUIRE(get_one(c, "client-output-buffer-limit") == now);
}

TEST_CASE("client-output-buffer-limit lines in a config file each set their class", "[config]") {
  Config c;
  std::string error;
  REQUIRE(
      c.load_text("client-output-buffer-limit normal 0 0 0\n"
                  "client-output-buffer-limit replica 256mb 64mb 60\n"
                  "client-output-buffer-limit pubsub 32mb 8mb 61\n",
                  "test.conf", error));
  REQUIRE(get_one(c, "client-output-buffer-limit") ==
          "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 61");
}

TEST_CASE("CONFIG GET matches globs and aliases", "[config]") {
  Config c;
  REQUIRE(config_get(c, {"maxclients"}) ==
          std::vector<std::pair<std::string, std::string>>{{"maxclients", "10000"}});
  REQUIRE(config_get(c, {"no-such-thing"}).empty());

  auto names = [](const std::vector<std::pair<std::string, std::string>>& pairs) {
    std::vector<std::string> out;
    for (const auto& p : pairs) out.push_back(p.first);
    std::sort(out.begin(), out.end());
    return out;
  };
  auto mem = config_get(c, {"maxmemory*"});
  auto mem_names = names(mem);
  REQUIRE(std::count(mem_names.begin(), mem_names.end(), "maxmemory") == 1);
  REQUIRE(std::count(mem_names.begin(), mem_names.end(), "maxmemory-policy") == 1);
  for (const auto& n : mem_names) REQUIRE(n.rfind("maxmemory", 0) == 0);

  // Patterns are case-insensitive.
  REQUIRE(names(config_get(c, {"MAXCLIENT?"})) == std::vector<std::string>{"maxclients"});

  // An alias answers under its own name, with the canonical value.
  REQUIRE(config_set(c, {"hash-max-listpack-entries", "42"}).empty());
  REQUIRE(config_get(c, {"hash-max-ziplist-entries"}) ==
          std::vector<std::pair<std::string, std::string>>{{"hash-max-ziplist-entries", "42"}});
  auto both = config_get(c, {"hash-max-*-entries"});
  REQUIRE(names(both) ==
          std::vector<std::string>{"hash-max-listpack-entries", "hash-max-ziplist-entries"});
  for (const auto& p : both) REQUIRE(p.second == "42");

  // Several patterns matching one name report it once.
  REQUIRE(names(config_get(c, {"maxclients", "maxc*", "*clients"})) ==
          std::vector<std::string>{"maxclients"});

  auto all = config_get(c, {"*"});
  REQUIRE(all.size() > 30);
  REQUIRE(std::count_if(all.begin(), all.end(), [](const auto& p) { return p.first == "port"; }) ==
          1);
}

TEST_CASE("CONFIG GET output is valid CONFIG SET input", "[config]") {
  // What CONFIG GET prints for a mutable directive must be accepted back unchanged (clients
  // save and restore settings this way).
  CwdGuard guard;  // "dir" is set to the current directory
  Config c;
  int mutable_count = 0;
  for (const auto& [name, value] : config_get(c, {"*"})) {
    INFO(name << " = '" << value << "'");
    std::string err = config_set(c, {name, value});
    if (contains(err, "can't set immutable config")) continue;
    ++mutable_count;
    REQUIRE(err.empty());
    REQUIRE(get_one(c, name) == value);
  }
  REQUIRE(mutable_count > 20);
}

TEST_CASE("CONFIG SET dir changes the working directory", "[config]") {
  TempDir dir;
  CwdGuard guard;
  Config c;
  REQUIRE(config_set(c, {"dir", dir.path.string()}).empty());
  REQUIRE(fs::current_path() == fs::canonical(dir.path));
  REQUIRE(get_one(c, "dir") == fs::canonical(dir.path).string());
  REQUIRE(config_set(c, {"dir", (dir.path / "missing").string()}) ==
          "CONFIG SET failed (possibly related to argument 'dir') - No such file or directory");
  REQUIRE(fs::current_path() == fs::canonical(dir.path));
}

TEST_CASE("A failed CONFIG SET leaves the working directory alone", "[config]") {
  // Rolling back settings_ is not enough: an earlier "dir" pair already called chdir(), which
  // must be undone too, or the process would run in the new directory.
  TempDir dir;
  CwdGuard guard;
  Config c;
  fs::path original = fs::current_path();
  REQUIRE_FALSE(config_set(c, {"dir", dir.path.string(), "maxclients", "0"}).empty());
  CHECK(fs::current_path() == original);
  CHECK(get_one(c, "dir") == original.string());
}

TEST_CASE("CONFIG SET edge cases follow redis-server 7.0", "[config]") {
  // Each reply below is what redis-server 7.0.15 answers to the same CONFIG SET; every check
  // starts from a fresh Config so one divergence does not cascade into the next.
  const std::string prefix = "CONFIG SET failed (possibly related to argument '";
  auto fresh_set = [](std::vector<std::string> pairs) {
    Config c;
    return config_set(c, std::move(pairs));
  };
  // The same parameter twice (directly or through an alias) is refused.
  CHECK(fresh_set({"timeout", "1", "timeout", "2"}) == prefix + "timeout') - duplicate parameter");
  CHECK(fresh_set({"hash-max-listpack-entries", "1", "hash-max-ziplist-entries", "2"}) ==
        prefix + "hash-max-ziplist-entries') - duplicate parameter");
  // Unknown names are reported before any value is checked.
  CHECK(fresh_set({"maxclients", "0", "nosuch", "1"}) ==
        "Unknown option or number of arguments for CONFIG SET - 'nosuch'");
  // Save points need seconds >= 1.
  CHECK(fresh_set({"save", "0 1"}) == prefix + "save') - Invalid save parameters");
  // Unbalanced quotes must not read as `save ""` (which clears every save point).
  Config c;
  std::string before = c.settings().save;
  CHECK(config_set(c, {"save", "\"3600 1"}) == prefix + "save') - Invalid save parameters");
  CHECK(c.settings().save == before);
  // A negative memory value is not a memory value.
  CHECK(fresh_set({"maxmemory", "-1"}) == prefix + "maxmemory') - argument must be a memory value");
}

TEST_CASE("CONFIG SET checks immutable and protected names before values, as redis-server 7.0",
          "[config]") {
  Config c;
  auto set = [&](std::vector<std::string_view> pairs, bool allowed = true) {
    return c.set(pairs, allowed);
  };
  CHECK(set({"hz", "abc", "daemonize", "no"}) ==
        "CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable "
        "config");
  CHECK(set({"daemonize", "no", "daemonize", "no"}) ==
        "CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable "
        "config");
  CHECK(set({"hz", "abc", "dir", "/tmp"}, false) ==
        "CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
  CHECK(set({"hz", "5", "dbfilename", "x.rdb"}, false) ==
        "CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected "
        "config");
  CHECK(c.settings().hz == 10);
  CHECK(set({"hz", "5", "dbfilename", "x.rdb"}, true) == "");
  CHECK(c.settings().dbfilename == "x.rdb");
  CHECK(set({"enable-protected-configs", "yes"}) ==
        "CONFIG SET failed (possibly related to argument 'enable-protected-configs') - can't set "
        "immutable config");
  std::string err;
  REQUIRE(c.load_text("enable-protected-configs LOCAL", "t", err));
  CHECK(c.settings().enable_protected_configs == "local");
  CHECK_FALSE(c.load_text("enable-protected-configs maybe", "t", err));
}
