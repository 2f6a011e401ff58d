// LATENCY LATEST/HISTORY/RESET/GRAPH/DOCTOR/HISTOGRAM/HELP over ServerState::latency (spikes
// the dispatcher and the server cron sample) and the per-command histograms of CommandEntry.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cardinal/cmd/families.h"
#include "helpers.h"

namespace cardinal::cmd {

namespace {

void latency_latest(CommandContext& ctx) {
  const auto& events = ctx.server.latency.events();
  ctx.reply.array(events.size());
  for (const auto& [name, series] : events) {
    ctx.reply.array(4);
    ctx.reply.bulk(name);
    ctx.reply.integer(series.latest().unix_seconds);
    ctx.reply.integer(series.latest().ms);
    ctx.reply.integer(series.max_ms());
  }
}

void latency_history(CommandContext& ctx) {
  const LatencyMonitor::Series* series = ctx.server.latency.find(ctx.arg(2));
  if (!series) return ctx.reply.array(0);
  std::vector<LatencyMonitor::Sample> samples = series->history();
  ctx.reply.array(samples.size());
  for (const LatencyMonitor::Sample& s : samples) {
    ctx.reply.array(2);
    ctx.reply.integer(s.unix_seconds);
    ctx.reply.integer(s.ms);
  }
}

void latency_reset(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    return ctx.reply.integer(static_cast<int64_t>(ctx.server.latency.reset_all()));
  }
  int64_t reset = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) reset += ctx.server.latency.reset(ctx.arg(i)) ? 1 : 0;
  ctx.reply.integer(reset);
}

// "12s", "5m", "3h", "2d": how long ago a sample was, for the graph's column labels.
std::string age_label(int64_t seconds) {
  if (seconds < 60) return std::to_string(seconds) + "s";
  if (seconds < 3600) return std::to_string(seconds / 60) + "m";
  if (seconds < 86400) return std::to_string(seconds / 3600) + "h";
  return std::to_string(seconds / 86400) + "d";
}

// A bar per sample (the newest 80), four rows high between the shown low and high, with each
// column's age written downwards under it.
std::string render_graph(std::string_view event, const LatencyMonitor::Series& series,
                         int64_t now_s) {
  constexpr size_t kColumns = 80;
  constexpr int kRows = 4;
  std::vector<LatencyMonitor::Sample> samples = series.history();
  if (samples.size() > kColumns) samples.erase(samples.begin(), samples.end() - kColumns);
  int64_t high = 0;
  int64_t low = INT64_MAX;
  for (const auto& s : samples) {
    high = std::max(high, s.ms);
    low = std::min(low, s.ms);
  }
  std::string out = std::string(event) + " - high " + std::to_string(high) + " ms, low " +
                    std::to_string(low) + " ms (all time high " + std::to_string(series.max_ms()) +
                    " ms)\n" + std::string(kColumns, '-') + "\n";
  std::vector<int> heights;
  for (const auto& s : samples) {
    double scaled =
        high == low ? 1.0 : static_cast<double>(s.ms - low) / static_cast<double>(high - low);
    heights.push_back(1 + static_cast<int>(std::lround(scaled * (kRows - 1))));
  }
  for (int row = kRows; row >= 1; --row) {
    for (int h : heights) out += h == row ? '#' : (h > row ? '|' : (row == 1 ? '_' : ' '));
    out += '\n';
  }
  std::vector<std::string> labels;
  size_t label_rows = 0;
  for (const auto& s : samples) {
    labels.push_back(age_label(std::max<int64_t>(0, now_s - s.unix_seconds)));
    label_rows = std::max(label_rows, labels.back().size());
  }
  for (size_t row = 0; row < label_rows; ++row) {
    for (const std::string& l : labels) out += row < l.size() ? l[row] : ' ';
    out += '\n';
  }
  return out;
}

void latency_graph(CommandContext& ctx) {
  const LatencyMonitor::Series* series = ctx.server.latency.find(ctx.arg(2));
  if (!series) return ctx.error(Errc::LatencyNoSamples, ctx.arg(2));
  ctx.reply.verbatim(render_graph(ctx.arg(2), *series, ctx.server.clock.now_ms() / 1000));
}

