// The manifest's two file helpers, apart from the pure text handling in aof_manifest.cc.
#include "cardinal/persist/aof_manifest.h"
#include "cardinal/persist/snapshot_file.h"

namespace cardinal::persist {

namespace {

std::string in_dir(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

}  // namespace

void write_aof_manifest(const std::string& dir, std::string_view appendfilename,
                        const AofManifest& manifest) {
  try {
    write_file_atomically(in_dir(dir, aof_manifest_name(appendfilename)),
                          format_aof_manifest(manifest), aof_temp_manifest_name(appendfilename));
  } catch (const RdbError& e) {
    throw AofError(std::string("failed to persist the AOF manifest: ") + e.what());
  }
}

std::optional<AofManifest> read_aof_manifest(const std::string& dir,
                                             std::string_view appendfilename) {
  std::optional<std::string> text;
  try {
    text = read_whole_file(in_dir(dir, aof_manifest_name(appendfilename)), "AOF manifest");
  } catch (const RdbError& e) {
    throw AofError(e.what());
  }
  if (!text) return std::nullopt;
  return parse_aof_manifest(*text);
}

}  // namespace cardinal::persist
