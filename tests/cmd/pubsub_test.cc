// Pub/Sub commands in process, with extra sessions as subscribers. Every expected byte string
// below was first taken from redis-server 7.0.15 over a raw socket, in RESP2 and RESP3.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "cardinal/cmd/dispatcher.h"
#include "cardinal/cmd/session.h"
#include "cardinal/util/split_args.h"
#include "harness.h"

using namespace cardinal::test;
using cardinal::cmd::PubSubKind;

namespace {

// Another client: keeps what it is sent, and records that it was told to close for its
// output limit, as a Connection would.
class Client final : public cardinal::cmd::Session {
 public:
  Client(Harness& h, uint64_t id) : Session(id), h_(h) {
    authenticated = true;
    h_.state->add_session(*this);
  }
  ~Client() override {
    if (registered_) h_.state->remove_session(*this);
  }
  void request_flush() override { ++flushes; }
  void request_close() override { closing = true; }
  size_t query_buffer_bytes() const override { return 0; }
  void close_for_output_limit() override {
    closing = true;
    limit_hit = true;
  }

  // Runs a command as this client and returns only that command's reply.
  std::string operator()(const std::string& line) {
    auto args = cardinal::util::split_args(line);
    REQUIRE(args);
    std::vector<std::string_view> views(args->begin(), args->end());
    size_t before = output().size();
    cardinal::cmd::execute(*h_.state, *this, views);
    std::string reply = output().substr(before);
    output().resize(before);
    return reply;
  }
  // Everything delivered since the last call.
  std::string take() {
    std::string out = output();
    output().clear();
    return out;
  }
  void disconnect() {
    h_.state->remove_session(*this);
    registered_ = false;
  }

  int flushes = 0;
  bool limit_hit = false;

 private:
  Harness& h_;
  bool registered_ = true;
};

std::string Frame(char type, const std::vector<std::string>& bulks, int64_t count) {
  std::string out(1, type);
  out += std::to_string(bulks.size() + 1) + "\r\n";
  for (const std::string& b : bulks) out += Bulk(b);
  return out + Int(count);
}
std::string Confirm(const std::string& verb, const std::string& name, int64_t count, int resp = 2) {
  return Frame(resp == 3 ? '>' : '*', {verb, name}, count);
}
std::string ConfirmNone(const std::string& verb, int64_t count, int resp = 2) {
  std::string out = resp == 3 ? ">3\r\n" : "*3\r\n";
  return out + Bulk(verb) + (resp == 3 ? "_\r\n" : "$-1\r\n") + Int(count);
}
std::string Message(const std::string& channel, const std::string& msg, int resp = 2) {
  return std::string(resp == 3 ? ">3\r\n" : "*3\r\n") + Bulk("message") + Bulk(channel) + Bulk(msg);
}
std::string PMessage(const std::string& pattern, const std::string& channel, const std::string& msg,
                     int resp = 2) {
  return std::string(resp == 3 ? ">4\r\n" : "*4\r\n") + Bulk("pmessage") + Bulk(pattern) +
         Bulk(channel) + Bulk(msg);
}
std::string Bulks(const std::vector<std::string>& items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const std::string& s : items) out += Bulk(s);
  return out;
}
std::string ContextError(const std::string& cmd) {
  return Err("ERR Can't execute '" + cmd +
             "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
             "this context");
}

}  // namespace