std::string advice_for(std::string_view event) {
  if (event == "command")
    return "- \"command\" spikes are commands that ran long: SLOWLOG GET shows them with their "
           "arguments. Whole-value commands on big keys (KEYS, SMEMBERS, HGETALL, LRANGE 0 -1, "
           "SORT, DEL of a large key) stall every other client while they run.\n";
  if (event == "fast-command")
    return "- \"fast-command\" spikes are O(1) or O(log N) commands that still took milliseconds: "
           "the host was probably short of CPU (other processes, swapping, a noisy neighbour) "
           "rather than the commands being expensive.\n";
  if (event == "expire-cycle")
    return "- \"expire-cycle\" spikes come from the active expiry cycle: many keys reached their "
           "TTL at about the same time. Adding jitter to TTLs spreads the work.\n";
  return "";
}

// A plain-language summary of every event's spikes, with what usually causes them.
std::string render_doctor(ServerState& server) {
  const config::Settings& s = server.settings();
  const auto& events = server.latency.events();
  std::string out;
  if (events.empty()) {
    if (s.latency_monitor_threshold == 0)
      return "The latency monitor is off, so nothing has been sampled. Turn it on with CONFIG SET "
             "latency-monitor-threshold <milliseconds>.\n";
    return "No latency spike of " + std::to_string(s.latency_monitor_threshold) +
           " ms or more has been recorded.\n";
  }
  out = "Latency spikes of " + std::to_string(s.latency_monitor_threshold) +
        " ms or more (latency-monitor-threshold), per event:\n\n";
  int64_t now_s = server.clock.now_ms() / 1000;
  size_t n = 0;
  for (const auto& [name, series] : events) {
    std::vector<LatencyMonitor::Sample> samples = series.history();
    double sum = 0;
    for (const auto& x : samples) sum += static_cast<double>(x.ms);
    double mean = samples.empty() ? 0 : sum / static_cast<double>(samples.size());
    double deviation = 0;
    for (const auto& x : samples) deviation += std::fabs(static_cast<double>(x.ms) - mean);
    if (!samples.empty()) deviation /= static_cast<double>(samples.size());
    int64_t span = samples.empty() ? 0 : now_s - samples.front().unix_seconds;
    char line[256];
    std::snprintf(line, sizeof(line),
                  "%zu. %s: %zu spikes in the last %lld s, average %.0f ms, mean deviation %.0f "
                  "ms; worst ever %lld ms.\n",
                  ++n, name.c_str(), samples.size(), static_cast<long long>(span), mean, deviation,
                  static_cast<long long>(series.max_ms()));
    out += line;
  }
  out += "\nWhat to look at:\n\n";
  for (const auto& [name, series] : events) out += advice_for(name);
  int64_t threshold_us = s.latency_monitor_threshold * 1000;
  if (s.slowlog_log_slower_than < 0 || s.slowlog_log_slower_than > threshold_us)
    out += "- The slow log keeps only commands slower than slowlog-log-slower-than (" +
           std::to_string(s.slowlog_log_slower_than) +
           " us), so it misses some of these spikes: CONFIG SET slowlog-log-slower-than " +
           std::to_string(threshold_us) + " matches the latency monitor.\n";
  return out;
}

void latency_doctor(CommandContext& ctx) {
  ctx.reply.verbatim(render_doctor(ctx.server));
}

void reply_histogram(CommandContext& ctx, const CommandEntry& e) {
  ctx.reply.bulk(e.spec->name);
  ctx.reply.map(2);
  ctx.reply.bulk("calls");
  ctx.reply.integer(static_cast<int64_t>(e.latency->total()));
  ctx.reply.bulk("histogram_usec");
  size_t edges = 0;
  e.latency->for_each_power_of_two([&](int64_t, uint64_t) { ++edges; });
  ctx.reply.map(edges);
  e.latency->for_each_power_of_two([&](int64_t edge_ns, uint64_t cumulative) {
    ctx.reply.integer(edge_ns / 1000);
    ctx.reply.integer(static_cast<int64_t>(cumulative));
  });
}

// A command and its subcommands that have a histogram; a container stands for its subcommands.
void collect_timed(const CommandEntry& e, std::vector<const CommandEntry*>& out) {
  if (e.latency) out.push_back(&e);
  for (const auto& [name, sub] : e.subcommands) {
    if (sub->latency) out.push_back(sub.get());
  }
}

