#include "engine/h5io.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <stdexcept>

namespace fairmc::h5 {
namespace fs = std::filesystem;

namespace {

Hid dataset_props() {
  Hid dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create property list");
  check(H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "set order");
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
  if (id < 0) throw std::runtime_error("HDF5: cannot " + what);
}

void check(herr_t rc, const std::string& what) {
  if (rc < 0) throw std::runtime_error("HDF5: cannot " + what);
}

Hid create_file(const fs::path& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported once, by us
  Hid fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "create property list");
  check(H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "set order");
  check(H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "set order");
  Hid fapl = file_access();
  return Hid(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl, fapl), H5Fclose,
             "create " + path.string());
}

Hid open_file(const fs::path& path) {
  if (!fs::exists(path)) throw std::runtime_error(path.string() + ": no such results file");
  H5E_auto2_t func = nullptr;
  void* data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // we report errors ourselves
  Hid fapl = file_access();
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl);
  H5Eset_auto2(H5E_DEFAULT, func, data);
  return Hid(id, H5Fclose, "open " + path.string() + " (not an HDF5 results file?)");
}

void flush(hid_t file) {
  check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flush");
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
  return H5Lexists(parent, name.c_str(), H5P_DEFAULT) > 0;
}

void attr(hid_t obj, const std::string& name, const std::string& value) {
  Hid t = fixed_string_type(value.size() + 1);
  Hid s = space({});
  Hid a(H5Acreate2(obj, name.c_str(), t, s, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
        "create attribute " + name);
  check(H5Awrite(a, t, value.c_str()), "write attribute " + name);
}

bool has_attr(hid_t obj, const std::string& name) {
  const htri_t r = H5Aexists(obj, name.c_str());
  check(r < 0 ? -1 : 0, "look up attribute " + name);
  return r > 0;
}

std::string read_string_attr(hid_t obj, const std::string& name) {
  Hid a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, "open attribute " + name);
  Hid t(H5Aget_type(a), H5Tclose, "get type");
  if (H5Tis_variable_str(t) > 0) {
    char* s = nullptr;
    Hid mt = vlen_string_type();
    check(H5Aread(a, mt, &s), "read " + name);
    std::string out = s ? s : "";
    H5free_memory(s);
    return out;
  }
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
                   const std::vector<hsize_t>& dims) {
  Hid s = space(dims);
  Hid dcpl = dataset_props();
  return Hid(H5Dcreate2(parent, name.c_str(), file_type, s, H5P_DEFAULT, dcpl, H5P_DEFAULT),
             H5Dclose, "create dataset " + name);
}

Hid open_dataset(hid_t parent, const std::string& name) {
  return Hid(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name);
}

std::size_t element_count(hid_t dataset) {
  Hid s(H5Dget_space(dataset), H5Sclose, "get space");
  return static_cast<std::size_t>(H5Sget_simple_extent_npoints(s));
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
  return d;
}

std::vector<std::string> read_strings(hid_t parent, const std::string& name) {
  Hid d = open_dataset(parent, name);
  Hid s(H5Dget_space(d), H5Sclose, "get space");
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(s));
  std::vector<char*> ptrs(n, nullptr);
  Hid t = vlen_string_type();
  check(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "read " + name);
  std::vector<std::string> out;
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  check(H5Dvlen_reclaim(t, s, H5P_DEFAULT, ptrs.data()), "reclaim strings");
  return out;
}

void rows_io(hid_t d, hsize_t first, hsize_t count, hid_t type, void* buf, bool write) {
  if (count == 0) return;
  Hid fspace(H5Dget_space(d), H5Sclose, "get space");
  hsize_t dims[2] = {0, 1};
  const int rank = H5Sget_simple_extent_dims(fspace, dims, nullptr);
  const hsize_t start[2] = {first, 0};
  const hsize_t cnt[2] = {count, rank > 1 ? dims[1] : 1};
  check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, cnt, nullptr), "select rows");
  Hid mspace(H5Screate_simple(rank, cnt, nullptr), H5Sclose, "create dataspace");
  check(write ? H5Dwrite(d, type, mspace, fspace, H5P_DEFAULT, buf)
              : H5Dread(d, type, mspace, fspace, H5P_DEFAULT, buf),
        write ? "write rows" : "read rows");
}

void make_scale(hid_t dataset, const std::string& name) {
  check(H5DSset_scale(dataset, name.c_str()), "set dimension scale " + name);
}

void attach_scale(hid_t dataset, hid_t scale, unsigned dim) {
  check(H5DSattach_scale(dataset, scale, dim), "attach dimension scale");
}

}  // namespace fairmc::h5
