#include "cardinal/persist/rdb_format.h"

namespace cardinal::persist::rdb {

std::string_view type_name(uint8_t type) {
  switch (type) {
    case kString:
      return "string";
    case kList:
      return "list";
    case kSet:
      return "set";
    case kZSet:
      return "zset";
    case kHash:
      return "hash";
    case kZSet2:
      return "zset-v2";
    case kModule:
    case kModule2:
      return "module";
    case kHashZipmap:
      return "hash-zipmap";
    case kListZiplist:
      return "list-ziplist";
    case kSetIntset:
      return "set-intset";
    case kZSetZiplist:
      return "zset-ziplist";
    case kHashZiplist:
      return "hash-ziplist";
    case kListQuicklist:
      return "quicklist";
    case kStreamListpacks:
    case kStreamListpacks2:
    case kStreamListpacks3:
      return "stream";
    case kHashListpack:
      return "hash-listpack";
    case kZSetListpack:
      return "zset-listpack";
    case kListQuicklist2:
      return "quicklist-v2";
    case kSetListpack:
      return "set-listpack";
    default:
      return "unknown";
  }
}

}  // namespace cardinal::persist::rdb
