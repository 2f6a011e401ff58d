// Entry format (all lengths in bytes):
//
//   [code: LEB128 varint][payload][back length]
//
// code is even for a string of code/2 payload bytes, odd for an integer with no payload whose
// zigzag form is code/2. Only the canonical decimal spelling of an integer in [-2^62, 2^62)
// is stored as a number ("12", "-7"; never "007", "-0", "+1" or "1.0"), so rendering it gives
// back the exact bytes pushed. The back length is the size of code plus payload, written in
// 7-bit digits with the lowest digit last and 0x80 on every digit except the highest, so it can
// be read from the entry's end towards its start: that is what lets a node be walked backwards.
// A short string costs 2 bytes over its payload; an integer of up to 6 decimal digits costs at
// most 4 bytes in all.
#include "cardinal/ds/quick_list.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>

#include "cardinal/util/numbers.h"

namespace cardinal::ds {

struct QuickList::Node {
  Node* prev;
  Node* next;
  uint32_t cap;    // bytes of entry storage after the header
  uint32_t begin;  // first entry; [0, begin) is free room for pushes at the front
  uint32_t end;    // past the last entry; [end, cap) is free room at the back
  uint32_t count;  // entries; never 0 while linked

  uint8_t* data() { return reinterpret_cast<uint8_t*>(this + 1); }
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(this + 1); }
  uint32_t used() const { return end - begin; }
  uint32_t free_bytes() const { return cap - used(); }
};

namespace {

// Redis's size safety limit for count-bounded nodes: it keeps an insert's memmove short even
// when the entries are large.
constexpr uint32_t kCountFillMaxBytes = 8192;
constexpr int kMaxCountFill = 1 << 15;
constexpr size_t kMinSlack = 32;
constexpr int64_t kIntLimit = int64_t{1} << 62;  // zigzag(v) << 1 must fit in 64 bits

size_t varint_len(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

uint8_t* put_varint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v) | 0x80;
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

const uint8_t* get_varint(const uint8_t* p, uint64_t& v) {
  v = 0;
  int shift = 0;
  while (*p & 0x80) {
    v |= static_cast<uint64_t>(*p & 0x7f) << shift;
    shift += 7;
    ++p;
  }
  v |= static_cast<uint64_t>(*p) << shift;
  return p + 1;
}

void put_backlen(uint8_t* p, uint64_t body) {
  for (size_t i = varint_len(body); i-- > 0;) {
    uint8_t digit = static_cast<uint8_t>(body & 0x7f);
    body >>= 7;
    p[i] = i != 0 ? (digit | 0x80) : digit;
  }
}

// The start of the entry that ends at `end`.
const uint8_t* entry_before(const uint8_t* end) {
  uint64_t body = 0;
  int shift = 0;
  const uint8_t* p = end;
  do {
    --p;
    body |= static_cast<uint64_t>(*p & 0x7f) << shift;
    shift += 7;
  } while (*p & 0x80);
  return p - body;
}

struct Encoded {
  uint64_t code;
  std::string_view text;  // the payload; empty for integers
  uint32_t head;          // bytes of the code varint
  uint32_t size;          // the whole entry
};

bool compact_integer(std::string_view v, int64_t& out) {
  if (v.empty() || v.size() > 20 || !(v[0] == '-' || (v[0] >= '0' && v[0] <= '9'))) return false;
  if (!util::parse_i64(v, out) || out < -kIntLimit || out >= kIntLimit) return false;
  // Only a spelling that renders back identically may lose its bytes.
  char buf[24];
  return std::string_view(buf, util::format_i64(out, buf)) == v;
}

Encoded encode(std::string_view v) {
  if (v.size() > QuickList::kMaxValueBytes) throw std::length_error("list value too long");
  Encoded e;
  int64_t i;
  if (compact_integer(v, i)) {
    uint64_t zigzag = (static_cast<uint64_t>(i) << 1) ^ static_cast<uint64_t>(i >> 63);
    e.code = (zigzag << 1) | 1;
    e.text = {};
  } else {
    e.code = static_cast<uint64_t>(v.size()) << 1;
    e.text = v;
  }
  e.head = static_cast<uint32_t>(varint_len(e.code));
  size_t body = e.head + e.text.size();
  e.size = static_cast<uint32_t>(body + varint_len(body));
  return e;
}

void write_entry(uint8_t* p, const Encoded& e) {
  p = put_varint(p, e.code);
  if (!e.text.empty()) std::memcpy(p, e.text.data(), e.text.size());
  put_backlen(p + e.text.size(), e.head + e.text.size());
}

struct Decoded {
  uint64_t code;
  uint32_t head;
  uint32_t size;
};

Decoded read_entry(const uint8_t* p) {
  uint64_t code;
  uint32_t head = static_cast<uint32_t>(get_varint(p, code) - p);
  size_t body = head + ((code & 1) ? 0 : code >> 1);
  return {code, head, static_cast<uint32_t>(body + varint_len(body))};
}

// The entry's value; an integer is rendered into `scratch` (at least 21 bytes).
std::string_view value_of(const uint8_t* p, const Decoded& d, char* scratch) {
  if (d.code & 1) {
    uint64_t zigzag = d.code >> 1;
    auto v = static_cast<int64_t>((zigzag >> 1) ^ (0 - (zigzag & 1)));
    return {scratch, util::format_i64(v, scratch)};
  }
  return {reinterpret_cast<const char*>(p + d.head), static_cast<size_t>(d.code >> 1)};
}

// Every value has exactly one encoding, so equal values have equal codes and payloads.
bool matches(const uint8_t* p, const Decoded& d, const Encoded& needle) {
  if (d.code != needle.code) return false;
  return needle.text.empty() ||
         std::memcmp(p + d.head, needle.text.data(), needle.text.size()) == 0;
}

}  // namespace

