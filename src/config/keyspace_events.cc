#include "cardinal/config/keyspace_events.h"

#include <array>
#include <utility>

namespace cardinal::config {

namespace {
// The event-class letters, in the order Redis prints them when 'A' does not cover them.
constexpr std::array<std::pair<char, uint32_t>, 11> kClassLetters = {{
    {'g', kEventGeneric},
    {'$', kEventString},
    {'l', kEventList},
    {'s', kEventSet},
    {'h', kEventHash},
    {'z', kEventZset},
    {'x', kEventExpired},
    {'e', kEventEvicted},
    {'t', kEventStream},
    {'d', kEventModule},
    {'n', kEventNew},
}};
}  // namespace

std::optional<uint32_t> parse_keyspace_events(std::string_view text) {
  uint32_t flags = 0;
  for (char c : text) {
    switch (c) {
      case 'A':
        flags |= kEventAll;
        continue;
      case 'K':
        flags |= kEventKeyspace;
        continue;
      case 'E':
        flags |= kEventKeyevent;
        continue;
      case 'm':
        flags |= kEventKeyMiss;
        continue;
      default:
        break;
    }
    bool known = false;
    for (auto [letter, bit] : kClassLetters) {
      if (letter == c) {
        flags |= bit;
        known = true;
      }
    }
    if (!known) return std::nullopt;
  }
  return flags;
}

std::string format_keyspace_events(uint32_t flags) {
  std::string out;
  if ((flags & kEventAll) == kEventAll) {
    out += 'A';
  } else {
    for (auto [letter, bit] : kClassLetters) {
      if (flags & bit) out += letter;
    }
  }
  if (flags & kEventKeyspace) out += 'K';
  if (flags & kEventKeyevent) out += 'E';
  if (flags & kEventKeyMiss) out += 'm';
  return out;
}

}  // namespace cardinal::config
