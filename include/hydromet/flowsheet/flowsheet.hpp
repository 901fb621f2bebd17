// Flowsheet: units connected by streams, assembled into one system and solved in time.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/core/error.hpp"
#include "hydromet/core/types.hpp"
#include "hydromet/flowsheet/results.hpp"
#include "hydromet/streams/component_list.hpp"
#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet {

class System;

/// One end of a connection: `unit.port`.
struct PortRef {
  std::string unit;
  std::string port;
};

struct Connection {
  PortRef from;             ///< an outlet port
  PortRef to;               ///< an inlet port
  SourceLocation location;  ///< where the connection was written, for errors
};

/// Options of a dynamic simulation, with their defaults.
struct SimulationOptions {
  double relative_tolerance = 1e-8;   ///< CVODES/IDAS rtol [-]
  double absolute_tolerance = 1e-12;  ///< atol relative to each state's typical scale [-]
  /// IDAS: relative change of c_j = α/h beyond which the Newton matrix is rebuilt (IDASetDeltaCjLSetup) [-]
  double matrix_cj_change = 0.25;
  long max_steps = 500000;          ///< internal steps over the whole run
  double wall_clock_limit = 600.0;  ///< [s]
  /// Start from the steady state at the feeds of t = 0 (solved first with the flowsheet's `steady_state`
  /// options) instead of the units' initial states: a disturbance then acts on a running plant.
  bool start_from_steady_state = false;
};

/// Options of a steady-state solve, with their defaults.
struct SteadyStateOptions {
  double tolerance = 1e-10;             ///< converged when every |f_i| / scale_i <= tolerance [-]
  bool force_pseudo_transient = false;  ///< skip the first Newton attempt (tests compare both paths)
  long max_iterations = 200;            ///< Newton iterations per KINSOL solve
  long max_pseudo_steps = 500;          ///< pseudo-transient steps before giving up
  double wall_clock_limit = 600.0;      ///< [s]
};

/// How the starting guess of a steady solve was reached (Flowsheet::steady_guess).
struct SteadyGuessStatistics {
  int steps = 0;  ///< accelerated substitution steps (each a pass along the flow order and one against it)
  double change = 0.0;  ///< last max_i |G(y)_i - y_i| / max(|G(y)_i|, scale_i) [-]
};

/// A KPI declared in the flowsheet file.
struct KpiDefinition {
  enum class Kind {
    recovery,             ///< element to a product (sink) over the element fed by all (or listed) sources [-]
    grade,                ///< mass fraction of an element in the solids a product receives [-]
    reagent_consumption,  ///< mass of a species fed by a source per mass of solids fed by another [kg/t]
  };
  std::string name;
  Kind kind = Kind::recovery;
  std::string element;             ///< recovery, grade
  std::string product;             ///< recovery, grade: the sink unit
  std::vector<std::string> feeds;  ///< recovery: sources counted as fed (empty: every source)
  std::string reagent_feed;        ///< reagent_consumption: the source of the reagent
  std::string reagent_species;     ///< reagent_consumption: an aqueous species of that source
  std::string basis_feed;          ///< reagent_consumption: the source whose solids are the basis
  SourceLocation location;
};

/// What a flowsheet file asks to be run: output times and solver options.
struct RunSettings {
  double until = 0.0;                ///< end time [s]; 0 when the file gives none
  std::size_t output_count = 21;     ///< evenly spaced outputs from 0 to `until`, ends included
  std::vector<double> output_times;  ///< explicit output times [s]; overrides until/output_count
  SimulationOptions options;

  /// The output times this asks for (explicit ones, or evenly spaced up to `end` [s]).
  [[nodiscard]] std::vector<double> times(double end) const;
};

class Flowsheet {
 public:
  Flowsheet();  ///< with the bundled database
  explicit Flowsheet(Database database);
  /// Shares a database that no one changes (sweeps build many flowsheets on the bundled one).
  explicit Flowsheet(std::shared_ptr<const Database> database);
  Flowsheet(const Flowsheet&) = delete;
  Flowsheet& operator=(const Flowsheet&) = delete;
  Flowsheet(Flowsheet&&) = default;
  Flowsheet& operator=(Flowsheet&&) = default;
  ~Flowsheet() = default;