QuickList::QuickList(int fill) {
  static_assert(sizeof(Node) == 32);
  set_fill(fill);
}

QuickList::QuickList(QuickList&& other) noexcept {
  *this = std::move(other);
}

QuickList& QuickList::operator=(QuickList&& other) noexcept {
  if (this != &other) {
    clear();
    head_ = std::exchange(other.head_, nullptr);
    tail_ = std::exchange(other.tail_, nullptr);
    size_ = std::exchange(other.size_, 0);
    nodes_ = std::exchange(other.nodes_, 0);
    bytes_ = std::exchange(other.bytes_, 0);
    fill_ = other.fill_;
    limits_ = other.limits_;
    loosest_ = other.loosest_;
    tightest_ = other.tightest_;
    other.reset_limit_history();
  }
  return *this;
}

QuickList::~QuickList() {
  clear();
}

QuickList::Limits QuickList::limits_for(int fill) {
  if (fill > 0) return {static_cast<uint32_t>(fill), kCountFillMaxBytes};
  return {std::numeric_limits<uint32_t>::max(), 4096u << (-fill - 1)};
}

void QuickList::set_fill(int fill) {
  fill_ = std::clamp(fill, -5, kMaxCountFill);
  if (fill_ == 0) fill_ = 1;
  limits_ = limits_for(fill_);
  loosest_ = {std::max(loosest_.entries, limits_.entries), std::max(loosest_.bytes, limits_.bytes)};
  tightest_ = {std::min(tightest_.entries, limits_.entries),
               std::min(tightest_.bytes, limits_.bytes)};
  if (size_ == 0) reset_limit_history();
}

void QuickList::reset_limit_history() {
  loosest_ = limits_;
  tightest_ = limits_;
}

bool QuickList::fits(const Node* n, size_t extra_entries, size_t extra_bytes) const {
  return n->count + extra_entries <= limits_.entries && n->used() + extra_bytes <= limits_.bytes;
}

bool QuickList::fits_pair(const Node* a, const Node* b) const {
  return fits(a, b->count, b->used());
}