TEST_CASE("SUBSCRIBE and UNSUBSCRIBE confirmations in RESP2", "[pubsub]") {
  Harness h;
  REQUIRE(h("SUBSCRIBE a b a") == Confirm("subscribe", "a", 1) + Confirm("subscribe", "b", 2) +
                                      Confirm("subscribe", "a", 2));
  REQUIRE(h("PSUBSCRIBE h*") == Confirm("psubscribe", "h*", 3));
  // Shard channels are counted on their own; channels and patterns together.
  REQUIRE(h("SSUBSCRIBE s1 s2") == Confirm("ssubscribe", "s1", 1) + Confirm("ssubscribe", "s2", 2));
  REQUIRE(h("UNSUBSCRIBE x") == Confirm("unsubscribe", "x", 3));
  REQUIRE(h("UNSUBSCRIBE") == Confirm("unsubscribe", "a", 2) + Confirm("unsubscribe", "b", 1));
  // Nothing left of that kind: one confirmation with a null name and the remaining count.
  REQUIRE(h("UNSUBSCRIBE") == ConfirmNone("unsubscribe", 1));
  REQUIRE(h("SUNSUBSCRIBE") == Confirm("sunsubscribe", "s1", 1) + Confirm("sunsubscribe", "s2", 0));
  REQUIRE(h("SUNSUBSCRIBE") == ConfirmNone("sunsubscribe", 0));
  REQUIRE(h("PUNSUBSCRIBE") == Confirm("punsubscribe", "h*", 0));
  REQUIRE(h("PUNSUBSCRIBE") == ConfirmNone("punsubscribe", 0));
  // No longer subscribed: ordinary commands work again.
  REQUIRE(h("GET x") == Nil());
  REQUIRE(h("PING") == Simple("PONG"));
}

TEST_CASE("Pub/Sub replies in RESP3 are push frames", "[pubsub]") {
  Harness h;
  h("HELLO 3");
  REQUIRE(h("SUBSCRIBE a b") == Confirm("subscribe", "a", 1, 3) + Confirm("subscribe", "b", 2, 3));
  // Any command is allowed, and PING answers as usual.
  REQUIRE(h("PING") == Simple("PONG"));
  REQUIRE(h("PING x") == Bulk("x"));
  REQUIRE(h("GET x") == "_\r\n");
  // A client publishing to itself sees the message before the reply.
  REQUIRE(h("PUBLISH a hi") == Message("a", "hi", 3) + Int(1));
  REQUIRE(h("PSUBSCRIBE a*") == Confirm("psubscribe", "a*", 3, 3));
  REQUIRE(h("PUBLISH a hi") == Message("a", "hi", 3) + PMessage("a*", "a", "hi", 3) + Int(2));
  REQUIRE(h("UNSUBSCRIBE") ==
          Confirm("unsubscribe", "a", 2, 3) + Confirm("unsubscribe", "b", 1, 3));
  REQUIRE(h("PUNSUBSCRIBE") == Confirm("punsubscribe", "a*", 0, 3));
  REQUIRE(h("PUNSUBSCRIBE") == ConfirmNone("punsubscribe", 0, 3));
  REQUIRE(h("SSUBSCRIBE s") == Confirm("ssubscribe", "s", 1, 3));
  REQUIRE(h("SPUBLISH s m") == ">3\r\n" + Bulk("smessage") + Bulk("s") + Bulk("m") + Int(1));
  REQUIRE(h("SUNSUBSCRIBE") == Confirm("sunsubscribe", "s", 0, 3));
  REQUIRE(h("SUNSUBSCRIBE") == ConfirmNone("sunsubscribe", 0, 3));
}

