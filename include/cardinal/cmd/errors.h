// Error codes handlers return and the one place they become Redis's exact texts, which
// clients match on ("WRONGTYPE ...", "ERR value is not an integer or out of range").
// Pure; any thread.
#pragma once

#include <string_view>

namespace cardinal::cmd {

enum class Errc {
  Syntax,
  NotInteger,
  NotFloat,
  WrongType,
  IncrOverflow,
  NoSuchKey,
  DbIndexOutOfRange,
  SameObject,
  OffsetOutOfRange,
  StringTooLong,
  NanOrInfinity,
  NotAllowedNegative,
  InvalidTimeout,
  NoSuchClient,
};

std::string_view error_text(Errc code);

}  // namespace cardinal::cmd
