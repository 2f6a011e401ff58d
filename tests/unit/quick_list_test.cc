// ds::QuickList against a std::deque<std::string> oracle. Most bugs in a chain of packed nodes
// show at node edges (splits, merges, an entry too big for any node, free room at either end),
// so the random streams run every operation with small and large fills, values of every shape
// (empty, binary, integer-looking, oversized), and phases that grow and shrink the list; after
// each batch the structure is checked and read back in both directions.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cardinal/ds/quick_list.h"

using cardinal::ds::QuickList;

// REQUIRE only when the condition fails: Catch2's per-assertion bookkeeping would otherwise
// dominate the runtime of the long loops. `cond` must have no side effects.
#define FAST_REQUIRE(cond)      \
  do {                          \
    if (!(cond)) REQUIRE(cond); \
  } while (0)

namespace {

using Model = std::deque<std::string>;

constexpr int kFills[] = {1, 2, 5, 128, -1, -2, -5};

// Strings that look like numbers but must come back as the same bytes, and the integers
// around the edges of the compact integer range.
const std::vector<std::string>& tricky_values() {
  static const std::vector<std::string> values = {
      "",
      "0",
      "-0",
      "007",
      "00",
      "1.0",
      "12",
      "-12",
      "+1",
      " 1",
      "1 ",
      "1e3",
      "0x10",
      "-",
      "9223372036854775807",
      "9223372036854775808",
      "-9223372036854775808",
      "-9223372036854775809",
      "4611686018427387903",
      "4611686018427387904",
      "-4611686018427387904",
      "-4611686018427387905",
      "18446744073709551616",
      std::string("\0", 1),
      std::string("a\0b", 3),
      std::string("12\0", 3),
      "\r\n",
      "x\r\ny",
      "hello",
  };
  return values;
}

// The value mix of the random streams.
class Values {
 public:
  explicit Values(std::mt19937_64& rng) : rng_(rng) {}

  std::string next() {
    uint64_t r = rng_() % 1000;
    if (r < 300) return pick(tricky_values());
    if (r < 450) return std::to_string(static_cast<int64_t>(rng_() % 2001) - 1000);
    if (r < 520) return std::to_string(static_cast<int64_t>(rng_()));
    if (r < 780) return bytes(rng_() % 25);
    if (r < 995) return bytes(25 + rng_() % 276);
    // Bigger than a 4 KiB node, sometimes bigger than the 8 KiB safety limit of count-bounded
    // nodes, and now and then bigger than the largest (64 KiB) node.
    size_t len = rng_() % 5 == 0 ? 65'537 + rng_() % 4'000 : 4'097 + rng_() % 16'000;
    return bytes(len);
  }

  // A value of the model (so searches hit) or, rarely or when empty, a fresh one.
  std::string existing_or_new(const Model& model) {
    if (model.empty() || rng_() % 5 == 0) return next();
    return model[rng_() % model.size()];
  }

 private:
  std::string pick(const std::vector<std::string>& from) { return from[rng_() % from.size()]; }

  std::string bytes(size_t len) {
    std::string s(len, '\0');
    uint64_t word = 0;
    for (size_t i = 0; i < len; ++i) {
      if (i % 8 == 0) word = rng_();
      // Mostly a small alphabet (so short values repeat), sometimes any byte.
      auto b = static_cast<unsigned char>(word >> (8 * (i % 8)));
      s[i] = (b & 0x80) ? static_cast<char>(b) : "ab\0\r\n01-"[b % 8];
    }
    return s;
  }

