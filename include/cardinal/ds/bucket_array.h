// A power-of-two array of bucket heads split into fixed segments that are allocated on first
// write and freed as soon as a rehash has emptied them. Growing a table therefore costs a tiny
// directory allocation, never one huge zeroed block (Redis's 2^k x 8 B calloc is a 10-100 ms
// stall at tens of millions of keys). An absent segment reads as all-empty buckets.
// Single-threaded, owned by one HashTable.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace cardinal::ds {

template <typename Ptr>
class BucketArray {
 public:
  // 32768 heads = 256 KiB per segment: the largest allocation a resize ever makes.
  static constexpr size_t kSegmentShift = 15;
  static constexpr size_t kSegmentSize = size_t{1} << kSegmentShift;

  BucketArray() = default;

  // Drops every segment and becomes `size` empty buckets (0 or a power of two).
  void reset(size_t size) {
    size_ = size;
    segment_len_ = size < kSegmentSize ? size : kSegmentSize;
    segments_.clear();
    segments_.shrink_to_fit();
    segments_.resize(size == 0 ? 0 : (size + segment_len_ - 1) / segment_len_);
  }

  size_t size() const { return size_; }
  size_t segment_len() const { return segment_len_; }

  Ptr get(size_t i) const {
    if (size_ == 0) return Ptr{};
    const auto& seg = segments_[i >> kSegmentShift];
    return seg ? seg[i & (kSegmentSize - 1)] : Ptr{};
  }

  // Where bucket i's head is stored, or nullptr when its segment is absent (for prefetching).
  const Ptr* address_of(size_t i) const {
    if (size_ == 0) return nullptr;
    const auto& seg = segments_[i >> kSegmentShift];
    return seg ? &seg[i & (kSegmentSize - 1)] : nullptr;
  }

  bool segment_present(size_t i) const {
    return size_ != 0 && segments_[i >> kSegmentShift] != nullptr;
  }

  // A writable head; allocates the segment holding bucket i if it was absent.
  Ptr& slot(size_t i) {
    auto& seg = segments_[i >> kSegmentShift];
    if (!seg) seg = std::make_unique<Ptr[]>(segment_len_);  // value-initialized: all null
    return seg[i & (kSegmentSize - 1)];
  }

  void free_segment_of(size_t i) { segments_[i >> kSegmentShift].reset(); }

  size_t allocated_bytes() const {
    size_t n = segments_.capacity() * sizeof(std::unique_ptr<Ptr[]>);
    for (const auto& s : segments_)
      if (s) n += segment_len_ * sizeof(Ptr);
    return n;
  }

 private:
  size_t size_ = 0;
  size_t segment_len_ = 0;
  std::vector<std::unique_ptr<Ptr[]>> segments_;
};

}  // namespace cardinal::ds
