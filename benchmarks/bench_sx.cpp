// Steady state of counter-current cascades of 5, 50 and 500 stages (constant D, E = 2): one sx_cascade unit,
// and the same cascade wired by hand from mixer_settler units; time per solve and the solver's counters.
// Issue 6 asks that cost grow no faster than N^1.15.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <optional>
#include <sstream>
#include <string>

#include "bench_support.hpp"
#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/io/flowsheet_loader.hpp"

namespace {

std::string cascade(long stages) {
  std::ostringstream text;
  text << R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: WO4(org), formula: WO4, phase: organic, source: "benchmark solute"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {WO4-2: 20}}
  solvent: {type: organic_feed, flow: 1.0e-3}
  raffinate: {type: product}
  loaded: {type: product}
)";
  for (long k = 1; k <= stages; ++k) {
    text << "  s" << k << ": {type: mixer_settler, volume: 1.0, temperature: 298.15, extraction: "
         << "[{metal: WO4-2, complex: WO4(org), law: {type: constant, D: 2}}]}\n";
  }
  text << "connections:\n  - feed.out -> s1.aqueous_in\n  - solvent.out -> s" << stages << ".organic_in\n";
  for (long k = 1; k < stages; ++k) {
    text << "  - s" << k << ".aqueous_out -> s" << k + 1 << ".aqueous_in\n";
    text << "  - s" << k + 1 << ".organic_out -> s" << k << ".organic_in\n";
  }
  text << "  - s" << stages << ".aqueous_out -> raffinate.in\n  - s1.organic_out -> loaded.in\n";
  return text.str();
}

// The open counter-current cascade (constant D = 2, O/A = 1) as one sx_cascade, in `formulation` (ode: one
// state per stage, CVODES; dae: four, IDAS).
std::string composite(long stages, const std::string& formulation = "dae") {
  std::ostringstream text;
  text << R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: WO4(org), formula: WO4, phase: organic, source: "benchmark solute"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {WO4-2: 20}}
  solvent: {type: organic_feed, flow: 1.0e-3}
  raffinate: {type: product}
  loaded: {type: product}
  sx:
    type: sx_cascade
    mixer_volume: 1.0
    extraction: [{metal: WO4-2, complex: WO4(org), law: {type: constant, D: 2}}]
)";
  text << "    formulation: " << formulation << "\n";
  text << "    sections: {extraction: {stages: " << stages << "}}\n";
  text << R"(connections:
  - feed.out -> sx.feed
  - solvent.out -> sx.organic_in
  - sx.raffinate -> raffinate.in
  - sx.organic_out -> loaded.in
)";
  return text.str();
}

// A closed loop with mass action (Fe+3 + 3 HA ⇌ FeA3 + 3 H+, K assumed): 3/5 of the stages extract from
// dilute acid, 2/5 strip with strong acid, 1 % bleed with make-up, mixers and settlers.
std::string closed_loop(long stages) {
  const long extraction = std::max(1L, 3 * stages / 5);
  const long strip = std::max(1L, stages - extraction);
  std::ostringstream text;
  text << R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: FeA3, formula: Fe(C16H34O4P)3, phase: organic, source: "Fe(III)-D2EHPA complex, benchmark"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {Fe+3: 10, H+: 50}}
  acid: {type: feed, flow: 0.5e-3, solution: {H+: 1500}}
  makeup: {type: organic_feed, flow: 1.0e-5, composition: {D2EHPA: 200}}
  raffinate: {type: product}
  liquor: {type: product}
  bleed: {type: product}
  sx:
    type: sx_cascade
    mixer_volume: 2.0
    settler: {aqueous_volume: 1.0, organic_volume: 1.0}
    extraction:
      - {metal: Fe+3, complex: FeA3, reactants: {D2EHPA: 3}, products: {H+: 3}, law: {type: mass_action, K: 2.0}}
    loop: closed
    bleed: 0.01
)";
  text << "    sections: {extraction: {stages: " << extraction << "}, strip: {stages: " << strip << "}}\n";
  text << R"(connections:
  - feed.out -> sx.feed
  - acid.out -> sx.strip_feed
  - makeup.out -> sx.makeup
  - sx.raffinate -> raffinate.in
  - sx.strip_out -> liquor.in
  - sx.bleed -> bleed.in
)";
  return text.str();
}

void solve(benchmark::State& state, const std::string& text) {
  hydromet::SolverStatistics statistics;
  for (auto _ : state) {
    auto flowsheet = hydromet::load_flowsheet_string(text, "bench_sx.yaml");
    const auto result = flowsheet.solve_steady();
    statistics = result.statistics;
    benchmark::DoNotOptimize(result.outputs.data());
  }
  state.counters["stages"] = static_cast<double>(state.range(0));
  hydromet::bench::count(state, statistics);
  state.SetComplexityN(state.range(0));
}

