// The numbers of Redis's RDB file format (version 10, what Redis 7.0 writes): value types,
// opcodes, length and string encodings. Shared by the writer and the reader; constants only.
// Any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace cardinal::persist::rdb {

constexpr int kVersion = 10;  // Redis 7.0 writes and reads up to this
constexpr std::string_view kMagic = "REDIS";
// The redis-ver aux field: the Redis release whose format and behaviour cardinal follows.
constexpr std::string_view kRedisVersion = "7.0.15";

// Value types (the byte before each key).
enum Type : uint8_t {
  kString = 0,
  kList = 1,
  kSet = 2,
  kZSet = 3,
  kHash = 4,
  kZSet2 = 5,
  kModule = 6,
  kModule2 = 7,
  kHashZipmap = 9,
  kListZiplist = 10,
  kSetIntset = 11,
  kZSetZiplist = 12,
  kHashZiplist = 13,
  kListQuicklist = 14,
  kStreamListpacks = 15,
  kHashListpack = 16,
  kZSetListpack = 17,
  kListQuicklist2 = 18,
  kStreamListpacks2 = 19,
  kSetListpack = 20,
  kStreamListpacks3 = 21,
};

// Opcodes (in the type position).
enum Opcode : uint8_t {
  kOpFunction2 = 245,
  kOpFunctionPreGa = 246,
  kOpModuleAux = 247,
  kOpIdle = 248,
  kOpFreq = 249,
  kOpAux = 250,
  kOpResizeDb = 251,
  kOpExpireTimeMs = 252,
  kOpExpireTime = 253,
  kOpSelectDb = 254,
  kOpEof = 255,
};

// Length prefixes: the top two bits of the first byte.
constexpr uint8_t kLen6 = 0;
constexpr uint8_t kLen14 = 1;
constexpr uint8_t kLen32 = 0x80;
constexpr uint8_t kLen64 = 0x81;
constexpr uint8_t kEncoded = 3;  // 11xxxxxx: a special string encoding follows
constexpr uint8_t kEncInt8 = 0;
constexpr uint8_t kEncInt16 = 1;
constexpr uint8_t kEncInt32 = 2;
constexpr uint8_t kEncLzf = 3;

// LIST_QUICKLIST_2 node containers.
constexpr uint64_t kContainerPlain = 1;
constexpr uint64_t kContainerPacked = 2;

// A readable name for a type byte, for error messages.
std::string_view type_name(uint8_t type);

}  // namespace cardinal::persist::rdb
