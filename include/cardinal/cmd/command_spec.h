// CommandSpec: one row of the command table — the single truth for a command's name, arity,
// flags, key positions, documentation and handler. COMMAND, COMMAND DOCS and the dispatcher's
// checks are all derived from these rows. Rows are constexpr data; read from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace cardinal::cmd {

struct CommandContext;
using Handler = void (*)(CommandContext&);

enum CommandFlag : uint32_t {
  kWrite = 1u << 0,
  kReadonly = 1u << 1,
  kDenyOom = 1u << 2,
  kAdmin = 1u << 3,
  kPubsub = 1u << 4,
  kNoscript = 1u << 5,
  kBlocking = 1u << 6,
  kLoading = 1u << 7,
  kStale = 1u << 8,
  kSkipMonitor = 1u << 9,
  kSkipSlowlog = 1u << 10,
  kFast = 1u << 11,
  kNoAuth = 1u << 12,
  kMayReplicate = 1u << 13,
  kNoMulti = 1u << 14,
  kAllowBusy = 1u << 15,
  kSentinel = 1u << 16,
  kNoAsyncLoading = 1u << 17,  // refused while a replica loads a dataset in the background
};

enum class Group : uint8_t {
  Generic,
  String,
  List,
  Set,
  SortedSet,
  Hash,
  PubSub,
  Transactions,
  Connection,
  Server,
  Scripting,
  HyperLogLog,
  Cluster,
  Geo,
  Stream,
  Bitmap
};

std::string_view group_name(Group g);

// Key positions: (first, last, step) with last < 0 counting from the end; or, when numkeys_at
// is set, the count of keys is the argument at that index and they start at `first`
// (SINTERCARD numkeys key...). COMMAND reports the latter as "movablekeys" with 0 0 0, or with
// the destination's position when `dest` is set.
struct KeyRange {
  int first = 0;
  int last = 0;
  int step = 0;
  int numkeys_at = 0;
  // With numkeys_at: a single key before the counted ones (ZUNIONSTORE's destination), which
  // COMMAND reports as legacy positions dest dest 1 plus a key spec of its own.
  int dest = 0;
  // The positions name something that is not a key (SPUBLISH's shard channel): COMMAND INFO
  // shows them with a "not_key" key spec, and COMMAND GETKEYS reports no keys.
  bool not_key = false;
};

struct CommandSpec {
  std::string_view name;  // lower case, as COMMAND reports it ("client|kill" for subcommands)
  int arity = 0;          // >= 0 exact argument count including the name; < 0 at least -arity
  uint32_t flags = 0;
  KeyRange keys;
  Group group = Group::Generic;
  std::string_view since;
  std::string_view summary;
  std::string_view complexity;
  // Argument syntax in Redis's documentation style ("key value [NX | XX]"); rendered into
  // COMMAND DOCS arguments so redis-cli shows hints.
  std::string_view syntax;
  Handler handler = nullptr;
  std::span<const CommandSpec> subcommands;
};

}  // namespace cardinal::cmd
