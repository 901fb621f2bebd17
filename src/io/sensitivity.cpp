// Steady-state sensitivities from the Jacobian: dy*/dp = -(df/dy)^-1 df/dp at the steady state.
#include "hydromet/io/sensitivity.hpp"

#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>

#include "hydromet/core/error.hpp"
#include "hydromet/flowsheet/system.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/io/parameters.hpp"

namespace hydromet {
namespace {

// The system solve_steady() solves (no accumulators), wired from the flowsheet's public description: one
// stream per connection; inventory units first, then the others in topological order (any such order gives
// the same f).
std::unique_ptr<System> steady_system(Flowsheet& flowsheet) {
  flowsheet.validate();  // binds the units to this flowsheet's components, wherever the object now lives
  std::vector<const UnitOperation*> units;
  std::map<std::string, std::size_t> index;
  for (std::size_t u = 0; u < flowsheet.unit_count(); ++u) {
    index[flowsheet.unit(u).name()] = u;
    units.push_back(&flowsheet.unit(u));
  }
  Wiring wiring;
  wiring.inlets.resize(units.size());
  wiring.outlets.resize(units.size());
  for (std::size_t u = 0; u < units.size(); ++u) {
    wiring.inlets[u].resize(units[u]->inlet_ports().size());
    wiring.outlets[u].resize(units[u]->outlet_ports().size());
  }
  const auto& connections = flowsheet.connections();
  wiring.stream_count = connections.size();
  std::vector<std::size_t> target(connections.size());
  std::vector<std::size_t> source(connections.size());
  for (std::size_t s = 0; s < connections.size(); ++s) {
    source[s] = index.at(connections[s].from.unit);
    target[s] = index.at(connections[s].to.unit);
    const auto out_ports = units[source[s]]->outlet_ports();
    const auto in_ports = units[target[s]]->inlet_ports();
    const auto out =
        std::find(out_ports.begin(), out_ports.end(), connections[s].from.port) - out_ports.begin();
    const auto in = std::find(in_ports.begin(), in_ports.end(), connections[s].to.port) - in_ports.begin();
    wiring.outlets[source[s]][static_cast<std::size_t>(out)] = s;
    wiring.inlets[target[s]][static_cast<std::size_t>(in)] = s;
  }
  std::vector<std::size_t> pending(units.size(), 0);
  for (std::size_t s = 0; s < connections.size(); ++s) {
    if (units[source[s]]->state_size() == 0 && units[target[s]]->state_size() == 0) {
      ++pending[target[s]];
    }
  }
  std::vector<std::size_t> ready;
  for (std::size_t u = 0; u < units.size(); ++u) {
    if (units[u]->state_size() > 0) {
      wiring.order.push_back(u);
    } else if (pending[u] == 0) {
      ready.push_back(u);
    }
  }
  while (!ready.empty()) {
    const std::size_t u = ready.back();
    ready.pop_back();
    wiring.order.push_back(u);
    for (const auto s : wiring.outlets[u]) {
      if (units[target[s]]->state_size() == 0 && --pending[target[s]] == 0) {
        ready.push_back(target[s]);
      }
    }
  }
  return std::make_unique<System>(std::move(units), std::move(wiring), flowsheet.components(), false);
}

Vector residual(System& system, const Vector& y) {
  Vector f(y.size());
  system.evaluate(0.0, {y.data(), static_cast<std::size_t>(y.size())},
                  {f.data(), static_cast<std::size_t>(f.size())});
  return f;
}

// Every unit output at y, by name.
std::map<std::string, double> outputs_at(System& system, const Vector& y) {
  const std::span<const double> state(y.data(), static_cast<std::size_t>(y.size()));
  system.compute_streams(0.0, state);
  std::map<std::string, double> values;
  const auto& units = system.units();
  for (std::size_t u = 0; u < units.size(); ++u) {
    for (const auto& output : units[u]->report(0.0, system.block(u, state), system.inlets_of(u))) {
      std::string name = units[u]->name();
      name.append(".").append(output.name);
      values[name] = output.value;
    }
  }
  return values;
}

Vector pick(const std::map<std::string, double>& values, const std::vector<std::string>& names) {
  Vector picked(static_cast<Eigen::Index>(names.size()));
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto found = values.find(names[i]);
    if (found == values.end()) {
      std::vector<std::string> known;
      for (const auto& [name, value] : values) {
        known.push_back(name);
      }
      std::string message = "sensitivities: no unit output named `" + names[i] + "`";
      if (auto suggestion = closest_match(names[i], known); !suggestion.empty()) {
        message += "; did you mean `" + suggestion + "`?";
      }
      throw InputError(message + " (KPIs are not supported here)");
    }
    picked[static_cast<Eigen::Index>(i)] = found->second;
  }
  return picked;
}

// A flowsheet with one parameter's number replaced, the rest of its text (a unit) kept.
struct Variant {
  std::unique_ptr<Flowsheet> flowsheet;  // on the heap: the system points into it
  std::unique_ptr<System> system;
};

Variant variant(const std::string& yaml_text, const std::string& path, double number,
                const std::string& suffix) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", number);
  std::string value(buffer);
  value.append(suffix);
  Variant result{std::make_unique<Flowsheet>(
                     load_flowsheet_string(set_parameter(yaml_text, path, value), "<sensitivity>")),
                 nullptr};
  result.system = steady_system(*result.flowsheet);
  return result;
}

}  // namespace

