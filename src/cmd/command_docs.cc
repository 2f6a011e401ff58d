#include "command_docs.h"

#include <cctype>

namespace cardinal::cmd {

namespace {

std::vector<std::string> tokenize(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(std::move(cur));
    cur.clear();
  };
  for (char c : s) {
    if (c == ' ') {
      flush();
    } else if (c == '[' || c == ']' || c == '<' || c == '>' || c == '|') {
      flush();
      out.emplace_back(1, c);
    } else {
      cur.push_back(c);
    }
  }
  flush();
  return out;
}

bool is_keyword(std::string_view w) {
  bool has_upper = false;
  for (char c : w) {
    if (std::islower(static_cast<unsigned char>(c))) return false;
    if (std::isupper(static_cast<unsigned char>(c))) has_upper = true;
  }
  return has_upper;
}

std::string type_for(std::string_view name) {
  if (name == "key" || name.ends_with("key") || name == "source" || name == "destination")
    return "key";
  if (name == "pattern") return "pattern";
  if (name.starts_with("unix-time")) return "unix-time";
  for (std::string_view n : {"seconds", "milliseconds", "count", "offset", "start", "end", "index",
                             "index1", "index2", "db", "destination-db", "numkeys", "increment",
                             "decrement", "cursor", "min-match-len", "protover", "client-id"}) {
    if (name == n) return "integer";
  }
  return "string";
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class Parser {
 public:
  explicit Parser(std::vector<std::string> tokens) : t_(std::move(tokens)) {}

  // alternatives := sequence ('|' sequence)*
  std::vector<std::vector<DocArg>> alternatives() {
    std::vector<std::vector<DocArg>> alts{sequence()};
    while (pos_ < t_.size() && t_[pos_] == "|") {
      ++pos_;
      alts.push_back(sequence());
    }
    return alts;
  }

 private:
  std::vector<DocArg> sequence() {
    std::vector<DocArg> seq;
    while (pos_ < t_.size() && t_[pos_] != "]" && t_[pos_] != ">" && t_[pos_] != "|") {
      const std::string& w = t_[pos_];
      if (w == "<") {  // "<MIN | MAX>": a required choice
        ++pos_;
        auto alts = alternatives();
        if (pos_ < t_.size() && t_[pos_] == ">") ++pos_;
        seq.push_back(combine(std::move(alts)));
      } else if (w == "[") {
        ++pos_;
        auto alts = alternatives();
        if (pos_ < t_.size() && t_[pos_] == "]") ++pos_;
        // "x [x ...]" marks the preceding argument as repeatable.
        if (alts.size() == 1 && !seq.empty() && !alts[0].empty() && alts[0].back().name == "...") {
          seq.back().multiple = true;
          continue;
        }
        DocArg group = combine(std::move(alts));
        group.optional = true;
        seq.push_back(std::move(group));
      } else if (w == "...") {
        ++pos_;
        if (!seq.empty()) seq.back().multiple = true;
        DocArg dots;
        dots.name = "...";
        if (seq.empty()) seq.push_back(dots);
      } else if (is_keyword(w)) {
        ++pos_;
        DocArg a;
        a.token = w;
        if (pos_ < t_.size() && !is_keyword(t_[pos_]) && t_[pos_] != "[" && t_[pos_] != "]" &&
            t_[pos_] != "<" && t_[pos_] != ">" && t_[pos_] != "|" && t_[pos_] != "...") {
          a.name = t_[pos_++];
          a.type = type_for(a.name);
        } else {
          a.name = lower(w);
          a.type = "pure-token";
        }
        seq.push_back(std::move(a));
      } else {
        ++pos_;
        DocArg a;
        a.name = w;
        a.type = type_for(w);
        seq.push_back(std::move(a));
      }
    }
    return seq;
  }

  static DocArg combine(std::vector<std::vector<DocArg>> alts) {
    auto as_one = [](std::vector<DocArg> seq) {
      if (seq.size() == 1) return std::move(seq[0]);
      DocArg block;
      block.type = "block";
      block.name = seq.empty() ? "block" : seq[0].name;
      block.children = std::move(seq);
      return block;
    };
    if (alts.size() == 1) return as_one(std::move(alts[0]));
    DocArg oneof;
    oneof.type = "oneof";
    for (auto& seq : alts) oneof.children.push_back(as_one(std::move(seq)));
    oneof.name = oneof.children.empty() ? "oneof" : oneof.children[0].name;
    return oneof;
  }

  std::vector<std::string> t_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<DocArg> parse_doc_syntax(std::string_view syntax) {
  Parser p(tokenize(syntax));
  auto alts = p.alternatives();
  if (alts.size() == 1) return std::move(alts[0]);
  DocArg oneof;  // "ON | OFF | SKIP" at top level
  oneof.type = "oneof";
  oneof.name = "mode";
  for (auto& seq : alts)
    for (DocArg& a : seq) oneof.children.push_back(std::move(a));
  return {std::move(oneof)};
}

}  // namespace cardinal::cmd
