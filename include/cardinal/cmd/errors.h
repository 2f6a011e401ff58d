// Error codes handlers report and the one place they become Redis's exact texts, which
// clients match on ("WRONGTYPE ...", "ERR value is not an integer or out of range"). Some texts
// carry a variable part (a command name, an option); it is passed as `a` / `b` and, as Redis's
// printf would, cut at its first NUL byte. Pure; any thread.
#pragma once

#include <string>
#include <string_view>

namespace cardinal::cmd {

enum class Errc {
  // Shared by many commands.
  Syntax,
  NotInteger,
  NotFloat,
  WrongType,
  NoSuchKey,
  WrongArity,         // a: command name ("client|kill")
  UnknownCommand,     // a: name, b: the quoted argument preview
  UnknownSubcommand,  // a: subcommand, b: container name in upper case
  NoAuth,
  // Strings, counters, keys, expiry.
  IncrOverflow,
  DecrOverflow,
  NanOrInfinity,
  OffsetOutOfRange,
  StringTooLong,
  InvalidExpireTime,  // a: command name
  UnsupportedOption,  // a: option
  ExpireNxIncompatible,
  ExpireGtLtIncompatible,
  DbIndexOutOfRange,
  InvalidFirstDbIndex,
  InvalidSecondDbIndex,
  SameObject,
  InvalidCursor,
  LcsNotStrings,
  LcsLenWithIdx,
  LcsTooLong,
  LcsNoMemory,
  // Sets and other counted replies.
  NotPositive,
  OutOfLongRange,  // a: low bound, b: high bound
  NumkeysNotPositive,
  NumkeysTooLarge,
  LimitNegative,
  OutOfRange,
  HashValueNotInteger,
  HashValueNotFloat,
  NanOrInfinityArg,
  // Lists.
  IndexOutOfRange,
  LposRankZero,
  LposCountNegative,
  LposMaxlenNegative,
  // Sorted sets.
  ZaddXxNx,
  ZaddGtLtNx,
  ZaddIncrPair,
  ScoreNaN,
  MinMaxNotFloat,
  MinMaxNotLex,
  CountNotPositive,
  // Sorted-set ranges and algebra.
  ZRangeLimitNeedsBy,
  ZRangeWithScoresByLex,
  ZWeightNotFloat,
  ZNeedsInputKey,  // a: command name
  // Connection and clients.
  ProtocolVersionNotInteger,
  UnsupportedProtocol,
  HelloBadOption,  // a: option
  HelloNeedsAuth,
  WrongPass,
  AuthWithoutPassword,
  InvalidClientName,
  SetinfoBadOption,   // a: option
  SetinfoBadValue,    // a: "lib-name" or "lib-ver"
  UnknownClientType,  // a: type
  InvalidClientId,
  ClientIdNotPositive,
  NoSuchClient,
  UnblockReason,
  SlowlogCountRange,
  SlowlogSubcommandArity,  // a: subcommand as typed
  LatencyNoSamples,        // a: event
  // Transactions.
  NotAllowedInMulti,
  MultiNested,
  WatchInsideMulti,
  ExecWithoutMulti,
  DiscardWithoutMulti,
  ExecAbort,
  ClientSubcommandArity,  // a: subcommand as typed
  UnblockedByClient,      // the reply a client blocked in BLPOP gets from CLIENT UNBLOCK ... ERROR
  TimeoutNotFloat,
  TimeoutNegative,
  NoSuchUser,  // a: user
  // Pub/Sub.
  PubsubContext,          // a: command name ("client|list"); RESP2 subscribed clients
  PubsubSubcommandArity,  // a: subcommand as typed
  // Server and introspection.
  NoShutdownInProgress,
  DebugNotAllowed,
  DebugUnknownSubcommand,  // a: subcommand
  IdleTimeUnderLfu,
  FreqWithoutLfu,
  GetkeysInvalidCommand,
  GetkeysInvalidArity,
  GetkeysNoKeys,
  GetkeysInvalidArgs,
  Internal,  // a: what failed (an exception caught by the dispatcher; never expected)
};

std::string error_text(Errc code, std::string_view a = {}, std::string_view b = {});

}  // namespace cardinal::cmd
