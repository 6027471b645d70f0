#include "scenarios/scf/comparability.hpp"

#include <stdexcept>
#include <string>

namespace fairmc::scf {

std::string_view name(Level level) {
  switch (level) {
    case Level::onc:
      return "onc";
    case Level::olc:
      return "olc";
    case Level::cnc:
      return "cnc";
    case Level::cnc_ratio:
      return "cnc_ratio";
    case Level::cuc:
      return "cuc";
    case Level::cfc:
      return "cfc";
    case Level::rfc:
      return "rfc";
  }
  return "?";
}

std::string_view describe(Level level) {
  switch (level) {
    case Level::onc:
      return "per-agent strictly increasing phi_i(J_i)";
    case Level::olc:
      return "common strictly increasing phi(J_i) (OLC)";
    case Level::cnc:
      return "per-agent affine a_i J_i + b_i, a_i > 0 (CNC)";
    case Level::cnc_ratio:
      return "per-agent ratio scale a_i J_i, a_i > 0 (CNC with b_i = 0)";
    case Level::cuc:
      return "common scale, own offsets a J_i + b_i, a > 0 (CUC)";
    case Level::cfc:
      return "common affine a J_i + b, a > 0 (CFC)";
    case Level::rfc:
      return "common ratio scale a J_i, a > 0";
  }
  return "?";
}

Level level_from_name(std::string_view text) {
  for (const Level l : all_levels) {
    if (name(l) == text) return l;
  }
  throw std::invalid_argument("unknown comparability level '" + std::string(text) + "'");
}

bool is_subgroup(Level sub, Level super) {
  if (sub == super || super == Level::onc) return true;
  switch (super) {
    case Level::olc:
      return sub == Level::cfc || sub == Level::rfc;
    case Level::cnc:
      return sub == Level::cnc_ratio || sub == Level::cuc || sub == Level::cfc || sub == Level::rfc;
    case Level::cnc_ratio:
      return sub == Level::rfc;
    case Level::cuc:
      return sub == Level::cfc || sub == Level::rfc;
    case Level::cfc:
      return sub == Level::rfc;
    case Level::rfc:
      return false;
    case Level::onc:
      return true;
  }
  return false;
}

}  // namespace fairmc::scf
