// Multi-key sorted-set algebra: ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD. Inputs
// may be sorted sets or plain sets (every member scoring 1), as in Redis. Every key is looked up
// and type-checked before the options are read, so WRONGTYPE wins over a syntax error.
//
// Scores follow Redis 7.0's arithmetic exactly, because clients see the bits: inputs are visited
// smallest first (a stable sort by size, so equal sizes keep their argument order), each score is
// multiplied by its weight, and a NaN from inf * 0 or inf + -inf becomes 0. In an intersection,
// only the first (smallest) input's weighted NaN is zeroed; a NaN from a later input leaves MIN
// and MAX alone and zeroes SUM. The result is built outside any ZSetValue and sorted once, so
// -0 and 0 stay distinct until a STORE converts the result.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cardinal/cmd/families.h"
#include "cardinal/engine/set_value.h"
#include "cardinal/engine/zset_value.h"
#include "cardinal/util/numbers.h"
#include "helpers.h"
#include "zset_ops.h"

namespace cardinal::cmd {

namespace {

using engine::DbEntry;
using engine::SetValue;
using engine::ValueType;
using engine::ZSetValue;

enum class ZOp : uint8_t { Union, Inter, Diff };
enum class Aggregate : uint8_t { Sum, Min, Max };

// One input key: a sorted set, a plain set, or nothing (a missing key is empty).
struct Input {
  const ZSetValue* zset = nullptr;
  const SetValue* set = nullptr;
  double weight = 1;

  size_t size() const { return zset ? zset->size() : set ? set->size() : 0; }
  std::optional<double> score(std::string_view member) const {
    if (zset) return zset->score(member);
    if (set && set->contains(member)) return 1.0;
    return std::nullopt;
  }
  // fn(member, score) for every entry.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    if (zset) {
      zset->for_each([&](std::string_view m, double s) {
        fn(m, s);
        return true;
      });
    } else if (set) {
      set->for_each([&](std::string_view m) { fn(m, 1.0); });
    }
  }
};

double weighted(const Input& in, double score) {
  double v = in.weight * score;
  return std::isnan(v) ? 0.0 : v;
}

// Folds `value` into `acc`. A NaN value is ignored by MIN and MAX (no comparison with NaN holds)
// and zeroes SUM, as Redis's arithmetic does.
void aggregate(double& acc, double value, Aggregate how) {
  switch (how) {
    case Aggregate::Sum:
      acc += value;
      if (std::isnan(acc)) acc = 0.0;
      break;
    case Aggregate::Min:
      if (value < acc) acc = value;
      break;
    case Aggregate::Max:
      if (value > acc) acc = value;
      break;
  }
}

using Entries = std::vector<std::pair<std::string, double>>;

// The inputs under `keys`, each type-checked; false after a WRONGTYPE reply.
bool gather(CommandContext& ctx, std::span<const std::string_view> keys, bool for_write,
            std::vector<Input>& out) {
  out.reserve(keys.size());
  for (std::string_view key : keys) {
    DbEntry* e = for_write ? ctx.db().find_for_write(key) : ctx.db().find_for_read(key);
    Input in;
    if (e) {
      if (e->value.type() == ValueType::ZSet) {
        in.zset = &e->value.as_zset();
      } else if (e->value.type() == ValueType::Set) {
        in.set = &e->value.as_set();
      } else {
        ctx.error(Errc::WrongType);
        return false;
      }
    }
    out.push_back(in);
  }
  return true;
}

void smallest_first(std::vector<Input>& inputs) {
  std::stable_sort(inputs.begin(), inputs.end(),
                   [](const Input& a, const Input& b) { return a.size() < b.size(); });
}