// Room to leave for later pushes when a push grows a node: half its size, but never room the
// limit would not let the node use.
size_t QuickList::growth_slack(const Node* n, size_t need) const {
  size_t used = (n ? n->used() : 0) + need;
  size_t count = (n ? n->count : 0) + 1;
  size_t slack = std::max(used / 2, kMinSlack);
  slack = std::min(slack, used < limits_.bytes ? limits_.bytes - used : 0);
  size_t entries_left = limits_.entries > count ? limits_.entries - count : 0;
  if (entries_left < slack) slack = std::min(slack, entries_left * ((used + count - 1) / count));
  return slack;
}

QuickList::Node* QuickList::new_node(size_t cap) {
  assert(cap <= std::numeric_limits<uint32_t>::max());
  void* mem = ::operator new(sizeof(Node) + cap);
  Node* n = new (mem) Node{nullptr, nullptr, static_cast<uint32_t>(cap), 0, 0, 0};
  ++nodes_;
  bytes_ += sizeof(Node) + cap;
  return n;
}

void QuickList::free_node(Node* n) {
  --nodes_;
  bytes_ -= sizeof(Node) + n->cap;
  n->~Node();
  ::operator delete(static_cast<void*>(n));
}

void QuickList::link_after(Node* pos, Node* n) {
  n->prev = pos;
  n->next = pos ? pos->next : head_;
  if (n->next) {
    n->next->prev = n;
  } else {
    tail_ = n;
  }
  if (pos) {
    pos->next = n;
  } else {
    head_ = n;
  }
}

void QuickList::unlink(Node* n) {
  if (n->prev) {
    n->prev->next = n->next;
  } else {
    head_ = n->next;
  }
  if (n->next) {
    n->next->prev = n->prev;
  } else {
    tail_ = n->prev;
  }
}

// Replaces `n` by a new block holding its entries with `old_len` bytes at `off` swapped for
// `new_len` bytes of room (at gap_front + (off - begin)), with the given free room at each end.
QuickList::Node* QuickList::reallocate(Node* n, uint32_t off, uint32_t old_len, uint32_t new_len,
                                       uint32_t gap_front, uint32_t gap_back) {
  uint32_t prefix = off - n->begin;
  uint32_t suffix = n->end - off - old_len;
  size_t content = size_t{prefix} + new_len + suffix;
  Node* r = new_node(size_t{gap_front} + content + gap_back);
  r->begin = gap_front;
  r->end = static_cast<uint32_t>(gap_front + content);
  r->count = n->count;
  std::memcpy(r->data() + gap_front, n->data() + n->begin, prefix);
  std::memcpy(r->data() + gap_front + prefix + new_len, n->data() + off + old_len, suffix);
  r->prev = n->prev;
  r->next = n->next;
  if (r->prev) {
    r->prev->next = r;
  } else {
    head_ = r;
  }
  if (r->next) {
    r->next->prev = r;
  } else {
    tail_ = r;
  }
  free_node(n);
  return r;
}

// Makes `new_len` bytes of room in place of the `old_len` bytes at `off`; returns the node
// (which moves when it has to grow) and the room's offset. Shifts the shorter side of the node
// into free room when it can. Room at an edge never shifts the rest of the node: a run of
// pushes into the far side's free room would copy the whole node every time, so such a node is
// reallocated instead, with gap_front / gap_back of free room for the pushes to come.
std::pair<QuickList::Node*, uint32_t> QuickList::splice(Node* n, uint32_t off, uint32_t old_len,
                                                        uint32_t new_len, uint32_t gap_front,
                                                        uint32_t gap_back) {
  uint8_t* d = n->data();
  uint32_t prefix = off - n->begin;
  uint32_t suffix = n->end - off - old_len;
  if (new_len <= old_len) {
    uint32_t shrink = old_len - new_len;
    if (prefix < suffix) {
      std::memmove(d + n->begin + shrink, d + n->begin, prefix);
      n->begin += shrink;
      return {n, off + shrink};
    }
    std::memmove(d + off + new_len, d + off + old_len, suffix);
    n->end -= shrink;
    return {n, off};
  }
  uint32_t grow = new_len - old_len;
  bool front_ok = n->begin >= grow;
  bool back_ok = n->cap - n->end >= grow;
  bool at_front = prefix == 0;
  bool at_back = suffix == 0;
  if (front_ok && (at_front || (!at_back && (prefix <= suffix || !back_ok)))) {
    std::memmove(d + n->begin - grow, d + n->begin, prefix);
    n->begin -= grow;
    return {n, off - grow};
  }
  if (back_ok && (at_back || !at_front)) {
    std::memmove(d + off + new_len, d + off + old_len, suffix);
    n->end += grow;
    return {n, off};
  }
  Node* r = reallocate(n, off, old_len, new_len, gap_front, gap_back);
  return {r, gap_front + prefix};
}

