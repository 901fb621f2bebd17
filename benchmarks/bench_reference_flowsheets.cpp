// The reference flowsheets (flowsheets/*.yaml) as benchmark cases:
// - reference_steady/<file>: the steady state from the file's guesses;
// - reference_dynamic/<file>: from the units' initial states (`simulation.start: initial`: tanks full of
//   their initial solution, no solids, SX stages charged with fresh solvent, feeds flowing from t = 0), the
//   plant's start-up;
// - reference_step/<file>: from the steady state, through the file's own feed step (at 24 h in every file),
//   the scenario `hydromet run` integrates for the files' `start: steady`;
// both dynamic runs at the file's tolerances.
//
// The dynamic runs have a horizon (HYDROMET_BENCH_HORIZON_H, default 24 h) and a wall-clock budget
// (HYDROMET_BENCH_WALL_S, default 60 s): a run that would take longer stops at the budget and reports how far
// it got ("simulated X h in Y s") instead of failing or hanging. Counters: the solver's, `simulated_h`,
// `wall_s` (system assembly and solver set-up included, YAML parsing and the steady solve not),
// `realtime_factor` = simulated s / wall s, `finished`. Peak memory: scripts/bench_table.py runs every case
// in a process of its own.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "hydromet/core/error.hpp"
#include "hydromet/flowsheet/integration.hpp"
#include "hydromet/flowsheet/system.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/numerics/dynamic_solver.hpp"

namespace {

const std::vector<std::string> continuous_flowsheets = {"w_wolframite_to_apt", "w_scheelite_soda",
                                                        "nbta_hf_sx", "tailings_w_byproduct"};
const std::string batch_flowsheet = "w_scheelite_soda_batch";

double environment_number(const char* name, double fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') {
    return fallback;
  }
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  return (end != text && value > 0.0) ? value : fallback;
}

hydromet::Flowsheet load(const std::string& name) {
  return hydromet::load_flowsheet(hydromet::bench::source_file("flowsheets/" + name + ".yaml"));
}

void reference_steady(benchmark::State& state, const std::string& name) {
  auto flowsheet = load(name);
  hydromet::SteadyStateResult result;
  try {
    for (auto _ : state) {
      result = flowsheet.solve_steady();
      benchmark::DoNotOptimize(result.outputs.data());
    }
  } catch (const hydromet::Error& error) {
    state.SkipWithError(error.what());
    return;
  }
  hydromet::bench::count(state, result.statistics);
  state.counters["states"] = static_cast<double>(result.states.size());
  state.counters["balance_closure"] = result.balance.closure();
}

struct BudgetedRun {
  double simulated = 0.0;  ///< [s] of plant time reached
  double wall = 0.0;       ///< [s]
  bool finished = false;   ///< the whole horizon
  std::size_t states = 0;
  hydromet::numerics::SolverStatistics statistics;
};

// Integrates as Flowsheet::simulate does (the same system, per-state absolute tolerances and restarts at the
// feed steps) from (t0, y) over `horizon` [s], with outputs every 0.01 h so that a run stopped by the budget
// reports the time reached to 36 s. `start`: when the wall clock started.
BudgetedRun run_with_budget(const hydromet::Flowsheet& flowsheet, hydromet::System& system,
                            hydromet::Vector y, double t0, double horizon, double budget,
                            std::chrono::steady_clock::time_point start) {
  auto options = flowsheet.run.options;
  options.wall_clock_limit = budget;
  const double t_end = t0 + horizon;
  hydromet::EventStepper stepper(hydromet::discontinuities_between(system, t0, t_end));

  BudgetedRun run;
  run.states = system.size();
  const std::span<double> y_span(y.data(), static_cast<std::size_t>(y.size()));
  hydromet::numerics::DynamicSolver solver(system, t0, y_span,
                                           hydromet::dynamic_solver_options(system, options));
  const auto seconds = [&start] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const long outputs = std::max(1L, static_cast<long>(horizon / 36.0));
  try {
    for (long k = 1; k <= outputs; ++k) {
      const double t = t0 + horizon * static_cast<double>(k) / static_cast<double>(outputs);
      stepper.pass_events_to(t, solver.time(), [&](double event) {
        solver.advance_to(event, y_span, true);
        solver.reinitialize(event, y_span);
      });
      solver.advance_to(t, y_span, stepper.events_ahead() || k == outputs);  // the run ends at t_end
      run.simulated = solver.time() - t0;
    }
    run.finished = true;
  } catch (const hydromet::SolverError&) {
    if (seconds() < budget) {
      throw;  // a real failure, not the budget
    }
  }
  run.wall = seconds();
  run.statistics = solver.statistics();
  return run;
}

