// Results of a flowsheet solve: time series, unit outputs, element balances and solver statistics.
#pragma once

#include <string>
#include <vector>

#include "hydromet/core/types.hpp"

namespace hydromet {

/// Counters of a dynamic or steady solve.
struct SolverStatistics {
  std::string method;             ///< "CVODES", "IDAS", "KINSOL newton", ...
  long steps = 0;                 ///< internal time steps
  long residual_evaluations = 0;  ///< f evaluations, including those for finite-difference Jacobians
  long jacobian_evaluations = 0;
  long linear_setups = 0;
  long nonlinear_iterations = 0;
  long nonlinear_failures = 0;
  long error_test_failures = 0;
};

/// Plant element balance over a run: inventory at the start and the end [mol], per element.
struct ElementBalance {
  std::vector<std::string> elements;
  Vector initial;        ///< inventory at the first output time [mol]
  Vector final;          ///< inventory at the last output time [mol]
  Vector inflow;         ///< integrated feed [mol] (zero for closed systems)
  Vector outflow;        ///< integrated product [mol]
  /// Largest |final - initial - inflow + outflow| / max(initial, inflow) over the elements [-].
  [[nodiscard]] double closure() const;
};

struct SimulationResult {
  std::vector<double> times;               ///< [s]
  std::vector<std::string> state_names;    ///< "leach1.n[WO4-2]"
  Matrix states;                           ///< times x states
  std::vector<std::string> output_names;   ///< "leach1.conversion[scheelite]"
  std::vector<std::string> output_units;   ///< display unit of each output ("-", "mol/m3", "mol")
  Matrix outputs;                          ///< times x outputs
  ElementBalance balance;
  SolverStatistics statistics;

  /// Column of an output by its full name; throws Error when absent.
  [[nodiscard]] Vector output(const std::string& name) const;
};

}  // namespace hydromet