// The outputs the baselines (benchmarks/baselines/*_sx.*) are checked against [mol/m3]: loaded organic, the
// aqueous of the first two stages and the raffinate.
template <typename Output>
void compared_outputs(benchmark::State& state, const Output& output, const std::string& suffix = "") {
  state.counters["out_loaded_org" + suffix] = output("sx.loaded.c_org[WO4(org)]");
  state.counters["out_E1_aq" + suffix] = output("sx.E1.c[WO4-2]");
  state.counters["out_E2_aq" + suffix] = output("sx.E2.c[WO4-2]");
  state.counters["out_raffinate" + suffix] = output("sx.raffinate.c[WO4-2]");
}

// Steady state of the open counter-current cascade (constant D = 2, O/A = 1, `formulation: ode`, as a user
// would write it for constant D), with the compared outputs. Each iteration solves a freshly loaded
// flowsheet, the load untimed (the baselines have no input to parse; their solver set-up is timed, as
// hydromet's is inside solve_steady): a first solve, without what a solved flowsheet keeps for the next one
// (the cascade's filled guess).
void sx_compare_steady(benchmark::State& state) {
  const std::string text = composite(state.range(0), "ode");
  hydromet::SteadyStateResult result;
  std::optional<hydromet::Flowsheet> slot;  // the flowsheet of an iteration, destroyed untimed
  for (auto _ : state) {
    auto& flowsheet = hydromet::bench::fresh_flowsheet(state, slot, text, "bench_sx.yaml", result);
    result = flowsheet.solve_steady();
    benchmark::DoNotOptimize(result.outputs.data());
  }
  hydromet::bench::count(state, result.statistics);
  compared_outputs(state, [&](const std::string& name) { return result.output(name); });
}

// 24 h of the same cascade from stages full of barren aqueous and barren organic, feed and solvent flowing
// from t = 0; rung range(1) of the tolerance ladder; outputs every hour. `formulation` as the YAML key.
void dynamic_cascade(benchmark::State& state, const std::string& formulation) {
  const std::string text = composite(state.range(0), formulation);
  const auto times = hydromet::bench::hourly_times(24);
  const auto options = hydromet::bench::ladder_options(state.range(1));
  hydromet::SimulationResult result;
  std::optional<hydromet::Flowsheet> slot;  // the flowsheet of an iteration, destroyed untimed
  for (auto _ : state) {
    auto& flowsheet = hydromet::bench::fresh_flowsheet(state, slot, text, "bench_sx.yaml", result);
    result = flowsheet.simulate(times, options);
    benchmark::DoNotOptimize(result.outputs.data());
  }
  hydromet::bench::count(state, result.statistics);
  compared_outputs(
      state, [&](const std::string& name) { return result.output(name)[1]; }, "_1h");
  compared_outputs(
      state, [&](const std::string& name) { return result.output(name)[24]; }, "_24h");
}

void sx_compare_dynamic(benchmark::State& state) { dynamic_cascade(state, "ode"); }
// The same run as the index-1 DAE (the form of mass-action cascades), for the comparison of the two forms.
void sx_cascade_dynamic_dae(benchmark::State& state) { dynamic_cascade(state, "dae"); }

void sx_cascade_steady(benchmark::State& state) { solve(state, composite(state.range(0))); }
void mixer_settler_chain_steady(benchmark::State& state) { solve(state, cascade(state.range(0))); }
void sx_closed_loop_steady(benchmark::State& state) { solve(state, closed_loop(state.range(0))); }

}  // namespace

BENCHMARK(sx_cascade_steady)->Arg(5)->Arg(50)->Arg(500)->Unit(benchmark::kMillisecond)->Complexity();
BENCHMARK(sx_closed_loop_steady)->Arg(5)->Arg(50)->Arg(500)->Unit(benchmark::kMillisecond)->Complexity();
BENCHMARK(mixer_settler_chain_steady)->Arg(5)->Arg(50)->Arg(500)->Unit(benchmark::kMillisecond)->Complexity();
BENCHMARK(sx_compare_steady)->Arg(5)->Arg(50)->Arg(500)->Unit(benchmark::kMillisecond);
BENCHMARK(sx_compare_dynamic)
    ->ArgsProduct({{5, 50, 500}, {3, 4, 5, 6, 7, 8, 9, 10}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(sx_cascade_dynamic_dae)->ArgsProduct({{5, 50, 500}, {5, 6}})->Unit(benchmark::kMillisecond);