TEST_CASE("a subscribed RESP2 client may only (un)subscribe, PING, QUIT and RESET", "[pubsub]") {
  Harness h;
  h("SUBSCRIBE q");
  REQUIRE(h("GET x") == ContextError("get"));
  REQUIRE(h("set x y") == ContextError("set"));
  REQUIRE(h("CLIENT LIST") == ContextError("client|list"));
  REQUIRE(h("HELLO 3") == ContextError("hello"));
  // Unknown commands, unknown subcommands and arity are checked first.
  REQUIRE(h("foo bar") == Err("ERR unknown command 'foo', with args beginning with: 'bar' "));
  REQUIRE(h("CLIENT foo") == Err("ERR unknown subcommand 'foo'. Try CLIENT HELP."));
  REQUIRE(h("GET") == Err("ERR wrong number of arguments for 'get' command"));
  REQUIRE(h("PING a b") == Err("ERR wrong number of arguments for 'ping' command"));
  // PING answers in the message shape.
  REQUIRE(h("PING") == Bulks({"pong", ""}));
  REQUIRE(h("PING hello") == Bulks({"pong", "hello"}));
  REQUIRE(h("GET x") == ContextError("get"));  // refused commands did nothing
  // Shard subscriptions alone also restrict.
  REQUIRE(h("UNSUBSCRIBE") == Confirm("unsubscribe", "q", 0));
  REQUIRE(h("SSUBSCRIBE s") == Confirm("ssubscribe", "s", 1));
  REQUIRE(h("GET x") == ContextError("get"));
  // RESET leaves subscribed mode without any unsubscribe confirmation.
  h("PSUBSCRIBE p*");
  REQUIRE(h("RESET") == Simple("RESET"));
  REQUIRE(h("PING") == Simple("PONG"));
  // Refused commands count as rejected calls, as an arity error does (GET x three times, GET once).
  REQUIRE(h("INFO commandstats")
              .find("cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=4,"
                    "failed_calls=0\r\n") != std::string::npos);
  REQUIRE(h("PUBSUB NUMPAT") == Int(0));
  REQUIRE(h("PUBSUB SHARDCHANNELS") == Bulks({}));
}

TEST_CASE("a RESP3 subscriber that switches to RESP2 is restricted", "[pubsub]") {
  Harness h;
  h("HELLO 3");
  h("SUBSCRIBE news");
  REQUIRE(h("HELLO 2").substr(0, 4) == "*14\r");
  REQUIRE(h("GET x") == ContextError("get"));
  REQUIRE(h("HELLO 3") == ContextError("hello"));
  REQUIRE(h("RESET") == Simple("RESET"));
  REQUIRE(h("GET x") == Nil());
}

TEST_CASE("PUBLISH delivers to channel then pattern subscribers and counts them", "[pubsub]") {
  Harness h;
  Client a(h, 10), b(h, 11);
  a("SUBSCRIBE news sports");
  REQUIRE(a("PSUBSCRIBE n* n* [ns]ews") == Confirm("psubscribe", "n*", 3) +
                                               Confirm("psubscribe", "n*", 3) +
                                               Confirm("psubscribe", "[ns]ews", 4));
  b("HELLO 3");
  b("SUBSCRIBE news");
  b("SSUBSCRIBE sh1");
  a.take();
  b.take();
  REQUIRE(h("PUBLISH news hello") == Int(4));
  // The channel message first; the pattern messages in an unspecified order.
  std::string got = a.take();
  std::string first = Message("news", "hello");
  REQUIRE(got.substr(0, first.size()) == first);
  std::string p1 = PMessage("n*", "news", "hello"), p2 = PMessage("[ns]ews", "news", "hello");
  std::string rest = got.substr(first.size());
  REQUIRE((rest == p1 + p2 || rest == p2 + p1));
  REQUIRE(b.take() == Message("news", "hello", 3));
  REQUIRE(a.flushes > 0);
  REQUIRE(b.flushes > 0);

  REQUIRE(h("PUBLISH sports x") == Int(1));
  REQUIRE(a.take() == Message("sports", "x"));
  REQUIRE(h("PUBLISH nothing x") == Int(1));  // n*
  REQUIRE(a.take() == PMessage("n*", "nothing", "x"));
  REQUIRE(h("PUBLISH other x") == Int(0));
  REQUIRE(h("PUBLISH NEWS x") == Int(0));  // channels and patterns are case-sensitive
  REQUIRE(a.take().empty());

  // SPUBLISH reaches shard subscribers only, and PUBLISH never does.
  REQUIRE(h("PUBLISH sh1 x") == Int(0));
  REQUIRE(h("SPUBLISH sh1 x") == Int(1));
  REQUIRE(h("SPUBLISH news x") == Int(0));
  REQUIRE(b.take() == ">3\r\n" + Bulk("smessage") + Bulk("sh1") + Bulk("x"));
  REQUIRE(a.take().empty());

  // Message order per subscriber is publish order; binary payloads pass unchanged.
  std::string binary("a\0b\r\nc", 6);
  REQUIRE(h.run({"PUBLISH", "sports", binary}) == Int(1));
  REQUIRE(h("PUBLISH sports 2") == Int(1));
  REQUIRE(a.take() == Message("sports", binary) + Message("sports", "2"));
}