// Gives back free room a node will not use: nodes away from the ends take no pushes. Optional,
// so a failed allocation just keeps the room.
QuickList::Node* QuickList::tighten(Node* n) {
  if (n->free_bytes() <= n->used() / 8 + 16) return n;
  try {
    return reallocate(n, n->begin, 0, 0, 0, 0);
  } catch (const std::bad_alloc&) {
    return n;
  }
}

// Runs after the pop has taken effect, so nothing here may throw: both steps are optional.
void QuickList::after_pop(Node* n, bool front) {
  try {
    // Give free room back only once it outweighs the entries: a node drained by pops is then
    // copied in halving steps, O(1) per byte, rather than on every pop.
    if (n->free_bytes() > n->used() + 64) n = reallocate(n, n->begin, 0, 0, 0, 0);
    // A pop can make the end node fit together with its neighbour.
    if (front) {
      if (n->next && fits_pair(n, n->next)) merge(n, n->next);
    } else {
      if (n->prev && fits_pair(n->prev, n)) merge(n->prev, n);
    }
  } catch (const std::bad_alloc&) {
  }
}

// Joins neighbours a and b (a->next == b) into one node and returns it. The smaller side is
// copied into the other's free room when there is enough; otherwise one exact block is made.
QuickList::Node* QuickList::merge(Node* a, Node* b) {
  uint32_t au = a->used();
  uint32_t bu = b->used();
  auto into_b = [&] {
    std::memcpy(b->data() + b->begin - au, a->data() + a->begin, au);
    b->begin -= au;
    b->count += a->count;
    unlink(a);
    free_node(a);
    return b;
  };
  if (au <= bu && b->begin >= au) return into_b();
  if (a->cap - a->end >= bu) {
    std::memcpy(a->data() + a->end, b->data() + b->begin, bu);
    a->end += bu;
  } else if (b->begin >= au) {
    return into_b();
  } else {
    a = reallocate(a, a->end, 0, bu, 0, 0);
    std::memcpy(a->data() + a->end - bu, b->data() + b->begin, bu);
  }
  a->count += b->count;
  unlink(b);
  free_node(b);
  return a;
}

// Moves the entries from `off` (strictly inside n) into a new node linked after n.
QuickList::Node* QuickList::split_at(Node* n, uint32_t off) {
  const uint8_t* d = n->data();
  uint32_t moved_entries = 0;
  if (off - n->begin <= n->end - off) {
    uint32_t kept = 0;
    for (uint32_t p = n->begin; p < off; p += read_entry(d + p).size) ++kept;
    moved_entries = n->count - kept;
  } else {
    for (uint32_t p = off; p < n->end; p += read_entry(d + p).size) ++moved_entries;
  }
  uint32_t moved = n->end - off;
  Node* r = new_node(moved);
  std::memcpy(r->data(), d + off, moved);
  r->end = moved;
  r->count = moved_entries;
  n->end = off;
  n->count -= moved_entries;
  link_after(n, r);
  return r;
}