Entries compute_union(std::vector<Input>& inputs, Aggregate how) {
  smallest_first(inputs);
  size_t total = 0;
  for (const Input& in : inputs) total += in.size();
  std::unordered_map<std::string, double> acc;
  acc.reserve(total);
  for (const Input& in : inputs) {
    in.for_each([&](std::string_view m, double s) {
      double v = weighted(in, s);
      auto [it, fresh] = acc.try_emplace(std::string(m), v);
      if (!fresh) aggregate(it->second, v, how);
    });
  }
  Entries out;
  out.reserve(acc.size());
  for (auto& [m, s] : acc) out.emplace_back(m, s);
  return out;
}

// Visits the intersection's members with their aggregated scores; `fn` returns false to stop.
template <typename Fn>
void for_each_in_intersection(std::vector<Input>& inputs, Aggregate how, Fn&& fn) {
  smallest_first(inputs);
  if (inputs.front().size() == 0) return;
  bool more = true;
  inputs.front().for_each([&](std::string_view m, double s) {
    if (!more) return;
    double acc = weighted(inputs.front(), s);
    for (size_t j = 1; j < inputs.size(); ++j) {
      std::optional<double> other = inputs[j].score(m);
      if (!other) return;
      aggregate(acc, inputs[j].weight * *other, how);
    }
    more = fn(m, acc);
  });
}

Entries compute_diff(const std::vector<Input>& inputs) {
  Entries out;
  inputs.front().for_each([&](std::string_view m, double s) {
    for (size_t j = 1; j < inputs.size(); ++j)
      if (inputs[j].score(m)) return;
    out.emplace_back(std::string(m), s);
  });
  return out;
}

// Sorted-set order: score, then member bytes.
void sort_entries(Entries& entries) {
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second < b.second;
    return a.first < b.first;
  });
}

struct Options {
  Aggregate how = Aggregate::Sum;
  bool withscores = false;
  int64_t limit = 0;  // ZINTERCARD; 0 means none
};

// Reads WEIGHTS / AGGREGATE / WITHSCORES (or ZINTERCARD's LIMIT) from argument `i` on; false
// after an error reply.
bool parse_options(CommandContext& ctx, size_t i, ZOp op, bool store, bool cardinality,
                   std::vector<Input>& inputs, Options& opts) {
  const size_t n = inputs.size();
  for (; i < ctx.argc(); ++i) {
    std::string_view a = ctx.arg(i);
    size_t remaining = ctx.argc() - i;
    if (cardinality) {
      if (remaining >= 2 && CommandContext::is(a, "LIMIT")) {
        if (!util::parse_i64(ctx.arg(++i), opts.limit) || opts.limit < 0) {
          ctx.error(Errc::LimitNegative);
          return false;
        }
        continue;
      }
    } else if (op != ZOp::Diff && remaining >= n + 1 && CommandContext::is(a, "WEIGHTS")) {
      for (Input& in : inputs) {
        if (!util::parse_double(ctx.arg(++i), in.weight)) {
          ctx.error(Errc::ZWeightNotFloat);
          return false;
        }
      }
      continue;
    } else if (op != ZOp::Diff && remaining >= 2 && CommandContext::is(a, "AGGREGATE")) {
      std::string_view how = ctx.arg(++i);
      if (CommandContext::is(how, "SUM")) {
        opts.how = Aggregate::Sum;
      } else if (CommandContext::is(how, "MIN")) {
        opts.how = Aggregate::Min;
      } else if (CommandContext::is(how, "MAX")) {
        opts.how = Aggregate::Max;
      } else {
        ctx.error(Errc::Syntax);
        return false;
      }
      continue;
    } else if (!store && CommandContext::is(a, "WITHSCORES")) {
      opts.withscores = true;
      continue;
    }
    ctx.error(Errc::Syntax);
    return false;
  }
  return true;
}

