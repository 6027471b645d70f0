// A whole-file checksum appended to a closed HDF5 file as a `seal_bytes` trailer (HDF5 ignores
// bytes past its end-of-file address; h5py, xarray and the HDF5 tools read the file as usual, and
// its HDF5 signature stays at byte 0, where xarray looks for it). Checked before HDF5 parses
// anything, so a damaged file is refused with the byte range that changed instead of reaching
// HDF5's decoders, which do not all survive damage: the global heap that holds variable-length
// strings has no checksum of its own, and a flipped size field in it crashes the library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

namespace fairmc {

inline constexpr std::size_t seal_bytes = 4096;

// Appends the checksums of the file's bytes as its last `seal_bytes` bytes.
void seal_file(const std::filesystem::path& path);

// Whether the file carries a seal; throws std::runtime_error ("damaged: bytes a to b changed
// since fairmc wrote the file") if it does and the file differs from it, or if an HDF5 file of
// the sealed generation (superblock version 2 or later) lost its seal. Files written before seals
// existed return false.
bool check_seal(const std::filesystem::path& path);

// Fletcher-64 (two running sums of 32-bit little-endian words, modulo 2^32 - 1) of `n` bytes; a
// short last word is padded with zeros. Any change of one word, or of any run of bits shorter
// than 32, changes it.
std::uint64_t fletcher64(const unsigned char* data, std::size_t n);

}  // namespace fairmc
