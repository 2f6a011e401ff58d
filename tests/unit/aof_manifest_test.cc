// persist: the multi-part AOF manifest. Manifests written by redis-server 7.0.15 parse and
// format back byte for byte; the manifest edits replayed from a fresh start reproduce what the
// oracle wrote after each BGREWRITEAOF; every rejection Redis makes is made here with Redis's
// reason and line number (each case was fed to redis-server 7.0.15 at startup to see whether it
// accepts it); the file helpers write atomically.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "cardinal/persist/aof_manifest.h"
#include "cardinal/persist/snapshot_file.h"

using namespace cardinal;
using persist::AofError;
using persist::AofFileInfo;
using persist::AofFileType;
using persist::AofManifest;

namespace {

// Written by `redis-server --appendonly yes --dir D` on first start (empty dir).
constexpr std::string_view kFresh =
    "file appendonly.aof.1.base.rdb seq 1 type b\n"
    "file appendonly.aof.1.incr.aof seq 1 type i\n";

// The same with `--appendfilename "my file.aof"`, `$'nl\nx'`, `$'bel\a\b\x01\x7f\r'`, `q"x`
// and `hié` (UTF-8): Redis quotes such names.
constexpr std::string_view kQuotedNames[] = {
    "file \"my file.aof.1.base.rdb\" seq 1 type b\n"
    "file \"my file.aof.1.incr.aof\" seq 1 type i\n",
    "file \"nl\\nx.1.base.rdb\" seq 1 type b\n"
    "file \"nl\\nx.1.incr.aof\" seq 1 type i\n",
    "file \"bel\\a\\b\\x01\\x7f\\r.1.base.rdb\" seq 1 type b\n"
    "file \"bel\\a\\b\\x01\\x7f\\r.1.incr.aof\" seq 1 type i\n",
    "file \"q\\\"x.1.base.rdb\" seq 1 type b\n"
    "file \"q\\\"x.1.incr.aof\" seq 1 type i\n",
    "file \"hi\\xc3\\xa9.1.base.rdb\" seq 1 type b\n"
    "file \"hi\\xc3\\xa9.1.incr.aof\" seq 1 type i\n",
};

// With `CONFIG SET aof-disable-auto-gc yes` (history files kept), after SET a 1 and one, then
// two BGREWRITEAOFs: the old base and covered incrs go to the front of the history.
constexpr std::string_view kAfterRewrite1 =
    "file appendonly.aof.2.base.rdb seq 2 type b\n"
    "file appendonly.aof.1.incr.aof seq 1 type h\n"
    "file appendonly.aof.1.base.rdb seq 1 type h\n"
    "file appendonly.aof.2.incr.aof seq 2 type i\n";
constexpr std::string_view kAfterRewrite2 =
    "file appendonly.aof.3.base.rdb seq 3 type b\n"
    "file appendonly.aof.2.incr.aof seq 2 type h\n"
    "file appendonly.aof.2.base.rdb seq 2 type h\n"
    "file appendonly.aof.1.incr.aof seq 1 type h\n"
    "file appendonly.aof.1.base.rdb seq 1 type h\n"
    "file appendonly.aof.3.incr.aof seq 3 type i\n";

// Later on the same server (history trimmed to two entries here): with rdb-key-save-delay
// slowing the child, two rewrites killed (kill -9 of the child) and a third one completed. Each
// start opened an incr; the completed rewrite covered all three earlier ones.
constexpr std::string_view kBeforeFailures =
    "file appendonly.aof.12.base.rdb seq 12 type b\n"
    "file appendonly.aof.11.incr.aof seq 11 type h\n"
    "file appendonly.aof.11.base.rdb seq 11 type h\n"
    "file appendonly.aof.12.incr.aof seq 12 type i\n";
constexpr std::string_view kDuringSecondFailedRewrite =
    "file appendonly.aof.12.base.rdb seq 12 type b\n"
    "file appendonly.aof.11.incr.aof seq 11 type h\n"
    "file appendonly.aof.11.base.rdb seq 11 type h\n"
    "file appendonly.aof.12.incr.aof seq 12 type i\n"
    "file appendonly.aof.13.incr.aof seq 13 type i\n"
    "file appendonly.aof.14.incr.aof seq 14 type i\n";
constexpr std::string_view kAfterFailures =
    "file appendonly.aof.13.base.rdb seq 13 type b\n"
    "file appendonly.aof.12.incr.aof seq 12 type h\n"
    "file appendonly.aof.13.incr.aof seq 13 type h\n"
    "file appendonly.aof.14.incr.aof seq 14 type h\n"
    "file appendonly.aof.12.base.rdb seq 12 type h\n"
    "file appendonly.aof.11.incr.aof seq 11 type h\n"
    "file appendonly.aof.11.base.rdb seq 11 type h\n"
    "file appendonly.aof.15.incr.aof seq 15 type i\n";

// `--aof-use-rdb-preamble no` on first start; and the upgrade of an old-style appendonly.aof
// found in `dir` on start.
constexpr std::string_view kNoPreamble =
    "file appendonly.aof.1.base.aof seq 1 type b\n"
    "file appendonly.aof.1.incr.aof seq 1 type i\n";
constexpr std::string_view kUpgraded =
    "file appendonly.aof seq 1 type b\n"
    "file appendonly.aof.1.incr.aof seq 1 type i\n";

void check_rejected(std::string_view text, std::string_view reason, int line) {
  INFO("manifest: " << text);
  try {
    persist::parse_aof_manifest(text);
    FAIL("accepted");
  } catch (const AofError& e) {
    CHECK(e.reason() == reason);
    CHECK(e.line() == line);
  }
}

}  // namespace