void report(benchmark::State& state, const BudgetedRun& run, double horizon) {
  const auto& s = run.statistics;
  state.counters["steps"] = static_cast<double>(s.steps);
  state.counters["rhs_evals"] = static_cast<double>(s.rhs_evaluations);
  state.counters["jac_evals"] = static_cast<double>(s.jacobian_evaluations);
  state.counters["newton_iters"] = static_cast<double>(s.nonlinear_iterations);
  state.counters["newton_fails"] = static_cast<double>(s.nonlinear_convergence_failures);
  state.counters["error_test_fails"] = static_cast<double>(s.error_test_failures);
  state.counters["jacobian_colours"] = static_cast<double>(s.jacobian_colours);
  state.counters["analytic_jacobian"] = s.analytic_jacobian ? 1.0 : 0.0;
  state.counters["states"] = static_cast<double>(run.states);
  state.counters["horizon_h"] = horizon / 3600.0;
  state.counters["simulated_h"] = run.simulated / 3600.0;
  state.counters["wall_s"] = run.wall;
  state.counters["realtime_factor"] = run.wall > 0.0 ? run.simulated / run.wall : 0.0;
  state.counters["finished"] = run.finished ? 1.0 : 0.0;
}

double horizon_s() { return 3600.0 * environment_number("HYDROMET_BENCH_HORIZON_H", 24.0); }
double budget_s() { return environment_number("HYDROMET_BENCH_WALL_S", 60.0); }

// From the file's initial state at t = 0.
void reference_dynamic(benchmark::State& state, const std::string& name) {
  const double horizon = horizon_s();
  auto flowsheet = load(name);
  BudgetedRun run;
  try {
    for (auto _ : state) {
      const auto start = std::chrono::steady_clock::now();
      auto system = flowsheet.dynamic_system();
      run = run_with_budget(flowsheet, *system, system->initial_state(), 0.0, horizon, budget_s(), start);
      benchmark::ClobberMemory();
    }
  } catch (const hydromet::Error& error) {
    state.SkipWithError(error.what());
    return;
  }
  report(state, run, horizon);
}

// From the steady state, at the file's first feed step (the +10 % feed, or the grade drop, at 24 h), for the
// horizon after it: the plant's own disturbance. The steady solve is not timed; the accumulators start at 0.
void reference_step(benchmark::State& state, const std::string& name) {
  const double horizon = horizon_s();
  auto flowsheet = load(name);
  BudgetedRun run;
  double step_time = 0.0;
  try {
    const auto steady = flowsheet.solve_steady();
    for (auto _ : state) {
      const auto start = std::chrono::steady_clock::now();
      auto system = flowsheet.dynamic_system();
      const auto steps =
          hydromet::discontinuities_between(*system, 0.0, std::numeric_limits<double>::infinity());
      if (steps.empty()) {
        state.SkipWithError("the flowsheet has no feed step");
        return;
      }
      step_time = steps.front();  // ascending
      const hydromet::Vector y = system->initial_state_from(
          std::span<const double>(steady.states.data(), static_cast<std::size_t>(steady.states.size())),
          steady.state_names);
      run = run_with_budget(flowsheet, *system, y, step_time, horizon, budget_s(), start);
      benchmark::ClobberMemory();
    }
  } catch (const hydromet::Error& error) {
    state.SkipWithError(error.what());
    return;
  }
  report(state, run, horizon);
  state.counters["step_at_h"] = step_time / 3600.0;
}

const bool reference_benchmarks_registered = [] {
  for (const auto& name : continuous_flowsheets) {
    benchmark::RegisterBenchmark((std::string("reference_steady/") + name).c_str(), reference_steady, name)
        ->Unit(benchmark::kMillisecond);
  }
  for (const auto& name : continuous_flowsheets) {
    benchmark::RegisterBenchmark((std::string("reference_step/") + name).c_str(), reference_step, name)
        ->Unit(benchmark::kMillisecond);
  }
  auto dynamic = continuous_flowsheets;
  dynamic.push_back(batch_flowsheet);
  for (const auto& name : dynamic) {
    benchmark::RegisterBenchmark((std::string("reference_dynamic/") + name).c_str(), reference_dynamic, name)
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace
