// SkipList: the ordered half of a sorted set. Elements are (score, member) pairs ordered by score
// ascending, ties broken by member bytes (memcmp order, a prefix before its extensions), which is
// Redis's zset order. Every forward link carries a span, the number of level-0 steps it skips, so
// both rank(node) and at_rank(r) are O(log n); a span of a null link is the distance to the end.
//
// Invariants: members are unique (the caller's member index guarantees it; the list never tests
// for equality) and scores are never NaN. Each node is one ::operator new allocation holding its
// links and its member bytes, and keeps its address until erased, also across update_score.
// Spans are uint32_t, so a list holds at most kMaxSize elements. Single-threaded: one owner
// thread; the default seed comes from a thread_local generator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

namespace cardinal::ds {

// Bounds of ZRANGEBYSCORE and friends. A NaN bound matches nothing.
struct ScoreRange {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  bool max_exclusive = false;

  bool satisfies_min(double s) const { return min_exclusive ? s > min : s >= min; }
  bool satisfies_max(double s) const { return max_exclusive ? s < max : s <= max; }
  // True when no score can satisfy both bounds.
  bool empty() const { return min > max || (min == max && (min_exclusive || max_exclusive)); }
};

// One bound of ZRANGEBYLEX: "-", "+", "[value" or "(value". Either infinity may stand on either
// side ("+" as a minimum matches nothing), which is why a bound is a kind rather than two flags.
struct LexBound {
  enum class Kind : uint8_t { kNegInf, kInclusive, kExclusive, kPosInf };
  Kind kind = Kind::kNegInf;
  std::string_view value;  // not owned; ignored for the infinities

  // Parses Redis's syntax; nullopt for anything else (the caller replies with the error).
  static std::optional<LexBound> parse(std::string_view arg);
};

struct LexRange {
  LexBound min{LexBound::Kind::kNegInf, {}};
  LexBound max{LexBound::Kind::kPosInf, {}};

  bool satisfies_min(std::string_view member) const;
  bool satisfies_max(std::string_view member) const;
  // A quick rejection: true means no member can match. False does not promise a match (there is
  // no string strictly between "a" and "a\0", for instance); the lookups check every bound.
  bool empty() const;
};

class SkipList {
 public:
  static constexpr int kMaxLevel = 32;
  static constexpr uint64_t kMaxSize = std::numeric_limits<uint32_t>::max();

  // Layout of one allocation: this header (32 bytes), then forward[level] (Node*), then the spans
  // of levels 1..level-1 (uint32_t; a level-0 span is 1, or 0 for the last node, so it is not
  // stored), then the member bytes. Three nodes in four have level 1 and store no span at all.
  class Node {
   public:
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    // Reserved for an intrusive member index chaining nodes in its buckets; the list only
    // initialises it to nullptr and never reads or writes it afterwards.
    Node* hash_next = nullptr;

    double score() const { return score_; }
    std::string_view member() const { return {member_bytes(), member_size()}; }
    Node* next() const { return forward()[0]; }
    Node* prev() const { return backward_; }  // nullptr for the first node
    int level() const { return static_cast<int>(len_level_ & kLevelMask); }

   private:
    friend class SkipList;
    static constexpr uint64_t kLevelMask = 0xff;

    Node(double score, int level, size_t member_size)
        : score_(score),
          len_level_((static_cast<uint64_t>(member_size) << 8) | static_cast<uint64_t>(level)) {}

    size_t member_size() const { return static_cast<size_t>(len_level_ >> 8); }
    Node** forward() {
      return reinterpret_cast<Node**>(reinterpret_cast<char*>(this) + sizeof(Node));
    }
    Node* const* forward() const { return const_cast<Node*>(this)->forward(); }
    // upper_spans()[i - 1] is the span of level i, for 1 <= i < level().
    uint32_t* upper_spans() { return reinterpret_cast<uint32_t*>(forward() + level()); }
    const uint32_t* upper_spans() const { return const_cast<Node*>(this)->upper_spans(); }
    char* member_bytes() { return reinterpret_cast<char*>(upper_spans() + (level() - 1)); }
    const char* member_bytes() const { return const_cast<Node*>(this)->member_bytes(); }

    double score_;
    Node* backward_ = nullptr;
    uint64_t len_level_;  // member size << 8 | level
  };

  static_assert(sizeof(Node) == 32, "the trailing arrays start right after the header");
  // Member sizes are bounded by the 56 bits left next to the level.
  static constexpr uint64_t kMaxMemberSize = (uint64_t{1} << 56) - 1;

  SkipList();                        // seeded from the thread's generator
  explicit SkipList(uint64_t seed);  // deterministic levels, for tests and reproducible runs
  SkipList(const SkipList&) = delete;
  SkipList& operator=(const SkipList&) = delete;
  SkipList(SkipList&& other) noexcept;
  SkipList& operator=(SkipList&& other) noexcept;
  ~SkipList() { clear(); }

  uint64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int level() const { return level_; }  // the tallest node's level; 1 when empty
  Node* first() const { return head()->forward()[0]; }
  Node* last() const { return tail_; }

