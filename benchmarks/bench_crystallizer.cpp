// Crystalliser benchmarks: synthetic scheelite (CaWO4) from CaCl2 + Na2WO4 with a population balance of
// 100 and 1000 size classes, as a batch (supersaturated holdup, no feed) and as a continuous MSMPR
// (1 m3/h through 1 m3), each simulated for 4 h at the default tolerances. Counters: solver statistics and
// the plant balance closure. The batch runs the van Albada limiter: differentiable, so the integrator's steps
// do not follow the maximum of n at the nucleation front from cell to cell as with van Leer's kink at r = 0.
// The MSMPR cases keep van Leer: their start-up from an empty vessel with van Albada hits a KLU
// refactorisation with stale pivots (IDA_CONV_FAIL at some tolerances) until the numerics re-pivot after a
// Newton failure (docs/models/crystallization.md).
#include <benchmark/benchmark.h>

#include <optional>
#include <string>

#include "bench_support.hpp"
#include "hydromet/io/flowsheet_loader.hpp"

namespace {

std::string scheelite_crystallizer(long classes, bool continuous) {
  std::string yaml = R"(
units: {volume: m3, flow: m3/h, concentration: mol/m3, length: um, temperature: degC}
equipment:
  liquor:
    type: feed
    temperature: 25
    solution: {Ca+2: 2, WO4-2: 2, Na+: 4, Cl-: 4}
)";
  yaml += continuous ? "    flow: 1\n" : "    flow: 0\n";
  yaml += R"(  cryst:
    type: crystallizer
    volume: 1
    temperature: 25
    product: scheelite
    components: [Ca+2, WO4-2, Na+, Cl-, H+]
    nucleation: {primary_rate_constant: 1.0e8, primary_order: 2}
    growth: {rate_constant: 1.0e-8 m/s, order: 1}
)";
  yaml += continuous ? "    limiter: van_leer\n" : "    limiter: van_albada\n";
  yaml += "    grid: {min: 0, max: 200, classes: " + std::to_string(classes) + "}\n";
  if (!continuous) {
    yaml += "    initial_solution: {Ca+2: 2, WO4-2: 2, Na+: 4, Cl-: 4}\n";
  }
  yaml += R"(  out: {type: product}
connections:
  - liquor.out -> cryst.in
  - cryst.out -> out.in
simulation: {until: 4 h, outputs: 3}
)";
  return yaml;
}

// The crystalliser warm-starts its speciation from the last converged one, which outlives a solve: a second
// solve of the same flowsheet object takes another path (the 100-class MSMPR steady state: 15 Newton
// iterations the first time, 500 pseudo-transient steps after). So every iteration times a freshly loaded
// flowsheet (hydromet::bench::fresh_flowsheet), as a user's first solve; the loading is not timed.
void simulate_crystallizer(benchmark::State& state, bool continuous) {
  const long classes = state.range(0);
  const std::string text = scheelite_crystallizer(classes, continuous);
  hydromet::SimulationResult result;
  std::optional<hydromet::Flowsheet> slot;  // the flowsheet of an iteration, destroyed untimed
  for (auto _ : state) {
    auto& flowsheet = hydromet::bench::fresh_flowsheet(state, slot, text, "crystallizer", result);
    result = flowsheet.simulate(flowsheet.run.times(flowsheet.run.until), flowsheet.run.options);
    benchmark::DoNotOptimize(result.states.data());
  }
  state.counters["size_classes"] = static_cast<double>(classes);
  hydromet::bench::count(state, result.statistics);
  state.counters["closure"] = result.balance.closure();
  const hydromet::Vector yield = result.output("cryst.yield");
  state.counters["yield"] = yield[yield.size() - 1];
}

void batch_crystallizer(benchmark::State& state) { simulate_crystallizer(state, false); }
void msmpr_crystallizer(benchmark::State& state) { simulate_crystallizer(state, true); }

// Steady state of the same MSMPR (Newton from the empty crystalliser, pseudo-transient continuation if
// needed), so that the cost growth with the number of classes is measured steady as well as dynamic.
void msmpr_crystallizer_steady(benchmark::State& state) {
  const long classes = state.range(0);
  const std::string text = scheelite_crystallizer(classes, true);
  hydromet::SteadyStateResult result;
  std::optional<hydromet::Flowsheet> slot;  // the flowsheet of an iteration, destroyed untimed
  for (auto _ : state) {
    auto& flowsheet = hydromet::bench::fresh_flowsheet(state, slot, text, "crystallizer", result);
    result = flowsheet.solve_steady();
    benchmark::DoNotOptimize(result.states.data());
  }
  state.counters["size_classes"] = static_cast<double>(classes);
  hydromet::bench::count(state, result.statistics);
  state.counters["yield"] = result.output("cryst.yield");
}

BENCHMARK(batch_crystallizer)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(msmpr_crystallizer)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(msmpr_crystallizer_steady)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