TEST_CASE("aof manifests written by redis parse and format back byte for byte", "[aof]") {
  std::vector<std::string_view> all = {
      kFresh,         kAfterRewrite1, kAfterRewrite2, kBeforeFailures, kDuringSecondFailedRewrite,
      kAfterFailures, kNoPreamble,    kUpgraded};
  for (std::string_view q : kQuotedNames) all.push_back(q);
  for (std::string_view text : all) {
    INFO(text);
    AofManifest m = persist::parse_aof_manifest(text);
    CHECK(persist::format_aof_manifest(m) == text);
  }
  AofManifest m = persist::parse_aof_manifest(kAfterRewrite2);
  REQUIRE(m.base);
  CHECK(*m.base == AofFileInfo{"appendonly.aof.3.base.rdb", 3, AofFileType::kBase});
  CHECK(m.history.size() == 4);
  CHECK(m.history[1] == AofFileInfo{"appendonly.aof.2.base.rdb", 2, AofFileType::kHistory});
  REQUIRE(m.incrs.size() == 1);
  CHECK(m.incrs[0] == AofFileInfo{"appendonly.aof.3.incr.aof", 3, AofFileType::kIncr});
  CHECK(m.current_base_seq == 3);
  CHECK(m.current_incr_seq == 3);
  CHECK(persist::parse_aof_manifest(kQuotedNames[0]).base->name == "my file.aof.1.base.rdb");
  CHECK(persist::parse_aof_manifest(kQuotedNames[2]).incrs[0].name ==
        "bel\a\b\x01\x7f\r.1.incr.aof");
  CHECK(persist::parse_aof_manifest(kQuotedNames[4]).base->name == "hi\xc3\xa9.1.base.rdb");
  CHECK(persist::files_to_load(persist::parse_aof_manifest(kDuringSecondFailedRewrite)) ==
        std::vector<std::string>{"appendonly.aof.12.base.rdb", "appendonly.aof.12.incr.aof",
                                 "appendonly.aof.13.incr.aof", "appendonly.aof.14.incr.aof"});
}