// The shared front half: numkeys, the keys' types, then the options. Keys start after the
// numkeys argument at `numkeys_at`.
bool prepare(CommandContext& ctx, size_t numkeys_at, ZOp op, bool store, bool cardinality,
             std::vector<Input>& inputs, Options& opts) {
  int64_t numkeys;
  if (!ctx.parse_int(ctx.arg(numkeys_at), numkeys)) return false;
  if (numkeys < 1) {
    ctx.error(Errc::ZNeedsInputKey, ctx.spec.name);
    return false;
  }
  size_t first = numkeys_at + 1;
  if (static_cast<uint64_t>(numkeys) > ctx.argc() - first) {
    ctx.error(Errc::Syntax);
    return false;
  }
  auto keys = ctx.args.subspan(first, static_cast<size_t>(numkeys));
  if (!gather(ctx, keys, store, inputs)) return false;
  return parse_options(ctx, first + keys.size(), op, store, cardinality, inputs, opts);
}

Entries compute(std::vector<Input>& inputs, ZOp op, Aggregate how) {
  switch (op) {
    case ZOp::Union:
      return compute_union(inputs, how);
    case ZOp::Inter: {
      Entries out;
      for_each_in_intersection(inputs, how, [&](std::string_view m, double s) {
        out.emplace_back(std::string(m), s);
        return true;
      });
      return out;
    }
    case ZOp::Diff:
      return compute_diff(inputs);
  }
  return {};
}

void zalgebra(CommandContext& ctx, ZOp op) {
  std::vector<Input> inputs;
  Options opts;
  if (!prepare(ctx, 1, op, false, false, inputs, opts)) return;
  Entries result = compute(inputs, op, opts.how);
  sort_entries(result);
  reply_entries_header(ctx, result.size(), opts.withscores);
  for (const auto& [m, s] : result) reply_entry(ctx, m, s, opts.withscores);
}

void zalgebra_store(CommandContext& ctx, ZOp op) {
  std::vector<Input> inputs;
  Options opts;
  if (!prepare(ctx, 2, op, true, false, inputs, opts)) return;
  Entries result = compute(inputs, op, opts.how);
  size_t longest = 0;
  for (const auto& e : result) longest = std::max(longest, e.first.size());
  engine::ZSetLimits limits = zset_limits(ctx);
  auto z = ZSetValue::create(result.size(), longest, limits);
  for (const auto& [m, s] : result) z->add(s, m, {}, limits);
  store_zset(ctx, ctx.arg(1), std::move(z),
             op == ZOp::Union   ? "zunionstore"
             : op == ZOp::Inter ? "zinterstore"
                                : "zdiffstore");
  ctx.reply.integer(static_cast<int64_t>(result.size()));
}

void zunion(CommandContext& ctx) {
  zalgebra(ctx, ZOp::Union);
}
void zinter(CommandContext& ctx) {
  zalgebra(ctx, ZOp::Inter);
}
void zdiff(CommandContext& ctx) {
  zalgebra(ctx, ZOp::Diff);
}
void zunionstore(CommandContext& ctx) {
  zalgebra_store(ctx, ZOp::Union);
}
void zinterstore(CommandContext& ctx) {
  zalgebra_store(ctx, ZOp::Inter);
}
void zdiffstore(CommandContext& ctx) {
  zalgebra_store(ctx, ZOp::Diff);
}

void zintercard(CommandContext& ctx) {
  std::vector<Input> inputs;
  Options opts;
  if (!prepare(ctx, 1, ZOp::Inter, false, true, inputs, opts)) return;
  auto limit = static_cast<uint64_t>(opts.limit);
  uint64_t n = 0;
  for_each_in_intersection(inputs, Aggregate::Sum, [&](std::string_view, double) {
    ++n;
    return limit == 0 || n < limit;
  });
  ctx.reply.integer(static_cast<int64_t>(n));
}

constexpr std::string_view kUnionComplexity =
    "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the "
    "number of elements in the resulting sorted set.";
constexpr std::string_view kInterComplexity =
    "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number "
    "of input sorted sets and M being the number of elements in the resulting sorted set.";