  std::mt19937_64& rng_;
};

std::vector<std::string> forward(const QuickList& list) {
  std::vector<std::string> out;
  list.for_each([&](std::string_view v) { out.emplace_back(v); });
  return out;
}

std::vector<std::string> backward(const QuickList& list) {
  std::vector<std::string> out;
  list.for_each_reverse([&](std::string_view v) { out.emplace_back(v); });
  return out;
}

// Index of the first difference (or the shorter length), so a failure names one position
// instead of printing two long vectors.
template <typename A, typename B>
size_t first_difference(const A& a, const B& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return i;
}

void require_same(const QuickList& list, const Model& model) {
  REQUIRE_NOTHROW(list.check_invariants());
  REQUIRE(list.size() == model.size());
  REQUIRE(list.empty() == model.empty());
  std::vector<std::string> fwd = forward(list);
  REQUIRE(fwd.size() == model.size());
  size_t diff = first_difference(fwd, model);
  CAPTURE(diff);
  REQUIRE(diff == model.size());
  std::vector<std::string> bwd = backward(list);
  REQUIRE(bwd.size() == model.size());
  std::reverse(bwd.begin(), bwd.end());
  diff = first_difference(bwd, model);
  REQUIRE(diff == model.size());
}

// The model's side of each command, written from the Redis documentation.
bool model_insert(Model& m, const std::string& pivot, const std::string& value, bool before) {
  auto it = std::find(m.begin(), m.end(), pivot);
  if (it == m.end()) return false;
  m.insert(before ? it : it + 1, value);
  return true;
}

size_t model_remove(Model& m, int64_t count, const std::string& value) {
  size_t removed = 0;
  if (count >= 0) {
    for (size_t i = 0; i < m.size();) {
      if (m[i] == value && (count == 0 || removed < static_cast<size_t>(count))) {
        m.erase(m.begin() + static_cast<std::ptrdiff_t>(i));
        ++removed;
      } else {
        ++i;
      }
    }
  } else {
    for (size_t i = m.size(); i-- > 0;) {
      if (m[i] == value && removed < static_cast<size_t>(-count)) {
        m.erase(m.begin() + static_cast<std::ptrdiff_t>(i));
        ++removed;
      }
    }
  }
  return removed;
}

void model_trim(Model& m, size_t start, size_t stop) {
  if (start > stop || start >= m.size()) {
    m.clear();
    return;
  }
  stop = std::min(stop, m.size() - 1);
  m.erase(m.begin() + static_cast<std::ptrdiff_t>(stop) + 1, m.end());
  m.erase(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(start));
}

// A random index around the list, negative or out of range now and then.
int64_t random_index(std::mt19937_64& rng, size_t size) {
  auto n = static_cast<int64_t>(size);
  return static_cast<int64_t>(rng() % static_cast<uint64_t>(2 * n + 6)) - n - 3;
}

// One random operation on both sides. `grow` picks the phase: pushes and inserts dominate, or
// pops, removals and trims do.
void random_op(QuickList& list, Model& model, std::mt19937_64& rng, Values& values, bool grow) {
  // push_front, push_back, pop_front, pop_back, get, set, insert, remove, trim, for_range,
  // for_range_reverse, for_each, for_each_reverse. The searches (insert, remove) are O(n) on
  // both sides, so they are kept rare enough for long lists to stay cheap.
  static constexpr int kGrowWeights[] = {14, 14, 3, 3, 6, 5, 4, 1, 0, 3, 3, 2, 2};
  static constexpr int kShrinkWeights[] = {3, 3, 12, 12, 6, 5, 1, 4, 1, 3, 3, 2, 2};
  const int* weights = grow ? kGrowWeights : kShrinkWeights;
  int total = 0;
  for (int i = 0; i < 13; ++i) total += weights[i];
  int r = static_cast<int>(rng() % static_cast<uint64_t>(total));
  int op = 0;
  while (r >= weights[op]) r -= weights[op++];

  std::string out;
  switch (op) {
    case 0: {
      std::string v = values.next();
      list.push_front(v);
      model.push_front(std::move(v));
      break;
    }
    case 1: {
      std::string v = values.next();
      list.push_back(v);
      model.push_back(std::move(v));
      break;
    }
    case 2: {
      bool got = list.pop_front(out);
      FAST_REQUIRE(got == !model.empty());
      if (got) {
        FAST_REQUIRE(out == model.front());
        model.pop_front();
      }
      break;
    }
    case 3: {
      bool got = list.pop_back(out);
      FAST_REQUIRE(got == !model.empty());
      if (got) {
        FAST_REQUIRE(out == model.back());
        model.pop_back();
      }
      break;
    }
    case 4: {
      int64_t index = random_index(rng, model.size());
      int64_t norm = index < 0 ? index + static_cast<int64_t>(model.size()) : index;
      bool in_range = norm >= 0 && norm < static_cast<int64_t>(model.size());
      bool got = list.get(index, out);
      FAST_REQUIRE(got == in_range);
      if (got) FAST_REQUIRE(out == model[static_cast<size_t>(norm)]);
      break;
    }
    case 5: {
      int64_t index = random_index(rng, model.size());
      int64_t norm = index < 0 ? index + static_cast<int64_t>(model.size()) : index;
      bool in_range = norm >= 0 && norm < static_cast<int64_t>(model.size());
      std::string v = values.next();
      bool done = list.set(index, v);
      FAST_REQUIRE(done == in_range);
      if (done) model[static_cast<size_t>(norm)] = std::move(v);
      break;
    }
    case 6: {
      std::string pivot = values.existing_or_new(model);
      std::string v = values.next();
      bool before = rng() % 2 == 0;
      bool done = list.insert(pivot, v, before);
      FAST_REQUIRE(done == model_insert(model, pivot, v, before));
      break;
    }
    case 7: {
      std::string v = values.existing_or_new(model);
      int64_t count = static_cast<int64_t>(rng() % 7) - 3;
      size_t removed = list.remove(count, v);
      FAST_REQUIRE(removed == model_remove(model, count, v));
      break;
    }
    case 8: {
      // Mostly drop a little from each end; now and then an empty range.
      size_t n = model.size();
      size_t start = n == 0 ? 0 : rng() % (n / 10 + 1);
      size_t stop = n == 0 ? 0 : n - 1 - rng() % (n / 10 + 1) + rng() % 3;
      if (rng() % 50 == 0) std::swap(start, stop);
      list.trim(start, stop);
      model_trim(model, start, stop);
      FAST_REQUIRE(list.size() == model.size());
      break;
    }
    case 9:
    case 10: {
      // A range (possibly past the end or empty), checked in place, forwards or backwards.
      size_t n = model.size();
      size_t start = rng() % (n + 3);
      size_t stop = start + rng() % 100 - (rng() % 8 == 0 ? 20 : 0);
      size_t expected =
          (n == 0 || start > stop || start >= n) ? 0 : std::min(stop, n - 1) - start + 1;
      size_t seen = 0;
      bool ok = true;
      if (op == 9) {
        list.for_range(start, stop, [&](std::string_view v) {
          ok = ok && seen < expected && v == model[start + seen];
          ++seen;
        });
      } else {
        list.for_range_reverse(start, stop, [&](std::string_view v) {
          ok = ok && seen < expected && v == model[start + expected - 1 - seen];
          ++seen;
        });
      }
      FAST_REQUIRE(ok);
      FAST_REQUIRE(seen == expected);
      break;
    }
    case 11:
    case 12: {
      // A walk that stops early: after k + 1 values, when the visitor answers false.
      size_t n = model.size();
      size_t k = rng() % 8 == 0 ? rng() % (n + 2) : rng() % 40;
      size_t seen = 0;
      bool ok = true;
      auto visit = [&](std::string_view v) {
        const std::string& want = op == 11 ? model[seen] : model[n - 1 - seen];
        ok = ok && v == want;
        return ++seen <= k;
      };
      if (op == 11) {
        list.for_each(visit);
      } else {
        list.for_each_reverse(visit);
      }
      FAST_REQUIRE(ok);
      FAST_REQUIRE(seen == std::min(n, k + 1));
      break;
    }
  }
}

// Runs `ops` random operations in batches, switching between growing and shrinking phases so
// the list both fills many nodes and drains (sometimes to empty).
void run_stream(QuickList& list, Model& model, uint64_t seed, int ops, size_t max_len, int batch) {
  std::mt19937_64 rng(seed);
  Values values(rng);
  bool grow = true;
  size_t most_nodes = 0;
  for (int op = 0; op < ops; ++op) {
    if (grow && model.size() >= max_len) grow = false;
    if (!grow && model.size() <= max_len / 8 && rng() % 4 == 0) grow = true;
    random_op(list, model, rng, values, grow);
    most_nodes = std::max(most_nodes, list.node_count());
    if (op % batch == batch - 1) {
      CAPTURE(op, list.size(), list.node_count());
      require_same(list, model);
    }
  }
  require_same(list, model);
  // The stream must have built a real chain, or node edges went untested.
  CAPTURE(most_nodes);
  REQUIRE(most_nodes >= 4);
}

size_t max_len_for(int fill) {
  // Enough entries for a chain of many nodes at every fill (values average about 150 bytes,
  // so a 64 KiB node holds some 400), without making the O(n) searches slow.
  if (fill > 0) return std::max<size_t>(300, static_cast<size_t>(fill) * 16);
  return fill == -5 ? 4000 : 1000u << (-fill - 1);
}

}  // namespace

