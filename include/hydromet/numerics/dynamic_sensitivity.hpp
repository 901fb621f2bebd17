// Forward sensitivities of a semi-explicit DAE (or ODE) with the IDAS sensitivity module.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "hydromet/numerics/dynamic_solver.hpp"
#include "hydromet/numerics/system.hpp"

namespace hydromet::numerics {

/// df/dp_k at (t, y) into `out` (size n), for the sensitivity equations.
using ParameterDerivative =
    std::function<void(double t, std::span<const double> y, std::size_t k, std::span<double> out)>;

/// Integrates M y' = f(t, y, p) and, for every parameter p_k, s_k = dy/dp_k with IDAS forward sensitivity
/// analysis (staggered corrector, sensitivities in the error test):
///   M s_k' = (df/dy) s_k + df/dp_k.
/// df/dy is a central-difference Jacobian at (t, y) (second-order one-sided where a state >= 0 would turn
/// negative), rebuilt only when (t, y) changes, so the sensitivity rows are exactly linear in s as IDAS
/// assumes; df/dp_k comes from the caller. Consistent initial values of the algebraic states and of their
/// sensitivities come from IDACalcIC, at the start and after every reinitialize().
class ForwardSensitivitySolver {
 public:
  /// s0: parameters x n values, s0[k * n + i] = dy_i(t0)/dp_k. state_scales: typical magnitudes of y (set the
  /// difference steps). parameter_scales: |p_k| (s_k ~ y / p_k sets the sensitivities' absolute tolerances,
  /// options.atol_components / |p_k|). options: as for DynamicSolver (rtol, atol_components, max_steps,
  /// wall_clock_limit are used; the linear solver is dense).
  ForwardSensitivitySolver(SemiExplicitSystem& system, std::size_t parameters, ParameterDerivative df_dp,
                           double t0, std::span<const double> y0, std::span<const double> s0,
                           std::vector<double> state_scales, std::vector<double> parameter_scales,
                           DynamicOptions options);
  ~ForwardSensitivitySolver();
  ForwardSensitivitySolver(const ForwardSensitivitySolver&) = delete;
  ForwardSensitivitySolver& operator=(const ForwardSensitivitySolver&) = delete;

  /// Integrates to t_out (not beyond it when stop_at_t_out) and writes y and s (parameters x n) there.
  void advance_to(double t_out, std::span<double> y, std::span<double> s, bool stop_at_t_out);
  /// The consistent state and sensitivities at time() (after IDACalcIC when it is pending; t_next bounds
  /// the time IDACalcIC may look ahead).
  void current_state(double t_next, std::span<double> y, std::span<double> s);
  /// Restarts at t from y and s (after a discontinuity); the algebraic parts are made consistent again.
  void reinitialize(double t, std::span<const double> y, std::span<const double> s);
  [[nodiscard]] double time() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hydromet::numerics
