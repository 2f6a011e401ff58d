#include "cardinal/config/config.h"

#include "cardinal/config/keyspace_events.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "cardinal/config/rewrite.h"
#include "cardinal/util/glob.h"
#include "cardinal/util/numbers.h"
#include "cardinal/util/split_args.h"

namespace cardinal::config {

namespace {

// kRawValue: CONFIG SET hands the value over unsplit (the setter splits it its own way).
// kMemory and kQuoted say how CONFIG REWRITE writes the value: with a unit (1gb), or as a
// quoted string, as Redis does for its memory and string parameters.
enum Flags : unsigned {
  kMutable = 0,
  kImmutable = 1,
  kMultiArg = 2,
  kRawValue = 4,
  kMemory = 8,
  kQuoted = 16,
  kProtected = 32,  // CONFIG SET needs enable-protected-configs, as in Redis 7.0
  kHidden = 64      // CONFIG GET shows it only when asked by its exact name
};

using Args = std::span<const std::string>;
using Setter = std::function<std::string(Settings&, Args)>;
using Getter = std::function<std::string(const Settings&)>;

struct Directive {
  std::string name;
  std::vector<std::string> aliases;
  unsigned flags;
  Setter set;
  Getter get;
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string range_error(int64_t lo, int64_t hi) {
  return "argument must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
         " inclusive";
}

Directive boolean(std::string name, bool Settings::*field, unsigned flags = kMutable) {
  return {std::move(name),
          {},
          flags,
          [field](Settings& s, Args a) -> std::string {
            std::string v = lower(a[0]);
            if (v != "yes" && v != "no") return "argument must be 'yes' or 'no'";
            s.*field = v == "yes";
            return "";
          },
          [field](const Settings& s) { return std::string(s.*field ? "yes" : "no"); }};
}

Directive integer(std::string name, int64_t Settings::*field, int64_t lo, int64_t hi,
                  unsigned flags = kMutable, std::vector<std::string> aliases = {}) {
  return {std::move(name), std::move(aliases), flags,
          [=](Settings& s, Args a) -> std::string {
            int64_t v;
            if (!util::parse_i64(a[0], v)) return "argument couldn't be parsed into an integer";
            if (v < lo || v > hi) return range_error(lo, hi);
            s.*field = v;
            return "";
          },
          [field](const Settings& s) { return util::i64_to_string(s.*field); }};
}

Directive memory(std::string name, int64_t Settings::*field, int64_t lo, int64_t hi,
                 unsigned flags = kMutable) {
  return {std::move(name),
          {},
          flags | kMemory,
          [=](Settings& s, Args a) -> std::string {
            int64_t v;
            if (!parse_memory(a[0], v)) return "argument must be a memory value";
            if (v < lo || v > hi) return range_error(lo, hi);
            s.*field = v;
            return "";
          },
          [field](const Settings& s) { return util::i64_to_string(s.*field); }};
}

Directive choice(std::string name, std::string Settings::*field, std::vector<std::string> values,
                 unsigned flags = kMutable) {
  return {std::move(name),
          {},
          flags,
          [field, values](Settings& s, Args a) -> std::string {
            std::string v = lower(a[0]);
            if (std::find(values.begin(), values.end(), v) == values.end()) {
              std::string msg = "argument(s) must be one of the following: ";
              for (size_t i = 0; i < values.size(); ++i) msg += (i ? ", " : "") + values[i];
              return msg;
            }
            s.*field = v;
            return "";
          },
          [field](const Settings& s) { return s.*field; }};
}

Directive text(std::string name, std::string Settings::*field, unsigned flags = kMutable) {
  return {std::move(name),
          {},
          flags | kQuoted,
          [field](Settings& s, Args a) -> std::string {
            s.*field = a[0];
            return "";
          },
          [field](const Settings& s) { return s.*field; }};
}

std::string join(Args a) {
  std::string out;
  for (size_t i = 0; i < a.size(); ++i) out += (i ? " " : "") + a[i];
  return out;
}

// A byte count as Redis reads one here: digits (a value past 2^64 saturates) and an optional
// unit; the product wraps like C's unsigned arithmetic, which CONFIG GET then shows.
bool parse_unsigned_memory(std::string_view text, uint64_t& out) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  std::string unit = lower(text.substr(digits));
  static const std::pair<std::string_view, uint64_t> kUnits[] = {
      {"", 1},        {"b", 1},        {"k", 1000},       {"kb", 1024},
      {"m", 1000000}, {"mb", 1 << 20}, {"g", 1000000000}, {"gb", 1 << 30}};
  uint64_t mul = 0;
  for (auto [name, factor] : kUnits)
    if (unit == name) mul = factor;
  if (mul == 0 || digits >= 128) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < digits; ++i) {
    uint64_t d = static_cast<uint64_t>(text[i] - '0');
    v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
  }
  out = v * mul;
  return true;
}

// "class hard soft seconds ..." for any subset of the classes; all groups are checked before
// any is applied.
std::string set_output_buffer_limits(Settings& s, Args a) {
  if (a.size() % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
  auto limits = s.client_output_buffer_limit;
  for (size_t i = 0; i < a.size(); i += 4) {
    std::string cls = lower(a[i]);
    ClientClass c;
    if (cls == "normal") {
      c = ClientClass::Normal;
    } else if (cls == "slave" || cls == "replica") {
      c = ClientClass::Replica;
    } else if (cls == "pubsub") {
      c = ClientClass::Pubsub;
    } else {
      return "Invalid client class specified in buffer limit configuration.";
    }
    OutputBufferLimit l;
    // The seconds are read as strtoll would: an optional sign, then digits only.
    const std::string& sec = a[i + 3];
    char* end = nullptr;
    errno = 0;
    long long seconds = std::strtoll(sec.c_str(), &end, 10);
    if (!parse_unsigned_memory(a[i + 1], l.hard_bytes) ||
        !parse_unsigned_memory(a[i + 2], l.soft_bytes) || sec.empty() || *end != '\0' ||
        errno == ERANGE || seconds < 0 || seconds > INT_MAX) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    l.soft_seconds = seconds;
    limits[static_cast<size_t>(c)] = l;
  }
  s.client_output_buffer_limit = limits;
  return "";
}

std::vector<Directive> make_directives() {
  std::vector<Directive> d;
  d.push_back({"bind",
               {},
               kMultiArg,
               [](Settings& s, Args a) -> std::string {
                 s.bind.assign(a.begin(), a.end());
                 return "";
               },
               [](const Settings& s) { return join(s.bind); }});
  d.push_back(integer("port", &Settings::port, 0, 65535));
  d.push_back(text("unixsocket", &Settings::unixsocket, kImmutable));
  d.push_back({"unixsocketperm",
               {},
               kImmutable,
               [](Settings& s, Args a) -> std::string {
                 char* end = nullptr;
                 long v = std::strtol(a[0].c_str(), &end, 8);
                 if (a[0].empty() || *end != '\0' || v < 0 || v > 0777)
                   return "argument couldn't be parsed into an integer";
                 s.unixsocketperm = v;
                 return "";
               },
               [](const Settings& s) {
                 std::ostringstream o;
                 o << std::oct << s.unixsocketperm;
                 return o.str();
               }});
  d.push_back(integer("tcp-backlog", &Settings::tcp_backlog, 0, INT_MAX, kImmutable));
  d.push_back(integer("timeout", &Settings::timeout, 0, INT_MAX));
  d.push_back(integer("tcp-keepalive", &Settings::tcp_keepalive, 0, INT_MAX));
  d.push_back(boolean("protected-mode", &Settings::protected_mode));
  d.push_back(boolean("daemonize", &Settings::daemonize, kImmutable));
  d.push_back(text("pidfile", &Settings::pidfile, kImmutable));
  d.push_back(choice("loglevel", &Settings::loglevel,
                     {"debug", "verbose", "notice", "warning", "nothing"}));
  d.push_back(text("logfile", &Settings::logfile, kImmutable));
  d.push_back(integer("databases", &Settings::databases, 1, INT_MAX, kImmutable));
  d.push_back(text("requirepass", &Settings::requirepass));
  d.push_back({"save",
               {},
               kMultiArg,
               [](Settings& s, Args a) -> std::string {
                 if (a.size() == 1 && a[0].empty()) {
                   s.save.clear();
                   return "";
                 }
                 if (a.size() % 2 != 0) return "Invalid save parameters";
                 for (size_t i = 0; i < a.size(); ++i) {
                   int64_t n;  // pairs of seconds (at least 1) and changes (at least 0)
                   if (!util::parse_i64(a[i], n) || n < (i % 2 == 0 ? 1 : 0))
                     return "Invalid save parameters";
                 }
                 s.save = join(a);
                 return "";
               },
               [](const Settings& s) { return s.save; }});
  d.push_back(boolean("appendonly", &Settings::appendonly));
  d.push_back(choice("appendfsync", &Settings::appendfsync, {"always", "everysec", "no"}));
  d.push_back({"dir",
               {},
               kProtected,
               [](Settings& s, Args a) -> std::string {
                 if (::chdir(a[0].c_str()) != 0) return std::string("No such file or directory");
                 char buf[4096];
                 s.dir = ::getcwd(buf, sizeof(buf)) ? buf : a[0];
                 return "";
               },
               [](const Settings& s) {
                 char buf[4096];
                 return s.dir.empty() && ::getcwd(buf, sizeof(buf)) ? std::string(buf) : s.dir;
               }});
  d.push_back(text("dbfilename", &Settings::dbfilename, kProtected));
  d.push_back(text("appendfilename", &Settings::appendfilename, kImmutable));
  d.push_back(text("appenddirname", &Settings::appenddirname, kImmutable));
  d.push_back(integer("maxclients", &Settings::maxclients, 1, INT_MAX));
  d.push_back(memory("maxmemory", &Settings::maxmemory, 0, LLONG_MAX));
  d.push_back(choice("maxmemory-policy", &Settings::maxmemory_policy,
                     {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
                      "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"}));
  d.push_back({"hz",
               {},
               kMutable,
               [](Settings& s, Args a) -> std::string {
                 int64_t v;
                 if (!util::parse_i64(a[0], v))
                   return "argument couldn't be parsed into an integer";
                 if (v < 0 || v > INT_MAX) return range_error(0, INT_MAX);
                 s.hz = std::clamp<int64_t>(v, 1, 500);  // Redis clamps rather than refuses
                 return "";
               },
               [](const Settings& s) { return util::i64_to_string(s.hz); }});
  d.push_back(memory("proto-max-bulk-len", &Settings::proto_max_bulk_len, 1024 * 1024, LLONG_MAX));
  d.push_back(memory("client-query-buffer-limit", &Settings::client_query_buffer_limit, 1024 * 1024,
                     LLONG_MAX));
  d.push_back(
      integer("latency-monitor-threshold", &Settings::latency_monitor_threshold, 0, LLONG_MAX));
  d.push_back(boolean("latency-tracking", &Settings::latency_tracking));
  d.push_back({"latency-tracking-info-percentiles",
               {},
               kMultiArg | kRawValue,
               [](Settings& s, Args a) -> std::string {
                 // CONFIG SET's value is split at every single space, as Redis does: doubled
                 // spaces make an empty word, which is invalid. "" is the empty list.
                 std::vector<std::string> words(a.begin(), a.end());
                 if (words.size() == 1) {
                   words.clear();
                   for (std::string_view rest = a[0]; !a[0].empty();) {
                     size_t sp = rest.find(' ');
                     words.emplace_back(rest.substr(0, sp));
                     if (sp == std::string_view::npos) break;
                     rest.remove_prefix(sp + 1);
                   }
                 }
                 std::vector<double> values;
                 for (const std::string& word : words) {
                   double v;
                   if (!util::parse_double(word, v) || std::isnan(v))
                     return "Invalid latency-tracking-info-percentiles parameters";
                   if (v < 0.0 || v > 100.0)
                     return "latency-tracking-info-percentiles parameters should sit between "
                            "[0.0,100.0]";
                   values.push_back(v);
                 }
                 s.latency_tracking_info_percentiles = std::move(values);
                 return "";
               },
               [](const Settings& s) {
                 std::string out;
                 for (double v : s.latency_tracking_info_percentiles) {
                   if (!out.empty()) out += ' ';
                   out += format_percentile(v);
                 }
                 return out;
               }});
  d.push_back(
      integer("slowlog-log-slower-than", &Settings::slowlog_log_slower_than, -1, LLONG_MAX));
  d.push_back(integer("slowlog-max-len", &Settings::slowlog_max_len, 0, LONG_MAX));
  d.push_back({"notify-keyspace-events",
               {},
               kMutable,
               [](Settings& s, Args a) -> std::string {
                 std::optional<uint32_t> flags = parse_keyspace_events(a[0]);
                 if (!flags) return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
                 s.notify_keyspace_events = *flags;
                 return "";
               },
               [](const Settings& s) { return format_keyspace_events(s.notify_keyspace_events); }});
  d.push_back(integer("set-max-intset-entries", &Settings::set_max_intset_entries, 0, LONG_MAX));
  d.push_back(integer("hash-max-listpack-entries", &Settings::hash_max_listpack_entries, 0,
                      LONG_MAX, kMutable, {"hash-max-ziplist-entries"}));
  d.push_back(integer("hash-max-listpack-value", &Settings::hash_max_listpack_value, 0, LONG_MAX,
                      kMutable, {"hash-max-ziplist-value"}));
  d.push_back(integer("zset-max-listpack-entries", &Settings::zset_max_listpack_entries, 0,
                      LONG_MAX, kMutable, {"zset-max-ziplist-entries"}));
  d.push_back(integer("zset-max-listpack-value", &Settings::zset_max_listpack_value, 0, LONG_MAX,
                      kMutable, {"zset-max-ziplist-value"}));
  d.push_back(integer("list-max-listpack-size", &Settings::list_max_listpack_size, INT_MIN, INT_MAX,
                      kMutable, {"list-max-ziplist-size"}));
  d.push_back(boolean("lazyfree-lazy-user-flush", &Settings::lazyfree_lazy_user_flush));
  d.push_back(boolean("rdbcompression", &Settings::rdbcompression));
  d.push_back(boolean("rdbchecksum", &Settings::rdbchecksum, kImmutable));
  d.push_back(boolean("stop-writes-on-bgsave-error", &Settings::stop_writes_on_bgsave_error));
  d.push_back(
      integer("rdb-key-save-delay", &Settings::rdb_key_save_delay, INT_MIN, INT_MAX, kHidden));
  d.push_back(boolean("aof-load-truncated", &Settings::aof_load_truncated));
  d.push_back(boolean("aof-use-rdb-preamble", &Settings::aof_use_rdb_preamble));
  d.push_back(boolean("no-appendfsync-on-rewrite", &Settings::no_appendfsync_on_rewrite));
  d.push_back(
      integer("auto-aof-rewrite-percentage", &Settings::auto_aof_rewrite_percentage, 0, INT_MAX));
  d.push_back(
      memory("auto-aof-rewrite-min-size", &Settings::auto_aof_rewrite_min_size, 0, LLONG_MAX));
  d.push_back(choice("enable-debug-command", &Settings::enable_debug_command,
                     {"no", "yes", "local"}, kImmutable));
  d.push_back(choice("enable-protected-configs", &Settings::enable_protected_configs,
                     {"no", "yes", "local"}, kImmutable | kProtected));
  d.push_back({"client-output-buffer-limit",
               {},
               kMultiArg,
               set_output_buffer_limits,
               [](const Settings& s) {
                 std::string out;
                 const char* names[] = {"normal", "slave", "pubsub"};
                 for (size_t i = 0; i < 3; ++i) {
                   const OutputBufferLimit& l = s.client_output_buffer_limit[i];
                   if (i) out += ' ';
                   out += std::string(names[i]) + ' ' + std::to_string(l.hard_bytes) + ' ' +
                          std::to_string(l.soft_bytes) + ' ' + std::to_string(l.soft_seconds);
                 }
                 return out;
               }});
  return d;
}

const std::vector<Directive>& directives() {
  static const std::vector<Directive> table = make_directives();
  return table;
}

const Directive* find_directive(std::string_view name) {
  std::string n = lower(name);
  for (const Directive& d : directives()) {
    if (d.name == n) return &d;
    for (const std::string& a : d.aliases)
      if (a == n) return &d;
  }
  return nullptr;
}

// Directives Redis 7.0 accepts that cardinal does not implement yet: accepted with a warning.
const std::set<std::string, std::less<>>& known_unsupported() {
  static const std::set<std::string, std::less<>> names = [] {
    std::set<std::string, std::less<>> s;
    std::istringstream in(
        "acl-pubsub-default aclfile acllog-max-len active-defrag-cycle-max "
        "active-defrag-cycle-min active-defrag-ignore-bytes active-defrag-max-scan-fields "
        "active-defrag-threshold-lower active-defrag-threshold-upper active-expire-effort "
        "activedefrag activerehashing always-show-logo aof-disable-auto-gc "
        "aof-rewrite-incremental-fsync aof-timestamp-enabled "
        "aof_rewrite_cpulist "
        "bgsave_cpulist bind-source-addr bio_cpulist "
        "busy-reply-threshold cluster-allow-pubsubshard-when-down cluster-allow-reads-when-down "
        "cluster-allow-replica-migration cluster-announce-bus-port cluster-announce-hostname "
        "cluster-announce-ip cluster-announce-port cluster-announce-tls-port cluster-config-file "
        "cluster-enabled cluster-link-sendbuf-limit cluster-migration-barrier "
        "cluster-node-timeout cluster-port cluster-preferred-endpoint-type "
        "cluster-replica-no-failover cluster-replica-validity-factor "
        "cluster-require-full-coverage cluster-slave-no-failover cluster-slave-validity-factor "
        "crash-log-enabled crash-memcheck-enabled disable-thp dynamic-hz "
        "enable-module-command hll-sparse-max-bytes ignore-warnings "
        "io-threads io-threads-do-reads jemalloc-bg-thread "
        "lazyfree-lazy-eviction lazyfree-lazy-expire "
        "lazyfree-lazy-server-del lazyfree-lazy-user-del lfu-decay-time lfu-log-factor "
        "list-compress-depth lua-time-limit masterauth masteruser maxmemory-clients "
        "maxmemory-eviction-tenacity maxmemory-samples min-replicas-max-lag "
        "min-replicas-to-write min-slaves-max-lag min-slaves-to-write "
        "oom-score-adj oom-score-adj-values proc-title-template propagation-error-behavior "
        "rdb-del-sync-files rdb-save-incremental-fsync "
        "repl-backlog-size repl-backlog-ttl repl-disable-tcp-nodelay repl-diskless-load "
        "repl-diskless-sync repl-diskless-sync-delay repl-diskless-sync-max-replicas "
        "repl-ping-replica-period repl-ping-slave-period repl-timeout replica-announce-ip "
        "replica-announce-port replica-announced replica-ignore-disk-write-errors "
        "replica-ignore-maxmemory replica-lazy-flush replica-priority replica-read-only "
        "replica-serve-stale-data replicaof sanitize-dump-payload server_cpulist set-proc-title "
        "shutdown-on-sigint shutdown-on-sigterm shutdown-timeout slave-announce-ip "
        "slave-announce-port slave-ignore-maxmemory slave-lazy-flush slave-priority "
        "slave-read-only slave-serve-stale-data slaveof socket-mark-id "
        "stream-node-max-bytes stream-node-max-entries supervised "
        "syslog-enabled syslog-facility syslog-ident tls-auth-clients tls-ca-cert-dir "
        "tls-ca-cert-file tls-cert-file tls-ciphers tls-ciphersuites tls-client-cert-file "
        "tls-client-key-file tls-client-key-file-pass tls-cluster tls-dh-params-file "
        "tls-key-file tls-key-file-pass tls-port tls-prefer-server-ciphers tls-protocols "
        "tls-replication tls-session-cache-size tls-session-cache-timeout tls-session-caching "
        "tracking-table-max-keys loadmodule rename-command user sentinel "
        "lua-replicate-commands");
    for (std::string w; in >> w;) s.insert(w);
    return s;
  }();
  return names;
}

}  // namespace

bool parse_memory(std::string_view text, int64_t& out) {
  std::string t = lower(text);
  int64_t mul = 1;
  static const std::pair<std::string_view, int64_t> kUnits[] = {{"gb", 1024LL * 1024 * 1024},
                                                                {"mb", 1024LL * 1024},
                                                                {"kb", 1024},
                                                                {"g", 1000000000},
                                                                {"m", 1000000},
                                                                {"k", 1000},
                                                                {"b", 1}};
  for (auto [suffix, factor] : kUnits) {
    if (t.size() > suffix.size() && t.ends_with(suffix)) {
      mul = factor;
      t.resize(t.size() - suffix.size());
      break;
    }
  }
  // Redis reads the number with strtoull: leading zeros and an empty number (0) are accepted,
  // a sign is not.
  uint64_t v = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return false;
    if (v > (static_cast<uint64_t>(LLONG_MAX) - static_cast<uint64_t>(c - '0')) / 10) return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > static_cast<uint64_t>(LLONG_MAX / mul)) return false;
  out = static_cast<int64_t>(v) * mul;
  return true;
}