TEST_CASE("PUBSUB introspection and errors", "[pubsub]") {
  Harness h;
  REQUIRE(h("PUBSUB CHANNELS") == Bulks({}));
  REQUIRE(h("PUBSUB NUMSUB") == Bulks({}));
  REQUIRE(h("PUBSUB NUMSUB a b") == "*4\r\n" + Bulk("a") + Int(0) + Bulk("b") + Int(0));
  REQUIRE(h("PUBSUB NUMPAT") == Int(0));
  REQUIRE(h("PUBSUB SHARDCHANNELS") == Bulks({}));
  REQUIRE(h("PUBSUB SHARDNUMSUB a") == "*2\r\n" + Bulk("a") + Int(0));
  REQUIRE(h("PUBSUB channels a b") ==
          Err("ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB "
              "HELP."));
  REQUIRE(h("pubsub CHANNELS a b") ==
          Err("ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB "
              "HELP."));
  REQUIRE(h("PUBSUB SHARDCHANNELS x y") ==
          Err("ERR unknown subcommand or wrong number of arguments for 'SHARDCHANNELS'. Try "
              "PUBSUB HELP."));
  REQUIRE(h("PUBSUB NUMPAT x") == Err("ERR wrong number of arguments for 'pubsub|numpat' command"));
  REQUIRE(h("PUBSUB HELP x") == Err("ERR wrong number of arguments for 'pubsub|help' command"));
  REQUIRE(h("PUBSUB foo") == Err("ERR unknown subcommand 'foo'. Try PUBSUB HELP."));
  REQUIRE(h("PUBSUB") == Err("ERR wrong number of arguments for 'pubsub' command"));
  REQUIRE(h("PUBLISH a") == Err("ERR wrong number of arguments for 'publish' command"));
  REQUIRE(h("PUBLISH a b c") == Err("ERR wrong number of arguments for 'publish' command"));
  REQUIRE(h("SPUBLISH a") == Err("ERR wrong number of arguments for 'spublish' command"));
  REQUIRE(h("SUBSCRIBE") == Err("ERR wrong number of arguments for 'subscribe' command"));
  REQUIRE(h("PSUBSCRIBE") == Err("ERR wrong number of arguments for 'psubscribe' command"));
  REQUIRE(h("SSUBSCRIBE") == Err("ERR wrong number of arguments for 'ssubscribe' command"));
  std::string help = h("PUBSUB HELP");
  REQUIRE(help.substr(0, 5) == "*14\r\n");
  REQUIRE(help.find("+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n") == 5);

  Client a(h, 10), b(h, 11);
  a("SUBSCRIBE news sports");
  a("PSUBSCRIBE n* [ns]ews");
  b("SUBSCRIBE news");
  b("PSUBSCRIBE n*");
  b("SSUBSCRIBE sh1");
  std::string channels = h("PUBSUB CHANNELS");
  REQUIRE((channels == Bulks({"news", "sports"}) || channels == Bulks({"sports", "news"})));
  REQUIRE(h("PUBSUB CHANNELS n*") == Bulks({"news"}));
  REQUIRE(h("PUBSUB CHANNELS N*") == Bulks({}));
  REQUIRE(h("PUBSUB NUMSUB news sports n* zz") == "*8\r\n" + Bulk("news") + Int(2) +
                                                      Bulk("sports") + Int(1) + Bulk("n*") +
                                                      Int(0) + Bulk("zz") + Int(0));
  REQUIRE(h("PUBSUB NUMPAT") == Int(2));  // distinct patterns
  REQUIRE(h("PUBSUB SHARDCHANNELS") == Bulks({"sh1"}));
  REQUIRE(h("PUBSUB SHARDCHANNELS x*") == Bulks({}));
  REQUIRE(h("PUBSUB SHARDNUMSUB sh1 news") ==
          "*4\r\n" + Bulk("sh1") + Int(1) + Bulk("news") + Int(0));
  std::string info = h("INFO stats");
  REQUIRE(info.find("pubsub_channels:2\r\npubsub_patterns:2\r\npubsubshard_channels:1\r\n") !=
          std::string::npos);
  // RESP3 replies have the same shapes.
  h("HELLO 3");
  REQUIRE(h("PUBSUB NUMSUB news") == "*2\r\n" + Bulk("news") + Int(2));
  REQUIRE(h("PUBSUB NUMPAT") == Int(2));

  // A disconnect takes every subscription along.
  b.disconnect();
  REQUIRE(h("PUBSUB NUMSUB news") == "*2\r\n" + Bulk("news") + Int(1));
  REQUIRE(h("PUBSUB SHARDCHANNELS") == Bulks({}));
  REQUIRE(h("PUBSUB NUMPAT") == Int(2));
  REQUIRE(h("PUBLISH news x") == Int(3));
  a.disconnect();
  REQUIRE(h("PUBSUB CHANNELS") == Bulks({}));
  REQUIRE(h("PUBSUB NUMPAT") == Int(0));
  REQUIRE(h("PUBLISH news x") == Int(0));
}