TEST_CASE("aof manifest edits replay what redis did", "[aof]") {
  constexpr std::string_view kName = "appendonly.aof";
  // First start: a base is written, then the first incr opened.
  AofManifest m;
  CHECK(persist::new_base_marking_old_as_history(m, kName, true) == "appendonly.aof.1.base.rdb");
  CHECK(persist::add_new_incr(m, kName).name == "appendonly.aof.1.incr.aof");
  CHECK(persist::format_aof_manifest(m) == kFresh);
  // Each BGREWRITEAOF: a new incr at the start, then the new base and the history at the end.
  for (std::string_view expected : {kAfterRewrite1, kAfterRewrite2}) {
    persist::add_new_incr(m, kName);
    persist::new_base_marking_old_as_history(m, kName, true);
    persist::mark_rewritten_incrs_as_history(m);
    CHECK(persist::format_aof_manifest(m) == expected);
  }
  // Two rewrites that died, then one that completed.
  m = persist::parse_aof_manifest(kBeforeFailures);
  persist::add_new_incr(m, kName);
  persist::add_new_incr(m, kName);
  CHECK(persist::format_aof_manifest(m) == kDuringSecondFailedRewrite);
  persist::add_new_incr(m, kName);
  CHECK(persist::new_base_marking_old_as_history(m, kName, true) == "appendonly.aof.13.base.rdb");
  persist::mark_rewritten_incrs_as_history(m);
  CHECK(persist::format_aof_manifest(m) == kAfterFailures);
  // Redis then deletes the history files and writes the manifest again without them.
  CHECK(persist::take_history(m) ==
        std::vector<std::string>{"appendonly.aof.12.incr.aof", "appendonly.aof.13.incr.aof",
                                 "appendonly.aof.14.incr.aof", "appendonly.aof.12.base.rdb",
                                 "appendonly.aof.11.incr.aof", "appendonly.aof.11.base.rdb"});
  CHECK(persist::format_aof_manifest(m) ==
        "file appendonly.aof.13.base.rdb seq 13 type b\n"
        "file appendonly.aof.15.incr.aof seq 15 type i\n");
  // BGREWRITEAOF with appendonly off (seen with CONFIG SET appendonly no): no incr is opened
  // and every incr is covered, leaving only the new base.
  persist::new_base_marking_old_as_history(m, kName, false);
  persist::mark_rewritten_incrs_as_history(m, /*aof_enabled=*/false);
  persist::take_history(m);
  CHECK(persist::format_aof_manifest(m) == "file appendonly.aof.14.base.aof seq 14 type b\n");
  CHECK(m.current_incr_seq == 15);
  CHECK(persist::files_to_load(m) == std::vector<std::string>{"appendonly.aof.14.base.aof"});
}

TEST_CASE("aof file names", "[aof]") {
  CHECK(persist::aof_base_name("appendonly.aof", 1, true) == "appendonly.aof.1.base.rdb");
  CHECK(persist::aof_base_name("x", 12, false) == "x.12.base.aof");
  CHECK(persist::aof_incr_name("appendonly.aof", 3) == "appendonly.aof.3.incr.aof");
  CHECK(persist::aof_manifest_name("appendonly.aof") == "appendonly.aof.manifest");
  CHECK(persist::aof_temp_manifest_name("appendonly.aof") == "temp-appendonly.aof.manifest");
  CHECK(persist::aof_temp_incr_name("appendonly.aof") == "temp-appendonly.aof.incr");
  CHECK(persist::aof_temp_rewrite_name(17040) == "temp-rewriteaof-bg-17040.aof");
  CHECK(persist::aof_child_temp_rewrite_name(17040) == "temp-rewriteaof-17040.aof");
}