Config::Config() = default;

std::string Config::apply(std::string_view name, std::span<const std::string> args,
                          bool at_runtime) {
  const Directive* d = find_directive(name);
  if (!d) return "unknown";
  if (at_runtime && (d->flags & kImmutable)) return "can't set immutable config";
  if (args.empty() || (args.size() > 1 && !(d->flags & kMultiArg)))
    return "wrong number of arguments";
  // A multi-word directive given as one word with spaces (`--bind "* -::*"` on the command
  // line, a quoted value in a file) is split at the spaces, as Redis does.
  if ((d->flags & kMultiArg) && !(d->flags & kRawValue) && args.size() == 1 &&
      args[0].find(' ') != std::string::npos) {
    std::vector<std::string> words;
    for (std::string_view rest = args[0]; !rest.empty();) {
      size_t sp = rest.find(' ');
      if (sp != 0) words.emplace_back(rest.substr(0, sp));
      if (sp == std::string_view::npos) break;
      rest.remove_prefix(sp + 1);
    }
    if (words.empty()) words.emplace_back();
    return d->set(settings_, words);
  }
  return d->set(settings_, args);
}

bool Config::load_text(std::string_view text, std::string_view origin, std::string& error,
                       int depth) {
  std::istringstream in{std::string(text)};
  std::string line;
  int line_no = 0;
  std::set<std::string> seen_multi;
  auto fail = [&](const std::string& why) {
    error = "\n*** FATAL CONFIG FILE ERROR (cardinal) ***\nReading the configuration file " +
            std::string(origin) + ", at line " + std::to_string(line_no) + "\n>>> '" + line +
            "'\n" + why;
    return false;
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string_view trimmed = line;
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front())))
      trimmed.remove_prefix(1);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    auto parts = util::split_args(trimmed);
    if (!parts) return fail("Unbalanced quotes in configuration line");
    if (parts->empty()) continue;
    std::string name = lower((*parts)[0]);
    std::vector<std::string> args(parts->begin() + 1, parts->end());
    if (name == "include") {
      if (args.size() != 1) return fail("Bad directive or wrong number of arguments");
      if (depth >= 10) return fail("Too many nested includes");
      std::ifstream f(args[0]);
      if (!f) return fail("Can't open the include file " + args[0]);
      std::stringstream buf;
      buf << f.rdbuf();
      if (!load_text(buf.str(), args[0], error, depth + 1)) return false;
      continue;
    }
    const Directive* d = find_directive(name);
    if (!d) {
      if (known_unsupported().contains(name)) {
        warnings_.push_back("directive '" + name + "' (" + std::string(origin) + ":" +
                            std::to_string(line_no) +
                            ") is not supported by cardinal yet; ignored");
        continue;
      }
      return fail("Bad directive or wrong number of arguments");
    }
    // Repeated "save" lines add save points, as in Redis.
    if (d->name == "save" && seen_multi.contains("save") &&
        !(args.size() == 1 && args[0].empty()) && !settings_.save.empty()) {
      std::vector<std::string> merged;
      std::istringstream prev(settings_.save);
      for (std::string w; prev >> w;) merged.push_back(w);
      merged.insert(merged.end(), args.begin(), args.end());
      args = std::move(merged);
    }
    seen_multi.insert(d->name);
    std::string why = apply(name, args, false);
    if (!why.empty()) {
      return fail(why == "wrong number of arguments" ? "Bad directive or wrong number of arguments"
                                                     : why);
    }
  }
  return true;
}

