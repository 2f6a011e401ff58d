// Decoders for the compact blobs Redis embeds in RDB values: ziplist (Redis < 7), listpack
// (Redis 7), intset and the ancient zipmap. Every read is bounds-checked against the blob and a
// malformed blob throws RdbError; integers are handed out as their decimal text, which is what
// the values hold. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "cardinal/util/function_ref.h"

namespace cardinal::persist {

using EntryFn = util::FunctionRef<void(std::string_view)>;

// Visits each entry in order; returns the number of entries.
size_t ziplist_each(std::string_view blob, EntryFn fn);
size_t listpack_each(std::string_view blob, EntryFn fn);
size_t intset_each(std::string_view blob, EntryFn fn);
// Visits each (field, value) pair.
size_t zipmap_each(std::string_view blob,
                   util::FunctionRef<void(std::string_view, std::string_view)> fn);

}  // namespace cardinal::persist