constexpr std::string_view kDiffComplexity =
    "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is "
    "the size of the first set, and K is the size of the result set.";

// The non-STORE forms count their keys from argument 1 (COMMAND reports them as movablekeys).
// KeyRange cannot express the STORE forms' destination plus a counted run of keys, so they
// report the destination alone, which is also Redis's legacy first/last/step (1 1 1).
constexpr CommandSpec kZSetAlgebraCommands[] = {
    {.name = "zunion",
     .arity = -3,
     .flags = kReadonly,
     .keys = {2, -1, 1, 1},
     .group = Group::SortedSet,
     .since = "6.2.0",
     .summary = "Add multiple sorted sets",
     .complexity = kUnionComplexity,
     .syntax = "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>] "
               "[WITHSCORES]",
     .handler = zunion},
    {.name = "zinter",
     .arity = -3,
     .flags = kReadonly,
     .keys = {2, -1, 1, 1},
     .group = Group::SortedSet,
     .since = "6.2.0",
     .summary = "Intersect multiple sorted sets",
     .complexity = kInterComplexity,
     .syntax = "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>] "
               "[WITHSCORES]",
     .handler = zinter},
    {.name = "zdiff",
     .arity = -3,
     .flags = kReadonly,
     .keys = {2, -1, 1, 1},
     .group = Group::SortedSet,
     .since = "6.2.0",
     .summary = "Subtract multiple sorted sets",
     .complexity = kDiffComplexity,
     .syntax = "numkeys key [key ...] [WITHSCORES]",
     .handler = zdiff},
    {.name = "zunionstore",
     .arity = -4,
     .flags = kWrite | kDenyOom,
     .keys = {.first = 3, .last = -1, .step = 1, .numkeys_at = 2, .dest = 1},
     .group = Group::SortedSet,
     .since = "2.0.0",
     .summary = "Add multiple sorted sets and store the resulting sorted set in a new key",
     .complexity = "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, "
                   "and M being the number of elements in the resulting sorted set.",
     .syntax = "destination numkeys key [key ...] [WEIGHTS weight [weight ...]] "
               "[AGGREGATE <SUM | MIN | MAX>]",
     .handler = zunionstore},
    {.name = "zinterstore",
     .arity = -4,
     .flags = kWrite | kDenyOom,
     .keys = {.first = 3, .last = -1, .step = 1, .numkeys_at = 2, .dest = 1},
     .group = Group::SortedSet,
     .since = "2.0.0",
     .summary = "Intersect multiple sorted sets and store the resulting sorted set in a new key",
     .complexity = kInterComplexity,
     .syntax = "destination numkeys key [key ...] [WEIGHTS weight [weight ...]] "
               "[AGGREGATE <SUM | MIN | MAX>]",
     .handler = zinterstore},
    {.name = "zdiffstore",
     .arity = -4,
     .flags = kWrite | kDenyOom,
     .keys = {.first = 3, .last = -1, .step = 1, .numkeys_at = 2, .dest = 1},
     .group = Group::SortedSet,
     .since = "6.2.0",
     .summary = "Subtract multiple sorted sets and store the resulting sorted set in a new key",
     .complexity = kDiffComplexity,
     .syntax = "destination numkeys key [key ...]",
     .handler = zdiffstore},
    {.name = "zintercard",
     .arity = -3,
     .flags = kReadonly,
     .keys = {2, -1, 1, 1},
     .group = Group::SortedSet,
     .since = "7.0.0",
     .summary = "Intersect multiple sorted sets and return the cardinality of the result",
     .complexity = "O(N*K) worst case with N being the smallest input sorted set, K being the "
                   "number of input sorted sets.",
     .syntax = "numkeys key [key ...] [LIMIT limit]",
     .handler = zintercard},
};

}  // namespace

std::span<const CommandSpec> zset_algebra_commands() {
  return kZSetAlgebraCommands;
}

}  // namespace cardinal::cmd
