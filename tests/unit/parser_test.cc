// resp::RequestParser: incremental parsing must give the same commands however the bytes are
// split across reads, and malformed input must produce Redis's exact protocol-error texts
// (clients and tests match on them). Every split here is driven the way a connection drives
// the parser: unconsumed bytes are kept and passed again from the same first byte, in a fresh
// buffer each time so no result may depend on the buffer's address.
#include <catch2/catch.hpp>

#include <climits>
#include <random>
#include <string>
#include <vector>

#include "cardinal/resp/parser.h"

using cardinal::resp::ParserLimits;
using cardinal::resp::ParseStatus;
using cardinal::resp::RequestParser;
using namespace std::string_literals;

namespace {

// One parse outcome: a command's arguments, an empty request, or an error text.
struct Outcome {
  ParseStatus status;
  std::vector<std::string> args;
  std::string error;

  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  switch (o.status) {
    case ParseStatus::Command:
      os << "Command[";
      for (const auto& a : o.args) os << '"' << a << "\"(" << a.size() << ") ";
      return os << "]";
    case ParseStatus::Empty:
      return os << "Empty";
    case ParseStatus::Error:
      return os << "Error(" << o.error << ")";
    case ParseStatus::NeedMore:
      return os << "NeedMore";
  }
  return os;
}

Outcome command(std::vector<std::string> args) {
  return {ParseStatus::Command, std::move(args), {}};
}
Outcome empty() {
  return {ParseStatus::Empty, {}, {}};
}
Outcome error(std::string text) {
  return {ParseStatus::Error, {}, std::move(text)};
}

// A client connection's read loop: `chunks` arrive one after another; after each, complete
// requests are taken from the front and the rest is kept for the next read. Stops at the first
// error. `left` receives the bytes still unconsumed at the end.
std::vector<Outcome> feed(const std::vector<std::string>& chunks, const ParserLimits& limits,
                          std::string* left = nullptr) {
  RequestParser parser;
  std::vector<Outcome> out;
  std::string pending;
  for (const std::string& chunk : chunks) {
    pending += chunk;
    while (!pending.empty()) {
      // A fresh copy each call: the parser may keep offsets, never pointers.
      std::vector<char> buf(pending.begin(), pending.end());
      ParseStatus st = parser.parse(buf.data(), buf.size(), limits);
      if (st == ParseStatus::NeedMore) break;
      if (st == ParseStatus::Error) {
        out.push_back(error(parser.error()));
        if (left) *left = pending;
        return out;
      }
      Outcome o{st, {}, {}};
      for (std::string_view a : parser.args()) o.args.emplace_back(a);
      if (st == ParseStatus::Empty) o.args.clear();
      out.push_back(std::move(o));
      REQUIRE(parser.consumed() > 0);
      REQUIRE(parser.consumed() <= pending.size());
      pending.erase(0, parser.consumed());
    }
  }
  if (left) *left = pending;
  return out;
}

std::vector<Outcome> feed_whole(const std::string& data, const ParserLimits& limits = {}) {
  return feed({data}, limits);
}

struct Case {
  std::string name;
  std::string wire;
  std::vector<Outcome> expected;
};

std::vector<Case> pipelines() {
  std::string binary = "k\0\r\nx"s;
  std::string big(300, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  return {
      {"multibulk with binary and empty args",
       "*3\r\n$3\r\nSET\r\n$5\r\n"s + binary + "\r\n$0\r\n\r\n",
       {command({"SET", binary, ""})}},
      {"inline commands with quotes",
       "set \"a b\" 'c d' \"\\x41\\n\"\r\nPING\nGET   key  \r\n",
       {command({"set", "a b", "c d", "A\n"}), command({"PING"}), command({"GET", "key"})}},
      {"empty requests",
       "*0\r\n\r\n   \r\n\n*-1\r\nPING\r\n",
       {empty(), empty(), empty(), empty(), empty(), command({"PING"})}},
      {"mixed pipeline",
       "*1\r\n$4\r\nPING\r\nECHO "
       "hi\n*2\r\n$4\r\nECHO\r\n$2\r\n\r\n\r\n*2\r\n$3\r\nGET\r\n$300\r\n" +
           big + "\r\n",
       {command({"PING"}), command({"ECHO", "hi"}), command({"ECHO", "\r\n"}),
        command({"GET", big})}},
      {"bulk holding a star and dollars",
       "*2\r\n$1\r\n*\r\n$4\r\n$1\r\n\r\n",
       {command({"*", "$1\r\n"})}},
  };
}

}  // namespace

TEST_CASE("RequestParser parses pipelines in one read", "[parser]") {
  for (const Case& c : pipelines()) {
    INFO(c.name);
    std::string left;
    auto got = feed({c.wire}, {}, &left);
    REQUIRE(got == c.expected);
    REQUIRE(left.empty());
  }
}

TEST_CASE("RequestParser gives the same result byte by byte", "[parser]") {
  for (const Case& c : pipelines()) {
    INFO(c.name);
    std::vector<std::string> chunks;
    for (char ch : c.wire) chunks.emplace_back(1, ch);
    std::string left;
    REQUIRE(feed(chunks, {}, &left) == c.expected);
    REQUIRE(left.empty());
  }
}

TEST_CASE("RequestParser gives the same result split at every offset", "[parser]") {
  for (const Case& c : pipelines()) {
    INFO(c.name);
    for (size_t cut = 0; cut <= c.wire.size(); ++cut) {
      CAPTURE(cut);
      REQUIRE(feed({c.wire.substr(0, cut), c.wire.substr(cut)}, {}) == c.expected);
    }
  }
}

TEST_CASE("RequestParser gives the same result under random three-way splits", "[parser]") {
  std::mt19937 rng(5);
  for (const Case& c : pipelines()) {
    INFO(c.name);
    for (int round = 0; round < 300; ++round) {
      size_t a = rng() % (c.wire.size() + 1), b = rng() % (c.wire.size() + 1);
      if (a > b) std::swap(a, b);
      CAPTURE(a, b);
      REQUIRE(feed({c.wire.substr(0, a), c.wire.substr(a, b - a), c.wire.substr(b)}, {}) ==
              c.expected);
    }
  }
}

TEST_CASE("RequestParser leaves an incomplete command unconsumed", "[parser]") {
  std::string left;
  auto got = feed({"*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$3\r\nke"}, {}, &left);
  REQUIRE(got == std::vector<Outcome>{command({"PING"})});
  REQUIRE(left == "*2\r\n$3\r\nGET\r\n$3\r\nke");
}

TEST_CASE("RequestParser skips a bulk's trailing two bytes unchecked, like Redis", "[parser]") {
  REQUIRE(feed_whole("*1\r\n$4\r\nPINGxy*1\r\n$4\r\nPING\r\n") ==
          std::vector<Outcome>{command({"PING"}), command({"PING"})});
}

TEST_CASE("RequestParser protocol errors carry Redis's texts", "[parser]") {
  struct ErrCase {
    std::string wire;
    std::string error;
  };
  const std::string kMbulk = "Protocol error: invalid multibulk length";
  const std::string kBulk = "Protocol error: invalid bulk length";
  std::vector<ErrCase> cases = {
      {"*abc\r\n", kMbulk},
      {"*01\r\n", kMbulk},
      {"*-x\r\n", kMbulk},
      {"*+1\r\n", kMbulk},
      {"*\r\n", kMbulk},
      {"*2147483648\r\n", kMbulk},
      {"*99999999999999999999\r\n", kMbulk},
      {"*1\r\nx\r\n", "Protocol error: expected '$', got 'x'"},
      {"*2\r\n$1\r\na\r\n:1\r\n", "Protocol error: expected '$', got ':'"},
      {"*1\r\n$-1\r\n", kBulk},
      {"*1\r\n$abc\r\n", kBulk},
      {"*1\r\n$\r\n", kBulk},
      {"*1\r\n$01\r\n", kBulk},
      {"*1\r\n$536870913\r\n", kBulk},  // default proto-max-bulk-len is 512 MiB
      {"SET \"abc\r\n", "Protocol error: unbalanced quotes in request"},
      {"SET 'abc\r\n", "Protocol error: unbalanced quotes in request"},
      {"SET \"a\"b\r\n", "Protocol error: unbalanced quotes in request"},
  };
  for (const ErrCase& c : cases) {
    INFO(c.wire);
    REQUIRE(feed_whole(c.wire) == std::vector<Outcome>{error(c.error)});
    // Split anywhere, the error is the same.
    for (size_t cut = 0; cut <= c.wire.size(); ++cut) {
      CAPTURE(cut);
      REQUIRE(feed({c.wire.substr(0, cut), c.wire.substr(cut)}, {}) ==
              std::vector<Outcome>{error(c.error)});
    }
  }
}

TEST_CASE("RequestParser accepts the largest legal counts", "[parser]") {
  RequestParser p;
  std::string header = "*2147483647\r\n";
  REQUIRE(p.parse(header.data(), header.size(), {}) == ParseStatus::NeedMore);

  std::string max_bulk = "*1\r\n$536870912\r\n";
  RequestParser q;
  REQUIRE(q.parse(max_bulk.data(), max_bulk.size(), {}) == ParseStatus::NeedMore);
}

TEST_CASE("RequestParser honours max_bulk_len", "[parser]") {
  ParserLimits limits;
  limits.max_bulk_len = 100;
  std::string ok = "*1\r\n$100\r\n" + std::string(100, 'v') + "\r\n";
  REQUIRE(feed({ok}, limits) == std::vector<Outcome>{command({std::string(100, 'v')})});
  REQUIRE(feed({"*1\r\n$101\r\n"}, limits) ==
          std::vector<Outcome>{error("Protocol error: invalid bulk length")});
}

TEST_CASE("RequestParser bounds lines that never end", "[parser]") {
  const size_t kMax = RequestParser::kInlineMax;
  REQUIRE(kMax == 64 * 1024);
  SECTION("inline") {
    std::string at_limit(kMax, 'a');
    RequestParser p;
    REQUIRE(p.parse(at_limit.data(), at_limit.size(), {}) == ParseStatus::NeedMore);
    std::string over = at_limit + "a";
    REQUIRE(p.parse(over.data(), over.size(), {}) == ParseStatus::Error);
    REQUIRE(p.error() == "Protocol error: too big inline request");
    // A long line that does end is fine.
    std::string line = "ECHO " + std::string(kMax + 10, 'b') + "\r\n";
    REQUIRE(feed_whole(line) ==
            std::vector<Outcome>{command({"ECHO", std::string(kMax + 10, 'b')})});
  }
  SECTION("multibulk count") {
    std::string over = "*" + std::string(kMax, '1');
    REQUIRE(feed_whole(over) ==
            std::vector<Outcome>{error("Protocol error: too big mbulk count string")});
    std::string at_limit = "*" + std::string(kMax - 1, '1');
    RequestParser p;
    REQUIRE(p.parse(at_limit.data(), at_limit.size(), {}) == ParseStatus::NeedMore);
  }
  SECTION("bulk count") {
    std::string over = "*1\r\n$" + std::string(kMax, '1');
    REQUIRE(feed_whole(over) ==
            std::vector<Outcome>{error("Protocol error: too big bulk count string")});
    // Same bytes arriving byte by byte: the error comes exactly when the limit is passed.
    RequestParser p;
    std::string buf = "*1\r\n";
    REQUIRE(p.parse(buf.data(), buf.size(), {}) == ParseStatus::NeedMore);
    buf += "$" + std::string(kMax - 1, '1');  // kMax bytes after the header
    REQUIRE(p.parse(buf.data(), buf.size(), {}) == ParseStatus::NeedMore);
    buf += "1";
    REQUIRE(p.parse(buf.data(), buf.size(), {}) == ParseStatus::Error);
    REQUIRE(p.error() == "Protocol error: too big bulk count string");
  }
}

TEST_CASE("RequestParser applies the unauthenticated limits", "[parser]") {
  ParserLimits unauth;
  unauth.authenticated = false;
  std::string ten = "*10\r\n";
  for (int i = 0; i < 10; ++i) ten += "$1\r\nx\r\n";
  REQUIRE(feed({ten}, unauth) == std::vector<Outcome>{command(std::vector<std::string>(10, "x"))});
  REQUIRE(feed({"*11\r\n"}, unauth) ==
          std::vector<Outcome>{error("Protocol error: unauthenticated multibulk length")});
  // The same request is fine once authenticated.
  RequestParser p;
  std::string eleven = "*11\r\n";
  REQUIRE(p.parse(eleven.data(), eleven.size(), {}) == ParseStatus::NeedMore);

  std::string bulk_ok = "*1\r\n$16384\r\n" + std::string(16384, 'z') + "\r\n";
  REQUIRE(feed({bulk_ok}, unauth) == std::vector<Outcome>{command({std::string(16384, 'z')})});
  REQUIRE(feed({"*1\r\n$16385\r\n"}, unauth) ==
          std::vector<Outcome>{error("Protocol error: unauthenticated bulk length")});
  // An over-long bulk is still reported as invalid before the unauthenticated check.
  ParserLimits small = unauth;
  small.max_bulk_len = 10;
  REQUIRE(feed({"*1\r\n$20000\r\n"}, small) ==
          std::vector<Outcome>{error("Protocol error: invalid bulk length")});
}

TEST_CASE("RequestParser reports bytes_wanted for big bulks only", "[parser]") {
  SECTION("a big bulk asks for the whole command up front") {
    // "*1\r\n" (4) + "$40000\r\n" (8) + 40000 + "\r\n" = 40014 bytes from the first byte.
    std::string buf = "*1\r\n$40000\r\n" + std::string(100, 'd');
    RequestParser p;
    REQUIRE(p.parse(buf.data(), buf.size(), {}) == ParseStatus::NeedMore);
    REQUIRE(p.bytes_wanted() == 40014);
    buf += std::string(40000 - 100, 'd');  // the CRLF is still missing
    REQUIRE(p.parse(buf.data(), buf.size(), {}) == ParseStatus::NeedMore);
    REQUIRE(p.bytes_wanted() == 40014);
    buf += "\r\n";
    REQUIRE(p.parse(buf.data(), buf.size(), {}) == ParseStatus::Command);
    REQUIRE(p.bytes_wanted() == 0);
    REQUIRE(p.consumed() == 40014);
    REQUIRE(p.args().size() == 1);
    REQUIRE(p.args()[0].size() == 40000);
  }
  SECTION("counted from the command's first byte") {
    // 4 + 9 ("$3\r\nfoo\r\n") + 8 ("$32768\r\n") + 32768 + 2.
    std::string buf = "*2\r\n$3\r\nfoo\r\n$32768\r\n";
    RequestParser p;
    REQUIRE(p.parse(buf.data(), buf.size(), {}) == ParseStatus::NeedMore);
    REQUIRE(p.bytes_wanted() == 4 + 9 + 8 + 32768 + 2);
  }
  SECTION("just below the threshold") {
    std::string buf = "*1\r\n$32767\r\nabc";
    RequestParser p;
    REQUIRE(p.parse(buf.data(), buf.size(), {}) == ParseStatus::NeedMore);
    REQUIRE(p.bytes_wanted() == 0);
  }
}
