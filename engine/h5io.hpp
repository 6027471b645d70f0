// HDF5 primitives: identifiers, files, groups, typed datasets and attributes, row hyperslabs and
// dimension scales. Knows no results layout (engine/results_file.cpp decides the names).
//
// Everything written is verifiable: files use the HDF5 1.10 format, whose metadata (object
// headers, B-trees, heaps, chunk indexes) carries checksums; every non-scalar dataset is chunked
// with the Fletcher-32 filter, checked on every read; string datasets also keep a checksum of
// their text (the strings live in a global heap, which HDF5 does not checksum). HDF5 prints
// nothing: a failure is one exception whose message names the object and HDF5's reason.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace fairmc::h5 {

// Owns one HDF5 identifier.
class Hid {
 public:
  Hid() = default;
  Hid(hid_t id, herr_t (*close)(hid_t), const std::string& what);
  Hid(Hid&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Hid& operator=(Hid&& o) noexcept {
    std::swap(id_, o.id_);
    std::swap(close_, o.close_);
    return *this;
  }
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  ~Hid() {
    if (id_ >= 0 && close_) close_(id_);
  }
  operator hid_t() const { return id_; }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

// Throws "HDF5: cannot <what>: <HDF5's innermost reason>" when rc < 0.
void check(herr_t rc, const std::string& what);
// The path of an open object in its file ("/points/0/blocks/loss").
std::string name_of(hid_t obj);

// The memory and file types of a C++ element type.
template <class T>
struct Type;
template <>
struct Type<double> {
  static hid_t mem() { return H5T_NATIVE_DOUBLE; }
  static hid_t file() { return H5T_IEEE_F64LE; }
};
template <>
struct Type<std::int64_t> {
  static hid_t mem() { return H5T_NATIVE_INT64; }
  static hid_t file() { return H5T_STD_I64LE; }
};
template <>
struct Type<std::uint64_t> {
  static hid_t mem() { return H5T_NATIVE_UINT64; }
  static hid_t file() { return H5T_STD_U64LE; }
};

// Files, with small metadata caches and tracked creation order.
// A new file (truncated if it exists); seal it (engine/file_seal.hpp) once it is closed.
Hid create_file(const std::filesystem::path& path);
// Opens read-only after checking the file's seal, if it has one (`seal`: unless the caller wrote
// the file itself moments ago; its datasets' own checksums are still checked on every read).
Hid open_file(const std::filesystem::path& path, bool seal = true);
void flush(hid_t file);
// Reads every dataset and attribute of an open file once, so that every checksum is checked;
// throws naming the first damaged object.
void verify(hid_t file);

Hid create_group(hid_t parent, const std::string& name);
Hid open_group(hid_t parent, const std::string& name);
bool exists(hid_t parent, const std::string& name);
// The names of a group's members, in creation order.
std::vector<std::string> members(hid_t group);

// Attributes: strings (fixed length, UTF-8) and numbers.
void attr(hid_t obj, const std::string& name, const std::string& value);
template <class T>
requires std::is_arithmetic_v<T>
void attr(hid_t obj, const std::string& name, T value) {
  Hid s(H5Screate(H5S_SCALAR), H5Sclose, "create dataspace");
  Hid a(H5Acreate2(obj, name.c_str(), Type<T>::mem(), s, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
        "create attribute " + name);
  check(H5Awrite(a, Type<T>::mem(), &value), "write attribute " + name);
}
bool has_attr(hid_t obj, const std::string& name);
std::string read_string_attr(hid_t obj, const std::string& name);
template <class T>
T read_attr(hid_t obj, const std::string& name) {
  Hid a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, "open attribute " + name);
  T v{};
  check(H5Aread(a, Type<T>::mem(), &v), "read " + name);
  return v;
}
// An object's attributes in creation order, with whether each is a string or a float.
enum class AttrKind { string, floating, other };
std::vector<std::pair<std::string, AttrKind>> attributes(hid_t obj);

// Datasets. `dims` empty = scalar. Non-empty, non-scalar datasets of fixed-size types are chunked
// (`chunk`, default the whole dataset; at most 1 MiB per chunk) with the Fletcher-32 checksum
// filter; string datasets get a text checksum attribute instead (write_strings).
Hid create_dataset(hid_t parent, const std::string& name, hid_t file_type,
                   const std::vector<hsize_t>& dims, std::vector<hsize_t> chunk = {});
template <class T>
Hid create_dataset(hid_t parent, const std::string& name, const std::vector<hsize_t>& dims,
                   std::vector<hsize_t> chunk = {}) {
  return create_dataset(parent, name, Type<T>::file(), dims, std::move(chunk));
}
// The creation properties create_dataset gives a dataset of this type and shape, made once for
// many datasets: making them anew costs about as much as writing a small dataset.
class DatasetProps {
 public:
  DatasetProps(hid_t file_type, const std::vector<hsize_t>& dims, std::vector<hsize_t> chunk = {});
  hid_t file_type() const { return file_type_; }
  const std::vector<hsize_t>& dims() const { return dims_; }
  hid_t id() const { return dcpl_; }

 private:
  hid_t file_type_;
  std::vector<hsize_t> dims_;
  Hid dcpl_;
};
// A dataset of props' type and shape.
Hid create_dataset(hid_t parent, const std::string& name, const DatasetProps& props);
Hid open_dataset(hid_t parent, const std::string& name);
std::size_t element_count(hid_t dataset);
std::vector<hsize_t> dims_of(hid_t dataset);

template <class T>
Hid write(hid_t parent, const std::string& name, const std::vector<hsize_t>& dims, const T* data) {
  Hid d = create_dataset<T>(parent, name, dims);
  check(H5Dwrite(d, Type<T>::mem(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write " + name);
  return d;
}
// The same with creation properties made once (their type and shape must be T's and dims).
template <class T>
Hid write(hid_t parent, const std::string& name, const DatasetProps& props, const T* data) {
  Hid d = create_dataset(parent, name, props);
  check(H5Dwrite(d, Type<T>::mem(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write " + name);
  return d;
}
Hid write_strings(hid_t parent, const std::string& name, const std::vector<hsize_t>& dims,
                  const std::vector<std::string>& values);

std::vector<std::string> read_strings(hid_t parent, const std::string& name);
template <class T>
std::vector<T> read(hid_t parent, const std::string& name) {
  Hid d = open_dataset(parent, name);
  std::vector<T> out(element_count(d));
  if (!out.empty())
    check(H5Dread(d, Type<T>::mem(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
          "read " + name_of(d));
  return out;
}

// One dataset's rows [first, first + count) (2-D datasets: every column), through a hyperslab;
// throws if the dataset has fewer rows.
void rows_io(hid_t d, hsize_t first, hsize_t count, hid_t mem_type, void* buf, bool write);
template <class T>
void write_rows(hid_t d, hsize_t first, hsize_t count, const T* buf) {
  rows_io(d, first, count, Type<T>::mem(), const_cast<T*>(buf), true);
}
template <class T>
void read_rows(hid_t d, hsize_t first, hsize_t count, T* buf) {
  rows_io(d, first, count, Type<T>::mem(), buf, false);
}

// Dimension scales (netCDF-4 / xarray coordinates).
void make_scale(hid_t dataset, const std::string& name);
void attach_scale(hid_t dataset, hid_t scale, unsigned dim);

}  // namespace fairmc::h5
