// TempDir: a fresh directory under TMPDIR for one test, removed with everything in it when the
// test ends. Test code only.
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

namespace cardinal::test {

struct TempDir {
  explicit TempDir(const std::string& prefix = "cardinal-test") {
    std::string tmpl = std::filesystem::temp_directory_path() / (prefix + "-XXXXXX");
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string operator/(const std::string& name) const { return path + "/" + name; }
  // The names in the directory, in no particular order.
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path))
      out.push_back(e.path().filename());
    return out;
  }

  std::string path;
};

}  // namespace cardinal::test
