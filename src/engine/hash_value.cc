#include "cardinal/engine/hash_value.h"

#include <algorithm>

namespace cardinal::engine {

const std::string* HashValue::get(std::string_view field) const {
  if (encoding_ == Encoding::HashTable) {
    const Entry* e = table_.peek(field);
    return e ? &e->second : nullptr;
  }
  for (const Entry& e : pairs_)
    if (e.first == field) return &e.second;
  return nullptr;
}

void HashValue::convert_to_table() {
  for (Entry& e : pairs_) table_.find_or_insert(e.first, [&] { return std::move(e); });
  pairs_.clear();
  pairs_.shrink_to_fit();
  encoding_ = Encoding::HashTable;
}

bool HashValue::set(std::string_view field, std::string_view value, const HashLimits& limits) {
  if (encoding_ == Encoding::ListPack &&
      (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value))
    convert_to_table();
  if (encoding_ == Encoding::HashTable) {
    auto [e, created] = table_.find_or_insert(field, [&] { return Entry(field, value); });
    if (!created) e->second.assign(value);
    return created;
  }
  bool created = true;
  for (Entry& e : pairs_) {
    if (e.first == field) {
      e.second.assign(value);
      created = false;
      break;
    }
  }
  if (created) pairs_.emplace_back(field, value);
  // Checked after every write, overwrites included: a lowered limit applies on the next write.
  if (pairs_.size() > limits.max_listpack_entries) convert_to_table();
  return created;
}

bool HashValue::remove(std::string_view field) {
  if (encoding_ == Encoding::HashTable) return table_.erase(field);
  auto it =
      std::find_if(pairs_.begin(), pairs_.end(), [&](const Entry& e) { return e.first == field; });
  if (it == pairs_.end()) return false;
  pairs_.erase(it);  // keeps insertion order, as a listpack does
  return true;
}

HashValue::Entry HashValue::random_entry(std::mt19937_64& rng) {
  if (encoding_ == Encoding::ListPack)
    return pairs_[std::uniform_int_distribution<size_t>(0, pairs_.size() - 1)(rng)];
  return *table_.random_element(rng);
}

std::unique_ptr<HashValue> HashValue::clone() const {
  auto copy = std::make_unique<HashValue>();
  copy->encoding_ = encoding_;
  copy->pairs_ = pairs_;
  table_.for_each([&](const Entry& e) { copy->table_.find_or_insert(e.first, [&] { return e; }); });
  return copy;
}

}  // namespace cardinal::engine
