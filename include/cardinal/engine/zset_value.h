// ZSetValue: the payload of a Redis sorted set. Small sets are one packed buffer of
// (member, score) entries in zset order ("listpack"); large ones pair a ds::SkipList (order,
// ranks) with a hash index from member to skiplist node ("skiplist"). Like Redis 7.0 the set
// converts listpack -> skiplist when it passes zset-max-listpack-entries or a member longer than
// zset-max-listpack-value arrives, and converts back only when a STORE command asks
// (convert_to_listpack_if_fits). Scores are never NaN. Knows nothing of RESP.
// Event-loop thread only.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

#include "cardinal/ds/skiplist.h"
#include "cardinal/util/function_ref.h"

namespace cardinal::engine {

// zset-max-listpack-entries / zset-max-listpack-value.
struct ZSetLimits {
  size_t max_listpack_entries = 128;
  size_t max_listpack_value = 64;
};

// ZADD's options. INCR adds `score` to the current score (0 when absent).
struct ZAddFlags {
  bool nx = false;  // only add new members
  bool xx = false;  // only update existing members
  bool gt = false;  // only update when the new score is greater
  bool lt = false;  // only update when the new score is less
  bool incr = false;
};

enum class ZAddResult : uint8_t {
  Added,       // a new member
  Updated,     // an existing member got a different score
  Unchanged,   // an existing member, same score (or INCR by 0)
  Skipped,     // NX/XX/GT/LT refused the change
  NotANumber,  // INCR produced NaN (e.g. +inf + -inf); nothing changed
};

struct ZAddOutcome {
  ZAddResult result;
  double score;  // the member's score after the call (meaningful unless Skipped/NotANumber)
};

class ZSetValue {
 public:
  enum class Encoding : uint8_t { ListPack, SkipList };
  static constexpr uint64_t kNoLimit = std::numeric_limits<uint64_t>::max();

  // Visitors get a member view valid only during the call and return false to stop.
  using EntryVisitor = util::FunctionRef<bool(std::string_view member, double score)>;

  // A set about to receive about `size_hint` members, the longest `value_len_hint` bytes: a
  // listpack when both are within `limits` (and max_listpack_entries > 0), else a skiplist.
  // ZADD on a missing key passes (1, first member's size), as Redis 7.0 decides from the first
  // member only.
  static std::unique_ptr<ZSetValue> create(size_t size_hint, size_t value_len_hint,
                                           const ZSetLimits& limits);
  ~ZSetValue();

  Encoding encoding() const;
  size_t size() const;

  std::optional<double> score(std::string_view member) const;
  // REQUIRES: `score` is not NaN. Converts to a skiplist first when the result would pass
  // `limits`. Throws std::length_error / std::bad_alloc with the set unchanged.
  ZAddOutcome add(double score, std::string_view member, ZAddFlags flags, const ZSetLimits& limits);
  bool remove(std::string_view member);

  struct Rank {
    uint64_t rank;  // 0-based, counted from the maximum when reverse
    double score;
  };
  std::optional<Rank> rank(std::string_view member, bool reverse) const;

  // The entry at 0-based ascending rank r (REQUIRES: r < size()); the view lives until the set
  // changes.
  std::pair<std::string_view, double> at_rank(uint64_t r) const;
  // A uniformly chosen entry (REQUIRES: size() > 0); same lifetime as at_rank.
  std::pair<std::string_view, double> random_entry(std::mt19937_64& rng) const;

  // Ascending order.
  void for_each(EntryVisitor fn) const;
  // Ranks start..end_inclusive in the chosen direction (reverse: rank 0 is the maximum).
  // REQUIRES: start <= end_inclusive < size() (the caller resolves negative indices).
  void visit_rank_range(uint64_t start, uint64_t end_inclusive, bool reverse,
                        EntryVisitor fn) const;
  // Entries in `range`, ascending or (reverse) descending, skipping `offset` of them and
  // visiting at most `limit` (kNoLimit: all), as ZRANGEBYSCORE ... LIMIT does.
  void visit_score_range(const ds::ScoreRange& range, bool reverse, uint64_t offset, uint64_t limit,
                         EntryVisitor fn) const;
  void visit_lex_range(const ds::LexRange& range, bool reverse, uint64_t offset, uint64_t limit,
                       EntryVisitor fn) const;
  uint64_t count_in_score_range(const ds::ScoreRange& range) const;
  uint64_t count_in_lex_range(const ds::LexRange& range) const;