// Restores the merge invariant between `first` and `last` (first precedes or is last): every
// neighbouring pair in that stretch that fits within the limit is joined, left to right, and
// the nodes passed give back spare room. A merged node only grows, so a pair found not to fit
// stays that way and one pass is enough. Callers have already changed the contents, so a failed
// allocation stops the pass and leaves the list valid, only less compact.
void QuickList::compact(Node* first, Node* last) {
  Node* n = first;
  for (;;) {
    if (n == last) {
      tighten(n);
      return;
    }
    Node* next = n->next;
    if (fits_pair(n, next)) {
      bool reached = next == last;
      try {
        n = merge(n, next);
      } catch (const std::bad_alloc&) {
        return;
      }
      if (reached) last = n;
      continue;
    }
    tighten(n);
    n = next;
  }
}

std::pair<QuickList::Node*, uint32_t> QuickList::locate(size_t index) const {
  Node* n;
  size_t i;
  if (index < size_ / 2) {
    n = head_;
    i = index;
    while (i >= n->count) {
      i -= n->count;
      n = n->next;
    }
  } else {
    size_t from_tail = size_ - 1 - index;
    n = tail_;
    while (from_tail >= n->count) {
      from_tail -= n->count;
      n = n->prev;
    }
    i = n->count - 1 - from_tail;
  }
  const uint8_t* d = n->data();
  uint32_t off;
  if (i < n->count / 2) {
    off = n->begin;
    while (i-- > 0) off += read_entry(d + off).size;
  } else {
    off = n->end;
    for (size_t k = n->count - i; k > 0; --k)
      off = static_cast<uint32_t>(entry_before(d + off) - d);
  }
  return {n, off};
}

void QuickList::push_back(std::string_view value) {
  Encoded e = encode(value);
  if (Node* t = tail_; t && fits(t, 1, e.size)) {
    uint32_t slack = 0;
    if (t->cap - t->end < e.size) slack = static_cast<uint32_t>(growth_slack(t, e.size));
    auto [n, room] = splice(t, t->end, 0, e.size, std::min(t->begin, slack), slack);
    write_entry(n->data() + room, e);
    ++n->count;
    ++size_;
    return;
  }
  if (tail_) tighten(tail_);  // it takes no more pushes
  Node* n = new_node(e.size + growth_slack(nullptr, e.size));
  write_entry(n->data(), e);
  n->end = e.size;
  n->count = 1;
  link_after(tail_, n);
  ++size_;
}

void QuickList::push_front(std::string_view value) {
  Encoded e = encode(value);
  if (Node* h = head_; h && fits(h, 1, e.size)) {
    uint32_t slack = 0;
    if (h->begin < e.size) slack = static_cast<uint32_t>(growth_slack(h, e.size));
    auto [n, room] = splice(h, h->begin, 0, e.size, slack, std::min(h->cap - h->end, slack));
    write_entry(n->data() + room, e);
    ++n->count;
    ++size_;
    return;
  }
  if (head_) tighten(head_);
  size_t slack = growth_slack(nullptr, e.size);
  Node* n = new_node(e.size + slack);
  n->begin = static_cast<uint32_t>(slack);
  n->end = n->begin + e.size;
  write_entry(n->data() + n->begin, e);
  n->count = 1;
  link_after(nullptr, n);
  ++size_;
}

bool QuickList::pop_front(std::string& out) {
  Node* n = head_;
  if (!n) return false;
  const uint8_t* p = n->data() + n->begin;
  Decoded d = read_entry(p);
  char scratch[24];
  out.assign(value_of(p, d, scratch));
  n->begin += d.size;
  --size_;
  if (--n->count == 0) {
    unlink(n);
    free_node(n);
    if (size_ == 0) reset_limit_history();
    return true;
  }
  after_pop(n, true);
  return true;
}

bool QuickList::pop_back(std::string& out) {
  Node* n = tail_;
  if (!n) return false;
  const uint8_t* p = entry_before(n->data() + n->end);
  Decoded d = read_entry(p);
  char scratch[24];
  out.assign(value_of(p, d, scratch));
  n->end -= d.size;
  --size_;
  if (--n->count == 0) {
    unlink(n);
    free_node(n);
    if (size_ == 0) reset_limit_history();
    return true;
  }
  after_pop(n, false);
  return true;
}

