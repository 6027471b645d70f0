#include "engine/h5io.hpp"

#include "engine/file_seal.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace fairmc::h5 {
namespace fs = std::filesystem;

namespace {

// Turns HDF5's own error printing off for this thread (the error stack is per thread in a
// thread-safe build): failures reach the user once, as our exception's message.
void quiet() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

// The innermost description on HDF5's error stack (where the failure started, e.g. "data error
// detected by Fletcher32 checksum"), then clears the stack.
std::string reason() {
  std::string out;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* e, void* data) -> herr_t {
        if (n == 0 && e && e->desc) *static_cast<std::string*>(data) = e->desc;
        return 0;
      },
      &out);
  H5Eclear2(H5E_DEFAULT);
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out.empty() ? "" : ": " + out;
}

// The checksum of a string dataset's text: FNV-1a (64 bit) over each string and a NUL.
std::uint64_t text_checksum(const std::vector<std::string>& values) {
  std::uint64_t h = 1469598103934665603ull;
  for (const auto& v : values) {
    for (const unsigned char c : v) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0u) * 1099511628211ull;
  }
  return h;
}
constexpr const char* text_checksum_attr = "text_fnv1a64";

// Chunk shape: `want` (default: the whole dataset) within the dataset, at most 1 MiB.
std::vector<hsize_t> chunk_shape(const std::vector<hsize_t>& dims, std::vector<hsize_t> want,
                                 std::size_t element_size) {
  if (want.size() != dims.size()) want = dims;
  for (std::size_t i = 0; i < dims.size(); ++i) want[i] = std::clamp<hsize_t>(want[i], 1, dims[i]);
  const auto bytes = [&] {
    return std::accumulate(want.begin(), want.end(), hsize_t{element_size},
                           std::multiplies<hsize_t>());
  };
  for (std::size_t i = 0; i < want.size() && bytes() > (hsize_t{1} << 20); ++i)
    while (want[i] > 1 && bytes() > (hsize_t{1} << 20)) want[i] = (want[i] + 1) / 2;
  return want;
}

Hid dataset_props(hid_t type, const std::vector<hsize_t>& dims, const std::vector<hsize_t>& chunk) {
  Hid dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create property list");
  check(H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "set order");
  const bool empty = std::find(dims.begin(), dims.end(), hsize_t{0}) != dims.end();
  // HDF5 filters no variable-length data: those datasets (strings) carry a text checksum.
  if (!dims.empty() && !empty && H5Tdetect_class(type, H5T_VLEN) <= 0 &&
      H5Tis_variable_str(type) <= 0) {
    const auto shape = chunk_shape(dims, chunk, H5Tget_size(type));
    check(H5Pset_chunk(dcpl, static_cast<int>(shape.size()), shape.data()), "set chunk shape");
    check(H5Pset_fletcher32(dcpl), "set Fletcher-32 checksum filter");
  }
  return dcpl;
}

Hid space(const std::vector<hsize_t>& dims) {
  if (dims.empty()) return Hid(H5Screate(H5S_SCALAR), H5Sclose, "create dataspace");
  return Hid(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose,
             "create dataspace");
}

Hid fixed_string_type(std::size_t len) {
  Hid t(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  check(H5Tset_size(t, std::max<std::size_t>(len, 1)), "set string size");
  check(H5Tset_strpad(t, H5T_STR_NULLTERM), "set string pad");
  check(H5Tset_cset(t, H5T_CSET_UTF8), "set charset");
  return t;
}

Hid vlen_string_type() {
  Hid t(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  check(H5Tset_size(t, H5T_VARIABLE), "set string size");
  check(H5Tset_cset(t, H5T_CSET_UTF8), "set charset");
  return t;
}

// File access properties with small caches: HDF5's metadata cache grows to 32 MiB by default
// while a results file with hundreds of datasets is written, and a run keeps that heap.
Hid file_access() {
  Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access properties");
  H5AC_cache_config_t mdc{};
  mdc.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  check(H5Pget_mdc_config(fapl, &mdc), "get metadata cache configuration");
  mdc.set_initial_size = true;
  mdc.initial_size = std::size_t{1} << 20;
  mdc.min_size = std::size_t{1} << 20;
  mdc.max_size = std::size_t{4} << 20;
  check(H5Pset_mdc_config(fapl, &mdc), "set metadata cache configuration");
  // Each open contiguous dataset keeps a sieve buffer of up to 64 KiB; block tables are read and
  // written a chunk of rows at a time, with one dataset per metric open: 154 metrics held ~20 MiB.
  check(H5Pset_sieve_buf_size(fapl, 4096), "set sieve buffer size");
  return fapl;
}

}  // namespace

Hid::Hid(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
  if (id < 0) throw std::runtime_error("HDF5: cannot " + what + reason());
}

void check(herr_t rc, const std::string& what) {
  if (rc < 0) throw std::runtime_error("HDF5: cannot " + what + reason());
}

std::string name_of(hid_t obj) {
  const ssize_t n = H5Iget_name(obj, nullptr, 0);
  if (n <= 0) return "?";
  std::string out(static_cast<std::size_t>(n) + 1, '\0');
  H5Iget_name(obj, out.data(), out.size());
  out.resize(static_cast<std::size_t>(n));
  return out;
}

Hid create_file(const fs::path& path) {
  quiet();
  Hid fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "create property list");
  check(H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "set order");
  check(H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "set order");
  Hid fapl = file_access();
  // The 1.10 format checksums all metadata, chunk indexes included (1.8's v1 B-trees have none).
  check(H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_V110), "set format version");
  return Hid(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl, fapl), H5Fclose,
             "create " + path.string());
}

