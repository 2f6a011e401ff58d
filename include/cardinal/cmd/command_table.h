// CommandTable: the registry's rows indexed for case-insensitive lookup, with per-command
// statistics (INFO commandstats). Built once at startup from every family's table; lookups
// never allocate. Event-loop thread only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cardinal/cmd/command_spec.h"
#include "cardinal/util/latency_histogram.h"

namespace cardinal::cmd {

struct CommandStats {
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t rejected_calls = 0;
  uint64_t failed_calls = 0;
};

struct CommandEntry {
  const CommandSpec* spec = nullptr;
  CommandStats stats;
  // Allocated on the first call timed while latency-tracking is on (20 KiB; most commands are
  // never called); freed by CONFIG RESETSTAT.
  std::unique_ptr<util::LatencyHistogram> latency;
  std::map<std::string, std::unique_ptr<CommandEntry>, std::less<>> subcommands;

  // Case-insensitive; nullptr when unknown.
  CommandEntry* find_subcommand(std::string_view name);
};

class CommandTable {
 public:
  CommandTable();

  // Case-insensitive; nullptr when unknown or longer than any command name.
  CommandEntry* find(std::string_view name);
  // Every top-level command, in name order.
  const std::map<std::string, std::unique_ptr<CommandEntry>, std::less<>>& all() const {
    return commands_;
  }
  void reset_stats();

 private:
  std::map<std::string, std::unique_ptr<CommandEntry>, std::less<>> commands_;
};

// Every family's rows (registry.cc lists the families explicitly).
std::vector<std::span<const CommandSpec>> command_families();

// Lower-cases `name` into `buf` (size n); returns an empty view when it does not fit.
std::string_view lower_into(std::string_view name, char* buf, size_t n);

}  // namespace cardinal::cmd
