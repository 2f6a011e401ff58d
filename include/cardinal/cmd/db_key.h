// (database, key) packed into one string — 4 bytes of database index, then the key bytes — so
// the registries that follow keys across databases (blocking, WATCH) use one flat hash map.
// Pure functions, any thread.
#pragma once

#include <cstring>
#include <string>
#include <string_view>

namespace cardinal::cmd {

inline void encode_db_key(std::string& out, int db, std::string_view key) {
  out.resize(sizeof db + key.size());
  std::memcpy(out.data(), &db, sizeof db);
  if (!key.empty()) std::memcpy(out.data() + sizeof db, key.data(), key.size());
}

inline int db_of(std::string_view encoded) {
  int db;
  std::memcpy(&db, encoded.data(), sizeof db);
  return db;
}

inline std::string_view key_of(std::string_view encoded) {
  return encoded.substr(sizeof(int));
}

}  // namespace cardinal::cmd
