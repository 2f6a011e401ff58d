// Process-wide heap accounting: bytes currently allocated through operator new, measured with
// the allocator's usable size so the figure is what the heap really holds (INFO used_memory).
// Atomics with relaxed order, so any thread may allocate (Asio internals, future helpers).
#pragma once

#include <cstddef>

namespace cardinal::util {

// True when the server binary installed the counting operator new (see alloc_hooks.cc).
bool alloc_tracking_enabled();
size_t allocated_bytes();
size_t peak_allocated_bytes();
void reset_peak_allocated_bytes();

// The malloc the binary runs on, for INFO mem_allocator ("libc" unless the server binary
// registered another at startup).
const char* allocator_name();
void set_allocator_name(const char* name);

// Called by the counting operator new/delete only.
void note_alloc(size_t usable);
void note_free(size_t usable);

}  // namespace cardinal::util