bool Config::load_file(const std::string& path, std::string& error) {
  std::ifstream f(path);
  if (!f) {
    error = "Fatal error, can't open config file '" + path + "'";
    return false;
  }
  std::stringstream buf;
  buf << f.rdbuf();
  return load_text(buf.str(), path, error);
}

bool Config::load_arguments(std::span<const std::string> args, std::string& error) {
  // "--port 7000 --save 900 1" becomes the config text "port 7000\nsave 900 1".
  std::string text;
  for (const std::string& a : args) {
    if (a.starts_with("--")) {
      if (!text.empty()) text += '\n';
      text += a.substr(2);
    } else {
      text += ' ';
      std::string quoted;
      util::append_quoted(quoted, a);
      text += quoted;
    }
  }
  return load_text(text, "(command line)", error);
}

std::string Config::set(std::span<const std::string_view> pairs, bool protected_allowed) {
  if (pairs.empty() || pairs.size() % 2 != 0)
    return "wrong number of arguments for 'config|set' command";
  auto failed = [](std::string_view name, const std::string& why) {
    return "CONFIG SET failed (possibly related to argument '" + std::string(name) + "') - " + why;
  };
  // Like Redis: every name is checked (unknown, immutable, protected, or the same directive
  // twice through any of its names) before any value is.
  std::vector<const Directive*> targets;
  for (size_t i = 0; i < pairs.size(); i += 2) {
    const Directive* d = find_directive(pairs[i]);
    if (!d)
      return "Unknown option or number of arguments for CONFIG SET - '" + std::string(pairs[i]) +
             "'";
    if (d->flags & kImmutable) return failed(pairs[i], "can't set immutable config");
    if ((d->flags & kProtected) && !protected_allowed)
      return failed(pairs[i], "can't set protected config");
    if (std::find(targets.begin(), targets.end(), d) != targets.end())
      return failed(pairs[i], "duplicate parameter");
    targets.push_back(d);
  }
  Settings before = settings_;
  char cwd_before[4096];
  bool have_cwd = ::getcwd(cwd_before, sizeof(cwd_before)) != nullptr;
  auto roll_back = [&] {
    settings_ = before;
    if (have_cwd) (void)::chdir(cwd_before);  // "dir" acts on the process, not just settings_
  };
  std::vector<std::string> changed;
  for (size_t i = 0; i < pairs.size(); i += 2) {
    const Directive* d = targets[i / 2];
    std::vector<std::string> args;
    if (d->flags & kRawValue) {
      args.emplace_back(pairs[i + 1]);
    } else if (d->flags & kMultiArg) {
      auto split = util::split_args(pairs[i + 1]);
      if (!split) {
        roll_back();
        return failed(pairs[i], d->name == "save" ? "Invalid save parameters" : "Invalid argument");
      }
      args = std::move(*split);
      if (args.empty()) args.emplace_back();
    } else {
      args.emplace_back(pairs[i + 1]);
    }
    std::string why = apply(d->name, args, true);
    if (!why.empty()) {
      roll_back();
      return failed(pairs[i], why);
    }
    changed.push_back(d->name);
  }
  if (on_change) on_change(changed);
  return "";
}

