#include "cardinal/cmd/pubsub.h"

#include <algorithm>

#include "cardinal/cmd/output_limit.h"
#include "cardinal/util/glob.h"

namespace cardinal::cmd {

namespace {

std::set<std::string, std::less<>>& own_set(Subscriptions& subs, PubSubKind kind) {
  switch (kind) {
    case PubSubKind::Channel:
      return subs.channels;
    case PubSubKind::Pattern:
      return subs.patterns;
    case PubSubKind::Shard:
      break;
  }
  return subs.shard_channels;
}

}  // namespace

bool PubSub::subscribe(Session& s, PubSubKind kind, std::string_view name) {
  if (!s.subscriptions) s.subscriptions = std::make_unique<Subscriptions>();
  auto& mine = own_set(*s.subscriptions, kind);
  if (mine.contains(name)) return false;
  mine.emplace(name);
  Table& t = table(kind);
  auto it = t.find(name);
  if (it == t.end()) it = t.emplace(std::string(name), std::vector<Session*>{}).first;
  it->second.push_back(&s);
  return true;
}

bool PubSub::unsubscribe(Session& s, PubSubKind kind, std::string_view name) {
  if (!s.subscriptions) return false;
  auto& mine = own_set(*s.subscriptions, kind);
  auto own = mine.find(name);
  if (own == mine.end()) return false;
  Table& t = table(kind);
  auto it = t.find(name);
  if (it != t.end()) {
    std::erase(it->second, &s);
    if (it->second.empty()) t.erase(it);
  }
  mine.erase(own);
  return true;
}

void PubSub::remove(Session& s) {
  if (!s.subscriptions) return;
  for (PubSubKind kind : {PubSubKind::Channel, PubSubKind::Pattern, PubSubKind::Shard}) {
    auto& mine = own_set(*s.subscriptions, kind);
    while (!mine.empty()) unsubscribe(s, kind, *mine.begin());
  }
  s.subscriptions.reset();
}

void PubSub::deliver(Session& s, std::string_view kind, std::string_view pattern,
                     std::string_view channel, std::string_view message) {
  // Like Redis, a client on its way out or with replies switched off gets nothing, but it
  // still counts as a receiver.
  if (s.closing || s.reply_mode == ReplyMode::Off) return;
  resp::ReplyWriter& r = s.reply();
  r.push(pattern.empty() ? 3 : 4);
  r.bulk(kind);
  if (!pattern.empty()) r.bulk(pattern);
  r.bulk(channel);
  r.bulk(message);
  if (!enforce_output_limit(config_.settings(), clock_.now_ms(), s)) s.request_flush();
}

size_t PubSub::publish(std::string_view channel, std::string_view message) {
  size_t receivers = 0;
  const Table& channels = table(PubSubKind::Channel);
  if (auto it = channels.find(channel); it != channels.end()) {
    // Delivery never changes subscriptions (a client past its limit closes later), so the
    // list stays valid while it is walked.
    for (Session* s : it->second) {
      deliver(*s, "message", {}, channel, message);
      ++receivers;
    }
  }
  for (const auto& [pattern, sessions] : table(PubSubKind::Pattern)) {
    if (!util::glob_match(pattern, channel, false)) continue;
    for (Session* s : sessions) {
      deliver(*s, "pmessage", pattern, channel, message);
      ++receivers;
    }
  }
  return receivers;
}

size_t PubSub::publish_shard(std::string_view channel, std::string_view message) {
  const Table& shards = table(PubSubKind::Shard);
  auto it = shards.find(channel);
  if (it == shards.end()) return 0;
  for (Session* s : it->second) deliver(*s, "smessage", {}, channel, message);
  return it->second.size();
}

size_t PubSub::subscribers(PubSubKind kind, std::string_view name) const {
  const Table& t = table(kind);
  auto it = t.find(name);
  return it == t.end() ? 0 : it->second.size();
}

void PubSub::for_each_name(PubSubKind kind, const std::function<void(std::string_view)>& fn) const {
  for (const auto& entry : table(kind)) fn(entry.first);
}

}  // namespace cardinal::cmd