  // Bytes requested from ::operator new for all nodes (not counting this object).
  size_t memory_bytes() const { return bytes_; }
  static size_t node_allocation_size(int level, size_t member_size) {
    return sizeof(Node) + static_cast<size_t>(level) * sizeof(Node*) +
           static_cast<size_t>(level - 1) * sizeof(uint32_t) + member_size;
  }

  // REQUIRES: `member` is not in the list and `score` is not NaN. Throws std::length_error when
  // the list holds kMaxSize elements or the member is longer than kMaxMemberSize, and
  // std::bad_alloc; the list is unchanged when it throws.
  Node* insert(double score, std::string_view member);
  // REQUIRES: `n` is a node of this list. Frees it.
  void erase(Node* n);
  // Gives `n` a new score and returns it (same address, hash_next untouched). The node stays in
  // place when its neighbours still bracket it, otherwise it is unlinked and relinked.
  Node* update_score(Node* n, double new_score);
  void clear();

  // 0-based position of `n` (a node of this list): one O(log n) descent comparing keys.
  uint64_t rank(const Node* n) const;
  // The node at 0-based position r, or nullptr when r >= size().
  Node* at_rank(uint64_t r) const;

  // First / last node whose score lies in `range`, or nullptr.
  Node* first_in_range(const ScoreRange& range) const;
  Node* last_in_range(const ScoreRange& range) const;
  // First / last node whose member lies in `range`. Meaningful when all scores are equal, as for
  // ZRANGEBYLEX; otherwise the answer is unspecified (but a node of the list, or nullptr).
  Node* first_in_lex_range(const LexRange& range) const;
  Node* last_in_lex_range(const LexRange& range) const;

  // The range deletions unlink each matching node, call fn(Node*) (member and score still
  // readable), then free it, and return how many were removed. `fn` must not touch the list or
  // throw. Ranks are 0-based and inclusive; the caller resolves negative indices.
  template <typename Fn>
  uint64_t delete_range_by_score(const ScoreRange& range, Fn&& fn) {
    return delete_score_range(range, visitor(fn));
  }
  template <typename Fn>
  uint64_t delete_range_by_lex(const LexRange& range, Fn&& fn) {
    return delete_lex_range(range, visitor(fn));
  }
  template <typename Fn>
  uint64_t delete_range_by_rank(uint64_t start, uint64_t end_inclusive, Fn&& fn) {
    return delete_rank_range(start, end_inclusive, visitor(fn));
  }

  // Throws std::logic_error when a structural invariant is broken: order, spans (including those
  // of null links), backward links, tail, size, level, byte count. O(n * level); for tests.
  void check_invariants() const;

 private:
  // The callback of a range deletion without making the deletion loop a template.
  struct Visitor {
    void* ctx;
    void (*call)(void* ctx, Node* n);
    void operator()(Node* n) const { call(ctx, n); }
  };
  template <typename Fn>
  static Visitor visitor(Fn& fn) {
    using F = std::remove_reference_t<Fn>;
    return {const_cast<void*>(static_cast<const void*>(&fn)),
            [](void* ctx, Node* n) { (*static_cast<F*>(ctx))(n); }};
  }

  // The head is a level-kMaxLevel node with no member, stored inline so that an empty list needs
  // no allocation. Nodes never point at it (the first node's backward link is nullptr), so a move
  // only copies its links.
  static constexpr size_t kHeadBytes =
      sizeof(Node) + kMaxLevel * sizeof(Node*) + (kMaxLevel - 1) * sizeof(uint32_t);

  Node* head() const;
  // Span of x's level-i link; level 0 is derived from the link, as nodes do not store it.
  static uint32_t span(const Node* x, int i);
  static void set_span(Node* x, int i, uint32_t s);
  void reset_head();
  void take_from(SkipList& other);
  int random_level();
  Node* allocate(double score, std::string_view member, int level);
  void release(Node* n);

  // Walks down from the head, moving right while before(next, next's 1-based position) holds,
  // and returns the last node reached (the head if none). When given, update[i] gets the last
  // node visited on level i and pos[i] its position. `before` must hold for a prefix of the list.
  // kPositions false: before() gets 0 for every position and `pos` is ignored.
  template <bool kPositions, typename Before>
  Node* descend(Before&& before, Node** update, uint32_t* pos) const;
  void find_predecessors(double score, std::string_view member, Node** update, uint32_t* pos) const;
  void link(Node* n, Node** update, uint32_t* pos);
  void unlink(Node* n, Node** update);
  // Removes up to `limit` nodes following update[0] while in_range(node) holds.
  template <typename Pred>
  uint64_t delete_run(Node** update, uint64_t limit, Pred&& in_range, Visitor fn);

  uint64_t delete_score_range(const ScoreRange& range, Visitor fn);
  uint64_t delete_lex_range(const LexRange& range, Visitor fn);
  uint64_t delete_rank_range(uint64_t start, uint64_t end_inclusive, Visitor fn);

  Node* tail_ = nullptr;
  uint64_t size_ = 0;
  size_t bytes_ = 0;
  uint64_t rng_state_;
  int level_ = 1;
  alignas(Node) unsigned char head_storage_[kHeadBytes];
};

}  // namespace cardinal::ds
