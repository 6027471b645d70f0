// A scenario with known answers, used to test and benchmark the engine (no paper).
//
// Each draw samples `agents` i.i.d. U(0,1) values; the metrics are their maximum (expectation
// n/(n+1)) and their mean (expectation 1/2). `work` repeats the sampling to make a draw
// compute-bound for scaling benchmarks without changing its distribution; `fail_for_agents`
// makes one sweep point throw, to test how runs record failing points.
#pragma once

#include "engine/scenario.hpp"

namespace fairmc::demo {

ScenarioInfo scenario();

}  // namespace fairmc::demo
