// Redis's glob dialect for KEYS, the SCAN family's MATCH and CONFIG GET: '*', '?', '[abc]',
// '[^a-z]' (reversed ranges swap), '\' escapes; an unclosed '[' runs to the end of the pattern.
// Binary safe; bytes compare as signed chars as Redis does. Pure; any thread.
#pragma once

#include <string_view>

namespace cardinal::util {

bool glob_match(std::string_view pattern, std::string_view text, bool nocase = false);

}  // namespace cardinal::util
