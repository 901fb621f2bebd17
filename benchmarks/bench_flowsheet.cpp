// Flowsheet engine benchmarks: steady state of a chain of N stirred tanks closed by a recycle
// (feed -> mixer -> tank 1 .. tank N -> splitter -> 50 % back to the mixer), N = 10, 100, 1000.
#include <benchmark/benchmark.h>

#include <string>

#include "hydromet/io/flowsheet_loader.hpp"

namespace {

std::string tank_chain(int tanks) {
  std::string yaml = R"(
units: {volume: m3, flow: m3/h, concentration: mol/m3, temperature: degC}
equipment:
  feed: {type: feed, flow: 10, solution: {Na+: 100, Cl-: 100}}
  mixer: {type: mixer, inlets: 2}
  splitter: {type: splitter, fractions: {recycle: 0.5, out: 0.5}}
  product: {type: product}
)";
  for (int n = 1; n <= tanks; ++n) {
    yaml += "  tank" + std::to_string(n) + ": {type: tank, volume: 1, temperature: 25}\n";
  }
  yaml +=
      "connections:\n  - feed.out -> mixer.in1\n  - splitter.recycle -> mixer.in2\n  - mixer.out -> "
      "tank1.in\n";
  for (int n = 1; n < tanks; ++n) {
    yaml += "  - tank" + std::to_string(n) + ".out -> tank" + std::to_string(n + 1) + ".in\n";
  }
  yaml += "  - tank" + std::to_string(tanks) + ".out -> splitter.in\n  - splitter.out -> product.in\n";
  return yaml;
}

void steady_tank_chain_with_recycle(benchmark::State& state) {
  const int tanks = static_cast<int>(state.range(0));
  auto flowsheet = hydromet::load_flowsheet_string(tank_chain(tanks), "tank chain");
  hydromet::SteadyStateResult result;
  for (auto _ : state) {
    result = flowsheet.solve_steady();
    benchmark::DoNotOptimize(result.states.data());
  }
  state.counters["unknowns"] = static_cast<double>(result.states.size());
  state.counters["newton_iters"] = static_cast<double>(result.statistics.nonlinear_iterations);
  state.counters["rhs_evals"] = static_cast<double>(result.statistics.residual_evaluations);
  state.counters["jac_evals"] = static_cast<double>(result.statistics.jacobian_evaluations);
  state.SetComplexityN(tanks);
}
BENCHMARK(steady_tank_chain_with_recycle)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oN);

}  // namespace
