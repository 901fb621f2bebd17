// Flowsheet: units connected by streams, assembled into one system and solved in time.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/core/error.hpp"
#include "hydromet/core/types.hpp"
#include "hydromet/flowsheet/results.hpp"
#include "hydromet/streams/component_list.hpp"
#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet {

/// One end of a connection: `unit.port`.
struct PortRef {
  std::string unit;
  std::string port;
};

struct Connection {
  PortRef from;              ///< an outlet port
  PortRef to;                ///< an inlet port
  SourceLocation location;   ///< where the connection was written, for errors
};

/// Options of a dynamic simulation, with their defaults.
struct SimulationOptions {
  double relative_tolerance = 1e-8;   ///< CVODES/IDAS rtol [-]
  double absolute_tolerance = 1e-12;  ///< atol relative to each state's typical scale [-]
  long max_steps = 500000;            ///< internal steps over the whole run
  double wall_clock_limit = 600.0;    ///< [s]
};

/// What a flowsheet file asks to be run: output times and solver options.
struct RunSettings {
  double until = 0.0;                 ///< end time [s]; 0 when the file gives none
  std::size_t output_count = 21;      ///< evenly spaced outputs from 0 to `until`, ends included
  std::vector<double> output_times;   ///< explicit output times [s]; overrides until/output_count
  SimulationOptions options;

  /// The output times this asks for (explicit ones, or evenly spaced up to `end` [s]).
  [[nodiscard]] std::vector<double> times(double end) const;
};

class Flowsheet {
 public:
  explicit Flowsheet(Database database = Database::bundled());
  Flowsheet(const Flowsheet&) = delete;
  Flowsheet& operator=(const Flowsheet&) = delete;
  Flowsheet(Flowsheet&&) = default;
  Flowsheet& operator=(Flowsheet&&) = default;
  ~Flowsheet() = default;

  std::string name;
  std::string description;
  std::string source_file;  ///< the YAML it was loaded from, if any
  RunSettings run;          ///< the file's `simulation:` section

  /// The species streams and states carry; each name must be in the database.
  void set_components(std::vector<std::string> aqueous, std::vector<std::string> solids);
  [[nodiscard]] const ComponentList& components() const { return components_; }
  [[nodiscard]] const Database& database() const { return database_; }

  /// Adds a unit; names must be unique (InputError at `location` otherwise).
  UnitOperation& add_unit(std::unique_ptr<UnitOperation> unit, SourceLocation location = {});
  void connect(PortRef from, PortRef to, SourceLocation location = {});

  [[nodiscard]] std::size_t unit_count() const { return units_.size(); }
  [[nodiscard]] const UnitOperation& unit(std::size_t index) const { return *units_[index].unit; }
  [[nodiscard]] const UnitOperation* find_unit(const std::string& name) const;
  [[nodiscard]] const std::vector<Connection>& connections() const { return connections_; }

  /// Checks ports, names and the graph; binds every unit to the components. Called by simulate().
  void validate();

  /// Integrates from t = 0 and reports at `output_times` [s] (ascending, first >= 0).
  [[nodiscard]] SimulationResult simulate(const std::vector<double>& output_times,
                                          const SimulationOptions& options = {});

 private:
  struct UnitEntry {
    std::unique_ptr<UnitOperation> unit;
    SourceLocation location;
  };

  Database database_;
  ComponentList components_;
  std::vector<UnitEntry> units_;
  std::vector<Connection> connections_;
  bool validated_ = false;
};

}  // namespace hydromet