bool QuickList::get(int64_t index, std::string& out) const {
  if (index < 0) index += static_cast<int64_t>(size_);
  if (index < 0 || static_cast<uint64_t>(index) >= size_) return false;
  auto [n, off] = locate(static_cast<size_t>(index));
  const uint8_t* p = n->data() + off;
  char scratch[24];
  out.assign(value_of(p, read_entry(p), scratch));
  return true;
}

bool QuickList::set(int64_t index, std::string_view value) {
  if (index < 0) index += static_cast<int64_t>(size_);
  if (index < 0 || static_cast<uint64_t>(index) >= size_) return false;
  Encoded e = encode(value);
  auto [n, off] = locate(static_cast<size_t>(index));
  uint32_t old_size = read_entry(n->data() + off).size;
  if (n->count == 1 ||
      (n->count <= limits_.entries && size_t{n->used()} - old_size + e.size <= limits_.bytes)) {
    auto [r, room] = splice(n, off, old_size, e.size, 0, 0);
    write_entry(r->data() + room, e);
    if (e.size < old_size) compact(r->prev ? r->prev : r, r->next ? r->next : r);
    return true;
  }
  // The new value overflows a node that holds other entries: it gets a node of its own in the
  // old value's place, and compaction folds that into a neighbour with room.
  Node* m = new_node(e.size);
  write_entry(m->data(), e);
  m->end = e.size;
  m->count = 1;
  auto [left, right] = neighbours_of_lone_node(n, off, old_size, m);
  // The old value is now the first entry of `right` or the last of `left`; n is that node.
  if (off == n->begin) {
    n->begin += old_size;
  } else {
    n->end -= old_size;
  }
  --n->count;
  link_lone_node(left, right, m);
  return true;
}

// Where a node `lone` holding one new value goes when it cannot fit in n: the value replaces
// n's bytes [off, off + len) (len 0: it is inserted at off). It sits before n, after n, or
// between n's halves split at off + len. On failure `lone` is freed and the error rethrown.
std::pair<QuickList::Node*, QuickList::Node*> QuickList::neighbours_of_lone_node(Node* n,
                                                                                 uint32_t off,
                                                                                 uint32_t len,
                                                                                 Node* lone) {
  try {
    if (off == n->begin) return {n->prev, n};
    if (off + len == n->end) return {n, n->next};
    Node* right = split_at(n, off + len);
    return {n, right};
  } catch (...) {
    free_node(lone);
    throw;
  }
}

// Links `lone` between left and right, then lets compaction fold it into a neighbour with room.
void QuickList::link_lone_node(Node* left, Node* right, Node* lone) {
  link_after(left, lone);
  compact(left ? (left->prev ? left->prev : left) : lone,
          right ? (right->next ? right->next : right) : lone);
}

// Inserts before the entry at `off` (off == n->end: after n's last entry).
void QuickList::insert_at(Node* n, uint32_t off, std::string_view value) {
  Encoded e = encode(value);
  if (fits(n, 1, e.size)) {
    auto [r, room] = splice(n, off, 0, e.size, 0, 0);
    write_entry(r->data() + room, e);
    ++r->count;
    ++size_;
    return;
  }
  // n is full: the value gets a node of its own at the insertion point (splitting n there),
  // and compaction folds it into a neighbour with room.
  Node* m = new_node(e.size);
  write_entry(m->data(), e);
  m->end = e.size;
  m->count = 1;
  auto [left, right] = neighbours_of_lone_node(n, off, 0, m);
  ++size_;
  link_lone_node(left, right, m);
}

bool QuickList::insert(std::string_view pivot, std::string_view value, bool before) {
  if (pivot.size() > kMaxValueBytes) return false;
  Encoded needle = encode(pivot);
  for (Node* n = head_; n; n = n->next) {
    const uint8_t* d = n->data();
    for (uint32_t off = n->begin; off < n->end;) {
      Decoded entry = read_entry(d + off);
      if (matches(d + off, entry, needle)) {
        insert_at(n, before ? off : off + entry.size, value);
        return true;
      }
      off += entry.size;
    }
  }
  return false;
}