TEST_CASE("QuickList keeps every kind of value byte-exact", "[quicklist]") {
  std::vector<std::string> values = tricky_values();
  // Varint and back-length boundaries of the string encoding.
  for (size_t len : {1, 62, 63, 64, 65, 125, 126, 127, 128, 8190, 8191, 8192, 16383, 16384}) {
    values.push_back(std::string(len, 'v'));
    values.push_back(std::string(len - 1, 'v') + '\0');
  }
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) all_bytes.push_back(static_cast<char>(b));
  values.push_back(all_bytes);
  for (int64_t v : {INT64_MIN, INT64_MIN + 1, INT64_MAX, int64_t{-1}, int64_t{63}, int64_t{64}})
    values.push_back(std::to_string(v));

  for (int fill : kFills) {
    INFO("fill " << fill);
    QuickList list(fill);
    Model model;
    for (const std::string& v : values) {
      list.push_back(v);
      model.push_back(v);
      list.push_front(v);
      model.push_front(v);
    }
    require_same(list, model);
    std::string out;
    for (size_t i = 0; i < model.size(); ++i) {
      REQUIRE(list.get(static_cast<int64_t>(i), out));
      REQUIRE(out == model[i]);
      REQUIRE(list.get(static_cast<int64_t>(i) - static_cast<int64_t>(model.size()), out));
      REQUIRE(out == model[i]);
    }
    // Overwrite every position with a value of another shape.
    for (size_t i = 0; i < model.size(); ++i) {
      const std::string& v = values[(i * 7 + 3) % values.size()];
      REQUIRE(list.set(static_cast<int64_t>(i), v));
      model[i] = v;
    }
    require_same(list, model);
    // Every value can be found and removed by its exact bytes, and only by them.
    for (const std::string& v : values) {
      size_t expected = model_remove(model, 1, v);
      REQUIRE(list.remove(1, v) == expected);
    }
    require_same(list, model);
    while (!model.empty()) {
      REQUIRE(list.pop_back(out));
      REQUIRE(out == model.back());
      model.pop_back();
    }
    REQUIRE_FALSE(list.pop_front(out));
    require_same(list, model);
  }
}