Hid open_file(const fs::path& path, bool seal) {
  if (!fs::exists(path)) throw std::runtime_error(path.string() + ": no such results file");
  if (seal) check_seal(path);  // before HDF5 reads a byte of it
  quiet();
  Hid fapl = file_access();
  return Hid(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl), H5Fclose, "open " + path.string());
}

void flush(hid_t file) {
  check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flush");
}

namespace {

// Reads every attribute of `obj` (object headers are checksummed; this also reads those stored
// in dense storage).
void verify_attributes(hid_t obj) {
  H5O_info_t info;
  check(H5Oget_info2(obj, &info, H5O_INFO_NUM_ATTRS), "read the header of " + name_of(obj));
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    Hid a(H5Aopen_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT),
          H5Aclose, "open an attribute of " + name_of(obj));
    Hid t(H5Aget_type(a), H5Tclose, "get type");
    Hid s(H5Aget_space(a), H5Sclose, "get space");
    const hssize_t n = H5Sget_simple_extent_npoints(s);
    // Variable-length values (dimension-scale lists) would need reclaiming; the header that
    // holds them is checksummed.
    if (H5Tis_variable_str(t) > 0 || H5Tdetect_class(t, H5T_VLEN) > 0 || n < 0) continue;
    std::vector<char> buf(static_cast<std::size_t>(n) * H5Tget_size(t) + 1);
    check(H5Aread(a, t, buf.data()), "read an attribute of " + name_of(obj));
  }
}

// Reads a dataset in slabs of at most 1 MiB along its first dimension.
void verify_dataset(hid_t parent, const std::string& name) {
  Hid d = open_dataset(parent, name);
  verify_attributes(d);
  Hid stored(H5Dget_type(d), H5Tclose, "get type");
  if (H5Tis_variable_str(stored) > 0) {
    read_strings(parent, name);
    return;
  }
  const auto dims = dims_of(d);
  const std::size_t n = element_count(d);
  if (n == 0) return;
  Hid mem(H5Tget_native_type(stored, H5T_DIR_ASCEND), H5Tclose, "get the type of " + name);
  const std::size_t elem = H5Tget_size(mem);
  if (dims.empty()) {
    std::vector<char> buf(elem);
    check(H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "read " + name_of(d));
    return;
  }
  const std::size_t row = n / dims[0] * elem;
  const hsize_t rows = std::max<hsize_t>(1, (std::size_t{1} << 20) / std::max<std::size_t>(1, row));
  std::vector<char> buf(static_cast<std::size_t>(std::min(rows, dims[0])) * row);
  Hid fspace(H5Dget_space(d), H5Sclose, "get space");
  for (hsize_t first = 0; first < dims[0]; first += rows) {
    std::vector<hsize_t> start(dims.size(), 0), count = dims;
    start[0] = first;
    count[0] = std::min(rows, dims[0] - first);
    check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
          "select rows");
    Hid mspace(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), H5Sclose,
               "create dataspace");
    check(H5Dread(d, mem, mspace, fspace, H5P_DEFAULT, buf.data()), "read " + name_of(d));
  }
}

}  // namespace

void verify(hid_t file) {
  struct Found {
    std::vector<std::string> datasets, groups;
  } found;
  check(H5Ovisit2(
            file, H5_INDEX_NAME, H5_ITER_INC,
            [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
              auto& f = *static_cast<Found*>(data);
              (info->type == H5O_TYPE_DATASET ? f.datasets : f.groups).emplace_back(name);
              return 0;
            },
            &found, H5O_INFO_BASIC),
        "walk the file");
  for (const auto& g : found.groups) verify_attributes(open_group(file, g));
  for (const auto& d : found.datasets) verify_dataset(file, d);
}

