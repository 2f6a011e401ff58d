#include "cardinal/cmd/command_table.h"

#include <cctype>
#include <stdexcept>

namespace cardinal::cmd {

namespace {
constexpr size_t kMaxNameLen = 64;
}

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
  for (size_t i = 0; i < name.size(); ++i)
    buf[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[i])));
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
}

CommandEntry* CommandTable::find(std::string_view name) {
  char buf[kMaxNameLen];
  std::string_view lower = lower_into(name, buf, sizeof(buf));
  if (lower.empty()) return nullptr;
  auto it = commands_.find(lower);
  return it == commands_.end() ? nullptr : it->second.get();
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
