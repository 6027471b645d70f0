// The fairmc command line (being built; see README).
#include "scenarios/catalog.hpp"

#include <iostream>

int main() {
  for (const auto& s : fairmc::scenario_catalog()) std::cout << s.name << "  " << s.help << "\n";
  return 0;
}
