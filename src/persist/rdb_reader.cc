#include "cardinal/persist/rdb_reader.h"

#include "cardinal/persist/snapshot_file.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "cardinal/persist/crc64.h"
#include "cardinal/persist/lzf.h"
#include "cardinal/persist/rdb_format.h"
#include "cardinal/util/numbers.h"
#include "packed_formats.h"

namespace cardinal::persist {

namespace {

// The most an LZF stream can expand: a 3-byte back reference yields 264 bytes.
constexpr uint64_t kLzfMaxRatio = 88;

class Reader {
 public:
  Reader(std::string_view data, const RdbLoadOptions& options) : data_(data), opt_(options) {}

  RdbLoadResult load(engine::Keyspace& keyspace) {
    RdbLoadResult result;
    std::string_view magic = take(9);
    if (magic.substr(0, 5) != rdb::kMagic) fail("wrong signature trying to load DB from file");
    int version = 0;
    for (char c : magic.substr(5)) {
      if (c < '0' || c > '9') fail("wrong signature trying to load DB from file");
      version = version * 10 + (c - '0');
    }
    if (version < 1 || version > rdb::kVersion)
      fail("can't handle RDB format version " + std::to_string(version));
    result.version = version;
    int db = 0;
    int64_t expire_at = engine::kNoExpire;
    std::string key;
    for (;;) {
      uint8_t type = u8();
      switch (type) {
        case rdb::kOpExpireTimeMs:
          expire_at = le<int64_t>();
          continue;
        case rdb::kOpExpireTime:
          expire_at = int64_t{le<int32_t>()} * 1000;
          continue;
        case rdb::kOpFreq:
          u8();
          continue;
        case rdb::kOpIdle:
          length();
          continue;
        case rdb::kOpSelectDb: {
          uint64_t n = length();
          if (n >= static_cast<uint64_t>(keyspace.database_count()))
            fail("data file was created with a server configured to handle more than " +
                 std::to_string(keyspace.database_count()) + " databases (SELECTDB " +
                 std::to_string(n) + ")");
          db = static_cast<int>(n);
          continue;
        }
        case rdb::kOpResizeDb: {
          uint64_t keys = length();
          uint64_t expires = length();
          // A hint from the file: capped so a corrupt count cannot make us allocate the world.
          uint64_t left = remaining();
          keyspace.db(db).reserve(static_cast<size_t>(std::min(keys, left)),
                                  static_cast<size_t>(std::min(expires, left)));
          continue;
        }
        case rdb::kOpAux:
          string(scratch_);
          string(scratch_);
          continue;
        case rdb::kOpModuleAux:
          fail("the file holds module data (MODULE_AUX), which cardinal does not support");
        case rdb::kOpFunction2:
        case rdb::kOpFunctionPreGa:
          fail("the file holds Redis functions, which cardinal does not support");
        case rdb::kOpEof:
          check_crc(version);
          result.consumed = pos_;
          return result;
        default:
          break;
      }
      key.assign(string(scratch_));
      std::optional<engine::Value> value = object(type, key);
      int64_t at = std::exchange(expire_at, engine::kNoExpire);
      if (!value) {
        ++result.empty_skipped;
        continue;
      }
      if (at != engine::kNoExpire && at < opt_.now_ms) {
        ++result.expired_skipped;
        continue;
      }
      engine::Database& d = keyspace.db(db);
      if (d.peek(key)) {
        if (!opt_.replace_existing)
          fail("duplicated key '" + key + "' in DB " + std::to_string(db));
        d.remove(key);
      }
      engine::DbEntry& e = d.set(key, std::move(*value));
      if (at != engine::kNoExpire) d.set_expire(e, at);
      ++result.keys_loaded;
      if (opt_.file && pos_ - crc_done_ >= kCrcStep) {
        // Checksum the bytes now, then let their pages go: the check at the end must not page
        // the whole file back in.
        crc_upto(pos_);
        opt_.file->release_before(crc_done_);
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw RdbError("bad RDB file at offset " + std::to_string(pos_) + ": " + why);
  }

  size_t remaining() const { return data_.size() - pos_; }

  std::string_view take(size_t n) {
    if (n > remaining()) fail("unexpected end of file");
    std::string_view s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  uint8_t u8() { return static_cast<uint8_t>(take(1)[0]); }
  template <typename T>
  T le() {
    T v;
    std::memcpy(&v, take(sizeof v).data(), sizeof v);
    return v;
  }

  // A length; `encoded` (when given) is set for the 11xxxxxx string forms, whose low six bits
  // are returned.
  uint64_t length(bool* encoded = nullptr) {
    uint8_t b = u8();
    if (encoded) *encoded = false;
    switch (b >> 6) {
      case rdb::kLen6:
        return b & 0x3f;
      case rdb::kLen14:
        return (uint64_t{b & 0x3fu} << 8) | u8();
      case rdb::kEncoded:
        if (!encoded) fail("unexpected string encoding where a length belongs");
        *encoded = true;
        return b & 0x3f;
      default:
        if (b == rdb::kLen32) return __builtin_bswap32(le<uint32_t>());
        if (b == rdb::kLen64) return __builtin_bswap64(le<uint64_t>());
        fail("unknown length encoding " + std::to_string(b));
    }
  }

  // A count of items that each take at least one more byte of the file.
  uint64_t count() {
    uint64_t n = length();
    if (n > remaining()) fail("collection length " + std::to_string(n) + " past the end of file");
    return n;
  }

  // A string, viewed in the file or (integers, LZF) in `scratch`.
  std::string_view string(std::string& scratch) {
    bool encoded;
    uint64_t len = length(&encoded);
    if (!encoded) return take(len);
    char buf[24];
    switch (len) {
      case rdb::kEncInt8:
        scratch.assign(buf, util::format_i64(le<int8_t>(), buf));
        return scratch;
      case rdb::kEncInt16:
        scratch.assign(buf, util::format_i64(le<int16_t>(), buf));
        return scratch;
      case rdb::kEncInt32:
        scratch.assign(buf, util::format_i64(le<int32_t>(), buf));
        return scratch;
      case rdb::kEncLzf: {
        uint64_t clen = length();
        uint64_t ulen = length();
        if (clen > remaining()) fail("compressed string past the end of file");
        if (ulen == 0 || ulen > clen * kLzfMaxRatio) fail("bad compressed string length");
        if (!lzf_decompress(take(clen), ulen, scratch)) fail("invalid LZF compressed string");
        return scratch;
      }
      default:
        fail("unknown string encoding " + std::to_string(len));
    }
  }

  double score_text() {
    uint8_t len = u8();
    if (len == 253) fail("NaN score in a sorted set");
    if (len == 254) return INFINITY;
    if (len == 255) return -INFINITY;
    double d;
    if (!util::parse_double(take(len), d)) fail("invalid score text");
    return d;
  }

  double score_binary() {
    double d = le<double>();
    if (std::isnan(d)) fail("NaN score in a sorted set");
    return d;
  }

  std::optional<engine::Value> object(uint8_t type, const std::string& key) {
    switch (type) {
      case rdb::kString:
        return engine::Value::string_from_client(string(scratch_));
      case rdb::kList: {
        uint64_t n = count();
        auto list = std::make_unique<ds::QuickList>(opt_.list_fill);
        for (uint64_t i = 0; i < n; ++i) list->push_back(string(scratch_));
        return list_value(std::move(list));
      }
      case rdb::kListZiplist: {
        auto list = std::make_unique<ds::QuickList>(opt_.list_fill);
        ziplist_each(string(blob_), [&](std::string_view e) { list->push_back(e); });
        return list_value(std::move(list));
      }
      case rdb::kListQuicklist:
      case rdb::kListQuicklist2: {
        uint64_t nodes = count();
        auto list = std::make_unique<ds::QuickList>(opt_.list_fill);
        for (uint64_t i = 0; i < nodes; ++i) {
          uint64_t container = type == rdb::kListQuicklist2 ? length() : rdb::kContainerPacked;
          std::string_view blob = string(blob_);
          auto push = [&](std::string_view e) { list->push_back(e); };
          if (type == rdb::kListQuicklist) {
            ziplist_each(blob, push);
          } else if (container == rdb::kContainerPlain) {
            list->push_back(blob);
          } else if (container == rdb::kContainerPacked) {
            if (listpack_each(blob, push) == 0) fail("empty listpack in list '" + key + "'");
          } else {
            fail("unknown quicklist container " + std::to_string(container));
          }
        }
        return list_value(std::move(list));
      }
      case rdb::kSet: {
        uint64_t n = count();
        std::unique_ptr<engine::SetValue> set;
        for (uint64_t i = 0; i < n; ++i) {
          std::string_view m = string(scratch_);
          add_member(set, m, key);
        }
        if (!set) return std::nullopt;
        return engine::Value::set(std::move(set));
      }
      case rdb::kSetIntset: {
        std::unique_ptr<engine::SetValue> set;
        intset_each(string(blob_), [&](std::string_view m) { add_member(set, m, key); });
        if (!set) return std::nullopt;
        return engine::Value::set(std::move(set));
      }
      case rdb::kSetListpack: {
        std::unique_ptr<engine::SetValue> set;
        listpack_each(string(blob_), [&](std::string_view m) { add_member(set, m, key); });
        if (!set) return std::nullopt;
        return engine::Value::set(std::move(set));
      }
      case rdb::kZSet:
      case rdb::kZSet2: {
        uint64_t n = count();
        if (n == 0) return std::nullopt;
        auto z = engine::ZSetValue::create(n, 0, opt_.zset);
        for (uint64_t i = 0; i < n; ++i) {
          std::string_view m = string(scratch_);
          double score = type == rdb::kZSet2 ? score_binary() : score_text();
          add_zset(*z, m, score, key);
        }
        return engine::Value::zset(std::move(z));
      }
      case rdb::kZSetZiplist:
      case rdb::kZSetListpack: {
        std::string_view blob = string(blob_);
        auto z = engine::ZSetValue::create(1, 0, opt_.zset);
        std::string member;
        bool have_member = false;
        auto each = [&](std::string_view e) {
          if (!have_member) {
            member.assign(e);
            have_member = true;
            return;
          }
          double score;
          if (!util::parse_double(e, score)) fail("invalid score in sorted set '" + key + "'");
          add_zset(*z, member, score, key);
          have_member = false;
        };
        size_t n = type == rdb::kZSetZiplist ? ziplist_each(blob, each) : listpack_each(blob, each);
        if (have_member) fail("member without a score in sorted set '" + key + "'");
        if (n == 0) return std::nullopt;
        return engine::Value::zset(std::move(z));
      }
      case rdb::kHash: {
        uint64_t n = count();
        if (n == 0) return std::nullopt;
        auto h = std::make_unique<engine::HashValue>();
        std::string field;
        for (uint64_t i = 0; i < n; ++i) {
          field.assign(string(scratch_));
          add_field(*h, field, string(scratch2_), key);
        }
        return engine::Value::hash(std::move(h));
      }
      case rdb::kHashZiplist:
      case rdb::kHashListpack:
      case rdb::kHashZipmap: {
        std::string_view blob = string(blob_);
        auto h = std::make_unique<engine::HashValue>();
        size_t n;
        if (type == rdb::kHashZipmap) {
          n = zipmap_each(
              blob, [&](std::string_view f, std::string_view v) { add_field(*h, f, v, key); });
        } else {
          std::string field;
          bool have_field = false;
          auto each = [&](std::string_view e) {
            if (!have_field) {
              field.assign(e);
              have_field = true;
              return;
            }
            add_field(*h, field, e, key);
            have_field = false;
          };
          n = type == rdb::kHashZiplist ? ziplist_each(blob, each) : listpack_each(blob, each);
          if (have_field) fail("field without a value in hash '" + key + "'");
        }
        if (n == 0) return std::nullopt;
        return engine::Value::hash(std::move(h));
      }
      default:
        fail("unsupported value type " + std::to_string(type) + " (" +
             std::string(rdb::type_name(type)) + ") for key '" + key + "'");
    }
  }

  static std::optional<engine::Value> list_value(std::unique_ptr<ds::QuickList> list) {
    if (list->empty()) return std::nullopt;
    return engine::Value::list(std::move(list));
  }

  void add_member(std::unique_ptr<engine::SetValue>& set, std::string_view m,
                  const std::string& key) {
    if (!set) set = engine::SetValue::for_member(m);
    if (!set->add(m, opt_.set_max_intset_entries)) fail("duplicate member in set '" + key + "'");
  }

  void add_zset(engine::ZSetValue& z, std::string_view m, double score, const std::string& key) {
    engine::ZAddOutcome r = z.add(score, m, {}, opt_.zset);
    if (r.result != engine::ZAddResult::Added) fail("duplicate member in sorted set '" + key + "'");
  }

  void add_field(engine::HashValue& h, std::string_view f, std::string_view v,
                 const std::string& key) {
    engine::HashLimits limits{opt_.hash.max_listpack_entries, opt_.hash.max_listpack_value};
    if (!h.set(f, v, limits)) fail("duplicate field in hash '" + key + "'");
  }

  void check_crc(int version) {
    if (version < 5) return;
    crc_upto(pos_);
    uint64_t stored = le<uint64_t>();
    if (stored != 0 && stored != crc_) fail("wrong RDB checksum: the file is corrupt");
  }

  // The running checksum, over the bytes before `end`.
  void crc_upto(size_t end) {
    crc_ = crc64(crc_, data_.substr(crc_done_, end - crc_done_));
    crc_done_ = end;
  }

  static constexpr size_t kCrcStep = 1u << 20;
  uint64_t crc_ = 0;
  size_t crc_done_ = 0;

  std::string_view data_;
  const RdbLoadOptions& opt_;
  size_t pos_ = 0;
  std::string scratch_, scratch2_, blob_;
};

}  // namespace

RdbLoadResult rdb_load(std::string_view file, engine::Keyspace& keyspace,
                       const RdbLoadOptions& options) {
  try {
    return Reader(file, options).load(keyspace);
  } catch (const std::length_error& e) {
    // A value past an engine bound (a string over 4 GiB): the file cannot be represented.
    throw RdbError(std::string("bad RDB file: value too large: ") + e.what());
  }
}

}  // namespace cardinal::persist
