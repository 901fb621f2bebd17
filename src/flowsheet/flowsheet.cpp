// Flowsheet graph, validation and dynamic simulation.
#include "hydromet/flowsheet/flowsheet.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "hydromet/flowsheet/system.hpp"
#include "hydromet/numerics/dynamic_solver.hpp"

namespace hydromet {
namespace {

std::string port_text(const PortRef& port) { return port.unit + "." + port.port; }

std::string list_text(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) {
    text += (text.empty() ? "`" : ", `") + name + "`";
  }
  return text.empty() ? "none" : text;
}

}  // namespace

std::vector<double> RunSettings::times(double end) const {
  if (!output_times.empty()) {
    return output_times;
  }
  const std::size_t count = std::max<std::size_t>(output_count, 2);
  std::vector<double> result(count);
  for (std::size_t i = 0; i < count; ++i) {
    result[i] = end * static_cast<double>(i) / static_cast<double>(count - 1);
  }
  return result;
}

Flowsheet::Flowsheet(Database database) : database_(std::move(database)) {}

void Flowsheet::set_components(std::vector<std::string> aqueous, std::vector<std::string> solids) {
  components_ = ComponentList(database_, std::move(aqueous), std::move(solids));
  validated_ = false;
}

UnitOperation& Flowsheet::add_unit(std::unique_ptr<UnitOperation> unit, SourceLocation location) {
  if (find_unit(unit->name()) != nullptr) {
    throw InputError("duplicate unit name `" + unit->name() + "`", std::move(location));
  }
  units_.push_back({std::move(unit), std::move(location)});
  validated_ = false;
  return *units_.back().unit;
}

void Flowsheet::connect(PortRef from, PortRef to, SourceLocation location) {
  connections_.push_back({std::move(from), std::move(to), std::move(location)});
  validated_ = false;
}

const UnitOperation* Flowsheet::find_unit(const std::string& unit_name) const {
  for (const auto& entry : units_) {
    if (entry.unit->name() == unit_name) {
      return entry.unit.get();
    }
  }
  return nullptr;
}

void Flowsheet::validate() {
  std::vector<std::string> unit_names;
  for (const auto& entry : units_) {
    unit_names.push_back(entry.unit->name());
  }
  std::set<std::string> used_outlets;
  std::set<std::string> used_inlets;
  for (const auto& connection : connections_) {
    for (const auto* end : {&connection.from, &connection.to}) {
      if (find_unit(end->unit) == nullptr) {
        std::string message = "connection names unknown unit `" + end->unit + "`";
        if (auto suggestion = closest_match(end->unit, unit_names); !suggestion.empty()) {
          message += "; did you mean `" + suggestion + "`?";
        }
        throw InputError(message, connection.location);
      }
    }
    for (const auto* end : {&connection.from, &connection.to}) {
      const bool is_outlet = end == &connection.from;
      const UnitOperation* unit = find_unit(end->unit);
      const auto ports = is_outlet ? unit->outlet_ports() : unit->inlet_ports();
      if (std::find(ports.begin(), ports.end(), end->port) == ports.end()) {
        throw InputError(std::string(unit->type()) + " `" + unit->name() + "` has no " +
                             (is_outlet ? "outlet" : "inlet") + " port `" + end->port + "`; its " +
                             (is_outlet ? "outlets" : "inlets") + " are " + list_text(ports),
                         connection.location);
      }
      auto& used = is_outlet ? used_outlets : used_inlets;
      if (!used.insert(port_text(*end)).second) {
        throw InputError("port `" + port_text(*end) + "` is connected twice", connection.location);
      }
    }
  }
  for (const auto& entry : units_) {
    for (const auto& port : entry.unit->inlet_ports()) {
      if (!used_inlets.contains(entry.unit->name() + "." + port)) {
        throw InputError("inlet `" + entry.unit->name() + "." + port + "` is not connected", entry.location);
      }
    }
    for (const auto& port : entry.unit->outlet_ports()) {
      if (!used_outlets.contains(entry.unit->name() + "." + port)) {
        throw InputError("outlet `" + entry.unit->name() + "." + port + "` is not connected", entry.location);
      }
    }
  }
  for (auto& entry : units_) {
    entry.unit->bind(components_);
  }
  validated_ = true;
}

SimulationResult Flowsheet::simulate(const std::vector<double>& output_times, const SimulationOptions& options) {
  if (output_times.empty()) {
    throw InputError("simulate: no output times given");
  }
  for (std::size_t i = 0; i < output_times.size(); ++i) {
    if (!std::isfinite(output_times[i]) || output_times[i] < 0.0 || (i > 0 && output_times[i] <= output_times[i - 1])) {
      throw InputError("simulate: output times must be finite, >= 0 and strictly increasing");
    }
  }
  validate();

  // Streams: one per connection, written by the outlet and read by the inlet.
  std::vector<const UnitOperation*> units;
  std::map<std::string, std::size_t> unit_index;
  for (const auto& entry : units_) {
    unit_index[entry.unit->name()] = units.size();
    units.push_back(entry.unit.get());
  }
  std::vector<std::vector<std::size_t>> inlets(units.size());
  std::vector<std::vector<std::size_t>> outlets(units.size());
  for (std::size_t u = 0; u < units.size(); ++u) {
    inlets[u].resize(units[u]->inlet_ports().size());
    outlets[u].resize(units[u]->outlet_ports().size());
  }
  std::vector<std::size_t> stream_source(connections_.size());
  std::vector<std::size_t> stream_target(connections_.size());
  for (std::size_t s = 0; s < connections_.size(); ++s) {
    const auto& connection = connections_[s];
    const std::size_t from = unit_index.at(connection.from.unit);
    const std::size_t to = unit_index.at(connection.to.unit);
    const auto out_ports = units[from]->outlet_ports();
    const auto in_ports = units[to]->inlet_ports();
    outlets[from][static_cast<std::size_t>(std::find(out_ports.begin(), out_ports.end(), connection.from.port) -
                                           out_ports.begin())] = s;
    inlets[to][static_cast<std::size_t>(std::find(in_ports.begin(), in_ports.end(), connection.to.port) -
                                        in_ports.begin())] = s;
    stream_source[s] = from;
    stream_target[s] = to;
  }
  // Evaluation order: inventory units first (their outlets depend on states only), then Kahn's algorithm on
  // the units without inventory. A cycle left over is a recycle with no inventory to break it.
  std::vector<std::size_t> order;
  std::vector<std::size_t> pending(units.size(), 0);
  for (std::size_t s = 0; s < connections_.size(); ++s) {
    if (units[stream_source[s]]->state_size() == 0 && units[stream_target[s]]->state_size() == 0) {
      ++pending[stream_target[s]];
    }
  }
  std::vector<std::size_t> ready;
  for (std::size_t u = 0; u < units.size(); ++u) {
    if (units[u]->state_size() > 0) {
      order.push_back(u);
    } else if (pending[u] == 0) {
      ready.push_back(u);
    }
  }
  while (!ready.empty()) {
    const std::size_t u = ready.back();
    ready.pop_back();
    order.push_back(u);
    for (const auto s : outlets[u]) {
      const std::size_t target = stream_target[s];
      if (units[target]->state_size() == 0 && --pending[target] == 0) {
        ready.push_back(target);
      }
    }
  }
  if (order.size() != units.size()) {
    std::vector<std::string> loop;
    for (std::size_t u = 0; u < units.size(); ++u) {
      if (std::find(order.begin(), order.end(), u) == order.end()) {
        loop.push_back(units[u]->name());
      }
    }
    throw InputError("recycle loop through " + list_text(loop) + " contains no unit that holds inventory",
                     units_[unit_index.at(loop.front())].location);
  }

  System system(units, inlets, outlets, order, components_);
  const Vector y0 = system.initial_state();
  const Vector scales = system.state_scales();

  numerics::DynamicOptions solver_options;
  solver_options.rtol = options.relative_tolerance;
  solver_options.atol_components.assign(scales.data(), scales.data() + scales.size());
  for (auto& tolerance : solver_options.atol_components) {
    tolerance *= options.absolute_tolerance;
  }
  solver_options.max_steps = options.max_steps;
  solver_options.wall_clock_limit = options.wall_clock_limit;

  SimulationResult result;
  result.times = output_times;
  for (std::size_t i = 0; i < system.size(); ++i) {
    result.state_names.push_back(system.component_name(i));
  }
  const auto n_times = static_cast<Eigen::Index>(output_times.size());
  result.states.resize(n_times, static_cast<Eigen::Index>(system.size()));

  numerics::DynamicSolver solver(system, 0.0, std::span<const double>(y0.data(), static_cast<std::size_t>(y0.size())),
                                 solver_options);
  Vector y = y0;
  for (Eigen::Index k = 0; k < n_times; ++k) {
    const double t = output_times[static_cast<std::size_t>(k)];
    if (t > 0.0) {
      solver.advance_to(t, std::span<double>(y.data(), static_cast<std::size_t>(y.size())));
    }
    result.states.row(k) = y.transpose();
  }
  const auto stats = solver.statistics();
  result.statistics.method = stats.method;
  result.statistics.steps = stats.steps;
  result.statistics.residual_evaluations = stats.rhs_evaluations;
  result.statistics.jacobian_evaluations = stats.jacobian_evaluations;
  result.statistics.linear_setups = stats.linear_solver_setups;
  result.statistics.nonlinear_iterations = stats.nonlinear_iterations;
  result.statistics.nonlinear_failures = stats.nonlinear_convergence_failures;
  result.statistics.error_test_failures = stats.error_test_failures;

  // Unit outputs at every output time.
  for (Eigen::Index k = 0; k < n_times; ++k) {
    const Vector state = result.states.row(k).transpose();
    const std::span<const double> y_k(state.data(), static_cast<std::size_t>(state.size()));
    std::vector<double> values;
    for (std::size_t u = 0; u < units.size(); ++u) {
      for (const auto& output : units[u]->outputs(output_times[static_cast<std::size_t>(k)], system.block(u, y_k))) {
        if (k == 0) {
          result.output_names.push_back(units[u]->name() + "." + output.name);
          result.output_units.push_back(output.unit);
        }
        values.push_back(output.value);
      }
    }
    if (k == 0) {
      result.outputs.resize(n_times, static_cast<Eigen::Index>(values.size()));
    }
    result.outputs.row(k) = Eigen::Map<const Eigen::RowVectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
  }

  const Vector first = result.states.row(0).transpose();
  const Vector last = result.states.row(n_times - 1).transpose();
  result.balance.elements = components_.elements();
  result.balance.initial = system.element_inventory({first.data(), static_cast<std::size_t>(first.size())});
  result.balance.final = system.element_inventory({last.data(), static_cast<std::size_t>(last.size())});
  result.balance.inflow = Vector::Zero(result.balance.initial.size());
  result.balance.outflow = Vector::Zero(result.balance.initial.size());
  return result;
}

}  // namespace hydromet
