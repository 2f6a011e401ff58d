// QuickList: the payload of a Redis list. A doubly linked chain of nodes, each one heap block
// (a 32-byte header followed by packed entries with free room allowed at both ends), so pushes
// and pops at either end touch one node and never shift a whole node.
//
// Invariants: no node is empty; a node holds at most the fill limit (entries or bytes) unless it
// holds a single entry; no two neighbouring nodes would fit together within the limit (every
// operation that shrinks a node merges it with a neighbour when they fit, so nodes stay more
// than half full on average); values come back byte-exact whatever they look like.
// Errors: an operation either completes or throws (std::length_error for a value over
// kMaxValueBytes, std::bad_alloc) before changing anything; merging and returning free room
// are skipped when they cannot allocate. Single-threaded: one owner thread (the event loop).
// Node buffers come from ::operator new, so the server's counting allocator sees them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace cardinal::ds {

class QuickList {
 public:
  // Redis's list-max-listpack-size default: 8 KiB nodes.
  static constexpr int kDefaultFill = -2;
  // Node offsets are 32-bit; pushing or setting a longer value throws std::length_error.
  static constexpr size_t kMaxValueBytes = (size_t{1} << 32) - (size_t{1} << 20);

  // fill as list-max-listpack-size: N > 0 allows N entries per node (and at most 8 KiB, so no
  // node grows unbounded); -1..-5 allow 4, 8, 16, 32 or 64 KiB of packed entries per node.
  // Values outside 1..32768 and -5..-1 are clamped (0 acts as 1).
  explicit QuickList(int fill = kDefaultFill);
  QuickList(const QuickList&) = delete;
  QuickList& operator=(const QuickList&) = delete;
  QuickList(QuickList&& other) noexcept;
  QuickList& operator=(QuickList&& other) noexcept;
  ~QuickList();

  // Applies to nodes filled, split or merged from now on; existing nodes are left as they are.
  void set_fill(int fill);
  int fill() const { return fill_; }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t node_count() const { return nodes_; }
  // Heap bytes held by the nodes (headers plus buffers, free room included), not counting
  // sizeof(QuickList) itself.
  size_t memory_bytes() const { return bytes_; }

  void push_front(std::string_view value);
  void push_back(std::string_view value);
  // False when the list is empty.
  bool pop_front(std::string& out);
  bool pop_back(std::string& out);

  // LINDEX / LSET: a negative index counts from the tail (-1 is the last); false when out of
  // range.
  bool get(int64_t index, std::string& out) const;
  bool set(int64_t index, std::string_view value);

  // LINSERT: puts `value` before or after the first occurrence of `pivot` from the head;
  // false (and nothing changes) when `pivot` is absent.
  bool insert(std::string_view pivot, std::string_view value, bool before);

  // LREM: removes up to |count| occurrences of `value`, the first ones from the head when
  // count > 0, the last ones when count < 0, all of them when count == 0. Returns how many.
  size_t remove(int64_t count, std::string_view value);

  // LTRIM on normalised indexes: keeps [start, stop]; stop past the end means the end, and an
  // empty range (start > stop or start >= size()) empties the list.
  void trim(size_t start, size_t stop);
  void clear();
  QuickList clone() const;

  // Visitors take a std::string_view valid only during the call, and may return void or bool
  // (false stops the walk). The list must not be modified while a walk is in progress.
  //
  // LRANGE: indexes start..stop head to tail; stop is clamped to the last index, and nothing
  // is visited when start > stop or start >= size(). The walk starts from the nearer end.
  template <typename Fn>
  void for_range(size_t start, size_t stop, Fn&& fn) const {
    visit(start, stop, false, &call<std::remove_reference_t<Fn>>, context(fn));
  }
  // The same indexes as for_range, visited tail to head (stop first).
  template <typename Fn>
  void for_range_reverse(size_t start, size_t stop, Fn&& fn) const {
    visit(start, stop, true, &call<std::remove_reference_t<Fn>>, context(fn));
  }
  template <typename Fn>
  void for_each(Fn&& fn) const {
    if (size_ > 0) for_range(0, size_ - 1, std::forward<Fn>(fn));
  }
  template <typename Fn>
  void for_each_reverse(Fn&& fn) const {
    if (size_ > 0) for_range_reverse(0, size_ - 1, std::forward<Fn>(fn));
  }

  // Throws std::logic_error when a structural invariant is broken (tests only: O(n)).
  void check_invariants() const;

 private:
  struct Node;
  struct Limits {
    uint32_t entries;
    uint32_t bytes;
  };
  using Visitor = bool (*)(void* ctx, std::string_view value);

  // The visitor's address for the type-erased walk; call<Fn> restores its constness.
  template <typename Fn>
  static void* context(Fn& fn) {
    return const_cast<void*>(static_cast<const void*>(&fn));
  }
  template <typename Fn>
  static bool call(void* ctx, std::string_view value) {
    Fn& fn = *static_cast<Fn*>(ctx);
    if constexpr (std::is_void_v<std::invoke_result_t<Fn&, std::string_view>>) {
      fn(value);
      return true;
    } else {
      return static_cast<bool>(fn(value));
    }
  }

  static Limits limits_for(int fill);
  void visit(size_t start, size_t stop, bool reverse, Visitor visitor, void* ctx) const;
  void reset_limit_history();

  bool fits(const Node* n, size_t extra_entries, size_t extra_bytes) const;
  bool fits_pair(const Node* a, const Node* b) const;
  size_t growth_slack(const Node* n, size_t need) const;

  Node* new_node(size_t cap);
  void free_node(Node* n);
  void link_after(Node* pos, Node* n);  // pos == nullptr links at the head
  void unlink(Node* n);
  Node* reallocate(Node* n, uint32_t off, uint32_t old_len, uint32_t new_len, uint32_t gap_front,
                   uint32_t gap_back);
  std::pair<Node*, uint32_t> splice(Node* n, uint32_t off, uint32_t old_len, uint32_t new_len,
                                    uint32_t gap_front, uint32_t gap_back);
  Node* tighten(Node* n);
  void after_pop(Node* n, bool front);
  Node* merge(Node* a, Node* b);
  Node* split_at(Node* n, uint32_t off);
  void compact(Node* first, Node* last);
  void insert_at(Node* n, uint32_t off, std::string_view value);
  std::pair<Node*, Node*> neighbours_of_lone_node(Node* n, uint32_t off, uint32_t len, Node* lone);
  void link_lone_node(Node* left, Node* right, Node* lone);
  void erase_range(size_t first, size_t count);
  std::pair<Node*, uint32_t> locate(size_t index) const;

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  size_t size_ = 0;
  size_t nodes_ = 0;
  size_t bytes_ = 0;
  int fill_ = kDefaultFill;
  Limits limits_{};
  // The loosest and tightest limits in force since the list was last empty: every node fits
  // the loosest, and no two neighbours fit together within the tightest (check_invariants).
  Limits loosest_{};
  Limits tightest_{};
};

}  // namespace cardinal::ds