  // ZREMRANGEBY*: return how many were removed. Rank bounds as visit_rank_range (ascending).
  uint64_t remove_rank_range(uint64_t start, uint64_t end_inclusive);
  uint64_t remove_score_range(const ds::ScoreRange& range);
  uint64_t remove_lex_range(const ds::LexRange& range);

  // ZPOPMIN/ZPOPMAX: removes up to `count` entries from the minimum (or maximum) end, calling
  // fn(member, score) for each in pop order before it is freed; returns how many were popped.
  // When fn returns false, the entry it was shown is still popped and popping stops there.
  uint64_t pop(bool from_max, uint64_t count, EntryVisitor fn);

  // One ZSCAN step. A listpack is reported whole and the cursor returns 0, as in Redis. A step
  // reports whole buckets, so fn's return value is ignored here.
  uint64_t scan(uint64_t cursor, EntryVisitor fn) const;

  // After a STORE command built its result: back to listpack when size and the longest member
  // fit `limits` (Redis 7.0's zsetConvertToListpackIfNeeded).
  void convert_to_listpack_if_fits(const ZSetLimits& limits);

  std::unique_ptr<ZSetValue> clone() const;
  // Heap bytes held beyond the ZSetValue object (requested sizes).
  size_t memory_bytes() const;
  // Throws std::logic_error when an invariant is broken (tests only; O(n log n)).
  void check_invariants() const;

 private:
  ZSetValue();
  ZSetValue(const ZSetValue&) = delete;
  ZSetValue& operator=(const ZSetValue&) = delete;

  // The skiplist encoding: the list owns the nodes; the index chains the same nodes through
  // their hash_next slot, keyed by the member bytes stored in the node.
  struct Sorted;
  using Node = ds::SkipList::Node;

  // One entry of the listpack, decoded: byte range, member view, score.
  struct Packed {
    size_t begin, end;
    std::string_view member;
    double score;
  };
  Packed decode(size_t pos) const;
  // Finds `member`; also reports its ascending index.
  std::optional<Packed> packed_find(std::string_view member, uint64_t* index) const;
  // Byte offset of the entry with ascending index i (i == size(): the end).
  size_t packed_offset(uint64_t i) const;
  void packed_insert(double score, std::string_view member);
  // Removes the bytes of `entries` entries; may_shrink lets the buffer give back capacity.
  void packed_erase(size_t begin, size_t end, uint64_t entries, bool may_shrink = true);
  // Visits ascending indices lo..hi in descending order, stopping when fn returns false.
  // Returns false when stopped.
  bool packed_visit_desc(uint64_t lo, uint64_t hi, EntryVisitor fn) const;
  // Index of the first entry satisfying `min`, provided it also satisfies `max`; size() if none.
  template <typename Min, typename Max>
  uint64_t packed_first(Min&& min, Max&& max) const;
  // Index of the last entry satisfying `max`, provided it also satisfies `min`; size() if none.
  template <typename Min, typename Max>
  uint64_t packed_last(Min&& min, Max&& max) const;
  // A skiplist range walk starts at `start`: the first node in range, or the last when reverse.
  template <typename Min, typename Max>
  void visit_range(Min&& min, Max&& max, const Node* start, bool reverse, uint64_t offset,
                   uint64_t limit, EntryVisitor fn) const;
  template <typename Min, typename Max>
  uint64_t remove_packed_range(Min&& min, Max&& max);

  void convert_to_skiplist();
  void remove_node(Node* n);

  // The listpack: entries of varint member length, member bytes, score code (see the .cc), in
  // zset order; sized exactly, like a Redis listpack. Empty once converted.
  std::vector<char> packed_;
  uint32_t packed_count_ = 0;
  std::unique_ptr<Sorted> sorted_;  // present exactly when the encoding is skiplist
};

}  // namespace cardinal::engine
