// Splits one line into arguments with Redis's quoting rules, shared by inline commands and
// config files: "double quotes" with \n \r \t \b \a \xHH escapes, 'single quotes' with only \',
// a closing quote must be followed by a space or the end, and a NUL byte ends the line.
// Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cardinal::util {

// Returns nullopt for unbalanced quotes. An empty or all-space line gives an empty vector.
std::optional<std::vector<std::string>> split_args(std::string_view line);

// Quotes `s` the way Redis's MONITOR and CLIENT LIST show arbitrary bytes: "..." with \" \\ \n
// \r \t \a \b escaped and other non-printable bytes as \xHH.
void append_quoted(std::string& out, std::string_view s);

}  // namespace cardinal::util
