// The timer-driven half of incremental rehashing: a table left mid-resize (nobody touches it
// again) is listed in the registry and finished by run_for_us; moves and destruction keep the
// registry consistent.
#include <catch2/catch.hpp>
#include <string>

#include "cardinal/ds/hash_table.h"
#include "cardinal/ds/rehash_registry.h"

namespace {

struct Self {
  static std::string_view key(const std::string& s) { return s; }
};
using Table = cardinal::ds::HashTable<std::string, Self>;

// Inserts until a resize starts, then stops touching the table.
void leave_mid_resize(Table& t, int& next) {
  while (!t.rehashing()) {
    std::string k = "k" + std::to_string(next++);
    t.find_or_insert(k, [&] { return k; });
  }
}

}  // namespace

TEST_CASE("an idle table mid-resize is finished by the registry", "[rehash_registry]") {
  auto& registry = cardinal::ds::RehashRegistry::instance();
  size_t before = registry.size();
  Table t;
  int next = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string k = "k" + std::to_string(next++);
    t.find_or_insert(k, [&] { return k; });
  }
  leave_mid_resize(t, next);
  CHECK(registry.size() == before + 1);
  registry.run_for_us(1'000'000);
  CHECK_FALSE(t.rehashing());
  CHECK(registry.size() == before);
  t.check_invariants();
  for (int i = 0; i < next; ++i) CHECK(t.peek("k" + std::to_string(i)) != nullptr);
}

TEST_CASE("moving, swapping and destroying tables keep the registry exact", "[rehash_registry]") {
  auto& registry = cardinal::ds::RehashRegistry::instance();
  size_t before = registry.size();
  int next = 0;
  {
    Table a, b;
    leave_mid_resize(a, next);
    CHECK(registry.size() == before + 1);
    b = std::move(a);  // the resize moves with the contents
    CHECK_FALSE(a.rehashing());
    CHECK(b.rehashing());
    CHECK(registry.size() == before + 1);
    Table c(std::move(b));
    CHECK(registry.size() == before + 1);
    leave_mid_resize(b, next);  // a moved-from table is usable again
    CHECK(registry.size() == before + 2);
    b.swap(c);
    CHECK(registry.size() == before + 2);
    registry.run_for_us(1'000'000);
    CHECK_FALSE(b.rehashing());
    CHECK_FALSE(c.rehashing());
    CHECK(registry.size() == before);
    leave_mid_resize(c, next);
    CHECK(registry.size() == before + 1);
  }
  CHECK(registry.size() == before);  // a table destroyed mid-resize unlists itself
}

TEST_CASE("a paused table is left alone and the budget still ends the run", "[rehash_registry]") {
  auto& registry = cardinal::ds::RehashRegistry::instance();
  Table t;
  int next = 0;
  leave_mid_resize(t, next);
  t.pause_rehash();
  registry.run_for_us(2000);  // must return although this table makes no progress
  CHECK(t.rehashing());
  t.resume_rehash();
  registry.run_for_us(1'000'000);
  CHECK_FALSE(t.rehashing());
}

TEST_CASE("a zero budget moves nothing", "[rehash_registry]") {
  auto& registry = cardinal::ds::RehashRegistry::instance();
  Table t;
  int next = 0;
  leave_mid_resize(t, next);
  const size_t buckets = t.bucket_count();
  CHECK(registry.run_for_us(0) == 0);
  CHECK(t.rehashing());
  CHECK(t.bucket_count() == buckets);
  registry.run_for_us(1'000'000);
  CHECK_FALSE(t.rehashing());
}
