// notify-keyspace-events: the event classes a keyspace notification can belong to, and the
// directive's text form as Redis 7.0 parses and prints it. Pure functions, any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cardinal::config {

// One bit per class letter; kKeyspace/kKeyevent choose the channels, the rest the events.
enum KeyspaceEvent : uint32_t {
  kEventKeyspace = 1u << 0,  // K: __keyspace@<db>__:<key> channels
  kEventKeyevent = 1u << 1,  // E: __keyevent@<db>__:<event> channels
  kEventGeneric = 1u << 2,   // g: DEL, EXPIRE, RENAME, ...
  kEventString = 1u << 3,    // $
  kEventList = 1u << 4,      // l
  kEventSet = 1u << 5,       // s
  kEventHash = 1u << 6,      // h
  kEventZset = 1u << 7,      // z
  kEventExpired = 1u << 8,   // x: a key removed because its TTL passed
  kEventEvicted = 1u << 9,   // e: maxmemory evictions (cardinal evicts nothing yet)
  kEventStream = 1u << 10,   // t
  kEventKeyMiss = 1u << 11,  // m: a read found no key (not part of A)
  kEventModule = 1u << 12,   // d
  kEventNew = 1u << 13,      // n: a key was created (not part of A)
  kEventAll = kEventGeneric | kEventString | kEventList | kEventSet | kEventHash | kEventZset |
              kEventExpired | kEventEvicted | kEventStream | kEventModule,
};

// "KEA", "Elg$" ...: nullopt for a letter outside Ag$lshzxeKEtmdn. "" is no events.
std::optional<uint32_t> parse_keyspace_events(std::string_view text);
// The canonical letters CONFIG GET shows: "A" stands for the whole of kEventAll (and then, as in
// Redis, 'n' is not printed even when set), then K, E and m.
std::string format_keyspace_events(uint32_t flags);

}  // namespace cardinal::config
