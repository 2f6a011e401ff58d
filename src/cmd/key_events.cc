#include "cardinal/cmd/key_events.h"

#include <charconv>

#include "cardinal/cmd/server_state.h"

namespace cardinal::cmd {

namespace {
// The classes reported by the engine rather than by handlers.
constexpr uint32_t kEngineClasses =
    config::kEventExpired | config::kEventNew | config::kEventKeyMiss;
}  // namespace

KeyEvents::KeyEvents(ServerState& server) : server_(server), settings_(server.settings()) {
  config_changed();
}

KeyEvents::~KeyEvents() {
  if (interest_) server_.keyspace.set_observer(nullptr);
}

void KeyEvents::want(Interest who, bool on) {
  uint8_t before = interest_;
  interest_ = on ? (interest_ | who) : (interest_ & ~who);
  if ((before == 0) != (interest_ == 0)) server_.keyspace.set_observer(interest_ ? this : nullptr);
}

void KeyEvents::config_changed() {
  uint32_t flags = settings_.notify_keyspace_events;
  bool publishes = flags & (config::kEventKeyspace | config::kEventKeyevent);
  want(kForNotifying, publishes && (flags & kEngineClasses));
}

void KeyEvents::modified(int db, std::string_view key) {
  if (interest_ & kForWatching) server_.watches.touch(db, key);
}

void KeyEvents::publish(std::string_view event, int db, std::string_view key) {
  uint32_t flags = settings_.notify_keyspace_events;
  char digits[12];
  std::string_view db_text(digits, std::to_chars(digits, digits + sizeof digits, db).ptr);
  if (flags & config::kEventKeyspace) {
    channel_.assign("__keyspace@").append(db_text).append("__:").append(key);
    server_.pubsub.publish(channel_, event);
  }
  if (flags & config::kEventKeyevent) {
    channel_.assign("__keyevent@").append(db_text).append("__:").append(event);
    server_.pubsub.publish(channel_, key);
  }
}

void KeyEvents::value_stored(const engine::Database& db, std::string_view key, bool created) {
  if (interest_ & kForBlocking) server_.blocking.value_stored(db, key);
  if (created) notify(config::kEventNew, "new", server_.keyspace.index_of(db), key);
}

void KeyEvents::key_expired(const engine::Database& db, std::string_view key) {
  int index = server_.keyspace.index_of(db);
  if (server_.propagation) {
    const std::string_view del[] = {"DEL", key};
    server_.propagation->command(index, del);
  }
  notify(config::kEventExpired, "expired", index, key);
  modified(index, key);
}

void KeyEvents::key_missed(const engine::Database& db, std::string_view key) {
  notify(config::kEventKeyMiss, "keymiss", server_.keyspace.index_of(db), key);
}

}  // namespace cardinal::cmd
