// Leaching benchmarks with solver counters: the reference batch scheelite soda leach (from its YAML), and a
// continuous train of 4 tanks with 3 minerals on 50 core-size classes, steady state and 24 h dynamic.
#include <benchmark/benchmark.h>

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "hydromet/flowsheet/system.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/numerics/jacobian.hpp"

namespace {

using hydromet::bench::count;

void batch_scheelite_soda(benchmark::State& state) {
  auto flowsheet =
      hydromet::load_flowsheet(hydromet::bench::source_file("flowsheets/w_scheelite_soda_batch.yaml"));
  const auto times = flowsheet.run.times(flowsheet.run.until);
  hydromet::SimulationResult result;
  for (auto _ : state) {
    result = flowsheet.simulate(times, flowsheet.run.options);
    benchmark::DoNotOptimize(result.outputs.data());
  }
  count(state, result.statistics);
}
BENCHMARK(batch_scheelite_soda)->Unit(benchmark::kMillisecond);

// Soda leach of a scheelite concentrate with fluorite and gypsum gangue (both converted to calcite and
// consuming carbonate). Rate constants are assumptions chosen so that the three minerals leach on different
// time scales (about 2, 1 and 0.5 h for 75 um cores).
std::string train_reactions() {
  return R"(  scheelite_soda:
    equation: scheelite + CO3-2 -> calcite + WO4-2
    mineral: scheelite
    reagent: CO3-2
    kinetics: {model: shrinking_core, control: reaction, rate_constant: 6.3e-8 m/s}
  fluorite_soda:
    equation: fluorite + CO3-2 -> calcite + 2 F-
    mineral: fluorite
    reagent: CO3-2
    kinetics: {model: shrinking_core, control: mixed, rate_constant: 8e-8 m/s, diffusivity: 1e-11 m2/s}
  gypsum_soda:
    equation: gypsum + CO3-2 -> calcite + SO4-2 + 2 H2O
    mineral: gypsum
    reagent: CO3-2
    kinetics: {model: shrinking_core, control: reaction, rate_constant: 5e-8 m/s}
)";
}
std::string train_feed_solids() { return "scheelite: 60, fluorite: 20, gypsum: 20"; }
std::string train_reaction_names() { return "scheelite_soda, fluorite_soda, gypsum_soda"; }

std::string train_yaml() {
  return hydromet::bench::leach_train_yaml(train_reactions(), train_feed_solids(), train_reaction_names());
}

void train_steady(benchmark::State& state) {
  auto flowsheet = hydromet::load_flowsheet_string(train_yaml(), "bench_train.yaml");
  hydromet::SteadyStateResult result;
  for (auto _ : state) {
    result = flowsheet.solve_steady();
    benchmark::DoNotOptimize(result.outputs.data());
  }
  count(state, result.statistics);
  state.counters["states"] = static_cast<double>(result.states.size());
  state.counters["X_scheelite_train"] = 1.0 - (1.0 - result.output("leach1.conversion[scheelite]")) *
                                                  (1.0 - result.output("leach2.conversion[scheelite]")) *
                                                  (1.0 - result.output("leach3.conversion[scheelite]")) *
                                                  (1.0 - result.output("leach4.conversion[scheelite]"));
  state.counters["balance_closure"] = result.balance.closure();
}
BENCHMARK(train_steady)->Unit(benchmark::kMillisecond);

// 24 h, hourly outputs, from two starts: range(0) = 0, tanks full of feed solution (the solids enter with the
// feed from t = 0); range(0) = 1, tanks full of the unreacted feed slurry (`initial_fill: feed`). A few
// seconds each since the sparse Jacobian, so `make bench` runs them; the smoke tests leave them out to stay
// short.
std::string train_yaml(bool full_of_slurry) {
  return hydromet::bench::leach_train_yaml(train_reactions(), train_feed_solids(), train_reaction_names(), 4,
                                           full_of_slurry ? "feed" : "solution");
}

void train_dynamic_24h(benchmark::State& state) {
  auto flowsheet = hydromet::load_flowsheet_string(train_yaml(state.range(0) == 1), "bench_train.yaml");
  const auto times = hydromet::bench::hourly_times(24);
  hydromet::SimulationResult result;
  for (auto _ : state) {
    result = flowsheet.simulate(times, hydromet::SimulationOptions{});
    benchmark::DoNotOptimize(result.outputs.data());
  }
  count(state, result.statistics);
  state.counters["balance_closure"] = result.balance.closure();
  state.counters["X_scheelite_leach4_24h"] = result.output("leach4.conversion[scheelite]")[24];
}
BENCHMARK(train_dynamic_24h)->DenseRange(0, 1)->Unit(benchmark::kMillisecond);

