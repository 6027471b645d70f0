// Numbers given as command-line option values (`-j 4`, `--checkpoint 2.5`), checked whole: the
// text must be one number and nothing else (no sign where none is meaningful, no trailing junk,
// no overflow) within the accepted range. Otherwise a ConfigError that names the option, echoes
// the text and states the range, as every `fairmc` option error does (exit code 2).
#pragma once

#include <cstdint>
#include <string>

namespace fairmc {

// A whole number in [lo, hi]; `meaning` says what the option counts ("worker threads (0 = all
// cores)").
std::int64_t whole_option(const std::string& option, const std::string& text, std::int64_t lo,
                          std::int64_t hi, const std::string& meaning);
// A finite real number in [lo, hi] (decimal or exponent form; no inf, nan or hex).
double real_option(const std::string& option, const std::string& text, double lo, double hi,
                   const std::string& meaning);

}  // namespace fairmc
