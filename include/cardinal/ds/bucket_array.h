// A power-of-two array of bucket heads split into page-sized segments that are allocated on
// first write and freed as soon as a rehash has emptied them. Growing a table therefore costs a
// small directory allocation, never one huge zeroed block (Redis's 2^k x 8 B calloc is a
// 10-100 ms stall at tens of millions of keys), and the new array's first touches cost one page
// each: the inserts right after a resize land all over the new array, and with larger segments
// the first few hundred of them zeroed the whole array at once (measured: a 35 ms pause when a
// set grew past 4M members with 256 KiB segments). An absent segment reads as empty buckets.
// Single-threaded, owned by one HashTable.
#pragma once

#include <cstddef>
#include <memory>

namespace cardinal::ds {

template <typename Ptr>
class BucketArray {
 public:
  // 512 heads = 4 KiB per segment (one page). The directory is 8 bytes per segment: 128 KiB
  // for a table of 8M buckets.
  static constexpr size_t kSegmentShift = 9;
  static constexpr size_t kSegmentSize = size_t{1} << kSegmentShift;

  BucketArray() = default;

  // Drops every segment and becomes `size` empty buckets (0 or a power of two).
  void reset(size_t size) {
    single_.reset();
    directory_.reset();
    size_ = size;
    if (size > kSegmentSize) directory_ = std::make_unique<Segment[]>(size >> kSegmentShift);
  }

  size_t size() const { return size_; }
  // Buckets per segment: the whole array while it fits in one segment.
  size_t segment_len() const { return size_ < kSegmentSize ? size_ : kSegmentSize; }

  Ptr get(size_t i) const {
    if (size_ == 0) return Ptr{};
    const Segment& seg = segment_of(i);
    return seg ? seg[i & (kSegmentSize - 1)] : Ptr{};
  }

  // Where bucket i's head is stored, or nullptr when its segment is absent (for prefetching).
  const Ptr* address_of(size_t i) const {
    if (size_ == 0) return nullptr;
    const Segment& seg = segment_of(i);
    return seg ? &seg[i & (kSegmentSize - 1)] : nullptr;
  }

  bool segment_present(size_t i) const { return size_ != 0 && segment_of(i) != nullptr; }

  // A writable head; allocates the segment holding bucket i if it was absent.
  Ptr& slot(size_t i) {
    Segment& seg = segment_of(i);
    if (!seg) seg = std::make_unique<Ptr[]>(segment_len());  // value-initialized: all null
    return seg[i & (kSegmentSize - 1)];
  }

  void free_segment_of(size_t i) { segment_of(i).reset(); }

  size_t allocated_bytes() const {
    if (size_ <= kSegmentSize) return single_ ? size_ * sizeof(Ptr) : 0;
    size_t segments = size_ >> kSegmentShift;
    size_t n = segments * sizeof(Segment);
    for (size_t k = 0; k < segments; ++k)
      if (directory_[k]) n += kSegmentSize * sizeof(Ptr);
    return n;
  }

 private:
  using Segment = std::unique_ptr<Ptr[]>;

  // Arrays of one segment keep it inline, so a small table (a set or hash just past its
  // compact encoding) pays for no directory block.
  Segment& segment_of(size_t i) {
    return size_ <= kSegmentSize ? single_ : directory_[i >> kSegmentShift];
  }
  const Segment& segment_of(size_t i) const {
    return size_ <= kSegmentSize ? single_ : directory_[i >> kSegmentShift];
  }

  size_t size_ = 0;
  Segment single_;                        // the only segment while size_ <= kSegmentSize
  std::unique_ptr<Segment[]> directory_;  // one slot per segment beyond that
};

}  // namespace cardinal::ds
