#include "cardinal/persist/rdb_writer.h"

#include <bit>
#include <cstdio>
#include <cstring>

#include "cardinal/persist/crc64.h"
#include "cardinal/persist/lzf.h"
#include "cardinal/persist/rdb_format.h"
#include "cardinal/util/numbers.h"

namespace cardinal::persist {

static_assert(std::endian::native == std::endian::little, "RDB integers are little-endian");

namespace {

// Redis compresses only strings longer than this.
constexpr size_t kCompressMin = 20;

void put_u8(std::string& out, uint8_t v) {
  out.push_back(static_cast<char>(v));
}

template <typename T>
void put_le(std::string& out, T v) {
  char b[sizeof v];
  std::memcpy(b, &v, sizeof v);
  out.append(b, sizeof v);
}

void put_len(std::string& out, uint64_t len) {
  if (len < 64) {
    put_u8(out, static_cast<uint8_t>(len));
  } else if (len < 16384) {
    put_u8(out, static_cast<uint8_t>(0x40 | (len >> 8)));
    put_u8(out, static_cast<uint8_t>(len & 0xff));
  } else if (len <= UINT32_MAX) {
    put_u8(out, rdb::kLen32);
    put_le(out, __builtin_bswap32(static_cast<uint32_t>(len)));
  } else {
    put_u8(out, rdb::kLen64);
    put_le(out, __builtin_bswap64(len));
  }
}

// The 11xxxxxx integer forms, for what fits 32 bits (Redis writes larger ones as text).
bool put_encoded_int(std::string& out, int64_t v) {
  if (v >= INT8_MIN && v <= INT8_MAX) {
    put_u8(out, (rdb::kEncoded << 6) | rdb::kEncInt8);
    put_le(out, static_cast<int8_t>(v));
  } else if (v >= INT16_MIN && v <= INT16_MAX) {
    put_u8(out, (rdb::kEncoded << 6) | rdb::kEncInt16);
    put_le(out, static_cast<int16_t>(v));
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    put_u8(out, (rdb::kEncoded << 6) | rdb::kEncInt32);
    put_le(out, static_cast<int32_t>(v));
  } else {
    return false;
  }
  return true;
}

// Bytes are staged in `out_`; with a sink they are checksummed and handed over every
// kDrainBytes, so a save holds one buffer's worth of the file in memory, not the whole file.
constexpr size_t kDrainBytes = 1 << 16;

class Writer {
 public:
  Writer(std::string& out, bool compress, RdbSink* sink = nullptr, bool checksum = true)
      : out_(out), compress_(compress), sink_(sink), checksum_(checksum) {}

  void drain_if_full() {
    if (sink_ && out_.size() >= kDrainBytes) drain();
  }
  void drain() {
    if (checksum_) crc_ = crc64(crc_, out_);
    sink_->write(out_);
    out_.clear();
  }
  // The checksum trailer, over everything written before it. REQUIRES: a sink.
  void finish() {
    if (checksum_) crc_ = crc64(crc_, out_);
    put_le(out_, crc_);
    sink_->write(out_);
    out_.clear();
  }

  void string(std::string_view s) {
    int64_t v;
    // Only text that reads back identically may become an integer ("007" stays text).
    if (s.size() <= 11 && util::parse_i64(s, v) && put_encoded_int(out_, v)) return;
    if (compress_ && s.size() > kCompressMin && lzf_compress(s, s.size() - 3, scratch_)) {
      put_u8(out_, (rdb::kEncoded << 6) | rdb::kEncLzf);
      put_len(out_, scratch_.size());
      put_len(out_, s.size());
      out_.append(scratch_);
    } else {
      put_len(out_, s.size());
      out_.append(s);
    }
    drain_if_full();
  }

