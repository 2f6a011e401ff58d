// Bytes per member of one large sorted set, as the allocator sees them: N members of 16 bytes
// ("%016d", as bench/e2e/memory.py names them) with score i, or random scores with --random.
// Reports the requested bytes (ZSetValue::memory_bytes) and the allocator's own count: jemalloc's
// stats.allocated when linked with jemalloc (as the release server is), else glibc's mallinfo2
// (chunk sizes, headers included). Redis 7.0.15 measured 125.8 B/member of used_memory on the
// same load through redis-cli --pipe.
//
//   ./build/release/bench/zset_memory_bench [N] [--random]
#include <malloc.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include "cardinal/engine/zset_value.h"

#ifdef CARDINAL_BENCH_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

namespace {

size_t allocator_bytes() {
#ifdef CARDINAL_BENCH_JEMALLOC
  uint64_t epoch = 1;
  size_t len = sizeof epoch;
  mallctl("epoch", &epoch, &len, &epoch, len);
  size_t allocated = 0;
  len = sizeof allocated;
  mallctl("stats.allocated", &allocated, &len, nullptr, 0);
  return allocated;
#else
  return mallinfo2().uordblks;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = 1000000;
  bool random_scores = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--random") == 0) {
      random_scores = true;
    } else {
      n = std::stoull(argv[i]);
    }
  }
  using cardinal::engine::ZSetLimits;
  using cardinal::engine::ZSetValue;
  ZSetLimits limits;  // Redis's defaults: 128 entries, 64 bytes
  std::mt19937_64 rng(1);
  size_t before = allocator_bytes();
  auto z = ZSetValue::create(1, 16, limits);
  char name[32];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(name, sizeof name, "%016zu", i);
    double score =
        random_scores ? std::uniform_real_distribution<double>(0, 1)(rng) : static_cast<double>(i);
    z->add(score, name, {}, limits);
  }
  size_t after = allocator_bytes();
  std::printf("N = %zu members of 16 bytes, %s scores, encoding %s\n", n,
              random_scores ? "random" : "sequential",
              z->encoding() == ZSetValue::Encoding::SkipList ? "skiplist" : "listpack");
  std::printf("requested %.1f B/member, allocator (%s) %.1f B/member\n",
              static_cast<double>(z->memory_bytes() + sizeof(ZSetValue)) / static_cast<double>(n),
#ifdef CARDINAL_BENCH_JEMALLOC
              "jemalloc",
#else
              "glibc",
#endif
              static_cast<double>(after - before) / static_cast<double>(n));
  return 0;
}
