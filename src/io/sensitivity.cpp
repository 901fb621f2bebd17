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
#include "hydromet/numerics/dynamic_solver.hpp"

namespace hydromet {
namespace {

// The system solve_steady() solves (no accumulators).
std::unique_ptr<System> steady_system(Flowsheet& flowsheet) { return flowsheet.steady_system(); }

Vector residual(System& system, const Vector& y, double t = 0.0) {
  Vector f(y.size());
  system.evaluate(t, {y.data(), static_cast<std::size_t>(y.size())},
                  {f.data(), static_cast<std::size_t>(f.size())});
  return f;
}

// Every unit output at y, by name.
std::map<std::string, double> outputs_at(System& system, const Vector& y, double t = 0.0) {
  const std::span<const double> state(y.data(), static_cast<std::size_t>(y.size()));
  system.compute_streams(t, state);
  std::map<std::string, double> values;
  const auto& units = system.units();
  for (std::size_t u = 0; u < units.size(); ++u) {
    for (const auto& output : units[u]->report(t, system.block(u, state), system.inlets_of(u))) {
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

// M ds_k/dt = (df/dy) s_k + df/dp_k beside M dy/dt = f: the states are [y, s_1, ..., s_P].
class SensitivitySystem final : public numerics::SemiExplicitSystem {
 public:
  SensitivitySystem(System& base, std::vector<std::pair<System*, System*>> variants,
                    std::vector<double> steps)
      : base_(base), variants_(std::move(variants)), steps_(std::move(steps)), scales_(base.state_scales()) {}

  [[nodiscard]] std::size_t size() const override { return base_.size() * (variants_.size() + 1); }

  void evaluate(double t, std::span<const double> z, std::span<double> out) override {
    const auto n = static_cast<Eigen::Index>(base_.size());
    const Vector y = Eigen::Map<const Vector>(z.data(), n);
    const Vector f = residual(base_, y, t);
    Eigen::Map<Vector>(out.data(), n) = f;
    if (variants_.empty()) {
      return;
    }
    // (df/dy) s as a matrix product, so that the sensitivity rows are exactly linear in s (the solver's own
    // finite differences in s then see J, not the noise of a nested difference). J is kept while y stays.
    if (!(t == jacobian_time_ && y.size() == jacobian_state_.size() && y == jacobian_state_)) {
      jacobian_.resize(n, n);
      for (Eigen::Index j = 0; j < n; ++j) {
        Vector unit = Vector::Zero(n);
        unit[j] = 1.0;
        jacobian_.col(j) = directional([&](const Vector& at) { return residual(base_, at, t); }, y, unit,
                                       1e-6 * std::max(std::abs(y[j]), scales_[j]), f);
      }
      jacobian_state_ = y;
      jacobian_time_ = t;
    }
    for (std::size_t k = 0; k < variants_.size(); ++k) {
      const auto offset = n * static_cast<Eigen::Index>(k + 1);
      const Vector s = Eigen::Map<const Vector>(z.data() + offset, n);
      const Vector df_dp =
          (residual(*variants_[k].first, y, t) - residual(*variants_[k].second, y, t)) / (2.0 * steps_[k]);
      Eigen::Map<Vector>(out.data() + offset, n) = jacobian_ * s + df_dp;
    }
  }

  // Newton matrices: the base pattern in every diagonal block and in the coupling d(Js)/dy.
  [[nodiscard]] numerics::SparsityPattern jacobian_pattern() const override {
    const auto block = base_.jacobian_pattern().entries();
    std::vector<std::pair<std::size_t, std::size_t>> entries;
    const std::size_t n = base_.size();
    for (std::size_t k = 0; k <= variants_.size(); ++k) {
      for (const auto& [row, column] : block) {
        entries.emplace_back(row + k * n, column + k * n);
        entries.emplace_back(row + k * n, column);  // d(Js)/dy, within the pattern of J
      }
    }
    return numerics::SparsityPattern::from_entries(size(), entries);
  }

  [[nodiscard]] std::vector<bool> differential_rows() const override {
    const auto rows = base_.differential_rows();
    std::vector<bool> all;
    for (std::size_t k = 0; k <= variants_.size(); ++k) {
      all.insert(all.end(), rows.begin(), rows.end());
    }
    return all;
  }

  [[nodiscard]] std::string component_name(std::size_t index) const override {
    const std::size_t n = base_.size();
    std::string name = base_.component_name(index % n);
    if (index >= n) {
      name.append(" sensitivity ").append(std::to_string(index / n));
    }
    return name;
  }

 private:
  System& base_;
  std::vector<std::pair<System*, System*>> variants_;
  std::vector<double> steps_;
  Vector scales_;
  Matrix jacobian_;
  Vector jacobian_state_;
  double jacobian_time_ = -1.0;
};

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
      along = directional([&](const Vector& at) { return pick(outputs_at(*system, at), outputs); }, y, dy_dp,
                          1e-6 / largest, result.values);
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
  auto flowsheet = load_flowsheet_string(yaml_text, "<sensitivity>");
  auto system = steady_system(flowsheet);
  const auto n = static_cast<Eigen::Index>(system->size());
  const auto count = static_cast<Eigen::Index>(parameters.size());
  std::vector<Variant> ups;
  std::vector<Variant> downs;
  std::vector<std::pair<System*, System*>> pairs;
  std::vector<double> steps;
  std::vector<double> magnitudes;  // |p|, which sets the size of dy/dp ~ y/p for the error test
  Vector z0(n * (count + 1));
  const Vector y0 = system->initial_state();
  z0.head(n) = y0;
  for (std::size_t k = 0; k < parameters.size(); ++k) {
    const auto parameter = parameter_value(yaml_text, parameters[k], relative_step);
    ups.push_back(variant(yaml_text, parameters[k], parameter.number + parameter.step, parameter.suffix));
    downs.push_back(variant(yaml_text, parameters[k], parameter.number - parameter.step, parameter.suffix));
    if (ups.back().system->component_names() != system->component_names() ||
        downs.back().system->component_names() != system->component_names()) {
      throw InputError("sensitivities: changing `" + parameters[k] + "` changes the states of the flowsheet");
    }
    pairs.emplace_back(ups.back().system.get(), downs.back().system.get());
    steps.push_back(parameter.step);
    magnitudes.push_back(parameter.number != 0.0 ? std::abs(parameter.number) : 1.0);
    // s(0) = dy0/dp: initial amounts depend on volumes, charges and concentrations.
    z0.segment(n * static_cast<Eigen::Index>(k + 1), n) =
        (ups.back().system->initial_state() - downs.back().system->initial_state()) / (2.0 * parameter.step);
  }
  SensitivitySystem augmented(*system, pairs, steps);

  numerics::DynamicOptions options;
  options.rtol = flowsheet.run.options.relative_tolerance;
  options.max_steps = flowsheet.run.options.max_steps;
  options.wall_clock_limit = flowsheet.run.options.wall_clock_limit;
  const Vector scales = system->state_scales();

  // Flowsheets with algebraic rows (IDAS: tanks with an outflow, mixer-settlers) are refused: with the
  // coupling d(Js)/dy taken by nested finite differences, IDAS failed to converge on a 3-stage SX start-up
  // at rtol 1e-8 (it did at 1e-6), so those need CVODES/IDAS's own sensitivity module (not built yet).
  const auto rows = system->differential_rows();
  if (std::find(rows.begin(), rows.end(), false) != rows.end()) {
    throw Error(
        "dynamic sensitivities: this flowsheet has algebraic rows (IDAS); only flowsheets whose states are "
        "all "
        "differential (CVODES, e.g. batch leach tanks) are supported so far; use steady_sensitivities at a "
        "steady state");
  }

  std::vector<double> events;
  for (const auto* unit : system->units()) {
    for (const double t : unit->discontinuities()) {
      if (t > 0.0 && t < times.back()) {
        events.push_back(t);
      }
    }
  }
  std::sort(events.begin(), events.end());
  events.erase(std::unique(events.begin(), events.end()), events.end());

  DynamicSensitivity result;
  result.outputs = outputs;
  result.parameters = parameters;
  result.times = times;
  result.values.resize(static_cast<Eigen::Index>(times.size()), static_cast<Eigen::Index>(outputs.size()));
  auto span_of = [](Vector& v) { return std::span<double>(v.data(), static_cast<std::size_t>(v.size())); };
  numerics::DynamicSolver solver(
      augmented, 0.0, std::span<const double>(z0.data(), static_cast<std::size_t>(z0.size())), options);
  Vector z = z0;
  std::size_t next_event = 0;
  for (std::size_t k = 0; k < times.size(); ++k) {
    const double t = times[k];
    while (next_event < events.size() && events[next_event] <= t) {
      if (events[next_event] > solver.time()) {
        solver.advance_to(events[next_event], span_of(z), true);
        solver.reinitialize(events[next_event], span_of(z));
      }
      ++next_event;
    }
    if (t > solver.time()) {
      solver.advance_to(t, span_of(z), next_event < events.size());
    } else {
      const double t_next = k + 1 < times.size() ? times[k + 1] : t + 1.0;
      solver.current_state(next_event < events.size() ? std::min(t_next, events[next_event]) : t_next,
                           span_of(z));
    }
    const Vector y = z.head(n);
    const Vector g = pick(outputs_at(*system, y, t), outputs);
    result.values.row(static_cast<Eigen::Index>(k)) = g.transpose();
    Matrix derivatives(static_cast<Eigen::Index>(outputs.size()), count);
    for (Eigen::Index p = 0; p < count; ++p) {
      const Vector s = z.segment(n * (p + 1), n);
      const auto q = static_cast<std::size_t>(p);
      const Vector dg_dp = (pick(outputs_at(*pairs[q].first, y, t), outputs) -
                            pick(outputs_at(*pairs[q].second, y, t), outputs)) /
                           (2.0 * steps[q]);
      double largest = 0.0;
      for (Eigen::Index i = 0; i < n; ++i) {
        largest = std::max(largest, std::abs(s[i]) / std::max(std::abs(y[i]), scales[i]));
      }
      Vector along = Vector::Zero(static_cast<Eigen::Index>(outputs.size()));
      if (largest > 0.0) {
        along = directional([&](const Vector& at) { return pick(outputs_at(*system, at, t), outputs); }, y, s,
                            1e-6 / largest, g);
      }
      derivatives.col(p) = along + dg_dp;
    }
    result.derivatives.push_back(std::move(derivatives));
  }
  return result;
}

}  // namespace hydromet