TEST_CASE("QuickList stores canonical integers compactly", "[quicklist]") {
  // The same length of text, as a number and not: the numbers must take less room, and "007"
  // (not canonical) must take as much as text.
  QuickList numbers(-2);
  QuickList text(-2);
  QuickList padded(-2);
  for (int i = 0; i < 2000; ++i) {
    numbers.push_back("1234567890123");
    text.push_back("x234567890123");
    padded.push_back("0234567890123");
  }
  CAPTURE(numbers.memory_bytes(), text.memory_bytes(), padded.memory_bytes());
  REQUIRE(numbers.memory_bytes() * 3 < text.memory_bytes() * 2);
  REQUIRE(padded.memory_bytes() == text.memory_bytes());
  std::string out;
  REQUIRE(numbers.get(1234, out));
  REQUIRE(out == "1234567890123");
  REQUIRE(padded.get(-1, out));
  REQUIRE(out == "0234567890123");
}

TEST_CASE("QuickList matches a deque under random operations", "[quicklist]") {
  for (int fill : kFills) {
    for (uint64_t seed : {1u, 2u}) {
      INFO("fill " << fill << " seed " << seed);
      QuickList list(fill);
      Model model;
      run_stream(list, model, seed * 1000 + static_cast<uint64_t>(fill + 10), 12'000,
                 max_len_for(fill), 500);
    }
  }
}