TEST_CASE("aof manifest accepts what redis accepts", "[aof]") {
  auto base_of = [](std::string_view text) {
    AofManifest m = persist::parse_aof_manifest(text);
    REQUIRE(m.base);
    return *m.base;
  };
  // Keys in any order and case; unknown pairs ignored; a repeated key's last value counts.
  CHECK(base_of("type b seq 1 file a\n") == AofFileInfo{"a", 1, AofFileType::kBase});
  CHECK(base_of("FILE a SEQ 1 TYPE b\n").name == "a");
  CHECK(base_of("file a seq 1 type b x y\n").name == "a");
  CHECK(base_of("file a file c seq 1 type b\n").name == "c");
  // The type is the value's first byte; the seq is read like atoll.
  CHECK(base_of("file a seq 1 type base\n").type == AofFileType::kBase);
  CHECK(base_of("file a seq -3 type b\n").seq == -3);
  CHECK(base_of("file a seq 5x type b\n").seq == 5);
  CHECK(base_of("file a seq +7 type b\n").seq == 7);
  CHECK(base_of("file a seq \" 7\" type b\n").seq == 7);
  CHECK(base_of("file a seq 99999999999999999999999 type b\n").seq == INT64_MAX);
  CHECK(base_of("file a seq -99999999999999999999999 type b\n").seq == INT64_MIN);
  // Separators, line ends, quoting.
  CHECK(base_of("file a seq 1 type b\r\n").name == "a");
  CHECK(base_of("file\ta\tseq\t1\ttype\tb\n").name == "a");
  CHECK(base_of("file a seq 1 type b\x0b\n").type == AofFileType::kBase);
  CHECK(base_of("file \"a b\" seq 1 type b\n").name == "a b");
  CHECK(base_of("file 'a b' seq 1 type b\n").name == "a b");
  CHECK(base_of("file \"a\\x41\\n\" seq 1 type b\n").name == "aA\n");
  CHECK(base_of("file .. seq 1 type b\n").name == "..");
  CHECK(base_of("file \"\" seq 1 type b\n").name.empty());
  // Comments: a line whose first byte is '#', read in pieces of 1024 bytes like any line.
  CHECK(base_of("# hi\nfile a seq 1 type b\n# bye\n").name == "a");
  CHECK(base_of(std::string("#a\0b\nfile a seq 1 type b\n", 25)).name == "a");
  CHECK(base_of(std::string("#") + std::string(1023, 'x') + "#yy\nfile a seq 1 type b\n").name ==
        "a");
  // The longest line: 1023 bytes and its '\n'.
  std::string longest = "file a seq 1 type b";
  longest.resize(1023, ' ');
  CHECK(base_of(longest + "\n").name == "a");
  // Only comments: an empty manifest (Redis then starts as if there were no AOF).
  CHECK(persist::parse_aof_manifest("# nothing\n") == AofManifest{});
  // History entries in any order; incr seqs increasing with gaps; no base at all.
  AofManifest h = persist::parse_aof_manifest(
      "file a seq 3 type h\nfile c seq 2 type h\nfile x seq 9 type h\n"
      "file i5 seq 5 type i\nfile i9 seq 9 type i\n");
  CHECK_FALSE(h.base);
  CHECK(h.history.size() == 3);
  CHECK(h.current_base_seq == 0);
  CHECK(h.current_incr_seq == 9);
  // A history line before the base.
  CHECK(persist::parse_aof_manifest("file h seq 1 type h\nfile a seq 1 type b\n").base->name ==
        "a");
}

TEST_CASE("aof manifest rejects what redis rejects", "[aof]") {
  constexpr std::string_view kInvalid = "Invalid AOF manifest file format";
  check_rejected("", "Found an empty AOF manifest", 0);
  // Blank or white lines, anywhere.
  check_rejected("\nfile a seq 1 type b\n", kInvalid, 1);
  check_rejected("file a seq 1 type b\n\nfile b seq 1 type i\n", kInvalid, 2);
  check_rejected("   \nfile a seq 1 type b\n", kInvalid, 1);
  check_rejected("file a seq 1 type b\n\n", kInvalid, 2);
  check_rejected("  # c\nfile a seq 1 type b\n", kInvalid, 1);
  // Word counts: fewer than 6, or odd.
  check_rejected("file a seq 1 type\n", kInvalid, 1);
  check_rejected("file a seq 1\n", kInvalid, 1);
  check_rejected("file a seq 1 type b x\n", kInvalid, 1);
  // Missing or zero values.
  check_rejected("file a seq 0 type b\n", kInvalid, 1);
  check_rejected("file a seq abc type b\n", kInvalid, 1);
  check_rejected("file a seq 1 type \"\"\n", kInvalid, 1);
  check_rejected("name a seq 1 type b\n", kInvalid, 1);
  check_rejected("file a sequence 1 type b\n", kInvalid, 1);
  // Unbalanced or badly closed quotes.
  check_rejected("file \"a seq 1 type b\n", kInvalid, 1);
  check_rejected("file \"a\"x seq 1 type b\n", kInvalid, 1);
  check_rejected("file a'b.1.base.rdb seq 1 type b\n", kInvalid, 1);
  // Types.
  check_rejected("file a seq 1 type x\n", "Unknown AOF file type", 1);
  check_rejected("file a seq 1 type B\n", "Unknown AOF file type", 1);
  // Paths.
  check_rejected("file d/a seq 1 type b\n", "File can't be a path, just a filename", 1);
  check_rejected("file \"a\\\\b\" seq 1 type b\n", "File can't be a path, just a filename", 1);
  check_rejected("file d/a file a seq 1 type b\n", "File can't be a path, just a filename", 1);
  // Structure.
  check_rejected("file a seq 1 type b\nfile c seq 2 type b\n",
                 "Found duplicate base file information", 2);
  check_rejected("file a seq 2 type i\nfile c seq 2 type i\n",
                 "Found a non-monotonic sequence number", 2);
  check_rejected("file a seq 3 type i\nfile c seq 2 type i\n",
                 "Found a non-monotonic sequence number", 2);
  check_rejected("file a seq -1 type i\n", "Found a non-monotonic sequence number", 1);
  // Line length and ends: the last line needs its '\n' too; a NUL hides it.
  constexpr std::string_view kTooLong = "The AOF manifest file contains too long line";
  check_rejected("file a seq 1 type b", kTooLong, 1);
  check_rejected("file a seq 1 type b\nfile c seq 1 type i", kTooLong, 2);
  std::string too_long = "file a seq 1 type b";
  too_long.resize(1024, ' ');
  check_rejected(too_long + "\n", kTooLong, 1);
  check_rejected(std::string("file a seq 1 type b\0\n", 21), kTooLong, 1);
  // A comment longer than 1023 bytes goes on as a line of its own.
  check_rejected(std::string("#") + std::string(1100, 'x') + "\nfile a seq 1 type b\n", kInvalid,
                 2);
  check_rejected(std::string("#") + std::string(1023, 'x') + "\nfile a seq 1 type b\n", kInvalid,
                 2);
  // The message names the line.
  try {
    persist::parse_aof_manifest("# c\nfile a seq 1 type q\n");
    FAIL("accepted");
  } catch (const AofError& e) {
    CHECK(std::string(e.what()) ==
          "Unknown AOF file type (manifest line 2: 'file a seq 1 type q')");
  }
}

