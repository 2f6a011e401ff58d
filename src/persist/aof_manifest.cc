#include "cardinal/persist/aof_manifest.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <iterator>

#include "cardinal/util/split_args.h"

namespace cardinal::persist {

namespace {

// Redis reads the manifest with fgets into a 1024+1 byte buffer: a longer line arrives in
// pieces, each counted and judged as a line of its own.
constexpr size_t kMaxLine = 1024;

constexpr std::string_view kEmpty = "Found an empty AOF manifest";
constexpr std::string_view kTooLong = "The AOF manifest file contains too long line";
constexpr std::string_view kInvalid = "Invalid AOF manifest file format";
constexpr std::string_view kPath = "File can't be a path, just a filename";
constexpr std::string_view kDupBase = "Found duplicate base file information";
constexpr std::string_view kNonMonotonic = "Found a non-monotonic sequence number";
constexpr std::string_view kUnknownType = "Unknown AOF file type";

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// atoll as glibc implements it: leading white space, an optional sign, the longest run of
// digits, saturating on overflow; 0 when there are no digits.
int64_t atoll_like(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  uint64_t magnitude = 0;
  const uint64_t limit = negative ? uint64_t{1} << 63 : uint64_t{INT64_MAX};
  bool saturated = false;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    uint64_t digit = static_cast<uint64_t>(s[i] - '0');
    if (saturated || magnitude > (limit - digit) / 10) {
      saturated = true;
      continue;
    }
    magnitude = magnitude * 10 + digit;
  }
  if (saturated) return negative ? INT64_MIN : INT64_MAX;
  if (negative)
    return magnitude == (uint64_t{1} << 63) ? INT64_MIN : -static_cast<int64_t>(magnitude);
  return static_cast<int64_t>(magnitude);
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kTrim = " \t\r\n";
  size_t b = s.find_first_not_of(kTrim);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kTrim) - b + 1);
}

bool needs_quoting(std::string_view name) {
  if (name.empty()) return true;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"' || c == '\'' || !std::isprint(u) || std::isspace(u)) return true;
  }
  return false;
}

void append_line(std::string& out, const AofFileInfo& f) {
  out += "file ";
  if (needs_quoting(f.name)) {
    util::append_quoted(out, f.name);
  } else {
    out += f.name;
  }
  out += " seq ";
  out += std::to_string(f.seq);
  out += " type ";
  out.push_back(static_cast<char>(f.type));
  out.push_back('\n');
}

std::string numbered(std::string_view appendfilename, int64_t seq, std::string_view suffix) {
  std::string s(appendfilename);
  s += '.';
  s += std::to_string(seq);
  s += suffix;
  return s;
}

}  // namespace

AofManifest parse_aof_manifest(std::string_view text) {
  if (text.empty()) throw AofError(std::string(kEmpty), 0, "");
  AofManifest m;
  int64_t max_incr_seq = 0;
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t window = std::min(kMaxLine, text.size() - pos);
    size_t nl = text.substr(pos, window).find('\n');
    std::string_view piece = text.substr(pos, nl == std::string_view::npos ? window : nl + 1);
    pos += piece.size();
    ++line_no;
    if (piece[0] == '#') continue;
    // Redis sees the piece as a C string: bytes after a NUL are lost, the '\n' with them.
    std::string_view c_string = piece.substr(0, piece.find('\0'));
    std::string shown(trim(c_string));
    auto fail = [&](std::string_view why) -> AofError {
      return AofError(std::string(why), line_no, shown);
    };
    if (c_string.find('\n') == std::string_view::npos) throw fail(kTooLong);
    std::string_view line = trim(c_string);
    if (line.empty()) throw fail(kInvalid);
    std::optional<std::vector<std::string>> args = util::split_args(line);
    if (!args || args->size() < 6 || args->size() % 2 != 0) throw fail(kInvalid);

    std::optional<std::string> name;
    int64_t seq = 0;
    char type = '\0';
    for (size_t i = 0; i < args->size(); i += 2) {
      const std::string& key = (*args)[i];
      std::string& value = (*args)[i + 1];
      if (iequals(key, "file")) {
        if (value.find_first_of("/\\") != std::string::npos) throw fail(kPath);
        name = std::move(value);
      } else if (iequals(key, "seq")) {
        seq = atoll_like(value);
      } else if (iequals(key, "type")) {
        type = value.empty() ? '\0' : value[0];
      }
    }
    if (!name || seq == 0 || type == '\0') throw fail(kInvalid);

    AofFileInfo info{std::move(*name), seq, static_cast<AofFileType>(type)};
    switch (info.type) {
      case AofFileType::kBase:
        if (m.base) throw fail(kDupBase);
        m.current_base_seq = info.seq;
        m.base = std::move(info);
        break;
      case AofFileType::kHistory:
        m.history.push_back(std::move(info));
        break;
      case AofFileType::kIncr:
        if (info.seq <= max_incr_seq) throw fail(kNonMonotonic);
        max_incr_seq = m.current_incr_seq = info.seq;
        m.incrs.push_back(std::move(info));
        break;
      default:
        throw fail(kUnknownType);
    }
  }
  return m;
}

