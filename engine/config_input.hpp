// The gate every piece of experiment input passes before it becomes part of an experiment: the
// experiment file, each configs/ layer, each command-line override value and the text stored in a
// results file on --resume. What passes is exactly what was written: one YAML document, every key
// a plain name that occurs once in its mapping, no null values, a bounded size. Everything else
// is a ConfigError naming file:line:col (or the command-line argument) and the key.
#pragma once

#include "engine/params.hpp"
#include "engine/params_impl.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace fairmc {

// Limits, stated in the messages that enforce them.
inline constexpr std::uintmax_t max_config_file_bytes = 16u << 20;
inline constexpr std::size_t max_config_nodes = 1'000'000;  // after aliases are expanded
inline constexpr int max_config_depth = 64;

// A key name: letters, digits, '_' and '-'. Dotted paths join names with '.'.
bool is_key_name(std::string_view s);
bool is_key_path(std::string_view s);
// Whether one dotted path is the other or lies under it ("a.b" and "a.b.c").
bool paths_overlap(std::string_view a, std::string_view b);

// Reads a regular file of at most max_config_file_bytes.
std::string read_config_file(const std::filesystem::path& p, const SourceMark& from,
                             const std::string& key);

// Maps a position inside the parsed text to the place reported in errors.
using MarkFn = std::function<SourceMark(const YAML::Mark&)>;
MarkFn file_marks(const std::string& file);

// Parses exactly one YAML document (an empty text gives Null) and checks it with check_document.
// `path` is the key path the document sits at ("" for a whole file).
YAML::Node load_document(const std::string& text, const std::string& path, const MarkFn& where);

// A copy of `node` in which no node is shared: an alias (*a) becomes a copy of its anchor's value.
// yaml-cpp keeps an alias as the very node it names, so setting a key under one place (a sweep
// point, an override, a higher layer) would silently set it under every alias too. Tags and styles
// are kept, marks are not (errors take places from the SourceIndex).
YAML::Node unshared(const YAML::Node& node);

// Mapping keys are unique scalars matching is_key_name (is_key_path directly under sweep.grid and
// sweep.zip); no value or list item is null; no node has a tag (!!str, !foo); at most
// max_config_nodes nodes, max_config_depth deep.
void check_document(const YAML::Node& node, const std::string& path, const MarkFn& where);

// Where `path` was set, else where its nearest recorded ancestor was, else `fallback`.
SourceMark nearest_mark(const SourceIndex& marks, std::string_view path,
                        const SourceMark& fallback);

// The place of command-line argument `text` in errors.
SourceMark command_line_mark(const std::string& text);

// Reports the first key under `node` (at `prefix`) that was never read through Params.
// `skip(top_level_key)` exempts top-level sections.
void reject_unread(const YAML::Node& node, const std::string& prefix, const UsageRecord& used,
                   const SourceIndex& marks, const SourceMark& fallback,
                   const std::function<bool(const std::string&)>& skip,
                   const std::function<std::string(const std::string&)>& accepted);

}  // namespace fairmc
