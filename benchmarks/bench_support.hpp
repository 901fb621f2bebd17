// Helpers the benchmark files share: file paths, output times, the tolerance ladder of the equal-accuracy
// comparison, solver counters, and the continuous leach-train YAML.
#pragma once

#include <benchmark/benchmark.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/flowsheet/results.hpp"
#include "hydromet/io/flowsheet_loader.hpp"

namespace hydromet::bench {

/// A file of the source tree, e.g. "flowsheets/w_scheelite_soda_batch.yaml".
inline std::string source_file(const std::string& relative) {
  std::string path = HYDROMET_BENCH_SOURCE_DIR;
  path += "/";
  path += relative;
  return path;
}

/// 0, 1, ..., `hours` h in s.
inline std::vector<double> hourly_times(int hours) {
  std::vector<double> times;
  for (int h = 0; h <= hours; ++h) {
    times.push_back(3600.0 * h);
  }
  return times;
}

/// `yaml` loaded afresh into `slot`, untimed, as is the destruction of the previous iteration's flowsheet
/// held there and of its `previous` results: each iteration then times a first solve or run, without what a
/// solved flowsheet keeps for its next one (a cascade's filled guess, a crystalliser's speciation warm
/// start), as the baselines, which rebuild their solvers per run but neither build nor tear down their model
/// definition inside the timing. (Timed, the teardown of a loaded flowsheet, mostly its merged copy of the
/// bundled species database, was 0.45 M instructions, a sixth of a 5-stage cascade's 24 h run.)
template <typename... Results>
inline Flowsheet& fresh_flowsheet(benchmark::State& state, std::optional<Flowsheet>& slot,
                                  const std::string& yaml, const std::string& origin, Results&... previous) {
  state.PauseTiming();
  slot.reset();
  ((previous = Results{}), ...);
  slot.emplace(load_flowsheet_string(yaml, origin));
  state.ResumeTiming();
  return *slot;
}

/// One rung of the equal-accuracy ladder: rtol = 10^-exponent, atol = rtol / 1000 of each state's scale.
inline SimulationOptions ladder_options(long exponent) {
  SimulationOptions options;
  options.relative_tolerance = std::pow(10.0, -static_cast<double>(exponent));
  options.absolute_tolerance = 1e-3 * options.relative_tolerance;
  return options;
}

/// The solver's counters under the same names in every case (scripts/bench_table.py keeps them in the JSON).
inline void count(benchmark::State& state, const SolverStatistics& statistics) {
  state.counters["steps"] = static_cast<double>(statistics.steps);
  state.counters["rhs_evals"] = static_cast<double>(statistics.residual_evaluations);
  state.counters["jac_evals"] = static_cast<double>(statistics.jacobian_evaluations);
  state.counters["newton_iters"] = static_cast<double>(statistics.nonlinear_iterations);
  state.counters["newton_fails"] = static_cast<double>(statistics.nonlinear_failures);
  state.counters["error_test_fails"] = static_cast<double>(statistics.error_test_failures);
}

/// A train of `tanks` continuous leach tanks of 1 m3 at 90 degC fed 1 m3/h of 2 mol/L Na+, 1 mol/L CO3-2 and
/// `feed_solids` [kg/h], each tank full of that solution at t = 0, 50 core-size classes 75 -> 1.5 um.
/// `reactions`: the YAML of the reactions section; `reaction_names`: the tanks' reaction list.
inline std::string leach_train_yaml(const std::string& reactions, const std::string& feed_solids,
                                    const std::string& reaction_names, int tanks = 4,
                                    const std::string& initial_fill = "solution") {
  std::string text =
      "units: {temperature: degC, time: h, length: um, volume: m3, concentration: mol/L, mass_flow: kg/h, "
      "flow: m3/h}\nsize_classes: [";
  for (int k = 0; k < 50; ++k) {
    if (k > 0) {
      text += ", ";
    }
    text += std::to_string(75.0 * (1.0 - k / 50.0));
  }
  text += "]\nreactions:\n";
  text += reactions;
  text += "equipment:\n  feed: {type: feed, flow: 1, solution: {Na+: 2, CO3-2: 1}, solids: {";
  text += feed_solids;
  text += "}}\n";
  std::string connections = "connections: [feed.out -> leach1.in";
  for (int n = 1; n <= tanks; ++n) {
    std::string tank = "leach";
    tank += std::to_string(n);
    text += "  ";
    text += tank;
    text += ": {type: leach_tank, mode: continuous, volume: 1, temperature: 90, reactions: [";
    text += reaction_names;
    text += "], initial_solution: {Na+: 2, CO3-2: 1}, initial_fill: ";
    text += initial_fill;
    text += "}\n";
    connections += ", ";
    connections += tank;
    connections += ".out -> ";
    if (n < tanks) {
      connections += "leach";
      connections += std::to_string(n + 1);
      connections += ".in";
    } else {
      connections += "out.in";
    }
  }
  text += "  out: {type: product}\n";
  text += connections;
  text += "]\n";
  return text;
}

}  // namespace hydromet::bench
