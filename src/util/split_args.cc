#include "cardinal/util/split_args.h"

#include <cctype>

namespace cardinal::util {

namespace {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char unescape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'a':
      return '\a';
    default:
      return c;
  }
}

// The line behaves as a C string: whatever follows a NUL is never seen.
char at(std::string_view s, size_t i) {
  return i < s.size() ? s[i] : '\0';
}

}  // namespace

std::optional<std::vector<std::string>> split_args(std::string_view line) {
  std::vector<std::string> args;
  size_t i = 0;
  while (true) {
    while (at(line, i) != '\0' && is_space(at(line, i))) ++i;
    if (at(line, i) == '\0') return args;
    std::string current;
    bool in_double = false, in_single = false, done = false;
    while (!done) {
      char c = at(line, i);
      if (in_double) {
        if (c == '\0') return std::nullopt;
        if (c == '\\' && at(line, i + 1) == 'x' && hex_value(at(line, i + 2)) >= 0 &&
            hex_value(at(line, i + 3)) >= 0) {
          current.push_back(
              static_cast<char>(hex_value(at(line, i + 2)) * 16 + hex_value(at(line, i + 3))));
          i += 3;
        } else if (c == '\\' && at(line, i + 1) != '\0') {
          current.push_back(unescape(at(line, ++i)));
        } else if (c == '"') {
          if (at(line, i + 1) != '\0' && !is_space(at(line, i + 1))) return std::nullopt;
          done = true;
        } else {
          current.push_back(c);
        }
      } else if (in_single) {
        if (c == '\0') return std::nullopt;
        if (c == '\\' && at(line, i + 1) == '\'') {
          current.push_back('\'');
          ++i;
        } else if (c == '\'') {
          if (at(line, i + 1) != '\0' && !is_space(at(line, i + 1))) return std::nullopt;
          done = true;
        } else {
          current.push_back(c);
        }
      } else {
        switch (c) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0':
            done = true;
            break;
          case '"':
            in_double = true;
            break;
          case '\'':
            in_single = true;
            break;
          default:
            current.push_back(c);
        }
      }
      if (c != '\0') ++i;
    }
    args.push_back(std::move(current));
  }
}

void append_quoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        if (std::isprint(static_cast<unsigned char>(c))) {
          out.push_back(c);
        } else {
          auto u = static_cast<unsigned char>(c);
          out += "\\x";
          out.push_back(kHex[u >> 4]);
          out.push_back(kHex[u & 15]);
        }
    }
  }
  out.push_back('"');
}

}  // namespace cardinal::util