  std::string name;
  std::string description;
  std::string source_file;    ///< the YAML it was loaded from, if any
  std::string source_text;    ///< that YAML's text (for editing by parameter path, copies and pickling)
  RunSettings run;            ///< the file's `simulation:` section
  SteadyStateOptions steady;  ///< the file's `steady_state:` section
  std::vector<KpiDefinition> kpis;

  /// The species streams and states carry; each name must be in the database.
  /// `size_classes`: representative particle diameters [m] of the solids' size classes (empty: one class).
  void set_components(std::vector<std::string> aqueous, std::vector<std::string> solids,
                      std::vector<std::string> organic = {}, std::vector<double> size_classes = {});
  [[nodiscard]] const ComponentList& components() const { return components_; }
  [[nodiscard]] const Database& database() const { return *database_; }

  /// Adds a unit; names must be unique (InputError at `location` otherwise).
  UnitOperation& add_unit(std::unique_ptr<UnitOperation> unit, SourceLocation location = {});
  void connect(PortRef from, PortRef to, SourceLocation location = {});

  [[nodiscard]] std::size_t unit_count() const { return units_.size(); }
  [[nodiscard]] const UnitOperation& unit(std::size_t index) const { return *units_[index].unit; }
  [[nodiscard]] const UnitOperation* find_unit(const std::string& name) const;
  [[nodiscard]] const std::vector<Connection>& connections() const { return connections_; }

  /// Checks ports, names and the graph; binds every unit to the components. Called by simulate().
  void validate();

  /// Integrates from t = 0 and reports at `output_times` [s] (ascending, first >= 0). The integrator stops
  /// and restarts at every unit's discontinuity (feed steps).
  [[nodiscard]] SimulationResult simulate(const std::vector<double>& output_times,
                                          const SimulationOptions& options = {});
  /// Solves for the steady state from the units' initial states: KINSOL Newton, and pseudo-transient
  /// continuation when Newton fails. Throws SolverError when neither converges.
  [[nodiscard]] SteadyStateResult solve_steady(const SteadyStateOptions& options);
  /// The system solve_steady() solves (no accumulator states), for tools that work on its residual
  /// (sensitivities). It points into this flowsheet's units: keep the flowsheet alive and in place.
  [[nodiscard]] std::unique_ptr<System> steady_system();
  /// The system simulate() integrates (with the accumulators that cumulative KPIs read), for forward
  /// sensitivities. Same lifetime rule as steady_system().
  [[nodiscard]] std::unique_ptr<System> dynamic_system();
  /// The file's KPIs at state y of `system` (one of the two above): rates at a steady state, cumulative
  /// amounts from the accumulators when `cumulative` (dynamic runs).
  [[nodiscard]] std::vector<Kpi> kpis_at(System& system, double t, std::span<const double> y,
                                         bool cumulative) const;
  [[nodiscard]] SteadyStateResult solve_steady() { return solve_steady(steady); }
  /// The starting guess solve_steady() gives Newton, for `system` (steady_system()): the units' initial
  /// states, then successive substitution (each unit filled from its inlets, in flow order and against it)
  /// with Anderson acceleration, until no state changes by more than 1e-8 of its size or 100 steps.
  [[nodiscard]] static Vector steady_guess(System& system, SteadyGuessStatistics* statistics = nullptr);

 private:
  struct Assembly;
  [[nodiscard]] Assembly assemble(bool accumulators);
  [[nodiscard]] Snapshot snapshot(System& system, double t, std::span<const double> y,
                                  std::span<const double> f, bool cumulative) const;

  struct UnitEntry {
    std::unique_ptr<UnitOperation> unit;
    SourceLocation location;
  };

  std::shared_ptr<const Database> database_;
  ComponentList components_;
  std::vector<UnitEntry> units_;
  std::vector<Connection> connections_;
  // The flowsheet whose components the units were last bound to (validate()); null after a change. A moved
  // flowsheet keeps the old address here, so its units (bound to the old components) are bound again.
  const Flowsheet* validated_for_ = nullptr;
};

}  // namespace hydromet
