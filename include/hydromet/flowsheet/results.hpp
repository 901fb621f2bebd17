// Results of a flowsheet solve: time series, unit outputs, stream table, element balances, KPIs, statistics.
#pragma once

#include <string>
#include <vector>

#include "hydromet/core/types.hpp"
#include "hydromet/streams/stream.hpp"

namespace hydromet {

/// Counters of a dynamic or steady solve.
struct SolverStatistics {
  std::string method;             ///< "CVODES", "IDAS", "newton", "pseudo-transient"
  long steps = 0;                 ///< internal time steps (pseudo-transient steps for steady solves)
  long residual_evaluations = 0;  ///< f evaluations, including those for finite-difference Jacobians
  long jacobian_evaluations = 0;
  long linear_setups = 0;
  long nonlinear_iterations = 0;
  long nonlinear_failures = 0;
  long error_test_failures = 0;
  long events = 0;             ///< restarts at scheduled discontinuities
  double residual_norm = 0.0;  ///< steady solves: max |f| at the solution
};

/// Plant element balance [mol for dynamic runs, mol/s for steady states], per element:
/// final - initial = inflow - outflow.
struct ElementBalance {
  std::vector<std::string> elements;
  Vector initial;  ///< inventory at the first output time (zero for steady states)
  Vector final;    ///< inventory at the last output time (zero for steady states)
  Vector inflow;   ///< fed by sources (integrated over the run, or a rate at steady state)
  Vector outflow;  ///< taken by sinks
  /// Largest |final - initial - inflow + outflow| / max(|initial|, |final|, |inflow|, |outflow|) [-].
  [[nodiscard]] double closure() const;
};

/// One unit's element balance at an instant [mol/s]: in - out = accumulation.
struct UnitBalance {
  std::string unit;
  Vector in;
  Vector out;
  Vector accumulation;
  [[nodiscard]] double closure() const;
};

/// A stream of the stream table: the connection it flows along and its contents.
struct StreamRecord {
  std::string name;  ///< "from_unit.port -> to_unit.port"
  std::string from;
  std::string to;
  Stream stream;
};

/// A key performance indicator.
struct Kpi {
  std::string name;
  double value = 0.0;
  std::string unit;
};

/// What streams and balances are reported against: names of the tracked components.
struct ComponentNames {
  std::vector<std::string> aqueous;
  std::vector<std::string> organic;
  std::vector<std::string> solids;
  std::vector<std::string> elements;
  Vector solid_molar_masses;  ///< [kg/mol]
};

/// Everything reported at one instant: outputs of units, stream table, balances, KPIs.
struct Snapshot {
  std::vector<StreamRecord> streams;
  std::vector<UnitBalance> unit_balances;
  std::vector<Kpi> kpis;
};

struct SimulationResult {
  std::vector<double> times;              ///< [s]
  std::vector<std::string> state_names;   ///< "leach1.n[WO4-2]"
  Matrix states;                          ///< times x states
  std::vector<std::string> output_names;  ///< "leach1.conversion[scheelite]"
  std::vector<std::string> output_units;  ///< display unit of each output ("-", "mol/m3", "mol")
  Matrix outputs;                         ///< times x outputs
  ElementBalance balance;                 ///< over the whole run [mol]
  Snapshot final;                         ///< streams, unit balances and KPIs at the last output time
  ComponentNames components;
  SolverStatistics statistics;

  /// Column of an output by its full name; throws Error when absent.
  [[nodiscard]] Vector output(const std::string& name) const;
};

struct SteadyStateResult {
  bool converged = false;
  std::vector<std::string> state_names;
  Vector states;
  std::vector<std::string> output_names;
  std::vector<std::string> output_units;
  Vector outputs;
  ElementBalance balance;  ///< rates [mol/s]: inflow = outflow at steady state
  Snapshot snapshot;
  ComponentNames components;
  SolverStatistics statistics;

  [[nodiscard]] double output(const std::string& name) const;
};

}  // namespace hydromet