Hid create_group(hid_t parent, const std::string& name) {
  Hid gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "create property list");
  // netCDF-4 readers (xarray) expect tracked creation order.
  check(H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "set order");
  check(H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "set order");
  return Hid(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT), H5Gclose,
             "create group " + name);
}

Hid open_group(hid_t parent, const std::string& name) {
  return Hid(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), H5Gclose, "open " + name);
}

bool exists(hid_t parent, const std::string& name) {
  const htri_t r = H5Lexists(parent, name.c_str(), H5P_DEFAULT);
  check(r < 0 ? -1 : 0, "look up " + name + " in " + name_of(parent));
  return r > 0;
}

bool has_attr(hid_t obj, const std::string& name) {
  const htri_t r = H5Aexists(obj, name.c_str());
  check(r < 0 ? -1 : 0, "look up attribute " + name + " of " + name_of(obj));
  return r > 0;
}

void attr(hid_t obj, const std::string& name, const std::string& value) {
  Hid t = fixed_string_type(value.size() + 1);
  Hid s = space({});
  Hid a(H5Acreate2(obj, name.c_str(), t, s, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
        "create attribute " + name);
  check(H5Awrite(a, t, value.c_str()), "write attribute " + name);
}

std::string read_string_attr(hid_t obj, const std::string& name) {
  Hid a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, "open attribute " + name);
  Hid t(H5Aget_type(a), H5Tclose, "get type");
  if (H5Tis_variable_str(t) > 0) {
    char* s = nullptr;
    Hid mt = vlen_string_type();
    const herr_t rc = H5Aread(a, mt, &s);
    std::string out = s ? s : "";
    H5free_memory(s);  // also after a failed read (a damaged file)
    check(rc, "read " + name);
    return out;
  }
  if (H5Tget_class(t) != H5T_STRING)
    throw std::runtime_error("HDF5: attribute " + name + " of " + name_of(obj) +
                             " is not a string");
  std::string buf(H5Tget_size(t), '\0');
  check(H5Aread(a, t, buf.data()), "read " + name);
  return std::string(buf.c_str());
}

std::vector<std::string> members(hid_t group) {
  H5G_info_t info;
  check(H5Gget_info(group, &info), "get group info");
  std::vector<std::string> out;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t len =
        H5Lget_name_by_idx(group, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    check(len < 0 ? -1 : 0, "get member name");
    std::string name(static_cast<std::size_t>(len) + 1, '\0');
    H5Lget_name_by_idx(group, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i, name.data(), name.size(),
                       H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(len));
    out.push_back(std::move(name));
  }
  return out;
}

std::vector<std::pair<std::string, AttrKind>> attributes(hid_t obj) {
  std::vector<std::pair<std::string, AttrKind>> out;
  H5O_info_t info;
  check(H5Oget_info2(obj, &info, H5O_INFO_NUM_ATTRS), "get info");
  for (hsize_t a = 0; a < info.num_attrs; ++a) {
    char name[256];
    H5Aget_name_by_idx(obj, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, a, name, sizeof name,
                       H5P_DEFAULT);
    Hid at(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose, "open attr");
    Hid t(H5Aget_type(at), H5Tclose, "type");
    const H5T_class_t c = H5Tget_class(t);
    out.emplace_back(name, c == H5T_STRING  ? AttrKind::string
                           : c == H5T_FLOAT ? AttrKind::floating
                                            : AttrKind::other);
  }
  return out;
}

Hid create_dataset(hid_t parent, const std::string& name, hid_t file_type,
                   const std::vector<hsize_t>& dims, std::vector<hsize_t> chunk) {
  Hid s = space(dims);
  Hid dcpl = dataset_props(file_type, dims, chunk);
  return Hid(H5Dcreate2(parent, name.c_str(), file_type, s, H5P_DEFAULT, dcpl, H5P_DEFAULT),
             H5Dclose, "create dataset " + name);
}

DatasetProps::DatasetProps(hid_t file_type, const std::vector<hsize_t>& dims,
                           std::vector<hsize_t> chunk)
    : file_type_(file_type), dims_(dims), dcpl_(dataset_props(file_type, dims, std::move(chunk))) {}

Hid create_dataset(hid_t parent, const std::string& name, const DatasetProps& props) {
  Hid s = space(props.dims());
  return Hid(
      H5Dcreate2(parent, name.c_str(), props.file_type(), s, H5P_DEFAULT, props.id(), H5P_DEFAULT),
      H5Dclose, "create dataset " + name);
}

