#include "hydromet/flowsheet/integration.hpp"

#include <algorithm>

#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/flowsheet/system.hpp"

namespace hydromet {

numerics::DynamicOptions dynamic_solver_options(const System& system, const SimulationOptions& options) {
  const Vector scales = system.state_scales();
  numerics::DynamicOptions solver_options;
  solver_options.rtol = options.relative_tolerance;
  solver_options.atol_components.assign(scales.data(), scales.data() + scales.size());
  for (auto& tolerance : solver_options.atol_components) {
    tolerance *= options.absolute_tolerance;
  }
  // The plant-balance accumulators are quadratures: no row reads them.
  if (system.unit_state_count() > 0 && system.unit_state_count() < system.size()) {
    solver_options.quadrature_components.assign(system.size(), true);
    std::fill_n(solver_options.quadrature_components.begin(), system.unit_state_count(), false);
  }
  solver_options.error_test_exempt = system.phase_split_states();
  solver_options.matrix_cj_change = options.matrix_cj_change;
  solver_options.max_steps = options.max_steps;
  solver_options.wall_clock_limit = options.wall_clock_limit;
  return solver_options;
}

std::vector<double> discontinuities_between(const System& system, double t_begin, double t_end) {
  std::vector<double> events;
  for (const auto* unit : system.units()) {
    for (const double t : unit->discontinuities()) {
      if (t > t_begin && t < t_end) {
        events.push_back(t);
      }
    }
  }
  std::sort(events.begin(), events.end());
  events.erase(std::unique(events.begin(), events.end()), events.end());
  return events;
}

}  // namespace hydromet
