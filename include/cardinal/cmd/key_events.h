// KeyEvents: where changes to keys fan out — WATCH invalidation, keyspace notifications
// (notify-keyspace-events) and the wake-up of clients blocked on a key. Handlers report their
// own writes (modified(), notify()); the engine reports stores, expiries and misses through
// the KeyObserver interface, installed only while blocking, WATCH or the x/n/m classes need it.
// Event-loop thread only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cardinal/config/config.h"
#include "cardinal/config/keyspace_events.h"
#include "cardinal/engine/keyspace.h"

namespace cardinal::cmd {

class ServerState;

class KeyEvents final : public engine::KeyObserver {
 public:
  // Who needs the engine's reports.
  enum Interest : uint8_t {
    kForBlocking = 1,
    kForWatching = 2,
    kForNotifying = 4,
    kForPropagating = 8
  };

  explicit KeyEvents(ServerState& server);
  ~KeyEvents() override;
  KeyEvents(const KeyEvents&) = delete;
  KeyEvents& operator=(const KeyEvents&) = delete;

  void want(Interest who, bool on);
  // notify-keyspace-events may have changed.
  void config_changed();

  // A write changed `key` of `db` (Redis's signalModifiedKey): its WATCHers lose.
  void modified(int db, std::string_view key);
  // Publishes the notification `event` about `key` if its class is enabled.
  void notify(uint32_t event_class, std::string_view event, int db, std::string_view key) {
    if (settings_.notify_keyspace_events & event_class) publish(event, db, key);
  }

  void value_stored(const engine::Database& db, std::string_view key, bool created) override;
  void key_expired(const engine::Database& db, std::string_view key) override;
  void key_missed(const engine::Database& db, std::string_view key) override;

 private:
  void publish(std::string_view event, int db, std::string_view key);

  ServerState& server_;
  const config::Settings& settings_;
  uint8_t interest_ = 0;
  std::string channel_;
};

}  // namespace cardinal::cmd