SteadySensitivity steady_sensitivities(const std::string& yaml_text,
                                       const std::vector<std::string>& parameters,
                                       const std::vector<std::string>& outputs, double relative_step) {
  if (!(relative_step > 0.0 && relative_step < 0.1)) {
    throw InputError("sensitivities: the relative step must be in (0, 0.1)");
  }
  auto flowsheet = load_flowsheet_string(yaml_text, "<sensitivity>");
  const auto solved = flowsheet.solve_steady();
  auto system = steady_system(flowsheet);
  if (system->component_names() != solved.state_names) {
    throw Error("sensitivities: the rebuilt system does not match the solved one");
  }
  const Vector y = solved.states;
  const auto n = y.size();
  const Vector scales = system->state_scales();

  SteadySensitivity result;
  result.outputs = outputs;
  result.parameters = parameters;
  result.values = pick(outputs_at(*system, y), outputs);

  // df/dy by columns: central differences, or second-order forward ones where y - h would leave y >= 0.
  Matrix jacobian(n, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    const double h = 1e-6 * std::max(std::abs(y[j]), scales[j]);
    Vector plus = y;
    plus[j] += h;
    if (y[j] >= 0.0 && y[j] - h < 0.0) {
      Vector twice = y;
      twice[j] += 2.0 * h;
      jacobian.col(j) =
          (-3.0 * residual(*system, y) + 4.0 * residual(*system, plus) - residual(*system, twice)) /
          (2.0 * h);
    } else {
      Vector minus = y;
      minus[j] -= h;
      jacobian.col(j) = (residual(*system, plus) - residual(*system, minus)) / (2.0 * h);
    }
  }
  const Eigen::FullPivLU<Matrix> lu(jacobian);
  if (!lu.isInvertible()) {
    throw SolverError("sensitivities: the steady-state Jacobian is singular (rank " +
                      std::to_string(lu.rank()) + " of " + std::to_string(n) + ")");
  }

  result.derivatives.resize(static_cast<Eigen::Index>(outputs.size()),
                            static_cast<Eigen::Index>(parameters.size()));
  result.parameter_values.resize(static_cast<Eigen::Index>(parameters.size()));
  for (std::size_t k = 0; k < parameters.size(); ++k) {
    const std::string text = get_parameter(yaml_text, parameters[k]);
    char* end = nullptr;
    const double number = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || !std::isfinite(number)) {
      throw InputError("sensitivities: parameter `" + parameters[k] + "` is `" + text + "`, not a number");
    }
    const std::string suffix(end);
    result.parameter_texts.push_back(text);
    result.parameter_values[static_cast<Eigen::Index>(k)] = number;
    const double step = relative_step * (number != 0.0 ? std::abs(number) : 1.0);
    auto up = variant(yaml_text, parameters[k], number + step, suffix);
    auto down = variant(yaml_text, parameters[k], number - step, suffix);
    if (up.system->component_names() != solved.state_names ||
        down.system->component_names() != solved.state_names) {
      throw InputError("sensitivities: changing `" + parameters[k] + "` changes the states of the flowsheet");
    }
    const Vector df_dp = (residual(*up.system, y) - residual(*down.system, y)) / (2.0 * step);
    const Vector dg_dp =
        (pick(outputs_at(*up.system, y), outputs) - pick(outputs_at(*down.system, y), outputs)) /
        (2.0 * step);
    const Vector dy_dp = lu.solve(-df_dp);
    // dg/dy dy/dp as one directional difference along dy/dp, scaled so that no state moves by more than
    // 1e-6 of its magnitude.
    double largest = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
      largest = std::max(largest, std::abs(dy_dp[i]) / std::max(std::abs(y[i]), scales[i]));
    }
    Vector along = Vector::Zero(static_cast<Eigen::Index>(outputs.size()));
    if (largest > 0.0) {
      const double epsilon = 1e-6 / largest;
      const Vector plus = y + epsilon * dy_dp;
      const Vector minus = y - epsilon * dy_dp;
      if ((minus.array() < 0.0 && y.array() >= 0.0).any()) {
        const Vector twice = y + 2.0 * epsilon * dy_dp;
        along = (-3.0 * result.values + 4.0 * pick(outputs_at(*system, plus), outputs) -
                 pick(outputs_at(*system, twice), outputs)) /
                (2.0 * epsilon);
      } else {
        along = (pick(outputs_at(*system, plus), outputs) - pick(outputs_at(*system, minus), outputs)) /
                (2.0 * epsilon);
      }
    }
    result.derivatives.col(static_cast<Eigen::Index>(k)) = along + dg_dp;
  }
  return result;
}

}  // namespace hydromet
