// PackedNode: a hash-chain link followed, in the same allocation, by N length-prefixed byte
// strings (varint length + bytes each). A set member is a PackedNode<1>, a hash field with its
// value a PackedNode<2>: one allocation of 8 + 1 + len bytes for a short member, where a node
// holding a std::string needs two and 40+ bytes. Part 0 is the key. Allocated with operator new,
// so the server's allocation counters see it. Nodes are immutable in size: a part that changes
// length means a new node (see IntrusiveHashTable::replace). Single-threaded.
#pragma once

#include <array>
#include <cstddef>
#include <cstring>
#include <new>
#include <string_view>

#include "cardinal/util/varint.h"

namespace cardinal::ds {

template <size_t N>
class PackedNode {
 public:
  static PackedNode* make(const std::array<std::string_view, N>& parts) {
    size_t bytes = sizeof(PackedNode);
    for (std::string_view p : parts) bytes += util::varint_size(p.size()) + p.size();
    auto* node = new (::operator new(bytes)) PackedNode();
    char* out = node->tail();
    for (std::string_view p : parts) {
      out = util::varint_put(out, p.size());
      if (!p.empty()) std::memcpy(out, p.data(), p.size());
      out += p.size();
    }
    return node;
  }
  static void destroy(PackedNode* node) {
    node->~PackedNode();
    ::operator delete(node);
  }

  std::string_view part(size_t index) const {
    const char* p = tail();
    uint64_t len;
    for (;;) {
      p = util::varint_get(p, len);
      if (index-- == 0) return {p, len};
      p += len;
    }
  }
  std::string_view key() const { return part(0); }

  // Overwrites part `index` with bytes of the same length (REQUIRES: equal length).
  void overwrite(size_t index, std::string_view bytes) {
    std::string_view current = part(index);
    if (!bytes.empty()) std::memcpy(const_cast<char*>(current.data()), bytes.data(), bytes.size());
  }

  // The chain link, for IntrusiveHashTable.
  PackedNode*& next() { return next_; }

  // Bytes this node asked the allocator for.
  size_t requested_bytes() const {
    std::string_view last = part(N - 1);
    return static_cast<size_t>(last.data() + last.size() - reinterpret_cast<const char*>(this));
  }

  // IntrusiveHashTable traits for a table of PackedNode<N> keyed by part 0.
  struct Traits {
    using Node = PackedNode;
    static Node*& next(Node& n) { return n.next_; }
    static std::string_view key(const Node& n) { return n.key(); }
    static void destroy(Node* n) { PackedNode::destroy(n); }
  };

 private:
  PackedNode() = default;
  char* tail() { return reinterpret_cast<char*>(this + 1); }
  const char* tail() const { return reinterpret_cast<const char*>(this + 1); }

  PackedNode* next_ = nullptr;
};

}  // namespace cardinal::ds
