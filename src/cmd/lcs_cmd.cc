// LCS: longest common subsequence of two string keys by dynamic programming, with LEN, IDX,
// MINMATCHLEN and WITHMATCHLEN. The backtrack breaks ties the way Redis does (step in the first
// string only when that keeps a strictly longer subsequence), so IDX ranges come out identical.
#include <unistd.h>

#include <new>
#include <string>
#include <vector>

#include "cardinal/cmd/families.h"
#include "helpers.h"

namespace cardinal::cmd {

namespace {

struct Match {
  size_t a_start, a_end, b_start, b_end;
  size_t length() const { return a_end - a_start + 1; }
};

struct LcsResult {
  std::string sequence;
  std::vector<Match> matches;  // from the end of the strings towards the start
};

LcsResult compute_lcs(std::string_view a, std::string_view b) {
  const size_t cols = b.size() + 1;
  std::vector<uint32_t> table((a.size() + 1) * cols, 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return table[i * cols + j]; };
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      at(i, j) = a[i - 1] == b[j - 1] ? at(i - 1, j - 1) + 1 : std::max(at(i - 1, j), at(i, j - 1));
    }
  }
  LcsResult r;
  r.sequence.resize(at(a.size(), b.size()));
  size_t out = r.sequence.size();
  bool open = false;
  Match cur{};
  size_t i = a.size(), j = b.size();
  while (i > 0 && j > 0) {
    bool close = false;
    if (a[i - 1] == b[j - 1]) {
      r.sequence[--out] = a[i - 1];
      if (!open) {
        cur = {i - 1, i - 1, j - 1, j - 1};
        open = true;
      } else {
        cur.a_start = i - 1;  // diagonal steps always extend the open run
        cur.b_start = j - 1;
      }
      close = cur.a_start == 0 || cur.b_start == 0;
      --i;
      --j;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      close = open;
    }
    if (close) {
      r.matches.push_back(cur);
      open = false;
    }
  }
  return r;
}

uint64_t physical_memory_bytes() {
  return static_cast<uint64_t>(::sysconf(_SC_PHYS_PAGES)) *
         static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

void lcs(CommandContext& ctx) {
  engine::DbEntry* ea = ctx.db().find_for_read(ctx.arg(1));
  engine::DbEntry* eb = ctx.db().find_for_read(ctx.arg(2));
  if ((ea && !ea->value.is_string()) || (eb && !eb->value.is_string()))
    return ctx.error(Errc::LcsNotStrings);
  bool want_len = false, want_idx = false, with_match_len = false;
  int64_t min_match_len = 0;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    if (CommandContext::is(opt, "IDX")) {
      want_idx = true;
    } else if (CommandContext::is(opt, "LEN")) {
      want_len = true;
    } else if (CommandContext::is(opt, "WITHMATCHLEN")) {
      with_match_len = true;
    } else if (CommandContext::is(opt, "MINMATCHLEN") && i + 1 < ctx.argc()) {
      if (!ctx.parse_int(ctx.arg(++i), min_match_len)) return;
      if (min_match_len < 0) min_match_len = 0;
    } else {
      return ctx.error(Errc::Syntax);
    }
  }
  if (want_idx && want_len) return ctx.error(Errc::LcsLenWithIdx);
  char sa[21], sb[21];
  std::string_view a = ea ? string_of(*ea, sa) : std::string_view();
  std::string_view b = eb ? string_of(*eb, sb) : std::string_view();
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) return ctx.error(Errc::LcsTooLong);
  // The table is (|a|+1) x (|b|+1) counters. Redis answers this error when allocating it fails;
  // asking for more than the machine's memory would only end in that failure or the OOM killer.
  double table_bytes = static_cast<double>(a.size() + 1) * static_cast<double>(b.size() + 1) * 4;
  if (table_bytes > static_cast<double>(physical_memory_bytes()))
    return ctx.error(Errc::LcsNoMemory);
  LcsResult r;
  try {
    r = compute_lcs(a, b);
  } catch (const std::bad_alloc&) {
    return ctx.error(Errc::LcsNoMemory);
  }
  if (!want_idx) {
    if (want_len) return ctx.reply.integer(static_cast<int64_t>(r.sequence.size()));
    return ctx.reply.bulk(r.sequence);
  }
  std::vector<const Match*> shown;
  for (const Match& m : r.matches)
    if (static_cast<int64_t>(m.length()) >= min_match_len) shown.push_back(&m);
  ctx.reply.map(2);
  ctx.reply.bulk("matches");
  ctx.reply.array(shown.size());
  for (const Match* m : shown) {
    ctx.reply.array(with_match_len ? 3 : 2);
    ctx.reply.array(2);
    ctx.reply.integer(static_cast<int64_t>(m->a_start));
    ctx.reply.integer(static_cast<int64_t>(m->a_end));
    ctx.reply.array(2);
    ctx.reply.integer(static_cast<int64_t>(m->b_start));
    ctx.reply.integer(static_cast<int64_t>(m->b_end));
    if (with_match_len) ctx.reply.integer(static_cast<int64_t>(m->length()));
  }
  ctx.reply.bulk("len");
  ctx.reply.integer(static_cast<int64_t>(r.sequence.size()));
}

constexpr CommandSpec kLcsCommands[] = {
    {.name = "lcs",
     .arity = -3,
     .flags = kReadonly,
     .keys = {1, 2, 1},
     .group = Group::String,
     .since = "7.0.0",
     .summary = "Find longest common substring",
     .complexity = "O(N*M) where N and M are the lengths of s1 and s2, respectively",
     .syntax = "key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]",
     .handler = lcs},
};

}  // namespace

std::span<const CommandSpec> lcs_commands() {
  return kLcsCommands;
}

}  // namespace cardinal::cmd
