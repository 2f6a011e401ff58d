// RehashRegistry: every HashTable in the middle of a resize is listed here, so the server's
// timer can finish resizes of tables nobody touches — keyspace tables and tables inside values
// (big sets, hashes) alike — under one time budget, instead of leaving two bucket arrays alive.
// Add and remove are O(1) (swap-remove with the slot kept in the table). One registry per
// thread: tables belong to the thread that uses them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cardinal::ds {

class RehashRegistry;

// What a registered table offers the registry.
class Rehashable {
 public:
  // Moves up to `steps` chains; false once the resize is complete (the table has then
  // removed itself from the registry).
  virtual bool rehash(size_t steps) = 0;

 protected:
  Rehashable() = default;
  Rehashable(const Rehashable&) = delete;
  Rehashable& operator=(const Rehashable&) = delete;
  ~Rehashable() = default;

 private:
  friend class RehashRegistry;
  static constexpr size_t kNotListed = ~size_t{0};
  size_t registry_slot_ = kNotListed;
};

class RehashRegistry {
 public:
  static RehashRegistry& instance();

  void add(Rehashable* t);
  void remove(Rehashable* t);
  bool listed(const Rehashable* t) const { return t->registry_slot_ != Rehashable::kNotListed; }
  size_t size() const { return tables_.size(); }

  // Rehashes listed tables in batches, round-robin, until none is left or `budget_us`
  // microseconds have passed; returns the number of batches run (none for a budget <= 0).
  size_t run_for_us(int64_t budget_us);

  // While a forked child shares this process's pages, a resize would copy a whole bucket array
  // for nothing: tables then grow only when their chains average kForcedGrowLoad entries, and
  // never shrink. The server sets it while a snapshot child runs.
  static constexpr size_t kForcedGrowLoad = 5;
  void set_resize_avoided(bool avoided) { resize_avoided_ = avoided; }
  bool resize_avoided() const { return resize_avoided_; }

 private:
  std::vector<Rehashable*> tables_;
  size_t next_ = 0;
  bool resize_avoided_ = false;
};

}  // namespace cardinal::ds