std::string format_aof_manifest(const AofManifest& manifest) {
  std::string out;
  if (manifest.base) append_line(out, *manifest.base);
  for (const AofFileInfo& f : manifest.history) append_line(out, f);
  for (const AofFileInfo& f : manifest.incrs) append_line(out, f);
  return out;
}

std::string aof_base_name(std::string_view appendfilename, int64_t seq, bool rdb_preamble) {
  return numbered(appendfilename, seq, rdb_preamble ? ".base.rdb" : ".base.aof");
}

std::string aof_incr_name(std::string_view appendfilename, int64_t seq) {
  return numbered(appendfilename, seq, ".incr.aof");
}

std::string aof_manifest_name(std::string_view appendfilename) {
  return std::string(appendfilename) + ".manifest";
}

std::string aof_temp_manifest_name(std::string_view appendfilename) {
  return "temp-" + aof_manifest_name(appendfilename);
}

std::string aof_temp_incr_name(std::string_view appendfilename) {
  return "temp-" + std::string(appendfilename) + ".incr";
}

std::string aof_temp_rewrite_name(int64_t child_pid) {
  return "temp-rewriteaof-bg-" + std::to_string(child_pid) + ".aof";
}

std::string aof_child_temp_rewrite_name(int64_t child_pid) {
  return "temp-rewriteaof-" + std::to_string(child_pid) + ".aof";
}

AofFileInfo& add_new_incr(AofManifest& manifest, std::string_view appendfilename) {
  int64_t seq = ++manifest.current_incr_seq;
  return manifest.incrs.emplace_back(
      AofFileInfo{aof_incr_name(appendfilename, seq), seq, AofFileType::kIncr});
}

std::string new_base_marking_old_as_history(AofManifest& manifest, std::string_view appendfilename,
                                            bool rdb_preamble) {
  if (manifest.base) {
    manifest.base->type = AofFileType::kHistory;
    manifest.history.insert(manifest.history.begin(), std::move(*manifest.base));
  }
  int64_t seq = ++manifest.current_base_seq;
  manifest.base =
      AofFileInfo{aof_base_name(appendfilename, seq, rdb_preamble), seq, AofFileType::kBase};
  return manifest.base->name;
}

void mark_rewritten_incrs_as_history(AofManifest& manifest, bool aof_enabled) {
  std::vector<AofFileInfo>& incrs = manifest.incrs;
  size_t covered = aof_enabled && !incrs.empty() ? incrs.size() - 1 : incrs.size();
  for (size_t i = 0; i < covered; ++i) incrs[i].type = AofFileType::kHistory;
  manifest.history.insert(manifest.history.begin(), std::make_move_iterator(incrs.begin()),
                          std::make_move_iterator(incrs.begin() + static_cast<ptrdiff_t>(covered)));
  incrs.erase(incrs.begin(), incrs.begin() + static_cast<ptrdiff_t>(covered));
}

std::vector<std::string> take_history(AofManifest& manifest) {
  std::vector<std::string> names;
  names.reserve(manifest.history.size());
  for (AofFileInfo& f : manifest.history) names.push_back(std::move(f.name));
  manifest.history.clear();
  return names;
}

std::vector<std::string> files_to_load(const AofManifest& manifest) {
  std::vector<std::string> names;
  if (manifest.base) names.push_back(manifest.base->name);
  for (const AofFileInfo& f : manifest.incrs) names.push_back(f.name);
  return names;
}

}  // namespace cardinal::persist
