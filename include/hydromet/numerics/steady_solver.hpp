// Steady states of M·dy/dt = f(t, y), i.e. roots of f: KINSOL Newton with a line search, and
// pseudo-transient continuation when Newton fails; options, result and the SteadySolver class.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "hydromet/numerics/jacobian.hpp"
#include "hydromet/numerics/system.hpp"

namespace hydromet::numerics {

/// Sign constraint on one unknown of a steady solve (KINSetConstraints).
enum class Constraint { none, non_negative, positive, non_positive, negative };

/// Options of SteadySolver.
struct SteadyOptions {
  double time = 0.0;                      ///< t at which f is evaluated [s]
  double ftol = 1e-10;                    ///< converged when max_i |f_scale_i·f_i| <= ftol
  double step_tolerance = 0.0;            ///< KINSOL's scaled step tolerance; 0 = its default (u^(2/3))
  std::vector<double> f_scale;            ///< per-row scale of f (1/typical size of f_i); empty = 1
  std::vector<double> y_scale;            ///< per-unknown scale of y (1/typical size of y_i); empty = 1
  std::vector<Constraint> constraints;    ///< per-unknown sign constraints; empty = none
  long max_iterations = 200;              ///< Newton iterations per KINSOL solve (each Newton or pseudo step)
  bool pseudo_transient_fallback = true;  ///< try pseudo-transient continuation when Newton fails
  bool force_pseudo_transient = false;    ///< skip the first Newton attempt
  long max_pseudo_steps = 500;            ///< accepted plus rejected implicit Euler steps
  double pseudo_initial_step = 0.0;       ///< first Δt [s]; 0 = automatic (see docs/models/numerics.md)
  double pseudo_max_step = 0.0;           ///< largest Δt [s]; 0 = unlimited
  double pseudo_max_growth = 10.0;        ///< largest factor by which Δt grows per step
  LinearSolverKind linear_solver = LinearSolverKind::automatic;
  std::size_t dense_limit = 50;   ///< automatic: dense below this many unknowns, KLU from there on
  double wall_clock_limit = 0.0;  ///< [s] per solve() call; 0 = none
  bool throw_on_failure = true;   ///< throw SolverError when not converged (else return converged = false)
};

/// Outcome of SteadySolver::solve.
struct SteadyResult {
  std::vector<double> y;  ///< the root (or the best iterate when not converged)
  bool converged = false;
  std::string method;          ///< "newton" or "pseudo-transient" (the path that converged), "" if none
  double residual_norm = 0.0;  ///< max_i |f_i(y)|
  double scaled_residual_norm = 0.0;  ///< max_i |f_scale_i·f_i(y)|
  long iterations = 0;                ///< Newton iterations over every KINSOL solve
  long pseudo_steps = 0;              ///< accepted implicit Euler steps
  long rhs_evaluations = 0;           ///< evaluations of f, finite-difference Jacobians included
  long jacobian_evaluations = 0;      ///< Jacobian computations
  std::size_t jacobian_colours = 0;   ///< colours of the finite-difference Jacobian (0 when analytic)
  std::string flag;                   ///< the last KINSOL return flag, e.g. "KIN_SUCCESS"
};

/// Solves f(t, y) = 0 for every row (the steady state of M·dy/dt = f). The system must outlive the
/// solver. First KINSOL Newton with a line search on f; if that fails, pseudo-transient
/// continuation: implicit Euler steps M·(y − y_old)/Δt = f(y), each solved by KINSOL, with Δt
/// grown as the residual falls (switched evolution relaxation), and a Newton polish on f
/// whenever the residual has dropped enough. Bounded by max_pseudo_steps and the wall clock.
class SteadySolver {
 public:
  /// Throws hydromet::Error for inconsistent sizes or options.
  explicit SteadySolver(SemiExplicitSystem& system, SteadyOptions options = {});
  ~SteadySolver();
  SteadySolver(SteadySolver&&) noexcept;
  SteadySolver& operator=(SteadySolver&&) noexcept;
  SteadySolver(const SteadySolver&) = delete;
  SteadySolver& operator=(const SteadySolver&) = delete;

  /// Solves from `guess` (which must satisfy the constraints). Exceptions thrown by the system
  /// (other than RecoverableError) come out unchanged; a failure throws SolverError unless
  /// options().throw_on_failure is false.
  SteadyResult solve(std::span<const double> guess);

  [[nodiscard]] const SteadyOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hydromet::numerics
