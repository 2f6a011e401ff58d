#include "cardinal/cmd/errors.h"

namespace cardinal::cmd {

std::string_view error_text(Errc code) {
  switch (code) {
    case Errc::Syntax:
      return "ERR syntax error";
    case Errc::NotInteger:
      return "ERR value is not an integer or out of range";
    case Errc::NotFloat:
      return "ERR value is not a valid float";
    case Errc::WrongType:
      return "WRONGTYPE Operation against a key holding the wrong kind of value";
    case Errc::IncrOverflow:
      return "ERR increment or decrement would overflow";
    case Errc::NoSuchKey:
      return "ERR no such key";
    case Errc::DbIndexOutOfRange:
      return "ERR DB index is out of range";
    case Errc::SameObject:
      return "ERR source and destination objects are the same";
    case Errc::OffsetOutOfRange:
      return "ERR offset is out of range";
    case Errc::StringTooLong:
      return "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    case Errc::NanOrInfinity:
      return "ERR increment would produce NaN or Infinity";
    case Errc::NotAllowedNegative:
      return "ERR value is out of range, must be positive";
    case Errc::InvalidTimeout:
      return "ERR timeout is not a float or out of range";
    case Errc::NoSuchClient:
      return "ERR No such client";
  }
  return "ERR";
}

}  // namespace cardinal::cmd
