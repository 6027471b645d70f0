#include "scenarios/objective/lp_engine.hpp"

namespace fairmc::objective {

std::unique_ptr<LpModel> make_glpk_model();  // lp_engine_glpk.cpp
std::unique_ptr<LpModel> make_clp_model();   // lp_engine_clp.cpp

std::string_view lp_engine_name(LpEngine e) {
  return e == LpEngine::clp ? "clp" : "glpk";
}

std::unique_ptr<LpModel> make_lp_model(LpEngine engine) {
  return engine == LpEngine::clp ? make_clp_model() : make_glpk_model();
}

}  // namespace fairmc::objective
