// PubSub: who listens to which channel, pattern and shard channel, and delivery of published
// messages into the subscribers' output buffers. Every subscription is held twice, by name here
// and in the session's Subscriptions, and the two change only together, so a disconnect (remove)
// leaves no Session* behind. Knows no keyspace. Event-loop thread only.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cardinal/cmd/session.h"
#include "cardinal/config/config.h"
#include "cardinal/util/clock.h"
#include "cardinal/util/hash.h"

namespace cardinal::cmd {

enum class PubSubKind : uint8_t { Channel, Pattern, Shard };

class PubSub {
 public:
  PubSub(const config::Config& config, const util::Clock& clock) : config_(config), clock_(clock) {}
  PubSub(const PubSub&) = delete;
  PubSub& operator=(const PubSub&) = delete;

  // Adds or drops one subscription of `s`; false when there was nothing to change.
  bool subscribe(Session& s, PubSubKind kind, std::string_view name);
  bool unsubscribe(Session& s, PubSubKind kind, std::string_view name);
  // Drops every subscription of `s` without telling it (disconnect, RESET).
  void remove(Session& s);

  // Delivers `message` to the channel's subscribers, then to every session once per matching
  // pattern it holds; returns how many messages were delivered (PUBLISH's reply). The entry
  // point for anything that publishes, keyspace notifications included.
  size_t publish(std::string_view channel, std::string_view message);
  // SPUBLISH: shard channel subscribers only.
  size_t publish_shard(std::string_view channel, std::string_view message);

  // Distinct names with at least one subscriber (PUBSUB NUMPAT, INFO pubsub_*).
  size_t count(PubSubKind kind) const { return table(kind).size(); }
  size_t subscribers(PubSubKind kind, std::string_view name) const;
  // Visits every name with subscribers (PUBSUB CHANNELS / SHARDCHANNELS); order unspecified.
  void for_each_name(PubSubKind kind, const std::function<void(std::string_view)>& fn) const;

 private:
  // Keyed, like every table of client-chosen names, so channel names cannot flood a chain.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return util::hash_bytes(s); }
  };
  // Subscribers in subscription order, which is delivery order.
  using Table = std::unordered_map<std::string, std::vector<Session*>, Hash, std::equal_to<>>;

  Table& table(PubSubKind kind) { return tables_[static_cast<size_t>(kind)]; }
  const Table& table(PubSubKind kind) const { return tables_[static_cast<size_t>(kind)]; }
  // Writes one message frame to `s` unless it is on its way out; then applies its class's
  // client-output-buffer-limit.
  void deliver(Session& s, std::string_view kind, std::string_view pattern,
               std::string_view channel, std::string_view message);

  const config::Config& config_;
  const util::Clock& clock_;
  Table tables_[3];
};

}  // namespace cardinal::cmd
