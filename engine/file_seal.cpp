#include "engine/file_seal.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace fairmc {

namespace {

// Layout of the seal (little-endian uint64 words): the size of the file before it, region size,
// region count, the Fletcher-64 of the whole seal (taken with this word 0), one Fletcher-64 per
// region of the file before it, zeros, and the magic as the last word.
constexpr char magic[8] = {'F', 'M', 'C', 'S', 'E', 'A', 'L', '1'};
constexpr std::size_t header_words = 4;
constexpr std::size_t max_regions = seal_bytes / 8 - header_words - 1;
constexpr std::size_t sum_at = 24;

void put64(unsigned char* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
std::uint64_t get64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

class Fd {
 public:
  Fd(const std::filesystem::path& path, int flags) : fd_(::open(path.c_str(), flags | O_CLOEXEC)) {
    if (fd_ < 0)
      throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
  }
  ~Fd() { ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  // Reads exactly n bytes at `at` (fewer only at the end of the file).
  std::size_t read(unsigned char* buf, std::size_t n, std::uint64_t at) const {
    std::size_t got = 0;
    while (got < n) {
      const ssize_t r = ::pread(fd_, buf + got, n - got, static_cast<off_t>(at + got));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) throw std::runtime_error(std::string("cannot read: ") + std::strerror(errno));
      if (r == 0) break;
      got += static_cast<std::size_t>(r);
    }
    return got;
  }
  std::uint64_t size() const {
    const off_t end = ::lseek(fd_, 0, SEEK_END);
    if (end < 0) throw std::runtime_error(std::string("cannot seek: ") + std::strerror(errno));
    return static_cast<std::uint64_t>(end);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// Region size: 1 MiB, doubled until the regions fit the seal.
std::uint64_t region_size(std::uint64_t body) {
  std::uint64_t r = std::uint64_t{1} << 20;
  while ((body + r - 1) / r > max_regions) r *= 2;
  return r;
}

std::vector<std::uint64_t> region_sums(const Fd& f, std::uint64_t size, std::uint64_t region) {
  std::vector<std::uint64_t> out;
  std::vector<unsigned char> buf(
      static_cast<std::size_t>(std::min<std::uint64_t>(region, 1 << 20)));
  for (std::uint64_t at = 0; at < size; at += region) {
    // Fletcher sums of consecutive pieces combine only through their lengths, so each region is
    // summed whole: read it in pieces into one running state.
    const std::uint64_t end = std::min(size, at + region);
    std::uint64_t s1 = 0, s2 = 0;
    for (std::uint64_t p = at; p < end; p += buf.size()) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), end - p));
      if (f.read(buf.data(), n, p) != n) throw std::runtime_error("file shrank while read");
      const std::uint64_t piece = fletcher64(buf.data(), n);
      // Appending k words to a Fletcher state: s2 += k * s1 + piece's s2; s1 += piece's s1.
      const std::uint64_t words = (n + 3) / 4, m = 0xffffffffull;
      s2 = (s2 + (words % m) * s1 + (piece >> 32)) % m;
      s1 = (s1 + (piece & m)) % m;
    }
    out.push_back((s2 << 32) | s1);
  }
  return out;
}

}  // namespace

std::uint64_t fletcher64(const unsigned char* data, std::size_t n) {
  constexpr std::uint64_t m = 0xffffffffull;
  const auto word = [&](std::size_t i) {
    std::uint32_t w = 0;
    if (std::endian::native == std::endian::little && i + 4 <= n) {
      std::memcpy(&w, data + i, 4);
    } else {
      for (std::size_t k = 0; k < 4 && i + k < n; ++k) w |= std::uint32_t{data[i + k]} << (8 * k);
    }
    return w;
  };
  std::uint64_t s1 = 0, s2 = 0;
  std::size_t i = 0;
  while (i < n) {
    // Reduce often enough that s2 cannot overflow 64 bits: after 2^14 words s1 < 2^47, s2 < 2^61.
    const std::size_t stop = std::min(n, i + (std::size_t{1} << 16));
    for (; i + 4 <= stop; i += 4) {
      std::uint32_t w;
      std::memcpy(&w, data + i, 4);
      if constexpr (std::endian::native != std::endian::little) w = word(i);
      s1 += w;
      s2 += s1;
    }
    if (i < stop) {  // the short last word
      s1 += word(i);
      s2 += s1;
      i = stop;
    }
    s1 %= m;
    s2 %= m;
  }
  return (s2 << 32) | s1;
}

void seal_file(const std::filesystem::path& path) {
  const Fd f(path, O_RDWR);
  const std::uint64_t size = f.size();
  const std::uint64_t region = region_size(size);
  const auto sums = region_sums(f, size, region);
  std::vector<unsigned char> seal(seal_bytes, 0);
  put64(&seal[0], size);
  put64(&seal[8], region);
  put64(&seal[16], sums.size());
  for (std::size_t i = 0; i < sums.size(); ++i) put64(&seal[8 * (header_words + i)], sums[i]);
  std::memcpy(&seal[seal_bytes - 8], magic, 8);
  put64(&seal[sum_at], fletcher64(seal.data(), seal.size()));
  if (::pwrite(f.get(), seal.data(), seal.size(), static_cast<off_t>(size)) !=
      static_cast<ssize_t>(seal.size()))
    throw std::runtime_error("cannot write the checksums of " + path.string() + ": " +
                             std::strerror(errno));
}

bool check_seal(const std::filesystem::path& path) {
  const Fd f(path, O_RDONLY);
  const std::uint64_t actual = f.size();
  std::vector<unsigned char> seal(seal_bytes, 0);
  const std::size_t got =
      actual >= seal_bytes ? f.read(seal.data(), seal.size(), actual - seal_bytes) : 0;
  const auto damaged = [&](const std::string& what) {
    return std::runtime_error("damaged: " + what);
  };
  if (got < seal_bytes || std::memcmp(&seal[seal_bytes - 8], magic, 8) != 0) {
    // No seal. Files written before seals existed use HDF5 superblock version 0 (byte 8); sealed
    // ones use version 3, so such a file lost its seal: cut short or added to.
    unsigned char head[9] = {};
    constexpr unsigned char hdf5_signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    if (f.read(head, 9, 0) == 9 && std::memcmp(head, hdf5_signature, 8) == 0 && head[8] >= 2)
      throw damaged("its checksum trailer is missing (the file was truncated or extended)");
    return false;
  }
  const std::uint64_t stored = get64(&seal[sum_at]);
  put64(&seal[sum_at], 0);
  if (stored != fletcher64(seal.data(), seal.size()))
    throw damaged("its last " + std::to_string(seal_bytes) +
                  " bytes (the checksum trailer) are not as fairmc wrote them");
  const std::uint64_t size = get64(&seal[0]), region = get64(&seal[8]), n = get64(&seal[16]);
  if (actual != size + seal_bytes)
    throw damaged("the file has " + std::to_string(actual) + " bytes, written with " +
                  std::to_string(size + seal_bytes) + " (truncated or extended)");
  if (region != region_size(size) || n != (size + region - 1) / region)
    throw damaged("its checksum trailer is inconsistent");
  const auto sums = region_sums(f, size, region);
  for (std::size_t i = 0; i < sums.size(); ++i)
    if (sums[i] != get64(&seal[8 * (header_words + i)])) {
      const std::uint64_t a = i * region, b = std::min(size, a + region);
      throw damaged("bytes " + std::to_string(a) + " to " + std::to_string(b - 1) +
                    " changed since fairmc wrote the file (checksum mismatch)");
    }
  return true;
}

}  // namespace fairmc
