// LZF, the byte-oriented LZ77 variant Redis uses for strings in RDB files: literal runs of
// 1..32 bytes and back references of 3..264 bytes up to 8 KiB behind. Pure functions; any
// thread. Decompression checks every length and offset against its buffers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cardinal::persist {

// Compresses `in` into `out` (resized to the compressed size). Returns false, leaving `out`
// unspecified, when the result would not be shorter than `max_out` bytes.
bool lzf_compress(std::string_view in, size_t max_out, std::string& out);

// Decompresses `in`, which must expand to exactly `out_len` bytes, into `out`. Returns false on
// malformed input (a reference before the start, a run past either end, a wrong final size).
bool lzf_decompress(std::string_view in, size_t out_len, std::string& out);

}  // namespace cardinal::persist