TEST_CASE("CLIENT LIST shows subscription counts and flag P", "[pubsub]") {
  Harness h;
  Client a(h, 10);
  a("SUBSCRIBE x y");
  a("PSUBSCRIBE p*");
  a("SSUBSCRIBE s");
  std::string list = h("CLIENT LIST");
  size_t line = list.find("id=10 ");
  REQUIRE(line != std::string::npos);
  std::string mine = list.substr(line, list.find('\n', line) - line);
  REQUIRE(mine.find(" flags=P ") != std::string::npos);
  REQUIRE(mine.find(" sub=2 psub=1 ssub=1 ") != std::string::npos);
  REQUIRE(h("CLIENT INFO").find(" flags=N db=0 sub=0 psub=0 ssub=0 ") != std::string::npos);
  a("RESET");
  list = h("CLIENT LIST");
  line = list.find("id=10 ");
  mine = list.substr(line, list.find('\n', line) - line);
  REQUIRE(mine.find(" flags=N ") != std::string::npos);
  REQUIRE(mine.find(" sub=0 psub=0 ssub=0 ") != std::string::npos);
}

TEST_CASE("COMMAND INFO and GETKEYS for the Pub/Sub commands", "[pubsub]") {
  Harness h;
  std::string info = h("COMMAND INFO subscribe publish");
  REQUIRE(info.find(Bulk("subscribe") + Int(-2) + "*4\r\n+pubsub\r\n+noscript\r\n+loading\r\n" +
                    "+stale\r\n" + Int(0) + Int(0) + Int(0) + "*2\r\n+@pubsub\r\n+@slow\r\n") !=
          std::string::npos);
  REQUIRE(info.find(Bulk("publish") + Int(3) + "*4\r\n+pubsub\r\n+loading\r\n+stale\r\n+fast\r\n" +
                    Int(0) + Int(0) + Int(0) + "*2\r\n+@pubsub\r\n+@fast\r\n") !=
          std::string::npos);
  // The shard channel is a "not_key" key spec, which GETKEYS does not report.
  info = h("COMMAND INFO spublish");
  REQUIRE(info.find(Int(1) + Int(1) + Int(1) + "*2\r\n+@pubsub\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n" +
                    Bulk("flags") + "*1\r\n+not_key\r\n") != std::string::npos);
  REQUIRE(h("COMMAND GETKEYS spublish ch msg") == Err("ERR The command has no key arguments"));
  REQUIRE(h("COMMAND GETKEYS subscribe a") == Err("ERR The command has no key arguments"));
  // The container and HELP carry no @pubsub category.
  info = h("COMMAND INFO pubsub");
  REQUIRE(info.find(Bulk("pubsub") + Int(-2) + "*0\r\n" + Int(0) + Int(0) + Int(0) +
                    "*1\r\n+@slow\r\n") != std::string::npos);
  REQUIRE(info.find(Bulk("pubsub|help") + Int(2) + "*2\r\n+loading\r\n+stale\r\n" + Int(0) +
                    Int(0) + Int(0) + "*1\r\n+@slow\r\n") != std::string::npos);
}