  static uint8_t type_of(const engine::Value& v) {
    switch (v.type()) {
      case engine::ValueType::String:
        return rdb::kString;
      case engine::ValueType::List:
        return rdb::kList;
      case engine::ValueType::Set:
        return rdb::kSet;
      case engine::ValueType::Hash:
        return rdb::kHash;
      case engine::ValueType::ZSet:
        return rdb::kZSet2;
    }
    return rdb::kString;
  }

  // The payload after the key, in the form type_of() announced.
  void body(const engine::Value& v) {
    switch (v.type()) {
      case engine::ValueType::String: {
        char buf[24];
        string(v.string_view(buf));
        break;
      }
      case engine::ValueType::List: {
        const ds::QuickList& l = v.as_list();
        put_len(out_, l.size());
        l.for_each([&](std::string_view e) { string(e); });
        break;
      }
      case engine::ValueType::Set: {
        const engine::SetValue& s = v.as_set();
        put_len(out_, s.size());
        s.for_each([&](std::string_view m) { string(m); });
        break;
      }
      case engine::ValueType::Hash: {
        const engine::HashValue& h = v.as_hash();
        put_len(out_, h.size());
        h.for_each([&](std::string_view f, std::string_view val) {
          string(f);
          string(val);
        });
        break;
      }
      case engine::ValueType::ZSet: {
        const engine::ZSetValue& z = v.as_zset();
        put_len(out_, z.size());
        z.for_each([&](std::string_view m, double score) {
          string(m);
          put_le(out_, score);
          return true;
        });
        break;
      }
    }
  }

  void aux(std::string_view key, std::string_view val) {
    put_u8(out_, rdb::kOpAux);
    string(key);
    string(val);
  }

 private:
  std::string& out_;
  bool compress_;
  std::string scratch_;
  RdbSink* sink_;
  bool checksum_;
  uint64_t crc_ = 0;
};

class StringSink final : public RdbSink {
 public:
  void write(std::string_view bytes) override { data.append(bytes); }
  std::string data;
};

}  // namespace

void rdb_append_value(std::string& out, const engine::Value& value, bool compress) {
  Writer w(out, compress);
  put_u8(out, Writer::type_of(value));
  w.body(value);
}

std::string rdb_serialize(const engine::Keyspace& keyspace, const RdbSaveOptions& options) {
  StringSink sink;
  rdb_write(keyspace, options, sink);
  return std::move(sink.data);
}

void rdb_write(const engine::Keyspace& keyspace, const RdbSaveOptions& options, RdbSink& sink) {
  std::string out;
  out.reserve(kDrainBytes * 2);
  Writer w(out, options.compress, &sink, options.checksum);
  char version[8];
  std::snprintf(version, sizeof version, "%04d", rdb::kVersion);
  out.append(rdb::kMagic);
  out.append(version);
  w.aux("redis-ver", rdb::kRedisVersion);
  w.aux("redis-bits", "64");
  w.aux("ctime", util::i64_to_string(options.now_ms / 1000));
  w.aux("used-mem", util::i64_to_string(static_cast<int64_t>(options.used_mem)));
  w.aux("aof-base", options.aof_base ? "1" : "0");
  for (int i = 0; i < keyspace.database_count(); ++i) {
    const engine::Database& db = keyspace.db(i);
    if (db.size() == 0) continue;
    put_u8(out, rdb::kOpSelectDb);
    put_len(out, static_cast<uint64_t>(i));
    put_u8(out, rdb::kOpResizeDb);
    put_len(out, db.size());
    put_len(out, db.expires_count());
    db.for_each([&](const engine::DbEntry& e) {
      if (e.has_expire()) {
        int64_t at = db.expire_of(e);
        if (at < options.now_ms) return;  // already dead: Redis would not load it either
        put_u8(out, rdb::kOpExpireTimeMs);
        put_le(out, at);
      }
      put_u8(out, Writer::type_of(e.value));
      w.string(e.key());
      w.body(e.value);
      w.drain_if_full();
      if (options.progress) options.progress->key_written();
    });
  }
  put_u8(out, rdb::kOpEof);
  w.finish();
}

}  // namespace cardinal::persist
