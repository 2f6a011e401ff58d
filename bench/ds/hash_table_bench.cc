// Micro benchmark of ds::HashTable against std::unordered_set: throughput of insert, lookup and
// erase, and the latency of every single insert while one table grows to N elements (the
// resize-stall claim: no insert pays for a whole rehash). Usage: hash_table_bench [N].
// A benchmark, not a test: it asserts nothing; docs/BENCHMARKS.md records its output.
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_set>
#include <vector>

#include "cardinal/ds/hash_table.h"
#include "cardinal/util/hash.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Self {
  static std::string_view key(const std::string& s) { return s; }
};

std::vector<std::string> make_keys(size_t n) {
  std::vector<std::string> keys;
  keys.reserve(n);
  for (size_t i = 0; i < n; ++i)
    keys.push_back("member:" + std::to_string(i * 2654435761u % 1000000007u));
  return keys;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void throughput(const std::vector<std::string>& keys) {
  size_t n = keys.size();
  {
    cardinal::ds::HashTable<std::string, Self> t;
    auto t0 = Clock::now();
    for (const auto& k : keys) t.find_or_insert(k, [&] { return k; });
    double ins = seconds_since(t0);
    t0 = Clock::now();
    size_t hits = 0;
    for (const auto& k : keys) hits += t.find(k) != nullptr;
    double look = seconds_since(t0);
    t0 = Clock::now();
    for (const auto& k : keys) t.erase(k);
    double era = seconds_since(t0);
    std::printf(
        "cardinal HashTable    insert %6.1f ns/op  lookup %6.1f ns/op  erase %6.1f ns/op  (hits "
        "%zu)\n",
        ins * 1e9 / static_cast<double>(n), look * 1e9 / static_cast<double>(n),
        era * 1e9 / static_cast<double>(n), hits);
  }
  {
    std::unordered_set<std::string> t;
    auto t0 = Clock::now();
    for (const auto& k : keys) t.insert(k);
    double ins = seconds_since(t0);
    t0 = Clock::now();
    size_t hits = 0;
    for (const auto& k : keys) hits += t.count(k);
    double look = seconds_since(t0);
    t0 = Clock::now();
    for (const auto& k : keys) t.erase(k);
    double era = seconds_since(t0);
    std::printf(
        "std::unordered_set    insert %6.1f ns/op  lookup %6.1f ns/op  erase %6.1f ns/op  (hits "
        "%zu)\n",
        ins * 1e9 / static_cast<double>(n), look * 1e9 / static_cast<double>(n),
        era * 1e9 / static_cast<double>(n), hits);
  }
}

// Times every insert individually; reports the tail. std::unordered_set rehashes everything at
// once when it grows, which is exactly the stall an incremental table avoids.
template <typename Insert>
void insert_latency(const char* name, const std::vector<std::string>& keys, Insert&& insert) {
  std::vector<double> us;
  us.reserve(keys.size());
  for (const auto& k : keys) {
    auto t0 = Clock::now();
    insert(k);
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  // How many inserts stalled past 1 ms, and where the worst was: a lone outlier early in the
  // growth is the VM or the kernel (page faults), not a resize.
  size_t over_1ms = 0, worst = 0;
  for (size_t i = 0; i < us.size(); ++i) {
    if (us[i] > 1000) ++over_1ms;
    if (us[i] > us[worst]) worst = i;
  }
  std::vector<double> sorted = us;
  std::sort(sorted.begin(), sorted.end());
  auto pct = [&](double p) {
    return sorted[static_cast<size_t>(p * static_cast<double>(sorted.size() - 1))];
  };
  std::printf(
      "%-20s single-insert latency: p50 %.2f us  p99 %.2f us  p99.9 %.2f us  max %.1f us "
      "(insert #%zu)  over 1 ms: %zu\n",
      name, pct(0.5), pct(0.99), pct(0.999), sorted.back(), worst, over_1ms);
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  cardinal::util::randomize_hash_secret();
  std::printf("N = %zu keys of ~15 bytes\n", n);
  std::vector<std::string> keys = make_keys(n);
  throughput(keys);
  // The throughput phase freed tens of millions of small blocks into glibc's fast bins; the next
  // large allocation would consolidate them all (tens of ms at 10M) inside a timed insert.
  // Consolidate now, outside the measurement.
  malloc_trim(0);
  {
    cardinal::ds::HashTable<std::string, Self> t;
    insert_latency("cardinal HashTable", keys,
                   [&](const std::string& k) { t.find_or_insert(k, [&] { return k; }); });
    std::printf(
        "                     buckets %zu, overhead %.1f bytes/element beyond the strings\n",
        t.bucket_count(), static_cast<double>(t.overhead_bytes()) / static_cast<double>(t.size()));
  }
  {
    std::unordered_set<std::string> t;
    insert_latency("std::unordered_set", keys, [&](const std::string& k) { t.insert(k); });
  }
  return 0;
}