Hid open_dataset(hid_t parent, const std::string& name) {
  return Hid(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name);
}

std::size_t element_count(hid_t dataset) {
  Hid s(H5Dget_space(dataset), H5Sclose, "get space");
  const hssize_t n = H5Sget_simple_extent_npoints(s);
  check(n < 0 ? -1 : 0, "get the size of " + name_of(dataset));
  return static_cast<std::size_t>(n);
}

std::vector<hsize_t> dims_of(hid_t dataset) {
  Hid s(H5Dget_space(dataset), H5Sclose, "get space");
  const int rank = H5Sget_simple_extent_ndims(s);
  check(rank < 0 ? -1 : 0, "get the shape of " + name_of(dataset));
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  check(H5Sget_simple_extent_dims(s, dims.data(), nullptr), "get the shape of " + name_of(dataset));
  return dims;
}

Hid write_strings(hid_t parent, const std::string& name, const std::vector<hsize_t>& dims,
                  const std::vector<std::string>& values) {
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  Hid t = vlen_string_type();
  Hid d = create_dataset(parent, name, t, dims);
  // HDF5's default transfer buffers (1 MiB type-conversion + 1 MiB background, calloc'ed per
  // write) made every write pay 2 MiB of page faults once glibc began trimming them: a long run's
  // checkpoints got 3x slower (docs/performance.md). The strings need only a few bytes each.
  Hid dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "transfer properties");
  check(H5Pset_buffer(dxpl, std::max<std::size_t>(64, 16 * values.size()), nullptr, nullptr),
        "set transfer buffer");
  check(H5Dwrite(d, t, H5S_ALL, H5S_ALL, dxpl, ptrs.data()), "write " + name);
  attr<std::uint64_t>(d, text_checksum_attr, text_checksum(values));
  return d;
}

std::vector<std::string> read_strings(hid_t parent, const std::string& name) {
  Hid d = open_dataset(parent, name);
  Hid s(H5Dget_space(d), H5Sclose, "get space");
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(s));
  std::vector<char*> ptrs(n, nullptr);
  Hid t = vlen_string_type();
  {
    Hid stored(H5Dget_type(d), H5Tclose, "get type");
    if (H5Tis_variable_str(stored) <= 0)
      throw std::runtime_error("HDF5: " + name_of(d) + " does not hold strings");
  }
  std::vector<std::string> out;
  if (n > 0) {
    if (const herr_t rc = H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()); rc < 0) {
      // A damaged file can fail the read after some strings were allocated: free those too.
      H5Dvlen_reclaim(t, s, H5P_DEFAULT, ptrs.data());
      check(rc, "read " + name_of(d));
    }
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    check(H5Dvlen_reclaim(t, s, H5P_DEFAULT, ptrs.data()), "reclaim strings");
  }
  // Files written before checksums were added have none.
  if (has_attr(d, text_checksum_attr) &&
      read_attr<std::uint64_t>(d, text_checksum_attr) != text_checksum(out))
    throw std::runtime_error("HDF5: " + name_of(d) + " is damaged (its text checksum differs)");
  return out;
}

void rows_io(hid_t d, hsize_t first, hsize_t count, hid_t type, void* buf, bool write) {
  if (count == 0) return;
  Hid fspace(H5Dget_space(d), H5Sclose, "get space");
  hsize_t dims[2] = {0, 1};
  const int rank = H5Sget_simple_extent_ndims(fspace);
  if (rank < 1 || rank > 2 || H5Sget_simple_extent_dims(fspace, dims, nullptr) < 0 ||
      first + count > dims[0])
    throw std::runtime_error("HDF5: " + name_of(d) + " has " + std::to_string(dims[0]) +
                             " rows, expected at least " + std::to_string(first + count));
  const hsize_t start[2] = {first, 0};
  const hsize_t cnt[2] = {count, rank > 1 ? dims[1] : 1};
  check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, cnt, nullptr), "select rows");
  Hid mspace(H5Screate_simple(rank, cnt, nullptr), H5Sclose, "create dataspace");
  check(write ? H5Dwrite(d, type, mspace, fspace, H5P_DEFAULT, buf)
              : H5Dread(d, type, mspace, fspace, H5P_DEFAULT, buf),
        (write ? "write rows of " : "read rows of ") + name_of(d));
}

void make_scale(hid_t dataset, const std::string& name) {
  check(H5DSset_scale(dataset, name.c_str()), "set dimension scale " + name);
}

void attach_scale(hid_t dataset, hid_t scale, unsigned dim) {
  check(H5DSattach_scale(dataset, scale, dim), "attach dimension scale");
}

}  // namespace fairmc::h5
