// A whole-file checksum kept in the file's first `seal_bytes` bytes (HDF5's "user block", which
// HDF5 reserves and never reads). Checked before HDF5 parses anything, so a damaged file is
// refused with the byte range that changed instead of reaching HDF5's decoders, which do not
// all survive damage: the global heap that holds variable-length strings has no checksum of its
// own, and a flipped size field in it crashes the library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

namespace fairmc {

inline constexpr std::size_t seal_bytes = 4096;

// Writes the checksums of bytes [seal_bytes, end) into [0, seal_bytes) of a closed file.
void seal_file(const std::filesystem::path& path);

// Whether the file carries a seal; throws std::runtime_error ("damaged: bytes a..b changed since
// the file was written") if it does and the file differs from it. Unsealed files (written before
// seals existed) return false.
bool check_seal(const std::filesystem::path& path);

// Fletcher-64 (two running sums of 32-bit little-endian words, modulo 2^32 - 1) of `n` bytes; a
// short last word is padded with zeros. Any change of one word, or of any run of bits shorter
// than 32, changes it.
std::uint64_t fletcher64(const unsigned char* data, std::size_t n);

}  // namespace fairmc