TEST_CASE("a subscriber past client-output-buffer-limit pubsub is closed", "[pubsub]") {
  Harness h;
  Client slow(h, 10), fine(h, 11);
  slow("SUBSCRIBE c");
  fine("SUBSCRIBE c");
  slow.take();
  fine.take();
  REQUIRE(h("CONFIG SET client-output-buffer-limit \"pubsub 1000 0 0\"") == Ok());
  std::string payload(300, 'x');
  for (int i = 0; i < 3; ++i) {
    REQUIRE(h("PUBLISH c " + payload) == Int(2));
    fine.take();  // this one reads
  }
  REQUIRE_FALSE(slow.limit_hit);  // 3 x 320 bytes pending: under the hard limit
  REQUIRE(h("PUBLISH c " + payload) == Int(2));
  REQUIRE(slow.limit_hit);
  // A client on its way out still counts but gets nothing more.
  size_t pending = slow.output().size();
  REQUIRE(h("PUBLISH c " + payload) == Int(2));
  REQUIRE(slow.output().size() == pending);
  REQUIRE(fine.take() == Message("c", payload) + Message("c", payload));
  REQUIRE_FALSE(fine.limit_hit);
  slow.disconnect();
  REQUIRE(h("PUBLISH c x") == Int(1));
}

TEST_CASE("the soft output limit closes a subscriber only after its seconds", "[pubsub]") {
  Harness h;
  Client slow(h, 10);
  slow("SUBSCRIBE c");
  slow.take();
  REQUIRE(h("CONFIG SET client-output-buffer-limit \"pubsub 0 500 2\"") == Ok());
  std::string payload(300, 'x');
  h("PUBLISH c " + payload);
  h("PUBLISH c " + payload);  // above 500 from here on
  h.clock.advance_ms(1000);
  h("PUBLISH c " + payload);
  h.clock.advance_ms(1000);
  h("PUBLISH c " + payload);
  REQUIRE_FALSE(slow.limit_hit);  // exactly 2 s above: not yet longer than allowed
  h.clock.advance_ms(1);
  h("PUBLISH c " + payload);
  REQUIRE(slow.limit_hit);

  // Dropping below the soft limit restarts the count.
  Client reader(h, 11);
  reader("SUBSCRIBE c");
  reader.take();
  h("PUBLISH c " + payload);
  h("PUBLISH c " + payload);
  h.clock.advance_ms(1500);
  reader.take();
  h("PUBLISH c " + payload);  // under again
  h.clock.advance_ms(1500);
  h("PUBLISH c " + payload);
  h("PUBLISH c " + payload);
  REQUIRE_FALSE(reader.limit_hit);
  // Normal clients have no limit by default, and the pubsub class is not theirs.
  REQUIRE(h("CONFIG GET client-output-buffer-limit") ==
          Bulks({"client-output-buffer-limit",
                 "normal 0 0 0 slave 268435456 67108864 60 pubsub 0 500 2"}));
}
