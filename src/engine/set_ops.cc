#include "cardinal/engine/set_ops.h"

#include <algorithm>
#include <vector>

#include "cardinal/util/numbers.h"

namespace cardinal::engine {

namespace {

// First index >= `from` in sorted `v` whose value is >= x: doubling steps, then binary search,
// so a walk over a much larger array skips ahead in O(log gap).
size_t gallop(const std::vector<int64_t>& v, size_t from, int64_t x) {
  size_t step = 1, lo = from, hi = from;
  while (hi < v.size() && v[hi] < x) {
    lo = hi + 1;
    hi += step;
    step *= 2;
  }
  hi = std::min(hi, v.size());
  return static_cast<size_t>(std::lower_bound(v.begin() + static_cast<std::ptrdiff_t>(lo),
                                              v.begin() + static_cast<std::ptrdiff_t>(hi), x) -
                             v.begin());
}

size_t intersect_two_intsets(const SetValue& small, const SetValue& large, const MemberSink& emit,
                             size_t limit) {
  const auto& a = small.integers();
  const auto& b = large.integers();
  size_t emitted = 0, j = 0;
  char buf[24];
  for (int64_t x : a) {
    j = gallop(b, j, x);
    if (j == b.size()) break;
    if (b[j] == x) {
      emit({buf, util::format_i64(x, buf)});
      if (++emitted == limit) break;
    }
  }
  return emitted;
}

}  // namespace

size_t set_intersect(std::span<const SetValue* const> sets, const MemberSink& emit, size_t limit) {
  if (sets.empty()) return 0;
  std::vector<const SetValue*> order(sets.begin(), sets.end());
  std::sort(order.begin(), order.end(),
            [](const SetValue* x, const SetValue* y) { return x->size() < y->size(); });
  if (order.front()->size() == 0) return 0;
  if (order.size() == 2 && order[0]->encoding() == SetValue::Encoding::IntSet &&
      order[1]->encoding() == SetValue::Encoding::IntSet) {
    return intersect_two_intsets(*order[0], *order[1], emit, limit);
  }
  // Members are probed a batch at a time, so the cache misses of one batch's lookups overlap.
  size_t emitted = 0;
  order.front()->for_each_batch([&](std::span<const std::string_view> batch) {
    bool alive[SetValue::kBatch];
    std::fill_n(alive, batch.size(), true);
    for (size_t i = 1; i < order.size(); ++i) order[i]->retain_members(batch, alive);
    for (size_t j = 0; j < batch.size(); ++j) {
      if (!alive[j]) continue;
      emit(batch[j]);
      if (++emitted == limit) return false;
    }
    return true;
  });
  return emitted;
}

void set_difference(std::span<const SetValue* const> sets, const MemberSink& emit) {
  if (sets.empty()) return;
  sets.front()->for_each([&](std::string_view member) {
    for (size_t i = 1; i < sets.size(); ++i)
      if (sets[i]->contains(member)) return;
    emit(member);
  });
}

std::unique_ptr<SetValue> set_union(std::span<const SetValue* const> sets,
                                    size_t max_intset_entries) {
  auto result = SetValue::empty_intset();
  for (const SetValue* s : sets)
    s->for_each([&](std::string_view member) { result->add(member, max_intset_entries); });
  return result;
}

}  // namespace cardinal::engine
