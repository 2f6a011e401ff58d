#include "cardinal/cmd/command_table.h"

#include <cctype>
#include <stdexcept>

namespace cardinal::cmd {

namespace {
constexpr size_t kMaxNameLen = 64;

char ascii_lower(char c) {
  return static_cast<char>(c + (static_cast<unsigned char>(c - 'A') < 26 ? 32 : 0));
}

// FNV-1a over the lower-cased bytes: command names are short, and no client controls which
// names are in the table, so a keyed hash is not needed here.
uint64_t name_hash(std::string_view lower) {
  uint64_t h = 1469598103934665603ull;
  for (char c : lower) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}
}  // namespace

std::string_view group_name(Group g) {
  switch (g) {
    case Group::Generic:
      return "generic";
    case Group::String:
      return "string";
    case Group::List:
      return "list";
    case Group::Set:
      return "set";
    case Group::SortedSet:
      return "sorted-set";
    case Group::Hash:
      return "hash";
    case Group::PubSub:
      return "pubsub";
    case Group::Transactions:
      return "transactions";
    case Group::Connection:
      return "connection";
    case Group::Server:
      return "server";
    case Group::Scripting:
      return "scripting";
    case Group::HyperLogLog:
      return "hyperloglog";
    case Group::Cluster:
      return "cluster";
    case Group::Geo:
      return "geo";
    case Group::Stream:
      return "stream";
    case Group::Bitmap:
      return "bitmap";
  }
  return "generic";
}

std::string_view lower_into(std::string_view name, char* buf, size_t n) {
  if (name.size() > n) return {};
  for (size_t i = 0; i < name.size(); ++i) buf[i] = ascii_lower(name[i]);
  return {buf, name.size()};
}

CommandEntry* CommandEntry::find_subcommand(std::string_view name) {
  char buf[kMaxNameLen];
  std::string_view lower = lower_into(name, buf, sizeof(buf));
  if (lower.empty()) return nullptr;
  auto it = subcommands.find(lower);
  return it == subcommands.end() ? nullptr : it->second.get();
}

CommandTable::CommandTable() {
  for (std::span<const CommandSpec> family : command_families()) {
    for (const CommandSpec& spec : family) {
      auto entry = std::make_unique<CommandEntry>();
      entry->spec = &spec;
      for (const CommandSpec& sub : spec.subcommands) {
        auto sub_entry = std::make_unique<CommandEntry>();
        sub_entry->spec = &sub;
        std::string_view short_name = sub.name.substr(sub.name.find('|') + 1);
        entry->subcommands.emplace(std::string(short_name), std::move(sub_entry));
      }
      if (!commands_.emplace(std::string(spec.name), std::move(entry)).second)
        throw std::logic_error("duplicate command " + std::string(spec.name));
    }
  }
  index_.resize(kIndexSlots);
  if (commands_.size() * 2 > kIndexSlots) throw std::logic_error("command index too small");
  for (auto& [name, entry] : commands_) index(name, entry.get());
}

void CommandTable::index(std::string_view name, CommandEntry* entry) {
  for (size_t i = slot_of(name_hash(name));; i = (i + 1) & (kIndexSlots - 1)) {
    if (!index_[i].entry) {
      index_[i] = {name, entry};
      return;
    }
  }
}

CommandEntry* CommandTable::find(std::string_view name) {
  char buf[kMaxNameLen];
  std::string_view lower = lower_into(name, buf, sizeof(buf));
  if (lower.empty()) return nullptr;
  for (size_t i = slot_of(name_hash(lower));; i = (i + 1) & (kIndexSlots - 1)) {
    const Slot& slot = index_[i];
    if (!slot.entry) return nullptr;
    if (slot.name == lower) return slot.entry;
  }
}

void CommandTable::reset_stats() {
  for (auto& [name, entry] : commands_) {
    entry->stats = {};
    entry->latency.reset();
    for (auto& [sub_name, sub] : entry->subcommands) {
      sub->stats = {};
      sub->latency.reset();
    }
  }
}

}  // namespace cardinal::cmd