size_t QuickList::remove(int64_t count, std::string_view value) {
  if (value.size() > kMaxValueBytes || size_ == 0) return 0;
  Encoded needle = encode(value);
  size_t quota = count == 0  ? std::numeric_limits<size_t>::max()
                 : count > 0 ? static_cast<size_t>(count)
                             : static_cast<size_t>(0 - static_cast<uint64_t>(count));
  size_t removed = 0;
  // The unchanged nodes just outside the changed stretch (nullptr: the list's end).
  Node* outer_left = nullptr;
  Node* outer_right = nullptr;
  bool changed = false;
  auto finish_node = [&](Node* n, uint32_t dropped) {
    n->count -= dropped;
    size_ -= dropped;
    if (n->count == 0) {
      unlink(n);
      free_node(n);
    }
  };
  if (count >= 0) {
    // Kept entries slide towards the front of each node.
    for (Node* n = head_; n && removed < quota;) {
      Node* next = n->next;
      uint8_t* d = n->data();
      uint32_t w = n->begin;
      uint32_t r = n->begin;
      uint32_t dropped = 0;
      while (r < n->end && removed < quota) {
        Decoded e = read_entry(d + r);
        if (matches(d + r, e, needle)) {
          ++removed;
          ++dropped;
        } else {
          if (w != r) std::memmove(d + w, d + r, e.size);
          w += e.size;
        }
        r += e.size;
      }
      if (dropped > 0) {
        std::memmove(d + w, d + r, n->end - r);
        n->end = w + (n->end - r);
        if (!changed) outer_left = n->prev;
        changed = true;
        outer_right = next;
        finish_node(n, dropped);
      }
      n = next;
    }
  } else {
    // Kept entries slide towards the back of each node.
    for (Node* n = tail_; n && removed < quota;) {
      Node* prev = n->prev;
      uint8_t* d = n->data();
      uint32_t w = n->end;
      uint32_t r = n->end;
      uint32_t dropped = 0;
      while (r > n->begin && removed < quota) {
        auto s = static_cast<uint32_t>(entry_before(d + r) - d);
        Decoded e = read_entry(d + s);
        if (matches(d + s, e, needle)) {
          ++removed;
          ++dropped;
        } else {
          w -= e.size;
          if (w != s) std::memmove(d + w, d + s, e.size);
        }
        r = s;
      }
      if (dropped > 0) {
        uint32_t rest = r - n->begin;
        std::memmove(d + w - rest, d + n->begin, rest);
        n->begin = w - rest;
        if (!changed) outer_right = n->next;
        changed = true;
        outer_left = prev;
        finish_node(n, dropped);
      }
      n = prev;
    }
  }
  if (size_ == 0) {
    reset_limit_history();
  } else if (changed) {
    compact(outer_left ? outer_left : head_, outer_right ? outer_right : tail_);
  }
  return removed;
}

// Removes `count` entries from index `first` on (REQUIRES: first + count <= size()).
void QuickList::erase_range(size_t first, size_t count) {
  if (count == 0) return;
  auto [n, off] = locate(first);
  Node* before = n->prev;  // untouched
  while (count > 0) {
    Node* next = n->next;
    if (off == n->begin && count >= n->count) {
      count -= n->count;
      size_ -= n->count;
      unlink(n);
      free_node(n);
    } else {
      const uint8_t* d = n->data();
      uint32_t stop = off;
      uint32_t k = 0;
      while (k < count && stop < n->end) {
        stop += read_entry(d + stop).size;
        ++k;
      }
      splice(n, off, stop - off, 0, 0, 0);  // shrinking: the node stays where it is
      n->count -= k;
      size_ -= k;
      count -= k;
    }
    n = next;
    if (n) off = n->begin;
  }
  if (size_ == 0) {
    reset_limit_history();
    return;
  }
  compact(before ? before : head_, n ? n : tail_);
}

