// RdbError: why an RDB file could not be loaded or saved (truncated, corrupt, an unsupported
// type, an I/O failure). The message is meant for the log as it stands. Any thread.
#pragma once

#include <stdexcept>
#include <string>

namespace cardinal::persist {

class RdbError : public std::runtime_error {
 public:
  explicit RdbError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace cardinal::persist