TEST_CASE("QuickList follows fill changes in the middle of a stream", "[quicklist]") {
  // set_fill only affects nodes built from then on, so old nodes may be bigger or smaller than
  // the new limit; every operation must still be right and the structure valid.
  std::mt19937_64 rng(77);
  QuickList list(-2);
  Model model;
  for (int round = 0; round < 28; ++round) {
    int fill = kFills[rng() % std::size(kFills)];
    INFO("round " << round << " fill " << fill);
    list.set_fill(fill);
    REQUIRE(list.fill() == fill);
    run_stream(list, model, 500 + static_cast<uint64_t>(round), 1'500, 1'500, 250);
  }
}

TEST_CASE("QuickList long random run", "[quicklist]") {
  for (int fill : {-2, 128}) {
    INFO("fill " << fill);
    QuickList list(fill);
    Model model;
    run_stream(list, model, 4242 + static_cast<uint64_t>(fill), 200'000, 500, 20'000);
  }
}

TEST_CASE("QuickList respects the fill limits", "[quicklist]") {
  SECTION("positive fill counts entries") {
    for (int fill : {1, 2, 5, 128}) {
      INFO("fill " << fill);
      QuickList back(fill);
      QuickList front(fill);
      const size_t n = 1000;
      for (size_t i = 0; i < n; ++i) {
        back.push_back("e" + std::to_string(i));
        front.push_front("e" + std::to_string(i));
      }
      // Pushes at one end fill each node before starting the next.
      size_t full_nodes = (n + static_cast<size_t>(fill) - 1) / static_cast<size_t>(fill);
      REQUIRE(back.node_count() == full_nodes);
      REQUIRE(front.node_count() == full_nodes);
      REQUIRE_NOTHROW(back.check_invariants());
      REQUIRE_NOTHROW(front.check_invariants());
    }
  }
  SECTION("negative fill bounds node bytes") {
    for (int fill : {-1, -2, -3, -4, -5}) {
      INFO("fill " << fill);
      const size_t limit = size_t{4096} << (-fill - 1);
      QuickList list(fill);
      const std::string value(100, 'x');
      const size_t n = 3000;
      for (size_t i = 0; i < n; ++i) list.push_back(value);
      REQUIRE_NOTHROW(list.check_invariants());
      // At least the payload's worth of nodes, and each node except the last more than half
      // full, so at most twice that.
      size_t payload_nodes = (n * value.size() + limit - 1) / limit;
      CAPTURE(list.node_count(), payload_nodes);
      REQUIRE(list.node_count() >= payload_nodes);
      REQUIRE(list.node_count() <= 2 * payload_nodes + 1);
    }
  }
  SECTION("an entry bigger than any node gets a node of its own") {
    for (int fill : kFills) {
      INFO("fill " << fill);
      QuickList list(fill);
      Model model;
      const std::string big(70'000, 'B');
      for (int i = 0; i < 3; ++i) {
        list.push_back("s");
        model.push_back("s");
      }
      size_t before = list.node_count();
      list.push_back(big);
      model.push_back(big);
      REQUIRE(list.node_count() == before + 1);
      list.push_back("t");
      model.push_back("t");
      list.push_front(big);
      model.push_front(big);
      REQUIRE_NOTHROW(list.check_invariants());
      // Insert next to the big entry, replace it, and replace a small one with a big one.
      REQUIRE(list.insert(big, "u", true));
      model_insert(model, big, "u", true);
      REQUIRE(list.set(-2, big + "!"));
      model[model.size() - 2] = big + "!";
      REQUIRE(list.set(2, big));
      model[2] = big;
      require_same(list, model);
      REQUIRE(list.remove(0, big) == model_remove(model, 0, big));
      require_same(list, model);
    }
  }
  SECTION("fill values are clamped like list-max-listpack-size") {
    REQUIRE(QuickList(0).fill() == 1);
    REQUIRE(QuickList(-9).fill() == -5);
    REQUIRE(QuickList(1'000'000).fill() == 32'768);
    REQUIRE(QuickList().fill() == QuickList::kDefaultFill);
  }
}

TEST_CASE("QuickList LSET and LINSERT on full nodes at every position", "[quicklist]") {
  // Chains of full nodes; each entry in turn is replaced or gets a neighbour, with a value that
  // fits anywhere and with one that overflows its node (or any node), so the node is split at
  // its first, a middle or its last entry, at the head, inside or at the tail of the chain.
  for (int fill : {4, -1}) {
    INFO("fill " << fill);
    const std::string small(fill > 0 ? 10 : 400, 's');
    const std::string wide(fill > 0 ? 9'000 : 2'000, 'w');
    QuickList base(fill);
    Model model;
    for (int i = 0; i < 30; ++i) {
      base.push_back(small + std::to_string(i));
      model.push_back(small + std::to_string(i));
    }
    REQUIRE(base.node_count() >= 3);
    for (size_t pos = 0; pos < model.size(); ++pos) {
      for (const std::string& value : {std::string("x"), wide}) {
        for (int op = 0; op < 3; ++op) {
          INFO("position " << pos << " op " << op << " value size " << value.size());
          QuickList list = base.clone();
          Model m = model;
          if (op == 0) {
            REQUIRE(list.set(static_cast<int64_t>(pos), value));
            m[pos] = value;
          } else {
            std::string pivot = m[pos];
            REQUIRE(list.insert(pivot, value, op == 1));
            model_insert(m, pivot, value, op == 1);
          }
          require_same(list, m);
        }
      }
    }
  }
}

TEST_CASE("QuickList merges neighbours after deletions", "[quicklist]") {
  for (int fill : {16, -1}) {
    INFO("fill " << fill);
    std::mt19937_64 rng(fill + 100);
    QuickList list(fill);
    Model model;
    for (int i = 0; i < 4000; ++i) {
      std::string v =
          (i % 10 == 0 ? "keep" : "drop") + std::string(40, static_cast<char>('a' + i % 3));
      list.push_back(v);
      model.push_back(v);
    }
    size_t full = list.node_count();
    // Nine in ten entries go, from every node, by value and by position.
    for (char c : {'a', 'b', 'c'}) {
      std::string v = "drop" + std::string(40, c);
      REQUIRE(list.remove(0, v) == model_remove(model, 0, v));
    }
    require_same(list, model);
    CAPTURE(full, list.node_count());
    REQUIRE(list.node_count() * 5 < full);
    // A list built fresh from the survivors is the yardstick for memory.
    QuickList fresh(fill);
    for (const std::string& v : model) fresh.push_back(v);
    CAPTURE(list.memory_bytes(), fresh.memory_bytes());
    REQUIRE(list.memory_bytes() * 4 <= fresh.memory_bytes() * 5);

    // The same by trimming and by random deletions in the middle.
    for (int i = 0; i < 3000; ++i) {
      std::string v = std::to_string(rng() % 50);
      list.push_back(v);
      model.push_back(v);
    }
    list.trim(10, model.size() - 11);
    model_trim(model, 10, model.size() - 11);
    for (int i = 0; i < 40; ++i) {
      std::string v = std::to_string(i);
      auto count = static_cast<int64_t>(rng() % 5) - 2;
      REQUIRE(list.remove(count, v) == model_remove(model, count, v));
    }
    require_same(list, model);
  }
}

TEST_CASE("QuickList memory stays bounded as a queue", "[quicklist]") {
  // Push at one end and pop at the other: nodes are filled, drained and freed, and their free
  // room must not pile up.
  for (int fill : {-2, 128, 1}) {
    INFO("fill " << fill);
    QuickList list(fill);
    Model model;
    std::mt19937_64 rng(fill + 7);
    std::string out;
    size_t worst = 0;
    for (int i = 0; i < 100'000; ++i) {
      std::string v(rng() % 40, 'q');
      list.push_back(v);
      model.push_back(v);
      if (model.size() > 1'000) {
        bool got = list.pop_front(out);
        FAST_REQUIRE(got);
        FAST_REQUIRE(out == model.front());
        model.pop_front();
      }
      if (i % 1'000 == 999) {
        QuickList fresh(fill);
        for (const std::string& s : model) fresh.push_back(s);
        // Beyond a fresh list: at most the free room of the two end nodes.
        size_t end_room = 2 * (sizeof(void*) * 4 + 8192 + 64);
        FAST_REQUIRE(list.memory_bytes() <= fresh.memory_bytes() + end_room);
        worst = std::max(worst, list.memory_bytes());
      }
    }
    require_same(list, model);
    CAPTURE(worst);
  }
}

TEST_CASE("QuickList LINSERT, LREM and LTRIM edge cases", "[quicklist]") {
  QuickList list(2);
  Model model;
  std::string out;
  // Empty list.
  REQUIRE_FALSE(list.get(0, out));
  REQUIRE_FALSE(list.get(-1, out));
  REQUIRE_FALSE(list.set(0, "x"));
  REQUIRE_FALSE(list.insert("x", "y", true));
  REQUIRE(list.remove(0, "x") == 0);
  list.trim(0, 10);
  bool called = false;
  list.for_range(0, 0, [&](std::string_view) { called = true; });
  list.for_each_reverse([&](std::string_view) { called = true; });
  REQUIRE_FALSE(called);
  require_same(list, model);

  for (const char* v : {"a", "b", "a", "c", "a", "b"}) {
    list.push_back(v);
    model.push_back(v);
  }
  // A missing pivot changes nothing; the first occurrence from the head is used.
  REQUIRE_FALSE(list.insert("z", "y", false));
  REQUIRE(list.insert("b", "B", false));
  model_insert(model, "b", "B", false);
  REQUIRE(list.insert("a", "A", true));
  model_insert(model, "a", "A", true);
  require_same(list, model);
  for (int64_t count : {-1, 1, 0}) {
    REQUIRE(list.remove(count, "a") == model_remove(model, count, "a"));
    require_same(list, model);
  }
  // Counts larger than the occurrences, and INT64_MIN.
  list.push_back("b");
  model.push_back("b");
  REQUIRE(list.remove(INT64_MIN, "b") == model_remove(model, -1000, "b"));
  require_same(list, model);
  // Out-of-range indexes.
  REQUIRE_FALSE(list.get(static_cast<int64_t>(model.size()), out));
  REQUIRE_FALSE(list.get(-static_cast<int64_t>(model.size()) - 1, out));
  REQUIRE_FALSE(list.set(INT64_MIN, "x"));
  REQUIRE_FALSE(list.set(INT64_MAX, "x"));
  // Trims: a stop past the end, then an empty range.
  for (int i = 0; i < 20; ++i) {
    list.push_back(std::to_string(i));
    model.push_back(std::to_string(i));
  }
  list.trim(3, 1000);
  model_trim(model, 3, 1000);
  require_same(list, model);
  list.trim(4, 4);
  model_trim(model, 4, 4);
  require_same(list, model);
  list.trim(1, 0);
  model_trim(model, 1, 0);
  require_same(list, model);
  REQUIRE(list.node_count() == 0);
  REQUIRE(list.memory_bytes() == 0);
}

TEST_CASE("QuickList moves and clones", "[quicklist]") {
  std::mt19937_64 rng(5);
  Values values(rng);
  QuickList a(5);
  Model model;
  for (int i = 0; i < 500; ++i) {
    std::string v = values.next();
    a.push_back(v);
    model.push_back(v);
  }
  QuickList copy = a.clone();
  require_same(copy, model);
  REQUIRE(copy.fill() == 5);

  QuickList b(std::move(a));
  require_same(b, model);
  REQUIRE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from must be usable
  REQUIRE(a.memory_bytes() == 0);
  a.push_back("again");
  require_same(a, Model{"again"});

  QuickList c(-1);
  c.push_back("old");
  c = std::move(b);
  require_same(c, model);
  REQUIRE(c.fill() == 5);
  REQUIRE(b.empty());  // NOLINT(bugprone-use-after-move)

  // Const visitors (lvalues and temporaries) work too.
  size_t visited = 0;
  const auto count_all = [&visited](std::string_view) { ++visited; };
  c.for_each(count_all);
  c.for_range_reverse(0, 9, count_all);
  REQUIRE(visited == model.size() + 10);

  // The clone is independent of the original.
  copy.push_front("only in copy");
  std::string out;
  REQUIRE(c.get(0, out));
  REQUIRE(out == model.front());
  REQUIRE(copy.size() == model.size() + 1);
}
