#include "cardinal/cmd/errors.h"

namespace cardinal::cmd {

namespace {
// Redis formats variable parts with %s (and sometimes %.128s): text ends at a NUL byte.
std::string c_str(std::string_view s, size_t max = std::string_view::npos) {
  s = s.substr(0, s.find('\0'));
  return std::string(s.substr(0, max));
}
constexpr std::string_view kPolicyNote =
    "Please note that when switching between policies at runtime LRU and LFU data will take "
    "some time to adjust.";
}  // namespace

std::string error_text(Errc code, std::string_view a, std::string_view b) {
  switch (code) {
    case Errc::Syntax:
      return "ERR syntax error";
    case Errc::NotInteger:
      return "ERR value is not an integer or out of range";
    case Errc::NotFloat:
      return "ERR value is not a valid float";
    case Errc::WrongType:
      return "WRONGTYPE Operation against a key holding the wrong kind of value";
    case Errc::NoSuchKey:
      return "ERR no such key";
    case Errc::WrongArity:
      return "ERR wrong number of arguments for '" + std::string(a) + "' command";
    case Errc::UnknownCommand:
      return "ERR unknown command '" + c_str(a, 128) +
             "', with args beginning with: " + std::string(b);
    case Errc::UnknownSubcommand:
      return "ERR unknown subcommand '" + c_str(a, 128) + "'. Try " + std::string(b) + " HELP.";
    case Errc::NoAuth:
      return "NOAUTH Authentication required.";
    case Errc::IncrOverflow:
      return "ERR increment or decrement would overflow";
    case Errc::DecrOverflow:
      return "ERR decrement would overflow";
    case Errc::NanOrInfinity:
      return "ERR increment would produce NaN or Infinity";
    case Errc::OffsetOutOfRange:
      return "ERR offset is out of range";
    case Errc::StringTooLong:
      return "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    case Errc::InvalidExpireTime:
      return "ERR invalid expire time in '" + std::string(a) + "' command";
    case Errc::UnsupportedOption:
      return "ERR Unsupported option " + c_str(a);
    case Errc::ExpireNxIncompatible:
      return "ERR NX and XX, GT or LT options at the same time are not compatible";
    case Errc::ExpireGtLtIncompatible:
      return "ERR GT and LT options at the same time are not compatible";
    case Errc::DbIndexOutOfRange:
      return "ERR DB index is out of range";
    case Errc::InvalidFirstDbIndex:
      return "ERR invalid first DB index";
    case Errc::InvalidSecondDbIndex:
      return "ERR invalid second DB index";
    case Errc::SameObject:
      return "ERR source and destination objects are the same";
    case Errc::InvalidCursor:
      return "ERR invalid cursor";
    case Errc::LcsNotStrings:
      return "ERR The specified keys must contain string values";
    case Errc::LcsLenWithIdx:
      return "ERR If you want both the length and indexes, please just use IDX.";
    case Errc::LcsTooLong:
      return "ERR String too long for LCS";
    case Errc::LcsNoMemory:
      return "ERR Insufficient memory, failed allocating transient memory for LCS";
    case Errc::NotPositive:
      return "ERR value is out of range, must be positive";
    case Errc::OutOfLongRange:
      return "ERR value is out of range, value must between " + std::string(a) + " and " +
             std::string(b);
    case Errc::NumkeysNotPositive:
      return "ERR numkeys should be greater than 0";
    case Errc::NumkeysTooLarge:
      return "ERR Number of keys can't be greater than number of args";
    case Errc::LimitNegative:
      return "ERR LIMIT can't be negative";
    case Errc::OutOfRange:
      return "ERR value is out of range";
    case Errc::HashValueNotInteger:
      return "ERR hash value is not an integer";
    case Errc::HashValueNotFloat:
      return "ERR hash value is not a float";
    case Errc::NanOrInfinityArg:
      return "ERR value is NaN or Infinity";
    case Errc::IndexOutOfRange:
      return "ERR index out of range";
    case Errc::LposRankZero:
      return "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
             "or use negative to start from the end of the list";
    case Errc::LposCountNegative:
      return "ERR COUNT can't be negative";
    case Errc::LposMaxlenNegative:
      return "ERR MAXLEN can't be negative";
    case Errc::ZaddXxNx:
      return "ERR XX and NX options at the same time are not compatible";
    case Errc::ZaddGtLtNx:
      return "ERR GT, LT, and/or NX options at the same time are not compatible";
    case Errc::ZaddIncrPair:
      return "ERR INCR option supports a single increment-element pair";
    case Errc::ScoreNaN:
      return "ERR resulting score is not a number (NaN)";
    case Errc::MinMaxNotFloat:
      return "ERR min or max is not a float";
    case Errc::MinMaxNotLex:
      return "ERR min or max not valid string range item";
    case Errc::CountNotPositive:
      return "ERR count should be greater than 0";
    case Errc::ZRangeLimitNeedsBy:
      return "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or "
             "BYLEX";
    case Errc::ZRangeWithScoresByLex:
      return "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
    case Errc::ZWeightNotFloat:
      return "ERR weight value is not a float";
    case Errc::ZNeedsInputKey:
      return "ERR at least 1 input key is needed for '" + std::string(a) + "' command";
    case Errc::ProtocolVersionNotInteger:
      return "ERR Protocol version is not an integer or out of range";
    case Errc::UnsupportedProtocol:
      return "NOPROTO unsupported protocol version";
    case Errc::HelloBadOption:
      return "ERR Syntax error in HELLO option '" + c_str(a) + "'";
    case Errc::HelloNeedsAuth:
      return "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
             "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and "
             "select the RESP protocol version at the same time";
    case Errc::WrongPass:
      return "WRONGPASS invalid username-password pair or user is disabled.";
    case Errc::AuthWithoutPassword:
      return "ERR AUTH <password> called without any password configured for the default user. "
             "Are you sure your configuration is correct?";
    case Errc::InvalidClientName:
      return "ERR Client names cannot contain spaces, newlines or special characters.";
    case Errc::SetinfoBadOption:
      return "ERR Unrecognized option '" + c_str(a) + "'";
    case Errc::SetinfoBadValue:
      return "ERR " + std::string(a) + " cannot contain spaces, newlines or special characters.";
    case Errc::UnknownClientType:
      return "ERR Unknown client type '" + c_str(a) + "'";
    case Errc::InvalidClientId:
      return "ERR Invalid client ID";
    case Errc::ClientIdNotPositive:
      return "ERR client-id should be greater than 0";
    case Errc::NoSuchClient:
      return "ERR No such client";
    case Errc::ClientSubcommandArity:
      return "ERR unknown subcommand or wrong number of arguments for '" + c_str(a, 128) +
             "'. Try CLIENT HELP.";
    case Errc::SlowlogCountRange:
      return "ERR count should be greater than or equal to -1";
    case Errc::SlowlogSubcommandArity:
      return "ERR unknown subcommand or wrong number of arguments for '" + c_str(a, 128) +
             "'. Try SLOWLOG HELP.";
    case Errc::NotAllowedInMulti:
      return "ERR Command not allowed inside a transaction";
    case Errc::MultiNested:
      return "ERR MULTI calls can not be nested";
    case Errc::WatchInsideMulti:
      return "ERR WATCH inside MULTI is not allowed";
    case Errc::ExecWithoutMulti:
      return "ERR EXEC without MULTI";
    case Errc::DiscardWithoutMulti:
      return "ERR DISCARD without MULTI";
    case Errc::ExecAbort:
      return "EXECABORT Transaction discarded because of previous errors.";
    case Errc::LatencyNoSamples:
      return "ERR No samples available for event '" + c_str(a) + "'";
    case Errc::UnblockReason:
      return "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR";
    case Errc::UnblockedByClient:
      return "UNBLOCKED client unblocked via CLIENT UNBLOCK";
    case Errc::TimeoutNotFloat:
      return "ERR timeout is not a float or out of range";
    case Errc::TimeoutNegative:
      return "ERR timeout is negative";
    case Errc::NoSuchUser:
      return "ERR No such user '" + c_str(a) + "'";
    case Errc::PubsubContext:
      return "ERR Can't execute '" + std::string(a) +
             "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
             "this context";
    case Errc::PubsubSubcommandArity:
      return "ERR unknown subcommand or wrong number of arguments for '" + c_str(a, 128) +
             "'. Try PUBSUB HELP.";
    case Errc::NoShutdownInProgress:
      return "ERR No shutdown in progress.";
    case Errc::DebugNotAllowed:
      return "ERR DEBUG command not allowed. If the enable-debug-command option is set to "
             "\"local\", you can run it from a local connection, otherwise you need to set this "
             "option in the configuration file, and then restart the server.";
    case Errc::DebugUnknownSubcommand:
      return "ERR Unknown subcommand or wrong number of arguments for '" + c_str(a, 128) +
             "'. Try DEBUG HELP.";
    case Errc::IdleTimeUnderLfu:
      return "ERR An LFU maxmemory policy is selected, idle time not tracked. " +
             std::string(kPolicyNote);
    case Errc::FreqWithoutLfu:
      return "ERR An LFU maxmemory policy is not selected, access frequency not tracked. " +
             std::string(kPolicyNote);
    case Errc::GetkeysInvalidCommand:
      return "ERR Invalid command specified";
    case Errc::GetkeysInvalidArity:
      return "ERR Invalid number of arguments specified for command";
    case Errc::GetkeysNoKeys:
      return "ERR The command has no key arguments";
    case Errc::GetkeysInvalidArgs:
      return "ERR Invalid arguments specified for command";
    case Errc::Internal:
      return "ERR internal error: " + std::string(a);
  }
  return "ERR";
}

}  // namespace cardinal::cmd