std::vector<std::pair<std::string, std::string>> Config::get(
    std::span<const std::string_view> patterns) const {
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string> added;
  for (const Directive& d : directives()) {
    std::vector<const std::string*> names = {&d.name};
    for (const std::string& a : d.aliases) names.push_back(&a);
    for (const std::string* n : names) {
      for (std::string_view p : patterns) {
        bool is_glob = p.find_first_of("*?[") != std::string_view::npos;
        if ((d.flags & kHidden) && is_glob) continue;
        if (util::glob_match(lower(p), *n, true) && added.insert(*n).second) {
          out.emplace_back(*n, d.get(settings_));
        }
      }
    }
  }
  return out;
}

namespace {

// A byte count as Redis's CONFIG REWRITE writes it: the largest of gb, mb, kb that divides it.
std::string format_memory(uint64_t v) {
  static const std::pair<uint64_t, const char*> kUnits[] = {
      {1ULL << 30, "gb"}, {1ULL << 20, "mb"}, {1ULL << 10, "kb"}};
  for (auto [factor, unit] : kUnits)
    if (v != 0 && v % factor == 0) return std::to_string(v / factor) + unit;
  return std::to_string(v);
}

std::string quoted(std::string_view v) {
  std::string out;
  util::append_quoted(out, v);
  return out;
}

// The lines stating `d`'s value in `s`, each forced (appended when the file lacks them) when
// Redis would write it on a fresh file.
std::vector<RewriteLine> rewrite_lines(const Directive& d, const Settings& s) {
  static const Settings defaults;
  std::vector<RewriteLine> out;
  if (d.name == "save") {
    // Always written, even at the default: a file without "save" lines means the default, so
    // Redis states it to pin the current value.
    if (s.save.empty()) return {{"save \"\"", true}};
    std::istringstream in(s.save);
    for (std::string secs, changes; in >> secs >> changes;)
      out.push_back({"save " + secs + " " + changes, true});
    return out;
  }
  if (d.name == "client-output-buffer-limit") {
    const char* names[] = {"normal", "replica", "pubsub"};
    for (size_t i = 0; i < 3; ++i) {
      const OutputBufferLimit& l = s.client_output_buffer_limit[i];
      const OutputBufferLimit& def = defaults.client_output_buffer_limit[i];
      bool is_default = l.hard_bytes == def.hard_bytes && l.soft_bytes == def.soft_bytes &&
                        l.soft_seconds == def.soft_seconds;
      out.push_back({d.name + " " + names[i] + " " + format_memory(l.hard_bytes) + " " +
                         format_memory(l.soft_bytes) + " " + std::to_string(l.soft_seconds),
                     !is_default});
    }
    return out;
  }
  // Redis keeps the password in its ACL user and states it only while one is set; an empty
  // one leaves no line, not even one the file had.
  if (d.name == "requirepass" && s.requirepass.empty()) return {};
  std::string value = d.get(s);
  // Redis has no default for "dir" (it is wherever the server started), so it always writes it.
  bool force = d.name == "dir" || value != d.get(defaults);
  std::string line = d.name + " ";
  if ((d.flags & kQuoted) || d.name == "dir" || d.name == "notify-keyspace-events") {
    line += quoted(value);
  } else if (d.flags & kMemory) {
    int64_t n = 0;
    line += util::parse_i64(value, n) && n >= 0 ? format_memory(static_cast<uint64_t>(n)) : value;
  } else {
    line += value.empty() ? "\"\"" : value;
  }
  out.push_back({std::move(line), force});
  return out;
}

}  // namespace

std::string Config::rewrite(const std::string& path) const {
  std::vector<RewriteOption> options;
  for (const Directive& d : directives())
    options.push_back({d.name, d.aliases, rewrite_lines(d, settings_)});
  std::string old_text;
  std::string err = read_config_for_rewrite(path, old_text);
  if (!err.empty()) return err;
  return write_file_atomically(path, rewrite_config_text(old_text, options));
}

std::string format_percentile(double v) {
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%f", v);
  std::string out(buf, n > 0 ? static_cast<size_t>(n) : 0);
  if (out.find('.') != std::string::npos) {
    while (!out.empty() && out.back() == '0') out.pop_back();
    if (!out.empty() && out.back() == '.') out.pop_back();
  }
  return out;
}

}  // namespace cardinal::config
