#include "cardinal/engine/set_value.h"

#include <algorithm>

#include "cardinal/util/numbers.h"

namespace cardinal::engine {

namespace {
bool as_integer(std::string_view s, int64_t& out) {
  return s.size() <= 20 && util::parse_i64(s, out);
}
}  // namespace

std::unique_ptr<SetValue> SetValue::for_member(std::string_view first_member) {
  auto set = std::make_unique<SetValue>();
  int64_t v;
  if (!as_integer(first_member, v)) {
    set->encoding_ = Encoding::HashTable;
    set->table_ = std::make_unique<Table>();
  }
  return set;
}

std::unique_ptr<SetValue> SetValue::empty_intset() {
  return std::make_unique<SetValue>();
}

std::string_view SetValue::render(int64_t v, char* buf) {
  return {buf, util::format_i64(v, buf)};
}

bool SetValue::contains(std::string_view member) const {
  if (encoding_ == Encoding::HashTable) return table_->peek(member) != nullptr;
  int64_t v;
  return as_integer(member, v) && std::binary_search(ints_.begin(), ints_.end(), v);
}

void SetValue::retain_members(std::span<const std::string_view> members, bool* alive) const {
  if (encoding_ == Encoding::IntSet) {
    for (size_t i = 0; i < members.size(); ++i)
      if (alive[i]) alive[i] = contains(members[i]);
    return;
  }
  Member* found[kBatch];
  table_->peek_batch(members, alive, found);
  for (size_t i = 0; i < members.size(); ++i)
    if (alive[i]) alive[i] = found[i] != nullptr;
}

void SetValue::convert_to_table() {
  auto table = std::make_unique<Table>();
  char buf[24];
  for (int64_t v : ints_) {
    std::string_view m = render(v, buf);
    table->insert_new(Member::make({m}));
  }
  ints_.clear();
  ints_.shrink_to_fit();
  table_ = std::move(table);
  encoding_ = Encoding::HashTable;
}

bool SetValue::add(std::string_view member, size_t max_intset_entries) {
  if (encoding_ == Encoding::IntSet) {
    int64_t v;
    if (as_integer(member, v)) {
      auto it = std::lower_bound(ints_.begin(), ints_.end(), v);
      if (it != ints_.end() && *it == v) return false;
      ints_.insert(it, v);
      if (ints_.size() > max_intset_entries) convert_to_table();
      return true;
    }
    convert_to_table();
  }
  return table_->find_or_insert(member, [&] { return Member::make({member}); }).second;
}

bool SetValue::remove(std::string_view member) {
  if (encoding_ == Encoding::HashTable) return table_->erase(member);
  int64_t v;
  if (!as_integer(member, v)) return false;
  auto it = std::lower_bound(ints_.begin(), ints_.end(), v);
  if (it == ints_.end() || *it != v) return false;
  ints_.erase(it);
  return true;
}

std::string SetValue::random_member(std::mt19937_64& rng) {
  if (encoding_ == Encoding::IntSet) {
    char buf[24];
    return std::string(
        render(ints_[std::uniform_int_distribution<size_t>(0, ints_.size() - 1)(rng)], buf));
  }
  return std::string(table_->random_element(rng)->key());
}

std::unique_ptr<SetValue> SetValue::clone() const {
  auto copy = std::make_unique<SetValue>();
  copy->encoding_ = encoding_;
  copy->ints_ = ints_;
  if (table_) {
    copy->table_ = std::make_unique<Table>();
    table_->for_each([&](const Member& m) { copy->table_->insert_new(Member::make({m.key()})); });
  }
  return copy;
}

size_t SetValue::memory_bytes() const {
  size_t bytes = ints_.capacity() * sizeof(int64_t);
  if (table_) {
    bytes += sizeof(Table) + table_->bucket_bytes();
    table_->for_each([&](const Member& m) { bytes += m.requested_bytes(); });
  }
  return bytes;
}

}  // namespace cardinal::engine