void latency_histogram(CommandContext& ctx) {
  std::vector<const CommandEntry*> timed;
  if (ctx.argc() == 2) {
    for (const auto& [name, entry] : ctx.server.commands.all()) collect_timed(*entry, timed);
  } else {
    for (size_t i = 2; i < ctx.argc(); ++i) {
      std::string_view name = ctx.arg(i);
      size_t bar = name.find('|');
      CommandEntry* e = ctx.server.commands.find(name.substr(0, bar));
      if (e && bar != std::string_view::npos) {
        e = name.find('|', bar + 1) == std::string_view::npos
                ? e->find_subcommand(name.substr(bar + 1))
                : nullptr;
        if (e && e->latency) timed.push_back(e);
      } else if (e) {
        collect_timed(*e, timed);
      }
    }
  }
  ctx.reply.map(timed.size());
  for (const CommandEntry* e : timed) reply_histogram(ctx, *e);
}

void latency_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return a human readable latency analysis report.",
      "GRAPH <event>",
      "    Return an ASCII latency graph for the <event> class.",
      "HISTORY <event>",
      "    Return time-latency samples for the <event> class.",
      "LATEST",
      "    Return the latest latency samples for all events.",
      "RESET [<event> ...]",
      "    Reset latency data of one or more <event> classes.",
      "    (default: reset all data for all event classes)",
      "HISTOGRAM [COMMAND ...]",
      "    Return a cumulative distribution of latencies in the format of a histogram for the "
      "specified command names.",
      "    If no commands are specified then all histograms are replied.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.array(std::size(kLines));
  for (std::string_view l : kLines) ctx.reply.simple(l);
}

constexpr uint32_t kLatencyFlags = kAdmin | kNoscript | kLoading | kStale;

constexpr CommandSpec kLatencySubcommands[] = {
    {.name = "latency|doctor",
     .arity = 2,
     .flags = kLatencyFlags,
     .group = Group::Server,
     .since = "2.8.13",
     .summary = "Return a human readable latency analysis report.",
     .complexity = "O(1)",
     .handler = latency_doctor},
    {.name = "latency|graph",
     .arity = 3,
     .flags = kLatencyFlags,
     .group = Group::Server,
     .since = "2.8.13",
     .summary = "Return a latency graph for the event.",
     .complexity = "O(1)",
     .syntax = "event",
     .handler = latency_graph},
    {.name = "latency|help",
     .arity = 2,
     .flags = kLoading | kStale,
     .group = Group::Server,
     .since = "2.8.13",
     .summary = "Show helpful text about the different subcommands.",
     .complexity = "O(1)",
     .handler = latency_help},
    {.name = "latency|histogram",
     .arity = -2,
     .flags = kLatencyFlags,
     .group = Group::Server,
     .since = "7.0.0",
     .summary = "Return the cumulative distribution of latencies of a subset of commands or all.",
     .complexity = "O(N) where N is the number of commands with latency information being "
                   "retrieved.",
     .syntax = "[command [command ...]]",
     .handler = latency_histogram},
    {.name = "latency|history",
     .arity = 3,
     .flags = kLatencyFlags,
     .group = Group::Server,
     .since = "2.8.13",
     .summary = "Return timestamp-latency samples for the event.",
     .complexity = "O(1)",
     .syntax = "event",
     .handler = latency_history},
    {.name = "latency|latest",
     .arity = 2,
     .flags = kLatencyFlags,
     .group = Group::Server,
     .since = "2.8.13",
     .summary = "Return the latest latency samples for all events.",
     .complexity = "O(1)",
     .handler = latency_latest},
    {.name = "latency|reset",
     .arity = -2,
     .flags = kLatencyFlags,
     .group = Group::Server,
     .since = "2.8.13",
     .summary = "Reset latency data for one or more events.",
     .complexity = "O(1)",
     .syntax = "[event [event ...]]",
     .handler = latency_reset},
};

constexpr CommandSpec kLatencyCommands[] = {
    {.name = "latency",
     .arity = -2,
     .group = Group::Server,
     .since = "2.8.13",
     .summary = "A container for latency diagnostics commands",
     .complexity = "Depends on subcommand.",
     .subcommands = kLatencySubcommands},
};

}  // namespace

std::span<const CommandSpec> latency_commands() {
  return kLatencyCommands;
}

}  // namespace cardinal::cmd