TEST_CASE("aof manifest formatting quotes names so they read back", "[aof]") {
  // Every byte value in a name survives format + parse, including the single quote that Redis
  // itself would write bare (and then fail to read).
  std::string all;
  for (int c = 1; c < 256; ++c)
    if (c != '/' && c != '\\') all.push_back(static_cast<char>(c));
  for (std::string name : {all, std::string("a'b.aof"), std::string("'"), std::string("plain")}) {
    AofManifest m;
    m.base = AofFileInfo{name, 4, AofFileType::kBase};
    m.current_base_seq = 4;
    m.history.push_back(AofFileInfo{name + ".h", 2, AofFileType::kHistory});
    m.incrs.push_back(AofFileInfo{name + ".i", 7, AofFileType::kIncr});
    m.current_incr_seq = 7;
    CHECK(persist::parse_aof_manifest(persist::format_aof_manifest(m)) == m);
  }
  AofManifest plain;
  plain.base = AofFileInfo{"a'b", 1, AofFileType::kBase};
  CHECK(persist::format_aof_manifest(plain) == "file \"a'b\" seq 1 type b\n");
  plain.base->name = "plain-_.:+@,~x";
  CHECK(persist::format_aof_manifest(plain) == "file plain-_.:+@,~x seq 1 type b\n");
}

TEST_CASE("aof manifest files are replaced atomically", "[aof]") {
  char tmpl[] = "/tmp/cardinal-aof-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  std::string dir = tmpl;
  CHECK_FALSE(persist::read_aof_manifest(dir, "appendonly.aof").has_value());
  AofManifest m = persist::parse_aof_manifest(kAfterRewrite1);
  persist::write_aof_manifest(dir, "appendonly.aof", m);
  CHECK(*persist::read_whole_file(dir + "/appendonly.aof.manifest") == kAfterRewrite1);
  std::optional<AofManifest> back = persist::read_aof_manifest(dir, "appendonly.aof");
  REQUIRE(back);
  CHECK(*back == m);
  // Replaced whole; nothing else left in the directory.
  persist::take_history(m);
  persist::write_aof_manifest(dir + "/", "appendonly.aof", m);
  CHECK(*persist::read_aof_manifest(dir, "appendonly.aof") == m);
  CHECK(std::distance(std::filesystem::directory_iterator(dir),
                      std::filesystem::directory_iterator()) == 1);
  CHECK_THROWS_AS(persist::write_aof_manifest(dir + "/missing", "appendonly.aof", m), AofError);
  // An invalid manifest on disk is an AofError with Redis's reason.
  persist::write_file_atomically(dir + "/bad.aof.manifest", "file a seq 1 type z\n",
                                 "temp-bad.aof.manifest");
  CHECK_THROWS_WITH(persist::read_aof_manifest(dir, "bad.aof"),
                    Catch::Contains("Unknown AOF file type"));
  std::filesystem::remove_all(dir);
}
