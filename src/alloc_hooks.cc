// Counting operator new/delete for the server binary: every C++ allocation is added to
// util::allocated_bytes() at its usable size, which INFO reports as used_memory. Compiled into
// the cardinal-server executable only, so the test binaries keep the default operators.
#include <malloc.h>

#include <cstdlib>
#include <new>

#include "cardinal/util/alloc_stats.h"

namespace {

// Which malloc the binary was linked with (CMake's CARDINAL_JEMALLOC), for INFO mem_allocator.
const bool g_allocator_registered = [] {
  cardinal::util::set_allocator_name(CARDINAL_ALLOCATOR);
  return true;
}();

void* counted_alloc(std::size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  cardinal::util::note_alloc(::malloc_usable_size(p));
  return p;
}

void counted_free(void* p) noexcept {
  if (!p) return;
  cardinal::util::note_free(::malloc_usable_size(p));
  std::free(p);
}

}  // namespace

void* operator new(std::size_t n) {
  return counted_alloc(n);
}
void* operator new[](std::size_t n) {
  return counted_alloc(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(n);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept {
  counted_free(p);
}
void operator delete[](void* p) noexcept {
  counted_free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  counted_free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  counted_free(p);
}
