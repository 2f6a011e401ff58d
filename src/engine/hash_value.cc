#include "cardinal/engine/hash_value.h"

#include <algorithm>

namespace cardinal::engine {

HashValue::HashValue() = default;
HashValue::~HashValue() = default;

size_t HashValue::size() const {
  return table_ ? table_->size() : packed_count_;
}

std::optional<HashValue::PackedPair> HashValue::find_packed(std::string_view field) const {
  for (size_t pos = 0; pos < packed_.size();) {
    PackedPair p = decode(pos);
    if (p.field == field) return p;
    pos = p.end;
  }
  return std::nullopt;
}

void HashValue::encode_pair(std::vector<char>& out, std::string_view field,
                            std::string_view value) {
  size_t need = util::varint_size(field.size()) + field.size() + util::varint_size(value.size()) +
                value.size();
  if (out.capacity() < out.size() + need) out.reserve(out.size() + need);
  char len[10];
  out.insert(out.end(), len, util::varint_put(len, field.size()));
  out.insert(out.end(), field.begin(), field.end());
  out.insert(out.end(), len, util::varint_put(len, value.size()));
  out.insert(out.end(), value.begin(), value.end());
}

std::optional<std::string_view> HashValue::get(std::string_view field) const {
  if (table_) {
    const Field* f = table_->peek(field);
    if (!f) return std::nullopt;
    return f->part(1);
  }
  if (auto p = find_packed(field)) return p->value;
  return std::nullopt;
}

void HashValue::convert_to_table() {
  auto table = std::make_unique<Table>();
  for_each([&](std::string_view f, std::string_view v) { table->insert_new(Field::make({f, v})); });
  table_ = std::move(table);
  std::vector<char>().swap(packed_);
  packed_count_ = 0;
}

bool HashValue::set(std::string_view field, std::string_view value, const HashLimits& limits) {
  if (!table_ &&
      (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value))
    convert_to_table();
  if (table_) {
    auto [f, created] = table_->find_or_insert(field, [&] { return Field::make({field, value}); });
    if (!created) {
      if (f->part(1).size() == value.size()) {
        f->overwrite(1, value);
      } else {
        Field::destroy(table_->replace(f, Field::make({field, value})));
      }
    }
    return created;
  }
  bool created = true;
  if (auto p = find_packed(field)) {
    created = false;
    if (p->value.size() == value.size()) {
      std::copy(value.begin(), value.end(), packed_.begin() + (p->value.data() - packed_.data()));
    } else {
      std::vector<char> pair;
      encode_pair(pair, field, value);
      // Rebuilt so the pair keeps its position, sized exactly like an append.
      std::vector<char> rebuilt;
      rebuilt.reserve(packed_.size() - (p->end - p->begin) + pair.size());
      rebuilt.insert(rebuilt.end(), packed_.begin(),
                     packed_.begin() + static_cast<ptrdiff_t>(p->begin));
      rebuilt.insert(rebuilt.end(), pair.begin(), pair.end());
      rebuilt.insert(rebuilt.end(), packed_.begin() + static_cast<ptrdiff_t>(p->end),
                     packed_.end());
      packed_.swap(rebuilt);
    }
  } else {
    encode_pair(packed_, field, value);
    ++packed_count_;
  }
  // Checked after every write, overwrites included: a lowered limit applies on the next write.
  if (packed_count_ > limits.max_listpack_entries) convert_to_table();
  return created;
}

bool HashValue::remove(std::string_view field) {
  if (table_) return table_->erase(field);
  auto p = find_packed(field);
  if (!p) return false;
  // Keeps insertion order, as a listpack does.
  packed_.erase(packed_.begin() + static_cast<ptrdiff_t>(p->begin),
                packed_.begin() + static_cast<ptrdiff_t>(p->end));
  --packed_count_;
  return true;
}

HashValue::Entry HashValue::random_entry(std::mt19937_64& rng) {
  if (table_) {
    const Field* f = table_->random_element(rng);
    return Entry(f->part(0), f->part(1));
  }
  size_t skip = std::uniform_int_distribution<size_t>(0, packed_count_ - 1)(rng);
  size_t pos = 0;
  while (skip--) pos = decode(pos).end;
  PackedPair p = decode(pos);
  return Entry(p.field, p.value);
}

std::unique_ptr<HashValue> HashValue::clone() const {
  auto copy = std::make_unique<HashValue>();
  copy->packed_ = packed_;
  copy->packed_count_ = packed_count_;
  if (table_) {
    copy->table_ = std::make_unique<Table>();
    table_->for_each([&](const Field& f) {
      copy->table_->insert_new(Field::make({f.part(0), f.part(1)}));
    });
  }
  return copy;
}

size_t HashValue::memory_bytes() const {
  size_t bytes = packed_.capacity();
  if (table_) {
    bytes += sizeof(Table) + table_->bucket_bytes();
    table_->for_each([&](const Field& f) { bytes += f.requested_bytes(); });
  }
  return bytes;
}

}  // namespace cardinal::engine