void QuickList::trim(size_t start, size_t stop) {
  if (size_ == 0) return;
  if (start > stop || start >= size_) {
    clear();
    return;
  }
  stop = std::min(stop, size_ - 1);
  erase_range(stop + 1, size_ - stop - 1);
  erase_range(0, start);
}

void QuickList::clear() {
  for (Node* n = head_; n;) {
    Node* next = n->next;
    free_node(n);
    n = next;
  }
  head_ = tail_ = nullptr;
  size_ = 0;
  reset_limit_history();
}

QuickList QuickList::clone() const {
  QuickList c(fill_);
  for (const Node* n = head_; n; n = n->next) {
    Node* r = c.new_node(n->used());
    std::memcpy(r->data(), n->data() + n->begin, n->used());
    r->end = n->used();
    r->count = n->count;
    c.link_after(c.tail_, r);
  }
  c.size_ = size_;
  c.loosest_ = loosest_;
  c.tightest_ = tightest_;
  return c;
}

void QuickList::visit(size_t start, size_t stop, bool reverse, Visitor visitor, void* ctx) const {
  if (size_ == 0 || start > stop || start >= size_) return;
  stop = std::min(stop, size_ - 1);
  size_t left = stop - start + 1;
  char scratch[24];
  if (!reverse) {
    auto [n, off] = locate(start);
    for (;;) {
      const uint8_t* p = n->data() + off;
      Decoded d = read_entry(p);
      if (!visitor(ctx, value_of(p, d, scratch)) || --left == 0) return;
      off += d.size;
      if (off == n->end) {
        n = n->next;
        off = n->begin;
      }
    }
  }
  auto [n, off] = locate(stop);
  uint32_t end = off + read_entry(n->data() + off).size;
  for (;;) {
    const uint8_t* p = entry_before(n->data() + end);
    if (!visitor(ctx, value_of(p, read_entry(p), scratch)) || --left == 0) return;
    end = static_cast<uint32_t>(p - n->data());
    if (end == n->begin) {
      n = n->prev;
      end = n->end;
    }
  }
}

void QuickList::check_invariants() const {
  auto fail = [](const std::string& what) { throw std::logic_error("QuickList: " + what); };
  if ((head_ == nullptr) != (tail_ == nullptr)) fail("head and tail disagree");
  size_t entries = 0;
  size_t nodes = 0;
  size_t bytes = 0;
  const Node* prev = nullptr;
  char scratch[24];
  for (const Node* n = head_; n; prev = n, n = n->next) {
    std::string where = "node " + std::to_string(nodes) + ": ";
    ++nodes;
    bytes += sizeof(Node) + n->cap;
    if (n->prev != prev) fail(where + "prev link");
    if (n->begin > n->end || n->end > n->cap) fail(where + "offsets out of bounds");
    if (n->count == 0) fail(where + "empty node");
    const uint8_t* d = n->data();
    uint32_t k = 0;
    for (uint32_t off = n->begin; off < n->end; ++k) {
      Decoded e = read_entry(d + off);
      if (size_t{off} + e.size > n->end) fail(where + "entry runs past the end");
      if (entry_before(d + off + e.size) != d + off) fail(where + "bad back length");
      // Every entry must be the one encoding of its value.
      Encoded again = encode(value_of(d + off, e, scratch));
      if (again.code != e.code || again.size != e.size) fail(where + "non-canonical entry");
      off += e.size;
    }
    if (k != n->count) fail(where + "entry count");
    entries += n->count;
    if (n->count > 1 && (n->count > loosest_.entries || n->used() > loosest_.bytes))
      fail(where + "over the node limit");
    if (prev && prev->count + n->count <= tightest_.entries &&
        size_t{prev->used()} + n->used() <= tightest_.bytes)
      fail(where + "fits together with the previous node");
  }
  if (prev != tail_) fail("tail is not the last node");
  if (entries != size_) fail("size does not match the nodes");
  if (nodes != nodes_) fail("node count");
  if (bytes != bytes_) fail("byte count");
}

}  // namespace cardinal::ds
