// Batch leaching benchmarks: the reference scheelite soda leach, solved from its YAML, with solver counters.
#include <benchmark/benchmark.h>

#include <string>

#include "hydromet/io/flowsheet_loader.hpp"

namespace {

void batch_scheelite_soda(benchmark::State& state) {
  const std::string path = std::string(HYDROMET_BENCH_SOURCE_DIR) + "/flowsheets/w_scheelite_soda_batch.yaml";
  auto flowsheet = hydromet::load_flowsheet(path);
  const auto times = flowsheet.run.times(flowsheet.run.until);
  hydromet::SimulationResult result;
  for (auto _ : state) {
    result = flowsheet.simulate(times, flowsheet.run.options);
    benchmark::DoNotOptimize(result.outputs.data());
  }
  state.counters["steps"] = static_cast<double>(result.statistics.steps);
  state.counters["rhs_evals"] = static_cast<double>(result.statistics.residual_evaluations);
  state.counters["jac_evals"] = static_cast<double>(result.statistics.jacobian_evaluations);
  state.counters["newton_iters"] = static_cast<double>(result.statistics.nonlinear_iterations);
}
BENCHMARK(batch_scheelite_soda)->Unit(benchmark::kMillisecond);

}  // namespace
