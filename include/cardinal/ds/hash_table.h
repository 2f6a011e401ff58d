// HashTable<T, KeyOf>: the incrementally resizing IntrusiveHashTable for values that are plain
// C++ objects (a key-owning struct, a pointer into another index): each element lives in a node
// {link, T}. Everything the intrusive table promises holds here: bounded work per operation
// during a resize, stable element addresses, Redis's SCAN guarantee, fair random elements.
// KeyOf::key(const T&) returns the element's key bytes. Single-threaded: one owner thread.
#pragma once

#include <optional>
#include <string_view>
#include <utility>

#include "cardinal/ds/intrusive_hash_table.h"

namespace cardinal::ds {

template <typename T, typename KeyOf>
class HashTable {
  struct Node {
    Node* next;
    T value;
  };
  struct Traits {
    using Node = HashTable::Node;
    static Node*& next(Node& n) { return n.next; }
    static std::string_view key(const Node& n) { return KeyOf::key(n.value); }
    static void destroy(Node* n) { delete n; }
  };
  using Table = IntrusiveHashTable<Traits>;

 public:
  static constexpr size_t kInitialBuckets = Table::kInitialBuckets;

  size_t size() const { return table_.size(); }
  bool empty() const { return table_.empty(); }
  bool rehashing() const { return table_.rehashing(); }
  size_t bucket_count() const { return table_.bucket_count(); }
  void swap(HashTable& other) noexcept { table_.swap(other.table_); }
  void reserve(size_t n) { table_.reserve(n); }

  T* peek(std::string_view key) const { return value_of(table_.peek(key)); }
  T* find(std::string_view key) { return value_of(table_.find(key)); }

  // Returns the element for `key`, creating it with make() (which must return a T whose key
  // equals `key`) when absent; .second tells whether it was created.
  template <typename Make>
  std::pair<T*, bool> find_or_insert(std::string_view key, Make&& make) {
    auto [n, created] = table_.find_or_insert(key, [&] { return new Node{nullptr, make()}; });
    return {&n->value, created};
  }

  // Removes `key`; returns the removed value, or nullopt when absent.
  std::optional<T> take(std::string_view key) {
    Node* n = table_.unlink(key);
    if (!n) return std::nullopt;
    std::optional<T> out(std::move(n->value));
    delete n;
    return out;
  }

  bool erase(std::string_view key) { return table_.erase(key); }
  void clear() { table_.clear(); }

  // Visits every element once; the table must not be modified by `fn`.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    table_.for_each([&](Node& n) { fn(n.value); });
  }

  // One SCAN call over fn(T&); returns the next cursor (0 when complete).
  template <typename Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn) {
    return table_.scan(cursor, [&](Node& n) { fn(n.value); });
  }

  template <typename Rng>
  T* random_element(Rng& rng) {
    return value_of(table_.random_element(rng));
  }

  bool rehash(size_t steps) { return table_.rehash(steps); }
  size_t rehash_for_us(int64_t budget_us) { return table_.rehash_for_us(budget_us); }
  void pause_rehash() { table_.pause_rehash(); }
  void resume_rehash() { table_.resume_rehash(); }

  // Bytes beyond the elements themselves: buckets and node links.
  size_t overhead_bytes() const { return table_.bucket_bytes() + size() * sizeof(Node*); }
  void check_invariants() const { table_.check_invariants(); }

 private:
  static T* value_of(Node* n) { return n ? &n->value : nullptr; }

  Table table_;
};

}  // namespace cardinal::ds
