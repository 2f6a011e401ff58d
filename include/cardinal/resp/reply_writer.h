// ReplyWriter: appends RESP2 or RESP3 replies to a connection's output buffer. The protocol
// decides the wire shape of maps, sets, doubles, booleans, nulls and verbatim strings, so
// handlers write one way for both. Appending never allocates once the buffer has grown to its
// working size. One writer per connection; single-threaded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cardinal::resp {

// Told about every error reply as it is written (INFO errorstats); the code is the error's
// first word ("ERR", "WRONGTYPE").
class ErrorSink {
 public:
  virtual ~ErrorSink() = default;
  virtual void on_error_reply(std::string_view code) = 0;
};

class ReplyWriter {
 public:
  explicit ReplyWriter(std::string& out) : out_(&out) {}

  void set_protocol(int version) { protocol_ = version; }
  int protocol() const { return protocol_; }
  bool resp3() const { return protocol_ >= 3; }

  void simple(std::string_view s);
  void ok() { out_->append("+OK\r\n"); }
  // `message` starts with the error code ("ERR ...", "WRONGTYPE ..."); CR and LF become spaces.
  void error(std::string_view message);
  void integer(int64_t v);
  void bulk(std::string_view s);
  void null();        // a missing value: RESP2 "$-1", RESP3 "_"
  void null_array();  // a missing aggregate: RESP2 "*-1", RESP3 "_"
  void array(size_t n);
  void map(size_t pairs);  // RESP2: a flat array of 2n
  void set(size_t n);      // RESP2: an array
  void push(size_t n);     // RESP2: an array
  void dbl(double v);      // RESP2: a bulk string
  void boolean(bool v);    // RESP2: integer 1/0
  void verbatim(std::string_view text, std::string_view format = "txt");  // RESP2: bulk

  // For aggregates whose length is known only after the elements are written: remember
  // size() before the first element, then insert the header there. Costs one move of the
  // elements' bytes, cheaper than computing a result twice.
  void insert_set_header(size_t at, size_t n);

  void set_error_sink(ErrorSink* sink) { error_sink_ = sink; }
  std::string& buffer() { return *out_; }
  size_t size() const { return out_->size(); }

 private:
  void header(char type, uint64_t n);

  std::string* out_;
  ErrorSink* error_sink_ = nullptr;
  int protocol_ = 2;
};

}  // namespace cardinal::resp
