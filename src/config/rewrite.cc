#include "cardinal/config/rewrite.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <deque>
#include <map>

#include "cardinal/util/split_args.h"

namespace cardinal::config {

namespace {

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string errno_text(int err) {
  return std::strerror(err);
}

// Writes all of `data` to `fd`, retrying short writes.
bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

mode_t process_umask() {
  // Read once, at the first rewrite: umask() can only be read by setting it.
  static const mode_t mask = [] {
    mode_t m = ::umask(0);
    ::umask(m);
    return m;
  }();
  return mask;
}

}  // namespace

std::string rewrite_config_text(std::string_view old_text, std::span<const RewriteOption> options) {
  std::map<std::string, std::string, std::less<>> canonical;
  for (const RewriteOption& o : options) {
    canonical[o.name] = o.name;
    for (const std::string& a : o.aliases) canonical[a] = o.name;
  }

  // Redis splits on '\n' and keeps the piece after the last one, so a file ending in a newline
  // gets a blank line before anything appended.
  std::vector<std::string> lines;
  std::map<std::string, std::deque<size_t>, std::less<>> slots;  // option -> its old lines
  bool has_signature = false;
  size_t start = 0;
  while (!old_text.empty() && start <= old_text.size()) {
    size_t end = old_text.find('\n', start);
    if (end == std::string_view::npos) end = old_text.size();
    std::string_view line = trim(old_text.substr(start, end - start));
    start = end + 1;
    if (line.empty() || line.front() == '#') {
      if (line == kRewriteSignature) has_signature = true;
      lines.emplace_back(line);
      continue;
    }
    auto args = util::split_args(line);
    if (!args) {
      lines.push_back("# ??? " + std::string(line));
      continue;
    }
    if (!args->empty()) {
      auto it = canonical.find(lower((*args)[0]));
      if (it != canonical.end()) slots[it->second].push_back(lines.size());
    }
    lines.emplace_back(line);
  }

  for (const RewriteOption& o : options) {
    std::deque<size_t>& free_slots = slots[o.name];
    for (const RewriteLine& l : o.lines) {
      if (!free_slots.empty()) {
        lines[free_slots.front()] = l.text;
        free_slots.pop_front();
      } else if (l.force) {
        if (!has_signature) {
          lines.emplace_back(kRewriteSignature);
          has_signature = true;
        }
        lines.push_back(l.text);
      }
    }
    for (size_t i : free_slots) lines[i].clear();  // duplicates and lines no longer needed
    free_slots.clear();
  }

  std::string out;
  bool previous_blank = false;
  for (const std::string& l : lines) {
    if (l.empty() && previous_blank) continue;
    previous_blank = l.empty();
    out += l;
    out += '\n';
  }
  return out;
}

std::string read_config_for_rewrite(const std::string& path, std::string& text) {
  text.clear();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? "" : errno_text(errno);
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return errno_text(err);
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return "";
}

std::string write_file_atomically(const std::string& path, std::string_view content) {
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return errno_text(errno);
  auto fail = [&](int err) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return errno_text(err);
  };
  struct stat old;
  bool existed = ::stat(path.c_str(), &old) == 0;
  // Keep the old file's permissions (a config file may hold a password) and, when we may, its
  // owner; mkstemp made the temporary file 0600.
  mode_t mode = existed ? (old.st_mode & 07777) : (0644 & ~process_umask());
  if (!write_all(fd, content) || ::fsync(fd) != 0 || ::fchmod(fd, mode) != 0) return fail(errno);
  if (existed && ::fchown(fd, old.st_uid, old.st_gid) != 0) {
    // Not being allowed to give the file away is not a reason to fail the rewrite.
  }
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return errno_text(err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return errno_text(err);
  }
  // Make the rename itself durable.
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    int rc = ::fsync(dfd);
    int err = errno;
    ::close(dfd);
    if (rc != 0) return errno_text(err);
  }
  return "";
}

}  // namespace cardinal::config
