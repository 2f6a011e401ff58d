// List pieces shared by the list commands and their blocking variants (not a public header):
// typed lookups, list creation with the configured fill, LMPOP argument parsing and the pop /
// move bodies that write the reply. A list stored under a key is never empty: whoever empties
// one deletes the key. Event-loop thread only.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "cardinal/cmd/context.h"
#include "cardinal/ds/quick_list.h"

namespace cardinal::cmd {

enum class ListEnd { Left, Right };

// LEFT or RIGHT in any case; false for anything else (the caller replies the syntax error).
bool parse_list_end(std::string_view arg, ListEnd& out);

// The list under `key`, or nullptr when the key is missing. A key of another type replies
// WRONGTYPE and sets ctx.failed. read_list counts a keyspace hit or miss; write_list does not.
ds::QuickList* read_list(CommandContext& ctx, std::string_view key);
ds::QuickList* write_list(CommandContext& ctx, std::string_view key);

// Stores a new empty list under `key` (REQUIRES: the key is absent), with list-max-listpack-size
// as its fill. The caller must push before the command ends.
ds::QuickList& create_list(CommandContext& ctx, std::string_view key);

// After elements left `list` (stored under `key`): reports `event` ("lpop", "ltrim", ...),
// deletes the key when the list is empty (reporting "del") and signals the change. `key` must
// not view the entry's own key bytes.
void list_elements_removed(CommandContext& ctx, std::string_view key, ds::QuickList& list,
                           std::string_view event);
// The keyspace event of a pop from `end`.
std::string_view pop_event(ListEnd end);
std::string_view push_event(ListEnd end);

// LMPOP/BLMPOP arguments after the command name: numkeys (at index numkeys_at: 1 for LMPOP,
// 2 for BLMPOP), the keys, LEFT|RIGHT, then an optional COUNT. On bad input replies Redis's
// error and returns false.
struct MpopArgs {
  std::span<const std::string_view> keys;
  ListEnd end = ListEnd::Left;
  int64_t count = 1;
};
bool parse_mpop_args(CommandContext& ctx, size_t numkeys_at, MpopArgs& out);

// Pops up to `count` elements from `end` of `list` (REQUIRES: non-empty, stored under `key`)
// and replies [key, [elements]]; deletes the key when emptied.
void mpop_and_reply(CommandContext& ctx, std::string_view key, ds::QuickList& list, ListEnd end,
                    int64_t count);

// LMOVE's body (REQUIRES: src non-empty, stored under src_key). Checks the destination's type
// first: a non-list replies WRONGTYPE and returns false with nothing popped. Otherwise moves
// one element from the `from` end of src to the `to` end of dst (creating dst), replies it as a
// bulk and deletes src when emptied. src_key == dst_key rotates the list.
bool move_and_reply(CommandContext& ctx, std::string_view src_key, ds::QuickList& src,
                    std::string_view dst_key, ListEnd from, ListEnd to);

}  // namespace cardinal::cmd
