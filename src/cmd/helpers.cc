#include "helpers.h"

#include <string>

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

void reply_wrong_arity(CommandContext& ctx) {
  ctx.error(Errc::WrongArity, ctx.spec.name);
}

}  // namespace cardinal::cmd
