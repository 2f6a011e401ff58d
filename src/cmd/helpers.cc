#include "helpers.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>

#include "cardinal/util/glob.h"
#include "cardinal/util/numbers.h"

namespace cardinal::cmd {

namespace {
engine::DbEntry* typed(CommandContext& ctx, engine::DbEntry* e, engine::ValueType type) {
  if (e && e->value.type() != type) {
    ctx.error(Errc::WrongType);
    return nullptr;
  }
  return e;
}
}  // namespace

engine::DbEntry* lookup_read_typed(CommandContext& ctx, std::string_view key,
                                   engine::ValueType type) {
  return typed(ctx, ctx.db().find_for_read(key), type);
}

engine::DbEntry* lookup_write_typed(CommandContext& ctx, std::string_view key,
                                    engine::ValueType type) {
  return typed(ctx, ctx.db().find_for_write(key), type);
}

engine::DbEntry* lookup_blocking_source(CommandContext& ctx, std::string_view key,
                                        engine::ValueType type) {
  if (!ctx.retrying) return lookup_write_typed(ctx, key, type);
  engine::DbEntry* e = ctx.db().find_for_write(key);
  return e && e->value.type() == type ? e : nullptr;
}

std::optional<int64_t> parse_expire_arg(CommandContext& ctx, std::string_view text, ExpireUnit unit,
                                        bool relative) {
  int64_t v;
  if (!ctx.parse_int(text, v)) return std::nullopt;
  auto invalid = [&] {
    ctx.error(Errc::InvalidExpireTime, ctx.spec.name);
    return std::nullopt;
  };
  if (v <= 0 || (unit == ExpireUnit::Seconds && v > INT64_MAX / 1000)) return invalid();
  if (unit == ExpireUnit::Seconds) v *= 1000;
  if (relative) {
    int64_t now = ctx.now_ms();
    if (v > INT64_MAX - now) return invalid();
    v += now;
  }
  return v;
}

std::string_view string_of(const engine::DbEntry& e, char* scratch) {
  return e.value.string_view(scratch);
}

bool parse_scan_cursor(CommandContext& ctx, std::string_view text, uint64_t& out) {
  std::string s(text);  // "" reads as 0, as strtoul gives it
  if (!s.empty() && std::isspace(static_cast<unsigned char>(s[0]))) {
    ctx.error(Errc::InvalidCursor);
    return false;
  }
  errno = 0;
  char* end = nullptr;
  out = std::strtoull(s.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) {
    ctx.error(Errc::InvalidCursor);
    return false;
  }
  return true;
}

bool ScanOptions::matches(std::string_view member) const {
  return !use_pattern || util::glob_match(pattern, member);
}

bool parse_scan_options(CommandContext& ctx, size_t first, bool allow_type, ScanOptions& out) {
  for (size_t i = first; i < ctx.argc(); i += 2) {
    std::string_view opt = ctx.arg(i);
    bool has_value = i + 1 < ctx.argc();
    if (has_value && CommandContext::is(opt, "COUNT")) {
      if (!ctx.parse_int(ctx.arg(i + 1), out.count)) return false;
      if (out.count < 1) {
        ctx.error(Errc::Syntax);
        return false;
      }
    } else if (has_value && CommandContext::is(opt, "MATCH")) {
      out.pattern = ctx.arg(i + 1);
      out.use_pattern = out.pattern != "*";
    } else if (has_value && allow_type && CommandContext::is(opt, "TYPE")) {
      out.type = ctx.arg(i + 1);
      out.use_type = true;
    } else {
      ctx.error(Errc::Syntax);
      return false;
    }
  }
  return true;
}

void reply_scan(CommandContext& ctx, uint64_t cursor, std::span<const std::string_view> items) {
  ctx.reply.array(2);
  ctx.reply.bulk(std::to_string(cursor));
  ctx.reply.array(items.size());
  for (std::string_view item : items) ctx.reply.bulk(item);
}

void elements_removed(CommandContext& ctx, std::string_view key, uint32_t event_class,
                      std::string_view event, bool emptied) {
  ctx.notify(event_class, event, key);
  if (emptied) {
    ctx.db().remove(key);
    ctx.notify(config::kEventGeneric, "del", key);
  }
  ctx.modified(key);
}

void reply_wrong_arity(CommandContext& ctx) {
  ctx.error(Errc::WrongArity, ctx.spec.name);
}

bool parse_block_timeout(CommandContext& ctx, std::string_view text, int64_t& out_ms) {
  long double seconds;
  if (!util::parse_long_double(text, seconds)) {
    ctx.error(Errc::TimeoutNotFloat);
    return false;
  }
  // Redis truncates seconds * 1000 toward zero, so -0.0009 waits forever like 0, and anything
  // that does not fit a 64-bit count of ms (huge, infinite) ends up negative on x86.
  long double ms = seconds * 1000.0L;
  constexpr long double kLimit = 9223372036854775808.0L;  // 2^63
  if (!(ms < kLimit) || ms <= -1.0L) {
    ctx.error(Errc::TimeoutNegative);
    return false;
  }
  out_ms = ms < 0 ? 0 : static_cast<int64_t>(ms);
  return true;
}

}  // namespace cardinal::cmd
