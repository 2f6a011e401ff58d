#include "cardinal/util/alloc_stats.h"

#include <atomic>

namespace cardinal::util {

namespace {
std::atomic<size_t> g_allocated{0};
std::atomic<size_t> g_peak{0};
std::atomic<bool> g_enabled{false};
std::atomic<const char*> g_allocator_name{"libc"};
}  // namespace

const char* allocator_name() {
  return g_allocator_name.load(std::memory_order_relaxed);
}
void set_allocator_name(const char* name) {
  g_allocator_name.store(name, std::memory_order_relaxed);
}

bool alloc_tracking_enabled() {
  return g_enabled.load(std::memory_order_relaxed);
}
size_t allocated_bytes() {
  return g_allocated.load(std::memory_order_relaxed);
}
size_t peak_allocated_bytes() {
  return g_peak.load(std::memory_order_relaxed);
}
void reset_peak_allocated_bytes() {
  g_peak.store(allocated_bytes(), std::memory_order_relaxed);
}

void note_alloc(size_t usable) {
  g_enabled.store(true, std::memory_order_relaxed);
  size_t now = g_allocated.fetch_add(usable, std::memory_order_relaxed) + usable;
  size_t peak = g_peak.load(std::memory_order_relaxed);
  while (now > peak && !g_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

void note_free(size_t usable) {
  g_allocated.fetch_sub(usable, std::memory_order_relaxed);
}

}  // namespace cardinal::util
