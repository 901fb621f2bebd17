// Flowsheet graph, validation and dynamic simulation.
#include "hydromet/flowsheet/flowsheet.hpp"

#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "hydromet/chemistry/formula.hpp"
#include "hydromet/flowsheet/integration.hpp"
#include "hydromet/flowsheet/system.hpp"
#include "hydromet/numerics/dynamic_solver.hpp"
#include "hydromet/numerics/steady_solver.hpp"

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

// Throws when a recycle passes through no unit that holds inventory; `units` in file order, with their
// locations.
void check_recycles_hold_inventory(const std::vector<const UnitOperation*>& units,
                                   const std::vector<SourceLocation>& locations,
                                   const std::vector<Connection>& connections) {
  // Among the units without inventory, peel off those no remaining one feeds, then those that feed no
  // remaining one: what is left lies on a loop with no state to break it (an algebraic recycle).
  const std::size_t count = units.size();
  std::map<std::string, std::size_t> index;
  for (std::size_t u = 0; u < count; ++u) {
    index[units[u]->name()] = u;
  }
  std::vector<std::vector<std::size_t>> targets(count);
  std::vector<std::vector<std::size_t>> sources(count);
  std::vector<std::size_t> fed_by(count, 0);
  std::vector<std::size_t> feeding(count, 0);
  for (const auto& connection : connections) {
    const std::size_t from = index.at(connection.from.unit);
    const std::size_t to = index.at(connection.to.unit);
    if (units[from]->state_size() == 0 && units[to]->state_size() == 0) {
      targets[from].push_back(to);
      sources[to].push_back(from);
      ++fed_by[to];
      ++feeding[from];
    }
  }
  std::vector<bool> removed(count, false);
  auto peel = [&](std::vector<std::size_t>& degree, const std::vector<std::vector<std::size_t>>& next) {
    std::vector<std::size_t> ready;
    for (std::size_t u = 0; u < count; ++u) {
      if (!removed[u] && degree[u] == 0) {
        ready.push_back(u);
      }
    }
    while (!ready.empty()) {
      const std::size_t u = ready.back();
      ready.pop_back();
      removed[u] = true;
      for (const std::size_t v : next[u]) {
        if (!removed[v] && --degree[v] == 0) {
          ready.push_back(v);
        }
      }
    }
  };
  for (std::size_t u = 0; u < count; ++u) {
    removed[u] = units[u]->state_size() > 0;
  }
  peel(fed_by, targets);
  peel(feeding, sources);
  std::vector<std::string> loop;
  for (std::size_t u = 0; u < count; ++u) {
    if (!removed[u]) {
      loop.push_back(units[u]->name());
    }
  }
  if (!loop.empty()) {
    throw InputError("recycle loop through " + list_text(loop) + " contains no unit that holds inventory",
                     locations[index.at(loop.front())]);
  }
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

Flowsheet::Flowsheet() : database_(Database::bundled_shared()) {}

Flowsheet::Flowsheet(Database database) : database_(std::make_shared<const Database>(std::move(database))) {}

Flowsheet::Flowsheet(std::shared_ptr<const Database> database) : database_(std::move(database)) {}

void Flowsheet::set_components(std::vector<std::string> aqueous, std::vector<std::string> solids,
                               std::vector<std::string> organic, std::vector<double> size_classes) {
  components_ = ComponentList(*database_, std::move(aqueous), std::move(solids), std::move(organic),
                              std::move(size_classes));
  validated_for_ = nullptr;
}

UnitOperation& Flowsheet::add_unit(std::unique_ptr<UnitOperation> unit, SourceLocation location) {
  if (find_unit(unit->name()) != nullptr) {
    throw InputError("duplicate unit name `" + unit->name() + "`", std::move(location));
  }
  units_.push_back({std::move(unit), std::move(location)});
  validated_for_ = nullptr;
  return *units_.back().unit;
}

void Flowsheet::connect(PortRef from, PortRef to, SourceLocation location) {
  connections_.push_back({std::move(from), std::move(to), std::move(location)});
  validated_for_ = nullptr;
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
  std::vector<const UnitOperation*> units;
  std::vector<SourceLocation> locations;
  for (const auto& entry : units_) {
    units.push_back(entry.unit.get());
    locations.push_back(entry.location);
  }
  check_recycles_hold_inventory(units, locations, connections_);
  validated_for_ = this;
}

struct Flowsheet::Assembly {
  std::unique_ptr<System> system;
  std::vector<std::string> stream_names;
  std::vector<std::string> stream_from;
  std::vector<std::string> stream_to;
};

Flowsheet::Assembly Flowsheet::assemble(bool accumulators) {
  // Binding every unit again costs more than a small steady solve: only after add_unit, connect,
  // set_components or a move (units are reachable only as const after add_unit).
  if (validated_for_ != this) {
    validate();
  }
  // Streams: one per connection, written by the outlet and read by the inlet.
  std::vector<const UnitOperation*> units;
  std::map<std::string, std::size_t> unit_index;
  for (const auto& entry : units_) {
    unit_index[entry.unit->name()] = units.size();
    units.push_back(entry.unit.get());
  }
  Wiring wiring;
  wiring.inlets.resize(units.size());
  wiring.outlets.resize(units.size());
  wiring.stream_count = connections_.size();
  for (std::size_t u = 0; u < units.size(); ++u) {
    wiring.inlets[u].resize(units[u]->inlet_ports().size());
    wiring.outlets[u].resize(units[u]->outlet_ports().size());
  }
  Assembly assembly;
  std::vector<std::size_t> stream_source(connections_.size());
  std::vector<std::size_t> stream_target(connections_.size());
  for (std::size_t s = 0; s < connections_.size(); ++s) {
    const auto& connection = connections_[s];
    const std::size_t from = unit_index.at(connection.from.unit);
    const std::size_t to = unit_index.at(connection.to.unit);
    const auto out_ports = units[from]->outlet_ports();
    const auto in_ports = units[to]->inlet_ports();
    wiring.outlets[from][static_cast<std::size_t>(
        std::find(out_ports.begin(), out_ports.end(), connection.from.port) - out_ports.begin())] = s;
    wiring.inlets[to][static_cast<std::size_t>(
        std::find(in_ports.begin(), in_ports.end(), connection.to.port) - in_ports.begin())] = s;
    stream_source[s] = from;
    stream_target[s] = to;
    assembly.stream_from.push_back(port_text(connection.from));
    assembly.stream_to.push_back(port_text(connection.to));
    assembly.stream_names.push_back(port_text(connection.from) + " -> " + port_text(connection.to));
  }
  // Evaluation order: inventory units first (their outlets depend on states only), then Kahn's algorithm on
  // the units without inventory and on inventory units whose outlets also read their inlets (declared as
  // StreamCoupling::outlet_inlets, e.g. an sx_cascade that takes its flows from its inlets). A cycle left
  // over is a recycle with no inventory to break it.
  std::vector<bool> through(units.size());
  for (std::size_t u = 0; u < units.size(); ++u) {
    const auto coupling = units[u]->state_size() > 0 ? units[u]->stream_coupling() : std::nullopt;
    through[u] = units[u]->state_size() == 0 || (coupling && !coupling->outlet_inlets.empty());
  }
  std::vector<std::size_t> pending(units.size(), 0);
  for (std::size_t s = 0; s < connections_.size(); ++s) {
    if (through[stream_source[s]] && through[stream_target[s]]) {
      ++pending[stream_target[s]];
    }
  }
  std::vector<std::size_t> ready;
  for (std::size_t u = 0; u < units.size(); ++u) {
    if (!through[u]) {
      wiring.order.push_back(u);
    } else if (pending[u] == 0) {
      ready.push_back(u);
    }
  }
  std::reverse(ready.begin(), ready.end());
  while (!ready.empty()) {
    const std::size_t u = ready.back();
    ready.pop_back();
    wiring.order.push_back(u);
    for (const auto s : wiring.outlets[u]) {
      const std::size_t target = stream_target[s];
      if (through[target] && --pending[target] == 0) {
        ready.push_back(target);
      }
    }
  }
  if (wiring.order.size() != units.size()) {
    std::vector<std::string> loop;
    for (std::size_t u = 0; u < units.size(); ++u) {
      if (std::find(wiring.order.begin(), wiring.order.end(), u) == wiring.order.end()) {
        loop.push_back(units[u]->name());
      }
    }
    std::string reason = " contains no unit that holds inventory";
    for (const auto& looped : loop) {
      if (units[unit_index.at(looped)]->state_size() > 0) {
        reason = ": `";
        reason += looped;
        reason +=
            "` holds inventory but its outlets read its inlets (sx_cascade with `formulation: ode` takes "
            "its flows from them; use `formulation: dae` in a recycle)";
        break;
      }
    }
    throw InputError("recycle loop through " + list_text(loop) + reason,
                     units_[unit_index.at(loop.front())].location);
  }
  assembly.system = std::make_unique<System>(units, std::move(wiring), components_, accumulators);
  return assembly;
}

namespace {

ComponentNames component_names(const ComponentList& components) {
  ComponentNames names;
  for (std::size_t i = 0; i < components.aqueous_count(); ++i) {
    names.aqueous.push_back(components.aqueous(i).name);
  }
  for (std::size_t i = 0; i < components.organic_count(); ++i) {
    names.organic.push_back(components.organic(i).name);
  }
  for (std::size_t i = 0; i < components.solid_count(); ++i) {
    names.solids.push_back(components.solid(i).name);
  }
  names.elements = components.elements();
  names.solid_molar_masses = components.solid_molar_masses();
  return names;
}

const UnitOperation& unit_named(const std::vector<const UnitOperation*>& units, const std::string& name) {
  for (const auto* unit : units) {
    if (unit->name() == name) {
      return *unit;
    }
  }
  throw InputError("KPI refers to unknown unit `" + name + "`");
}

std::size_t index_of(const std::vector<const UnitOperation*>& units, const UnitOperation& unit) {
  return static_cast<std::size_t>(std::find(units.begin(), units.end(), &unit) - units.begin());
}

}  // namespace

Snapshot Flowsheet::snapshot(System& system, double t, std::span<const double> y, std::span<const double> f,
                             bool cumulative) const {
  Snapshot snapshot;
  system.compute_streams(t, y);
  const auto& units = system.units();
  std::size_t s = 0;
  for (const auto& connection : connections_) {
    snapshot.streams.push_back({port_text(connection.from) + " -> " + port_text(connection.to),
                                port_text(connection.from), port_text(connection.to), system.stream(s++)});
  }
  const auto elements = static_cast<Eigen::Index>(components_.elements().size());
  auto port_flows = [&](const std::vector<Stream>& streams) {
    Vector total = Vector::Zero(elements);
    for (const auto& stream : streams) {
      total += stream.element_flows(components_);
    }
    return total;
  };
  for (std::size_t u = 0; u < units.size(); ++u) {
    UnitBalance balance;
    balance.unit = units[u]->name();
    balance.in = port_flows(system.inlets_of(u));
    balance.out = port_flows(system.outlets_of(u));
    const std::size_t n = units[u]->state_size();
    // Inventory is linear in the states, so its rate of change is the inventory of f.
    balance.accumulation =
        n > 0 ? Vector(units[u]->element_inventory(f.subspan(system.offset(u), n))) : Vector::Zero(elements);
    if (units[u]->boundary() == Boundary::source) {
      balance.in = balance.out;  // a source's outflow comes from outside the flowsheet
    } else if (units[u]->boundary() == Boundary::sink) {
      balance.out = balance.in;
    }
    snapshot.unit_balances.push_back(std::move(balance));
  }
  // KPIs: cumulative amounts (dynamic runs, from the accumulators) or rates (steady states).
  auto element_row = [&](const KpiDefinition& kpi) {
    const auto& names = components_.elements();
    const auto it = std::find(names.begin(), names.end(), kpi.element);
    if (it == names.end()) {
      throw InputError("KPI `" + kpi.name + "`: element `" + kpi.element + "` is in no tracked species",
                       kpi.location);
    }
    return static_cast<Eigen::Index>(it - names.begin());
  };
  auto amount = [&](const UnitOperation& unit) -> Vector {
    const std::size_t u = index_of(units, unit);
    if (cumulative) {
      return system.accumulated(u, y);
    }
    return unit.boundary() == Boundary::source ? port_flows(system.outlets_of(u))
                                               : port_flows(system.inlets_of(u));
  };
  for (const auto& kpi : kpis) {
    if (kpi.kind == KpiDefinition::Kind::recovery) {
      const auto row = element_row(kpi);
      double fed = 0.0;
      for (const auto* unit : units) {
        const bool listed = kpi.feeds.empty() ? unit->boundary() == Boundary::source
                                              : std::find(kpi.feeds.begin(), kpi.feeds.end(), unit->name()) !=
                                                    kpi.feeds.end();
        if (listed) {
          fed += amount(*unit)[row];
        }
      }
      const double recovered = amount(unit_named(units, kpi.product))[row];
      snapshot.kpis.push_back({kpi.name, fed > 0.0 ? recovered / fed : 0.0, "-"});
    } else if (kpi.kind == KpiDefinition::Kind::grade) {
      const auto row = element_row(kpi);
      const std::size_t u = index_of(units, unit_named(units, kpi.product));
      Vector solids = Vector::Zero(static_cast<Eigen::Index>(components_.solid_count()));
      for (const auto& stream : system.inlets_of(u)) {
        solids += stream.solid_totals();
      }
      const double mass = components_.solid_molar_masses().dot(solids);
      const double element_moles = (components_.solid_elements() * solids)[row];
      const double atomic_weight = [&] {
        const Formula formula = parse_formula(kpi.element);
        return formula.molar_mass;
      }();
      snapshot.kpis.push_back({kpi.name, mass > 0.0 ? element_moles * atomic_weight / mass : 0.0, "-"});
    } else {
      const auto& reagent_unit = unit_named(units, kpi.reagent_feed);
      const auto& basis_unit = unit_named(units, kpi.basis_feed);
      const auto species = components_.aqueous_index(kpi.reagent_species, "KPI `" + kpi.name + "`");
      double reagent_mass = 0.0;
      for (const auto& stream : system.outlets_of(index_of(units, reagent_unit))) {
        reagent_mass += stream.aqueous_moles[static_cast<Eigen::Index>(species)] *
                        components_.aqueous(species).molar_mass();
      }
      double basis_mass = 0.0;
      for (const auto& stream : system.outlets_of(index_of(units, basis_unit))) {
        basis_mass += stream.solid_mass_flow(components_);
      }
      snapshot.kpis.push_back(
          {kpi.name, basis_mass > 0.0 ? 1000.0 * reagent_mass / basis_mass : 0.0, "kg/t"});
    }
  }
  return snapshot;
}

SimulationResult Flowsheet::simulate(const std::vector<double>& output_times,
                                     const SimulationOptions& options) {
  if (output_times.empty()) {
    throw InputError("simulate: no output times given");
  }
  for (std::size_t i = 0; i < output_times.size(); ++i) {
    if (!std::isfinite(output_times[i]) || output_times[i] < 0.0 ||
        (i > 0 && output_times[i] <= output_times[i - 1])) {
      throw InputError("simulate: output times must be finite, >= 0 and strictly increasing");
    }
  }
  // The steady start is solved before the dynamic system is assembled (each assembly binds the units).
  std::optional<SteadyStateResult> steady_start;
  if (options.start_from_steady_state) {
    steady_start = solve_steady(steady);
    if (!steady_start->converged) {
      throw SolverError(
          "simulation start: the steady state at the feeds of t = 0 did not converge (max |f| = " +
          std::to_string(steady_start->statistics.residual_norm) + ")");
    }
  }
  auto assembly = assemble(true);
  System& system = *assembly.system;
  const Vector y0 = steady_start
                        ? system.initial_state_from(
                              std::span<const double>(steady_start->states.data(),
                                                      static_cast<std::size_t>(steady_start->states.size())),
                              steady_start->state_names)
                        : system.initial_state();
  const numerics::DynamicOptions solver_options = dynamic_solver_options(system, options);

  SimulationResult result;
  result.times = output_times;
  result.components = component_names(components_);
  result.state_names = system.component_names();
  const auto n_times = static_cast<Eigen::Index>(output_times.size());
  result.states.resize(n_times, static_cast<Eigen::Index>(system.size()));

  // The integrator stops at each discontinuity inside the run and restarts after it.
  EventStepper stepper(discontinuities_between(system, 0.0, output_times.back()));
  auto span_of = [](Vector& v) { return std::span<double>(v.data(), static_cast<std::size_t>(v.size())); };
  numerics::DynamicSolver solver(
      system, 0.0, std::span<const double>(y0.data(), static_cast<std::size_t>(y0.size())), solver_options);
  Vector y = y0;
  for (Eigen::Index k = 0; k < n_times; ++k) {
    const double t = output_times[static_cast<std::size_t>(k)];
    stepper.pass_events_to(t, solver.time(), [&](double event) {
      solver.advance_to(event, span_of(y), true);
      solver.reinitialize(event, span_of(y));
    });
    if (t > solver.time()) {
      // The run ends at the last output: stepping past it would integrate beyond what anyone asked for, and
      // across a feed step that sits exactly at the end (the W plant's at 24 h), at the price of error-test
      // failures.
      const bool last_output = k + 1 == n_times;
      solver.advance_to(t, span_of(y), stepper.events_ahead() || last_output);
    } else {
      // An output at the start: report the consistent initial state (IDAS solves the algebraic rows first).
      const double t_next = k + 1 < n_times ? output_times[static_cast<std::size_t>(k + 1)] : t + 1.0;
      solver.current_state(stepper.events_ahead() ? std::min(t_next, stepper.next_event()) : t_next,
                           span_of(y));
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
  result.statistics.events = stepper.restarts();

  // Unit outputs at every output time.
  const auto& units = system.units();
  Vector state(result.states.cols());
  ReportColumns columns;                         // the first output time's, with the names
  std::vector<double>& values = columns.values;  // one output time's, reused
  for (Eigen::Index k = 0; k < n_times; ++k) {
    state = result.states.row(k).transpose();
    const std::span<const double> y_k(state.data(), static_cast<std::size_t>(state.size()));
    values.clear();
    const double t_k = output_times[static_cast<std::size_t>(k)];
    system.compute_streams(t_k, y_k);
    // Phase splits the integrator interpolated without error control, re-solved from what it controls.
    bool settled = false;
    for (std::size_t u = 0; u < units.size(); ++u) {
      const std::span<double> block(state.data() + system.offset(u), units[u]->state_size());
      settled = units[u]->settle_phase_split(system.inlets_of(u), block) || settled;
    }
    if (settled) {
      system.compute_streams(t_k, y_k);
      result.states.row(k) = state.transpose();
    }
    for (std::size_t u = 0; u < units.size(); ++u) {
      if (k > 0) {  // the names are known: values only
        units[u]->report_values(t_k, system.block(u, y_k), system.inlets_of(u), values);
      } else {
        units[u]->append_report(t_k, system.block(u, y_k), system.inlets_of(u), units[u]->name() + ".",
                                columns);
      }
    }
    if (k == 0) {
      result.output_names = std::move(columns.names);
      result.output_units = std::move(columns.units);
      result.outputs.resize(n_times, static_cast<Eigen::Index>(values.size()));
    } else if (values.size() != result.output_names.size()) {
      throw Error("simulate: the units reported " + std::to_string(values.size()) +
                  " values at t = " + std::to_string(t_k) + " s but " +
                  std::to_string(result.output_names.size()) + " at the start");
    }
    result.outputs.row(k) =
        Eigen::Map<const Eigen::RowVectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
  }

  const Vector first = result.states.row(0).transpose();
  Vector last = result.states.row(n_times - 1).transpose();
  const std::span<const double> last_span(last.data(), static_cast<std::size_t>(last.size()));
  const auto elements = static_cast<Eigen::Index>(components_.elements().size());
  result.balance.elements = components_.elements();
  result.balance.initial = system.element_inventory({first.data(), static_cast<std::size_t>(first.size())});
  result.balance.final = system.element_inventory(last_span);
  result.balance.inflow = Vector::Zero(elements);
  result.balance.outflow = Vector::Zero(elements);
  for (std::size_t u = 0; u < units.size(); ++u) {
    const Vector accumulated = system.accumulated(u, last_span) -
                               system.accumulated(u, {first.data(), static_cast<std::size_t>(first.size())});
    if (units[u]->boundary() == Boundary::source) {
      result.balance.inflow += accumulated;
    } else if (units[u]->boundary() == Boundary::sink) {
      result.balance.outflow += accumulated;
    }
  }
  Vector f(last.size());
  system.evaluate(output_times.back(), last_span, span_of(f));
  result.final =
      snapshot(system, output_times.back(), last_span, {f.data(), static_cast<std::size_t>(f.size())}, true);
  return result;
}

std::unique_ptr<System> Flowsheet::steady_system() { return std::move(assemble(false).system); }

std::unique_ptr<System> Flowsheet::dynamic_system() { return std::move(assemble(true).system); }

std::vector<Kpi> Flowsheet::kpis_at(System& system, double t, std::span<const double> y,
                                    bool cumulative) const {
  const std::vector<double> rates(y.size(), 0.0);  // the balances' accumulation terms, not read here
  return snapshot(system, t, y, rates, cumulative).kpis;
}

namespace {

// The scalars of streams `indices` of `system`, one after the other: temperature, the two phase flows, the
// aqueous and organic species, the solids by size class.
Vector pack_streams(const System& system, const std::vector<std::size_t>& indices) {
  std::vector<double> values;
  for (const std::size_t s : indices) {
    const Stream& stream = system.stream(s);
    values.push_back(stream.temperature);
    values.push_back(stream.aqueous_flow);
    values.push_back(stream.organic_flow);
    values.insert(values.end(), stream.aqueous_moles.data(),
                  stream.aqueous_moles.data() + stream.aqueous_moles.size());
    values.insert(values.end(), stream.organic_moles.data(),
                  stream.organic_moles.data() + stream.organic_moles.size());
    values.insert(values.end(), stream.solid_moles.data(),
                  stream.solid_moles.data() + stream.solid_moles.size());
  }
  return Eigen::Map<const Vector>(values.data(), static_cast<Eigen::Index>(values.size()));
}

// The inverse of pack_streams: writes `values` into streams `indices` of `system`.
void unpack_streams(System& system, const std::vector<std::size_t>& indices, const Vector& values) {
  Eigen::Index at = 0;
  for (const std::size_t s : indices) {
    Stream stream = system.stream(s);
    stream.temperature = values[at++];
    stream.aqueous_flow = values[at++];
    stream.organic_flow = values[at++];
    for (auto* block : {&stream.aqueous_moles, &stream.organic_moles}) {
      block->operator=(values.segment(at, block->size()));
      at += block->size();
    }
    stream.solid_moles =
        Eigen::Map<const Matrix>(values.data() + at, stream.solid_moles.rows(), stream.solid_moles.cols());
    at += stream.solid_moles.size();
    system.set_stream(s, stream);
  }
}

// Size of each packed scalar against which its change is measured: its own size, but at least 1e-6 of the
// largest of its kind (flows; amounts) in its stream, so that traces do not count; temperatures as they are.
Vector packed_sizes(const Vector& a, const Vector& b, std::size_t stream_count) {
  Vector sizes = a.cwiseAbs().cwiseMax(b.cwiseAbs());
  const Eigen::Index width = stream_count > 0 ? a.size() / static_cast<Eigen::Index>(stream_count) : 0;
  for (std::size_t s = 0; s < stream_count; ++s) {
    auto stream = sizes.segment(static_cast<Eigen::Index>(s) * width, width);
    const double flow_floor = std::max(1e-6 * stream.segment(1, 2).maxCoeff(), 1e-300);
    const double amount_floor = std::max(1e-6 * stream.tail(width - 3).maxCoeff(), 1e-300);
    stream[0] = std::max(stream[0], 1.0);
    stream.segment(1, 2) = stream.segment(1, 2).cwiseMax(flow_floor);
    stream.tail(width - 3) = stream.tail(width - 3).cwiseMax(amount_floor);
  }
  return sizes;
}

// Anderson mixing of a fixed-point map x -> G(x) (Walker and Ni, SIAM J. Numer. Anal. 49 (2011) 1715, type
// II): from the last `depth` differences of residuals f = G(x) - x and of results G(x), the next x is G(x_k)
// - ΔG γ with γ minimising |W (f_k - ΔF γ)|, W a diagonal weight. A residual that grows more than twofold
// restarts it from plain substitution.
class AndersonMixer {
 public:
  explicit AndersonMixer(Eigen::Index depth) : depth_(depth) {}

  void reset(Eigen::Index size) {
    delta_f_.resize(size, depth_);
    delta_g_.resize(size, depth_);
    stored_ = 0;
    next_ = 0;
    last_f_.resize(0);
    last_norm_ = std::numeric_limits<double>::infinity();
  }

  /// The next iterate after x with f = G(x) - x, g = G(x), weights w.
  Vector next(const Vector& f, const Vector& g, const Vector& w) {
    const double norm = f.cwiseProduct(w).norm();
    if (norm > 2.0 * last_norm_) {
      stored_ = 0;
      next_ = 0;
    } else if (last_f_.size() == f.size()) {
      delta_f_.col(next_) = f - last_f_;
      delta_g_.col(next_) = g - last_g_;
      next_ = (next_ + 1) % depth_;
      stored_ = std::min(stored_ + 1, depth_);
    }
    last_norm_ = norm;
    last_f_ = f;
    last_g_ = g;
    if (stored_ == 0) {
      return g;
    }
    const Matrix weighted = w.asDiagonal() * delta_f_.leftCols(stored_);
    const Vector gamma = weighted.colPivHouseholderQr().solve(w.cwiseProduct(f));
    return g - delta_g_.leftCols(stored_) * gamma;
  }

 private:
  Eigen::Index depth_;
  Matrix delta_f_;  // differences of successive residuals, in a ring
  Matrix delta_g_;  // and of the results
  Eigen::Index stored_ = 0;
  Eigen::Index next_ = 0;
  Vector last_f_;
  Vector last_g_;
  double last_norm_ = std::numeric_limits<double>::infinity();
};

}  // namespace

Vector Flowsheet::steady_guess(System& system, SteadyGuessStatistics* statistics) {
  // Successive substitution: G passes the flowsheet along its flow order and back, each unit filled from its
  // inlets (at its own steady state for what flows in). Through a recycle it converges like r^k, r the
  // fraction that returns per round: a closed organic loop with a 0.2 % bleed keeps 0.998 of its error per
  // step. The map is iterated on the torn streams T (those the pass reads before computing them) and
  // accelerated by Anderson's method (Walker and Ni, SIAM J. Numer. Anal. 49 (2011) 1715, type II, depth m):
  // the next T is the combination of the last m + 1 results G(T_j) whose residuals G(T_j) - T_j combine to
  // the least (relative) residual, which removes the slow modes of a near-linear map in a few steps. The
  // phase flows go first, alone: they hardly depend on compositions, so their map is linear, while the
  // chemistry of a stage run at a wrong phase ratio (a loop at 100 x its flow) is far from it.
  constexpr int max_steps = 100;
  constexpr std::size_t min_steps = 25;     // of the second phase before a stall ends the guess
  constexpr std::size_t stall_window = 10;  // steps in which the best change must halve
  constexpr Eigen::Index depth = 5;
  constexpr double tolerance = 1e-8;  // on max |G(T)_i - T_i| / size_i
  Vector y = system.initial_state();
  const std::span<double> state(y.data(), static_cast<std::size_t>(y.size()));
  const std::vector<std::size_t> torn = system.torn_streams();
  Vector tears = pack_streams(system, torn);
  const Eigen::Index n = tears.size();
  const Eigen::Index width = torn.empty() ? 0 : n / static_cast<Eigen::Index>(torn.size());
  const Eigen::Index organic_count = torn.empty() ? 0 : system.stream(torn.front()).organic_moles.size();
  const Eigen::Index solid_count = torn.empty() ? 0 : system.stream(torn.front()).solid_moles.size();
  std::vector<Eigen::Index> flow_rows;
  std::vector<Eigen::Index> all_rows;
  for (Eigen::Index i = 0; i < n; ++i) {
    all_rows.push_back(i);
    if (i % width == 1 || i % width == 2) {
      flow_rows.push_back(i);
    }
  }
  bool flows_only = true;
  const std::vector<Eigen::Index>* rows = &flow_rows;
  // Units upstream of every tear see the same inlets from the first pass on: their fills are not redone.
  System::FillMemory fills;
  AndersonMixer mixer(depth);
  mixer.reset(static_cast<Eigen::Index>(rows->size()));
  int step = 0;
  double change = 0.0;
  std::vector<double> best;  // the least change up to each step
  while (step < max_steps) {
    unpack_streams(system, torn, tears);
    const bool along = system.substitution_pass(0.0, state, false, fills);
    const bool against = system.substitution_pass(0.0, state, true, fills);
    ++step;
    if (!along && !against) {
      break;
    }
    const Vector g = pack_streams(system, torn);
    const Vector f = g - tears;
    const Vector weights = packed_sizes(g, tears, torn.size()).cwiseInverse();
    const Vector scaled = f.cwiseProduct(weights);
    change = n > 0 ? scaled.cwiseAbs().maxCoeff() : 0.0;
    double rows_change = 0.0;
    for (const auto i : *rows) {
      rows_change = std::max(rows_change, std::abs(scaled[i]));
    }
    best.push_back(std::min(change, best.empty() ? change : best.back()));
    if (change <= tolerance) {
      break;
    }
    // A guess that stalls (a front crossing a long counter-current chain a few stages per step) is left to
    // Newton after as many passes as plain substitution had: its linear part is Newton's easy part.
    if (!flows_only && best.size() > min_steps && best.back() > 0.5 * best[best.size() - 1 - stall_window]) {
      break;
    }
    // The flows settled to 1e-4 (they may depend a little on compositions, e.g. a filter cake's liquor on
    // its solids): now everything.
    if (flows_only && rows_change <= 1e-4) {
      flows_only = false;
      rows = &all_rows;
      mixer.reset(static_cast<Eigen::Index>(rows->size()));
      best.clear();  // the stall test looks at this phase only
    }
    const auto m = static_cast<Eigen::Index>(rows->size());
    Vector f_rows(m);
    Vector g_rows(m);
    Vector w_rows(m);
    for (Eigen::Index r = 0; r < m; ++r) {
      const auto i = (*rows)[static_cast<std::size_t>(r)];
      f_rows[r] = f[i];
      g_rows[r] = g[i];
      w_rows[r] = weights[i];
    }
    const Vector accelerated = mixer.next(f_rows, g_rows, w_rows);
    tears = g;
    for (Eigen::Index r = 0; r < m; ++r) {
      // Flows and amounts stay positive: none falls below a tenth of what plain substitution gives.
      tears[(*rows)[static_cast<std::size_t>(r)]] = std::max(accelerated[r], 0.1 * g_rows[r]);
    }
    if (flows_only) {
      // A phase whose flow is corrected keeps its composition: its species' flows scale with it.
      const Eigen::Index aqueous = width - 3 - organic_count - solid_count;
      for (Eigen::Index at = 0; at < n; at += width) {
        if (g[at + 1] > 0.0) {
          const double ratio = tears[at + 1] / g[at + 1];
          tears.segment(at + 3, aqueous) *= ratio;
          tears.segment(at + 3 + aqueous + organic_count, solid_count) *= ratio;
        }
        if (g[at + 2] > 0.0) {
          tears.segment(at + 3 + aqueous, organic_count) *= tears[at + 2] / g[at + 2];
        }
      }
    }
  }
  if (statistics != nullptr) {
    statistics->steps = step;
    statistics->change = change;
  }
  return y;
}

SteadyStateResult Flowsheet::solve_steady(const SteadyStateOptions& options) {
  auto assembly = assemble(false);
  System& system = *assembly.system;
  if (system.size() == 0) {
    throw InputError("steady state: the flowsheet has no unit with inventory, nothing to solve");
  }
  const Vector y0 = steady_guess(system);
  const Vector scales = system.state_scales();

  numerics::SteadyOptions solver_options;
  solver_options.ftol = options.tolerance;
  solver_options.max_iterations = options.max_iterations;
  solver_options.max_pseudo_steps = options.max_pseudo_steps;
  solver_options.force_pseudo_transient = options.force_pseudo_transient;
  solver_options.wall_clock_limit = options.wall_clock_limit;
  // Rows are rates of change of amounts: scale both by the typical amount of each state.
  solver_options.y_scale.resize(static_cast<std::size_t>(scales.size()));
  solver_options.f_scale.resize(static_cast<std::size_t>(scales.size()));
  for (Eigen::Index i = 0; i < scales.size(); ++i) {
    solver_options.y_scale[static_cast<std::size_t>(i)] = 1.0 / scales[i];
    solver_options.f_scale[static_cast<std::size_t>(i)] = 1.0 / scales[i];
  }
  numerics::SteadySolver solver(system, solver_options);
  const auto solved = solver.solve(std::span<const double>(y0.data(), static_cast<std::size_t>(y0.size())));

  SteadyStateResult result;
  result.converged = solved.converged;
  result.components = component_names(components_);
  result.states = Eigen::Map<const Vector>(solved.y.data(), static_cast<Eigen::Index>(solved.y.size()));
  result.state_names = system.component_names();
  result.statistics.method = solved.method;
  result.statistics.steps = solved.pseudo_steps;
  result.statistics.residual_evaluations = solved.rhs_evaluations;
  result.statistics.jacobian_evaluations = solved.jacobian_evaluations;
  result.statistics.nonlinear_iterations = solved.iterations;
  result.statistics.residual_norm = solved.residual_norm;

  const std::span<const double> y(solved.y.data(), solved.y.size());
  ReportColumns columns;
  const auto& units = system.units();
  system.compute_streams(0.0, y);
  for (std::size_t u = 0; u < units.size(); ++u) {
    units[u]->append_report(0.0, system.block(u, y), system.inlets_of(u), units[u]->name() + ".", columns);
  }
  result.output_names = std::move(columns.names);
  result.output_units = std::move(columns.units);
  result.outputs =
      Eigen::Map<const Vector>(columns.values.data(), static_cast<Eigen::Index>(columns.values.size()));
  Vector f(static_cast<Eigen::Index>(system.size()));
  system.evaluate(0.0, y, {f.data(), static_cast<std::size_t>(f.size())});
  result.snapshot = snapshot(system, 0.0, y, {f.data(), static_cast<std::size_t>(f.size())}, false);
  const auto elements = static_cast<Eigen::Index>(components_.elements().size());
  result.balance.elements = components_.elements();
  result.balance.initial = Vector::Zero(elements);
  result.balance.final = Vector::Zero(elements);
  result.balance.inflow = Vector::Zero(elements);
  result.balance.outflow = Vector::Zero(elements);
  for (std::size_t u = 0; u < units.size(); ++u) {
    if (units[u]->boundary() == Boundary::source) {
      result.balance.inflow += result.snapshot.unit_balances[u].out;
    } else if (units[u]->boundary() == Boundary::sink) {
      result.balance.outflow += result.snapshot.unit_balances[u].in;
    }
  }
  return result;
}

}  // namespace hydromet
