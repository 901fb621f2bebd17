// Speciation benchmarks: warm-started solves of a 20-species Na-K-W-CO3-SO4-Cl solution near pH 9, as a
// unit's residual evaluation would ask for them (totals change a little between calls).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/thermo/speciation.hpp"

namespace {

using namespace hydromet;

std::shared_ptr<const ChemicalSystem> tungstate_liquor() {
  static const auto system = std::make_shared<const ChemicalSystem>(
      Database::bundled(), std::vector<std::string>{"H+", "Na+", "K+", "WO4-2", "CO3-2", "SO4-2", "Cl-"});
  return system;
}

Vector liquor_totals(const ChemicalSystem& system) {
  // Alkaline leach liquor diluted to ~0.1 mol/kg W; H+ closes the charge balance (pH about 9).
  return system.totals(
      {{"Na+", 0.36}, {"K+", 0.01}, {"WO4-2", 0.1}, {"CO3-2", 0.08}, {"SO4-2", 0.01}, {"Cl-", 0.02}});
}

void run(benchmark::State& state, ActivityModel model, bool fixed_ph) {
  const auto system = tungstate_liquor();
  SpeciationOptions options;
  options.activity_model = model;
  if (fixed_ph) {
    options.ph = 9.0;
  }
  SpeciationSolver solver(system, options);
  const Vector base = liquor_totals(*system);
  Vector totals = base;
  SpeciationResult result;
  solver.solve(totals, 333.15, result);
  long iterations = 0;
  long calls = 0;
  double sign = 1.0;
  for (auto _ : state) {
    sign = -sign;
    totals = base * (1.0 + sign * 1e-3);  // a neighbouring residual evaluation
    solver.solve(totals, 333.15, result);
    benchmark::DoNotOptimize(result.ph);
    iterations += result.iterations;
    ++calls;
  }
  state.counters["species"] = static_cast<double>(system->num_species());
  state.counters["newton_its"] =
      calls > 0 ? static_cast<double>(iterations) / static_cast<double>(calls) : 0.0;
}

void bm_speciation_warm_davies(benchmark::State& state) { run(state, ActivityModel::davies, false); }
void bm_speciation_warm_bdot(benchmark::State& state) { run(state, ActivityModel::b_dot, false); }
void bm_speciation_warm_sit(benchmark::State& state) { run(state, ActivityModel::sit, false); }
void bm_speciation_warm_fixed_ph(benchmark::State& state) { run(state, ActivityModel::davies, true); }

void bm_speciation_cold_davies(benchmark::State& state) {
  const auto system = tungstate_liquor();
  SpeciationSolver solver(system);
  const Vector totals = liquor_totals(*system);
  for (auto _ : state) {
    SpeciationResult result = solver.solve(totals, 333.15);
    benchmark::DoNotOptimize(result.ph);
  }
}

}  // namespace

BENCHMARK(bm_speciation_warm_davies);
BENCHMARK(bm_speciation_warm_bdot);
BENCHMARK(bm_speciation_warm_sit);
BENCHMARK(bm_speciation_warm_fixed_ph);
BENCHMARK(bm_speciation_cold_davies);
