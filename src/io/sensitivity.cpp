// Sensitivities: at a steady state from the Jacobian, dy*/dp = -(df/dy)^-1 df/dp; along a run by IDAS FSA.
#include "hydromet/io/sensitivity.hpp"

#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>

#include "hydromet/core/error.hpp"
#include "hydromet/flowsheet/integration.hpp"
#include "hydromet/flowsheet/system.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/io/parameters.hpp"
#include "hydromet/numerics/dynamic_sensitivity.hpp"

namespace hydromet {
namespace {

Vector residual(System& system, const Vector& y, double t = 0.0) {
  Vector f(y.size());
  system.evaluate(t, {y.data(), static_cast<std::size_t>(y.size())},
                  {f.data(), static_cast<std::size_t>(f.size())});
  return f;
}

// Every unit output at y, by name, and the file's KPIs (rates at a steady state, cumulative amounts along a
// dynamic run, as in the flowsheet's own results).
std::map<std::string, double> outputs_at(const Flowsheet& flowsheet, System& system, const Vector& y,
                                         double t, bool cumulative) {
  const std::span<const double> state(y.data(), static_cast<std::size_t>(y.size()));
  system.compute_streams(t, state);
  ReportColumns columns;
  const auto& units = system.units();
  for (std::size_t u = 0; u < units.size(); ++u) {
    units[u]->append_report(t, system.block(u, state), system.inlets_of(u), units[u]->name() + ".", columns);
  }
  std::map<std::string, double> values;
  for (std::size_t k = 0; k < columns.names.size(); ++k) {
    values[columns.names[k]] = columns.values[k];
  }
  if (!flowsheet.kpis.empty()) {
    for (const auto& kpi : flowsheet.kpis_at(system, t, state, cumulative)) {
      values[kpi.name] = kpi.value;
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
      std::string message = "sensitivities: no unit output or KPI named `" + names[i] + "`";
      if (auto suggestion = closest_match(names[i], known); !suggestion.empty()) {
        message += "; did you mean `" + suggestion + "`?";
      }
      throw InputError(message);
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
                const std::string& suffix, bool dynamic) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", number);
  std::string value(buffer);
  value.append(suffix);
  Variant result{std::make_unique<Flowsheet>(
                     load_flowsheet_string(set_parameter(yaml_text, path, value), "<sensitivity>")),
                 nullptr};
  result.system = dynamic ? result.flowsheet->dynamic_system() : result.flowsheet->steady_system();
  return result;
}

// Derivative of value(y) along d at y [per unit of d]: central, or second-order one-sided towards the side on
// which no component that is >= 0 turns negative (amounts and flows at zero have only one side).
template <class Value>
Vector directional(Value&& value, const Vector& y, const Vector& d, double epsilon, const Vector& at_y) {
  auto leaves_domain = [&](double sign) {
    return ((y + sign * epsilon * d).array() < 0.0 && y.array() >= 0.0).any();
  };
  const bool up_ok = !leaves_domain(1.0);
  const bool down_ok = !leaves_domain(-1.0);
  if (up_ok == down_ok) {
    return (value(Vector(y + epsilon * d)) - value(Vector(y - epsilon * d))) / (2.0 * epsilon);
  }
  const double sign = up_ok ? 1.0 : -1.0;
  return sign *
         (-3.0 * at_y + 4.0 * value(Vector(y + sign * epsilon * d)) -
          value(Vector(y + 2.0 * sign * epsilon * d))) /
         (2.0 * epsilon);
}

struct ParameterValue {
  std::string text;     // as written
  double number = 0.0;  // its leading number
  std::string suffix;   // the rest (a unit), kept when the number moves
  double step = 0.0;    // central-difference step of the number
};

ParameterValue parameter_value(const std::string& yaml_text, const std::string& path, double relative_step) {
  ParameterValue value;
  value.text = get_parameter(yaml_text, path);
  char* end = nullptr;
  value.number = std::strtod(value.text.c_str(), &end);
  if (end == value.text.c_str() || !std::isfinite(value.number)) {
    throw InputError("sensitivities: parameter `" + path + "` is `" + value.text + "`, not a number");
  }
  value.suffix = end;
  value.step = relative_step * (value.number != 0.0 ? std::abs(value.number) : 1.0);
  return value;
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
  auto system = flowsheet.steady_system();
  if (system->component_names() != solved.state_names) {
    throw Error("sensitivities: the rebuilt system does not match the solved one");
  }
  const Vector y = solved.states;
  const auto n = y.size();
  const Vector scales = system->state_scales();

  SteadySensitivity result;
  result.outputs = outputs;
  result.parameters = parameters;
  result.values = pick(outputs_at(flowsheet, *system, y, 0.0, false), outputs);

  // df/dy by columns: central differences, or second-order forward ones where y - h would leave y >= 0.
  Matrix jacobian(n, n);
  const Vector f0 = residual(*system, y);
  for (Eigen::Index j = 0; j < n; ++j) {
    const double h = 1e-6 * std::max(std::abs(y[j]), scales[j]);
    Vector unit = Vector::Zero(n);
    unit[j] = 1.0;
    jacobian.col(j) = directional([&](const Vector& at) { return residual(*system, at); }, y, unit, h, f0);
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
    const auto parameter = parameter_value(yaml_text, parameters[k], relative_step);
    const double number = parameter.number;
    const double step = parameter.step;
    const std::string& suffix = parameter.suffix;
    result.parameter_texts.push_back(parameter.text);
    result.parameter_values[static_cast<Eigen::Index>(k)] = number;
    auto up = variant(yaml_text, parameters[k], number + step, suffix, false);
    auto down = variant(yaml_text, parameters[k], number - step, suffix, false);
    if (up.system->component_names() != solved.state_names ||
        down.system->component_names() != solved.state_names) {
      throw InputError("sensitivities: changing `" + parameters[k] + "` changes the states of the flowsheet");
    }
    const Vector df_dp = (residual(*up.system, y) - residual(*down.system, y)) / (2.0 * step);
    const Vector dg_dp = (pick(outputs_at(*up.flowsheet, *up.system, y, 0.0, false), outputs) -
                          pick(outputs_at(*down.flowsheet, *down.system, y, 0.0, false), outputs)) /
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
      along = directional(
          [&](const Vector& at) { return pick(outputs_at(flowsheet, *system, at, 0.0, false), outputs); }, y,
          dy_dp, 1e-6 / largest, result.values);
    }
    result.derivatives.col(static_cast<Eigen::Index>(k)) = along + dg_dp;
  }
  return result;
}

DynamicSensitivity dynamic_sensitivities(const std::string& yaml_text,
                                         const std::vector<std::string>& parameters,
                                         const std::vector<std::string>& outputs,
                                         const std::vector<double>& times, double relative_step) {
  if (!(relative_step > 0.0 && relative_step < 0.1)) {
    throw InputError("sensitivities: the relative step must be in (0, 0.1)");
  }
  if (times.empty() || times.front() < 0.0 || !std::is_sorted(times.begin(), times.end())) {
    throw InputError("sensitivities: output times must be ascending and >= 0");
  }
  if (parameters.empty()) {
    throw InputError("sensitivities: no parameters given");
  }
  auto flowsheet = load_flowsheet_string(yaml_text, "<sensitivity>");
  auto system = flowsheet.dynamic_system();  // what simulate() integrates, accumulators included
  const auto n = static_cast<Eigen::Index>(system->size());
  const auto count = static_cast<Eigen::Index>(parameters.size());
  std::vector<Variant> ups;
  std::vector<Variant> downs;
  std::vector<double> steps;
  std::vector<double> magnitudes;  // |p|, which sets the size of dy/dp ~ y/p for the error test
  const Vector y0 = system->initial_state();
  Vector s0(n * count);
  for (std::size_t k = 0; k < parameters.size(); ++k) {
    const auto parameter = parameter_value(yaml_text, parameters[k], relative_step);
    ups.push_back(
        variant(yaml_text, parameters[k], parameter.number + parameter.step, parameter.suffix, true));
    downs.push_back(
        variant(yaml_text, parameters[k], parameter.number - parameter.step, parameter.suffix, true));
    if (ups.back().system->component_names() != system->component_names() ||
        downs.back().system->component_names() != system->component_names()) {
      throw InputError("sensitivities: changing `" + parameters[k] + "` changes the states of the flowsheet");
    }
    steps.push_back(parameter.step);
    magnitudes.push_back(parameter.number != 0.0 ? std::abs(parameter.number) : 1.0);
    // s(0) = dy0/dp: initial amounts depend on volumes, charges and concentrations.
    s0.segment(n * static_cast<Eigen::Index>(k), n) =
        (ups.back().system->initial_state() - downs.back().system->initial_state()) / (2.0 * parameter.step);
  }
  // df/dp at fixed (t, y): central difference between the two copies of the flowsheet.
  auto df_dp = [&](double t, std::span<const double> y, std::size_t k, std::span<double> out) {
    const Vector state = Eigen::Map<const Vector>(y.data(), n);
    Eigen::Map<Vector>(out.data(), n) =
        (residual(*ups[k].system, state, t) - residual(*downs[k].system, state, t)) / (2.0 * steps[k]);
  };

  const Vector scales = system->state_scales();
  const numerics::DynamicOptions options =
      dynamic_solver_options(*system, flowsheet.run.options);  // the tolerances simulate() uses
  EventStepper stepper(discontinuities_between(*system, 0.0, times.back()));

  DynamicSensitivity result;
  result.outputs = outputs;
  result.parameters = parameters;
  result.times = times;
  result.values.resize(static_cast<Eigen::Index>(times.size()), static_cast<Eigen::Index>(outputs.size()));
  auto span_of = [](Vector& v) { return std::span<double>(v.data(), static_cast<std::size_t>(v.size())); };
  auto const_span = [](const Vector& v) {
    return std::span<const double>(v.data(), static_cast<std::size_t>(v.size()));
  };
  numerics::ForwardSensitivitySolver solver(*system, parameters.size(), df_dp, 0.0, const_span(y0),
                                            const_span(s0), {scales.data(), scales.data() + scales.size()},
                                            magnitudes, options);
  Vector y = y0;
  Vector s = s0;
  for (std::size_t k = 0; k < times.size(); ++k) {
    const double t = times[k];
    stepper.pass_events_to(t, solver.time(), [&](double event) {
      solver.advance_to(event, span_of(y), span_of(s), true);
      solver.reinitialize(event, const_span(y), const_span(s));
    });
    if (t > solver.time()) {
      solver.advance_to(t, span_of(y), span_of(s), stepper.events_ahead());
    } else {
      const double t_next = k + 1 < times.size() ? times[k + 1] : t + 1.0;
      solver.current_state(stepper.events_ahead() ? std::min(t_next, stepper.next_event()) : t_next,
                           span_of(y), span_of(s));
    }
    const Vector g = pick(outputs_at(flowsheet, *system, y, t, true), outputs);
    result.values.row(static_cast<Eigen::Index>(k)) = g.transpose();
    Matrix derivatives(static_cast<Eigen::Index>(outputs.size()), count);
    for (Eigen::Index p = 0; p < count; ++p) {
      const Vector dy_dp = s.segment(n * p, n);
      const auto q = static_cast<std::size_t>(p);
      const Vector dg_dp = (pick(outputs_at(*ups[q].flowsheet, *ups[q].system, y, t, true), outputs) -
                            pick(outputs_at(*downs[q].flowsheet, *downs[q].system, y, t, true), outputs)) /
                           (2.0 * steps[q]);
      double largest = 0.0;
      for (Eigen::Index i = 0; i < n; ++i) {
        largest = std::max(largest, std::abs(dy_dp[i]) / std::max(std::abs(y[i]), scales[i]));
      }
      Vector along = Vector::Zero(static_cast<Eigen::Index>(outputs.size()));
      if (largest > 0.0) {
        along = directional(
            [&](const Vector& at) { return pick(outputs_at(flowsheet, *system, at, t, true), outputs); }, y,
            dy_dp, 1e-6 / largest, g);
      }
      derivatives.col(p) = along + dg_dp;
    }
    result.derivatives.push_back(std::move(derivatives));
  }
  return result;
}

}  // namespace hydromet
