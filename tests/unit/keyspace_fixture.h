// Test helpers shared by the persistence tests: a keyspace holding every type, encoding and
// size class (fill), and a canonical text per key (describe) so two keyspaces compare with ==.
// Test code only; single-threaded.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cardinal/ds/quick_list.h"
#include "cardinal/engine/hash_value.h"
#include "cardinal/engine/keyspace.h"
#include "cardinal/engine/set_value.h"
#include "cardinal/engine/zset_value.h"
#include "cardinal/util/numbers.h"

namespace cardinal::test {

// A canonical text per key: type, sorted content, expiry, encoding. Equal descriptions mean
// equal keyspaces.
inline std::map<std::string, std::string> describe(const engine::Keyspace& ks, bool with_encoding) {
  std::map<std::string, std::string> out;
  for (int i = 0; i < ks.database_count(); ++i) {
    const engine::Database& db = ks.db(i);
    db.for_each([&](const engine::DbEntry& e) {
      std::string d = std::string(engine::type_name(e.value.type())) + "|";
      if (with_encoding) d += std::string(engine::encoding_name(e.value.encoding())) + "|";
      std::vector<std::string> items;
      char buf[24];
      switch (e.value.type()) {
        case engine::ValueType::String:
          items.emplace_back(e.value.string_view(buf));
          break;
        case engine::ValueType::List:
          e.value.as_list().for_each([&](std::string_view v) { items.emplace_back(v); });
          break;
        case engine::ValueType::Set:
          e.value.as_set().for_each([&](std::string_view v) { items.emplace_back(v); });
          std::sort(items.begin(), items.end());
          break;
        case engine::ValueType::Hash:
          e.value.as_hash().for_each([&](std::string_view f, std::string_view v) {
            items.push_back(std::string(f) + "=" + std::string(v));
          });
          std::sort(items.begin(), items.end());
          break;
        case engine::ValueType::ZSet:
          e.value.as_zset().for_each([&](std::string_view m, double s) {
            items.push_back(std::string(m) + "@" + util::format_double(s) +
                            (std::signbit(s) ? "-" : "+"));
            return true;
          });
          break;
      }
      for (auto& s : items) d += std::to_string(s.size()) + ":" + s + ",";
      d += "|ttl=" + std::to_string(db.expire_of(e));
      out[std::to_string(i) + "/" + std::string(e.key())] = d;
    });
  }
  return out;
}

inline std::string random_bytes(std::mt19937_64& rng, size_t n, int alphabet) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() % static_cast<unsigned>(alphabet));
  return s;
}

// A keyspace holding every type in every encoding and size class, binary keys and values,
// integers of each width, TTLs and three databases.
// `sizes`: the collection sizes built per type (the largest dominate the time a test takes).
inline void fill(engine::Keyspace& ks, int64_t now_ms,
                 std::initializer_list<size_t> sizes = {1, 5, 200, 5000}) {
  std::mt19937_64 rng(42);
  engine::Database& d0 = ks.db(0);
  d0.set("int8", engine::Value::string_from_client("-100"));
  d0.set("int16", engine::Value::string_from_client("30000"));
  d0.set("int32", engine::Value::string_from_client("-2000000000"));
  d0.set("int64", engine::Value::string_from_client("9223372036854775807"));
  d0.set("notint", engine::Value::string_from_client("007"));
  d0.set("empty", engine::Value::string_from_client(""));
  d0.set("float", engine::Value::text("3.14"));
  d0.set(std::string("bin\0key\xff", 8),
         engine::Value::string_from_client(random_bytes(rng, 300, 256)));
  d0.set("compressible", engine::Value::string_from_client(std::string(100000, 'x') + "tail"));
  d0.set("big", engine::Value::string_from_client(random_bytes(rng, 70000, 4)));
  engine::DbEntry& ttl = d0.set("ttl", engine::Value::string_from_client("v"));
  d0.set_expire(ttl, now_ms + 100000);
  engine::DbEntry& dead = d0.set("dead", engine::Value::string_from_client("v"));
  d0.set_expire(dead, now_ms - 1);

  engine::Database& d1 = ks.db(1);
  for (size_t n : sizes) {
    auto l = std::make_unique<ds::QuickList>();
    for (size_t i = 0; i < n; ++i)
      l->push_back(i % 3 == 0 ? util::i64_to_string(static_cast<int64_t>(i) * 977 - 5000)
                              : random_bytes(rng, i % 7 == 0 ? 9000 : 10, 256));
    d1.set("list" + std::to_string(n), engine::Value::list(std::move(l)));

    std::unique_ptr<engine::SetValue> ints = engine::SetValue::empty_intset();
    std::unique_ptr<engine::SetValue> strs = engine::SetValue::for_member("a");
    for (size_t i = 0; i < n; ++i) {
      ints->add(util::i64_to_string(static_cast<int64_t>(i * 1234567) - 100), 512);
      strs->add(random_bytes(rng, 12, 256), 512);
    }
    d1.set("intset" + std::to_string(n), engine::Value::set(std::move(ints)));
    d1.set("strset" + std::to_string(n), engine::Value::set(std::move(strs)));

    auto h = std::make_unique<engine::HashValue>();
    for (size_t i = 0; i < n; ++i)
      h->set("f" + std::to_string(i),
             i % 2 ? util::i64_to_string(int64_t(i)) : random_bytes(rng, 20, 256), {});
    d1.set("hash" + std::to_string(n), engine::Value::hash(std::move(h)));

    auto z = engine::ZSetValue::create(n, 10, {});
    for (size_t i = 0; i < n; ++i) {
      double score = i == 0   ? -INFINITY
                     : i == 1 ? INFINITY
                              : (static_cast<double>(rng() % 1000) - 500) / 7;
      z->add(score, random_bytes(rng, 1 + i % 30, 256), {}, {});
    }
    engine::DbEntry& ze = d1.set("zset" + std::to_string(n), engine::Value::zset(std::move(z)));
    d1.set_expire(ze, now_ms + 5000 + static_cast<int64_t>(n));
  }
  auto h = std::make_unique<engine::HashValue>();
  h->set("long", std::string(100, 'v'), {});  // converts to hashtable by value length
  ks.db(15).set("hash-longvalue", engine::Value::hash(std::move(h)));
}

}  // namespace cardinal::test
