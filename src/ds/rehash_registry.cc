#include "cardinal/ds/rehash_registry.h"

#include "cardinal/util/clock.h"

namespace cardinal::ds {

RehashRegistry& RehashRegistry::instance() {
  thread_local RehashRegistry registry;
  return registry;
}

void RehashRegistry::add(Rehashable* t) {
  if (listed(t)) return;
  t->registry_slot_ = tables_.size();
  tables_.push_back(t);
}

void RehashRegistry::remove(Rehashable* t) {
  if (!listed(t)) return;
  size_t slot = t->registry_slot_;
  tables_[slot] = tables_.back();
  tables_[slot]->registry_slot_ = slot;
  tables_.pop_back();
  t->registry_slot_ = Rehashable::kNotListed;
}

size_t RehashRegistry::run_for_us(int64_t budget_us) {
  constexpr size_t kBatch = 100;  // chains per call: a few microseconds of work
  if (budget_us <= 0) return 0;   // no time at all (a snapshot child shares our pages)
  int64_t deadline = util::monotonic_us() + budget_us;
  size_t batches = 0;
  while (!tables_.empty()) {
    if (next_ >= tables_.size()) next_ = 0;
    Rehashable* t = tables_[next_];
    // A finished table removes itself and another takes its slot, so `next_` stays put.
    if (t->rehash(kBatch)) ++next_;
    ++batches;
    if (util::monotonic_us() >= deadline) break;
  }
  return batches;
}

}  // namespace cardinal::ds
