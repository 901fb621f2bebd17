// Sensitivities of unit outputs and KPIs to flowsheet parameters: at a steady state from the Jacobian
// (implicit function theorem) rather than from repeated steady solves, along a dynamic run by IDAS forward
// sensitivities.
#pragma once

#include <string>
#include <vector>

#include "hydromet/core/types.hpp"

namespace hydromet {

/// d(output)/d(parameter) at a steady state. Derivatives are per unit of the parameter *as written* in the
/// YAML (`temperature: 90` in degC gives per degC, `rate_constant: 6.3e-8 m/s` gives per m/s).
struct SteadySensitivity {
  std::vector<std::string> outputs;          ///< unit output or KPI names, as requested
  std::vector<std::string> parameters;       ///< parameter paths, as requested
  std::vector<std::string> parameter_texts;  ///< each parameter's value as written
  Vector parameter_values;                   ///< the number in each value as written
  Vector values;                             ///< the outputs at the steady state
  Matrix derivatives;                        ///< outputs x parameters
};

/// Solves the flowsheet for its steady state y*, then, with f(y, p) the steady residual and g(y, p) the unit
/// outputs,
///   dy*/dp = -(df/dy)^-1 df/dp,   dg/dp = dg/dy dy*/dp + dg/dp|_y.
/// df/dy is the Jacobian at y* (central differences per column, second-order one-sided next to a bound);
/// the partial derivatives in p are central differences of f and g at the fixed y* with the parameter moved
/// by `relative_step` of its value in the YAML (the flowsheet is reloaded, so any parameter a path reaches
/// works, provided it does not change the state layout); dg/dy dy*/dp is one directional central difference.
/// No steady solve is repeated. Outputs are unit outputs (`leach1.conversion[scheelite]`) or KPI names
/// (rates). Throws InputError for unknown paths or outputs, SolverError when df/dy is singular.
[[nodiscard]] SteadySensitivity steady_sensitivities(const std::string& yaml_text,
                                                     const std::vector<std::string>& parameters,
                                                     const std::vector<std::string>& outputs,
                                                     double relative_step = 1e-6);

/// d(output)/d(parameter) along a dynamic run, per output time.
struct DynamicSensitivity {
  std::vector<std::string> outputs;
  std::vector<std::string> parameters;
  std::vector<double> times;        ///< [s]
  Matrix values;                    ///< times x outputs
  std::vector<Matrix> derivatives;  ///< one outputs x parameters matrix per time
};

/// Forward sensitivities along a dynamic run from t = 0, with the IDAS sensitivity module
/// (numerics/dynamic_sensitivity.hpp) on the system simulate() integrates: for every parameter p, s = dy/dp
/// with
///   M ds/dt = (df/dy) s + df/dp,   s(0) = dy0/dp,
/// df/dp a central difference between copies of the flowsheet with the parameter moved by `relative_step` (as
/// for steady_sensitivities). Algebraic rows are supported (IDACalcIC makes their sensitivities consistent).
/// The run stops and restarts at the units' discontinuities. Outputs (unit outputs or KPI names, KPIs
/// cumulative as in simulate()): dg/dp = dg/dy s + dg/dp|_y at each time. Tolerances are the file's
/// `simulation:` ones; the sensitivities are solved on the states' steps, outside the error test.
[[nodiscard]] DynamicSensitivity dynamic_sensitivities(const std::string& yaml_text,
                                                       const std::vector<std::string>& parameters,
                                                       const std::vector<std::string>& outputs,
                                                       const std::vector<double>& times,
                                                       double relative_step = 1e-6);

}  // namespace hydromet
