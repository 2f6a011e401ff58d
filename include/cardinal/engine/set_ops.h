// Set algebra over SetValues: intersection iterates the smallest input and probes the others,
// stopping at the first miss (so 2-member ∩ 1M-member costs 2 lookups whatever the argument
// order); two intsets intersect by galloping over their sorted arrays. Intersection and
// difference emit members to a sink; union builds a set the way Redis 7.0 builds a STORE result
// (an intset first, converting like SADD). Callers pass only existing sets; a missing key is
// the caller's empty-set case.
// Event-loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "cardinal/engine/set_value.h"

namespace cardinal::engine {

using MemberSink = std::function<void(std::string_view)>;

// Calls `emit` for each member of the intersection, stopping after `limit` (0 = no limit).
// Returns how many were emitted.
size_t set_intersect(std::span<const SetValue* const> sets, const MemberSink& emit,
                     size_t limit = 0);

// Members of sets[0] that are in none of the others.
void set_difference(std::span<const SetValue* const> sets, const MemberSink& emit);

// The union, deduplicated, as a set built under set-max-intset-entries.
std::unique_ptr<SetValue> set_union(std::span<const SetValue* const> sets,
                                    size_t max_intset_entries);

}  // namespace cardinal::engine
