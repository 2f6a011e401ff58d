#include "cardinal/resp/reply_writer.h"

#include <algorithm>
#include <charconv>

#include "cardinal/util/numbers.h"

namespace cardinal::resp {

void ReplyWriter::header(char type, uint64_t n) {
  char buf[24];
  buf[0] = type;
  auto [end, ec] = std::to_chars(buf + 1, buf + sizeof(buf) - 2, n);
  (void)ec;
  *end++ = '\r';
  *end++ = '\n';
  out_->append(buf, static_cast<size_t>(end - buf));
}

void ReplyWriter::simple(std::string_view s) {
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n");
}

void ReplyWriter::error(std::string_view message) {
  if (error_sink_) error_sink_->on_error_reply(message.substr(0, message.find(' ')));
  out_->push_back('-');
  size_t start = out_->size();
  out_->append(message);
  for (size_t i = start; i < out_->size(); ++i) {
    char& c = (*out_)[i];
    if (c == '\r' || c == '\n') c = ' ';
  }
  out_->append("\r\n");
}

void ReplyWriter::integer(int64_t v) {
  char buf[24];
  buf[0] = ':';
  size_t n = util::format_i64(v, buf + 1);
  buf[n + 1] = '\r';
  buf[n + 2] = '\n';
  out_->append(buf, n + 3);
}

void ReplyWriter::bulk(std::string_view s) {
  header('$', s.size());
  out_->append(s);
  out_->append("\r\n");
}

void ReplyWriter::insert_set_header(size_t at, size_t n) {
  size_t end = out_->size();
  set(n);
  std::rotate(out_->begin() + static_cast<std::ptrdiff_t>(at),
              out_->begin() + static_cast<std::ptrdiff_t>(end), out_->end());
}

void ReplyWriter::null() {
  out_->append(resp3() ? "_\r\n" : "$-1\r\n");
}
void ReplyWriter::null_array() {
  out_->append(resp3() ? "_\r\n" : "*-1\r\n");
}
void ReplyWriter::array(size_t n) {
  header('*', n);
}
void ReplyWriter::map(size_t pairs) {
  resp3() ? header('%', pairs) : header('*', pairs * 2);
}
void ReplyWriter::set(size_t n) {
  header(resp3() ? '~' : '*', n);
}
void ReplyWriter::push(size_t n) {
  header(resp3() ? '>' : '*', n);
}

void ReplyWriter::dbl(double v) {
  char buf[util::kMaxDoubleChars];
  std::string_view text(buf, util::format_double(v, buf));
  if (!resp3()) return bulk(text);
  out_->push_back(',');
  out_->append(text);
  out_->append("\r\n");
}

void ReplyWriter::boolean(bool v) {
  if (resp3()) {
    out_->append(v ? "#t\r\n" : "#f\r\n");
  } else {
    integer(v ? 1 : 0);
  }
}

void ReplyWriter::verbatim(std::string_view text, std::string_view format) {
  if (!resp3()) return bulk(text);
  header('=', text.size() + format.size() + 1);
  out_->append(format);
  out_->push_back(':');
  out_->append(text);
  out_->append("\r\n");
}

}  // namespace cardinal::resp
