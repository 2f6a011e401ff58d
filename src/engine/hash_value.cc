#include "cardinal/engine/hash_value.h"

#include <algorithm>

namespace cardinal::engine {

std::optional<std::string_view> HashValue::get(std::string_view field) const {
  if (encoding_ == Encoding::HashTable) {
    const Field* f = table_.peek(field);
    if (!f) return std::nullopt;
    return f->part(1);
  }
  for (const Entry& e : pairs_)
    if (e.first == field) return e.second;
  return std::nullopt;
}

void HashValue::convert_to_table() {
  for (const Entry& e : pairs_) table_.insert_new(Field::make({e.first, e.second}));
  pairs_.clear();
  pairs_.shrink_to_fit();
  encoding_ = Encoding::HashTable;
}

bool HashValue::set(std::string_view field, std::string_view value, const HashLimits& limits) {
  if (encoding_ == Encoding::ListPack &&
      (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value))
    convert_to_table();
  if (encoding_ == Encoding::HashTable) {
    auto [f, created] = table_.find_or_insert(field, [&] { return Field::make({field, value}); });
    if (!created) {
      if (f->part(1).size() == value.size()) {
        f->overwrite(1, value);
      } else {
        Field::destroy(table_.replace(f, Field::make({field, value})));
      }
    }
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
  const Field* f = table_.random_element(rng);
  return Entry(f->part(0), f->part(1));
}

std::unique_ptr<HashValue> HashValue::clone() const {
  auto copy = std::make_unique<HashValue>();
  copy->encoding_ = encoding_;
  copy->pairs_ = pairs_;
  table_.for_each([&](const Field& f) {
    copy->table_.insert_new(Field::make({f.part(0), f.part(1)}));
  });
  return copy;
}

size_t HashValue::memory_bytes() const {
  size_t bytes = pairs_.capacity() * sizeof(Entry) + table_.bucket_bytes();
  for (const Entry& e : pairs_) {
    if (e.first.capacity() > 15) bytes += e.first.capacity() + 1;
    if (e.second.capacity() > 15) bytes += e.second.capacity() + 1;
  }
  table_.for_each([&](const Field& f) { bytes += f.requested_bytes(); });
  return bytes;
}

}  // namespace cardinal::engine