// The comparison case of benchmarks/baselines (sundials_leach.cpp, scipy_leach.py), one mineral so the three
// programs solve the same equations: scheelite soda leach under reaction control with carbonate consumption,
// 4 tanks of 1 m3 at 1 m3/h, 50 core-size classes 75 -> 1.5 um. Rate constant assumed (benchmark only).
std::string scheelite_train_yaml() {
  return hydromet::bench::leach_train_yaml(R"(  scheelite_soda:
    equation: scheelite + CO3-2 -> calcite + WO4-2
    mineral: scheelite
    reagent: CO3-2
    kinetics: {model: shrinking_core, control: reaction, rate_constant: 6.3e-8 m/s}
)",
                                           "scheelite: 60", "scheelite_soda");
}

// The outputs the baselines are checked against (mol/m3 and kg).
template <typename Output>
void compared_outputs(benchmark::State& state, const Output& output, const std::string& suffix = "") {
  for (int n = 1; n <= 4; ++n) {
    const std::string tank = "leach" + std::to_string(n);
    state.counters["out_" + tank + "_WO4" + suffix] = output(tank + ".c[WO4-2]");
  }
  state.counters["out_leach4_CO3" + suffix] = output("leach4.c[CO3-2]");
  state.counters["out_leach4_scheelite_kg" + suffix] = output("leach4.solids[scheelite]");
}

void scheelite_train_steady(benchmark::State& state) {
  const std::string text = scheelite_train_yaml();
  hydromet::SteadyStateResult result;
  std::optional<hydromet::Flowsheet> slot;  // the flowsheet of an iteration, destroyed untimed
  for (auto _ : state) {
    auto& flowsheet =
        hydromet::bench::fresh_flowsheet(state, slot, text, "bench_scheelite_train.yaml", result);
    result = flowsheet.solve_steady();
    benchmark::DoNotOptimize(result.outputs.data());
  }
  count(state, result.statistics);
  state.counters["states"] = static_cast<double>(result.states.size());
  compared_outputs(state, [&](const std::string& name) { return result.output(name); });
}
BENCHMARK(scheelite_train_steady)->Unit(benchmark::kMillisecond);

// One residual evaluation of the whole train (4 tanks, 420 states) at its steady state: the unit of cost of
// the finite-difference Jacobian, whose colour count is reported beside it.
void scheelite_train_residual(benchmark::State& state) {
  auto flowsheet = hydromet::load_flowsheet_string(scheelite_train_yaml(), "bench_scheelite_train.yaml");
  const auto steady = flowsheet.solve_steady();
  const auto system = flowsheet.steady_system();
  const hydromet::Vector y = system->initial_state_from(
      std::span<const double>(steady.states.data(), static_cast<std::size_t>(steady.states.size())),
      steady.state_names);
  std::vector<double> f(system->size(), 0.0);
  for (auto _ : state) {
    system->evaluate(0.0, std::span<const double>(y.data(), f.size()), f);
    benchmark::DoNotOptimize(f.data());
  }
  // The colours the solvers' finite-difference Jacobian evaluates (with the reaction totals as aggregates).
  const hydromet::numerics::FiniteDifferenceJacobian jacobian(system->jacobian_structure());
  state.counters["states"] = static_cast<double>(system->size());
  state.counters["nonzeros"] = static_cast<double>(jacobian.pattern().nonzeros());
  state.counters["colours"] = static_cast<double>(jacobian.colours());
}
BENCHMARK(scheelite_train_residual)->Unit(benchmark::kMicrosecond);

// 24 h from tanks full of feed solution (the solids enter with the feed from t = 0), hourly outputs, at
// rung range(0) of the tolerance ladder.
void scheelite_train_dynamic(benchmark::State& state) {
  const std::string text = scheelite_train_yaml();
  const auto times = hydromet::bench::hourly_times(24);
  const auto options = hydromet::bench::ladder_options(state.range(0));
  hydromet::SimulationResult result;
  std::optional<hydromet::Flowsheet> slot;  // the flowsheet of an iteration, destroyed untimed
  for (auto _ : state) {
    auto& flowsheet =
        hydromet::bench::fresh_flowsheet(state, slot, text, "bench_scheelite_train.yaml", result);
    result = flowsheet.simulate(times, options);
    benchmark::DoNotOptimize(result.outputs.data());
  }
  count(state, result.statistics);
  compared_outputs(
      state, [&](const std::string& name) { return result.output(name)[1]; }, "_1h");
  compared_outputs(
      state, [&](const std::string& name) { return result.output(name)[24]; }, "_24h");
}
BENCHMARK(scheelite_train_dynamic)->DenseRange(3, 10)->Unit(benchmark::kMillisecond);

}  // namespace
