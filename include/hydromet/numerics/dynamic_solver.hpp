// Time integration of M·dy/dt = f(t, y): CVODES (BDF, Newton) when every row is differential,
// IDAS otherwise; options, statistics and the DynamicSolver class.
#pragma once

#include <cstddef>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "hydromet/numerics/jacobian.hpp"
#include "hydromet/numerics/system.hpp"

namespace hydromet::numerics {

/// Options of DynamicSolver. Times in [s] like the system's t.
struct DynamicOptions {
  double rtol = 1e-6;                   ///< relative tolerance
  double atol = 1e-10;                  ///< absolute tolerance, in the units of y
  std::vector<double> atol_components;  ///< per-component absolute tolerances; overrides atol when not empty
  /// Components that are running totals of the others (quadratures no row reads; empty: none). The local
  /// error and Newton tests weigh their errors with the others', but the RMS norm divides by the number of
  /// the other components alone: large totals with negligible weighted errors, counted, would loosen every
  /// tolerance by sqrt(n / (n − quadratures)).
  std::vector<bool> quadrature_components;
  /// Algebraic components left out of IDAS's local error test (IDASetSuppressAlg, with these as the mask;
  /// empty: none); must be algebraic rows. For variables fixed by the tested ones whose Newton noise would
  /// otherwise set the step size. Their Newton corrections still count; the error norm divides by the tested
  /// components alone, as for quadratures.
  std::vector<bool> error_test_exempt;
  /// IDAS: the Newton matrix is rebuilt when c_j = α/h has moved by more than this fraction since it was
  /// built (IDASetDeltaCjLSetup; IDAS's default 0.25). Between rebuilds Newton corrects with a matrix of the
  /// old c_j.
  double matrix_cj_change = 0.25;
  long max_steps = 50000;     ///< internal steps allowed per advance_to call
  double max_step = 0.0;      ///< largest step [s]; 0 = unlimited
  double initial_step = 0.0;  ///< first step [s]; 0 = the solver's estimate
  int max_order = 5;          ///< largest BDF order, 1..5
  LinearSolverKind linear_solver = LinearSolverKind::automatic;
  /// automatic: dense below this many unknowns, KLU from there on. Debian's SUNDIALS dense solver is built
  /// unoptimised: KLU already wins at a 5-stage cascade (24 % fewer instructions for a 24 h run, 39 % in the
  /// dae form), dense only on a handful of states (4 % fewer on the 6-state batch leach).
  std::size_t dense_limit = 12;
  double wall_clock_limit = 0.0;  ///< [s] of wall-clock time from construction; 0 = none
  double stop_time = std::numeric_limits<double>::infinity();  ///< never step past this time [s]
  /// IDAS: steps a finite-difference df/dy may serve before it is recomputed. IDAS asks for a new Newton
  /// matrix whenever c_j moves; the matrix is then rebuilt as c_j M − df/dy from the kept df/dy unless it is
  /// this old, a Newton iteration has failed since, or no step has been taken yet. Only when df/dy is wide,
  /// its plain colouring (FiniteDifferenceJacobian::plain_colours, aggregates not counted as savings) taking
  /// at least jacobian_reuse_colours colours: a narrow one is recomputed at every request, which keeps
  /// Newton's convergence quadratic. 0 = always keep. CVODES keeps its own Jacobian age.
  long jacobian_reuse_steps = 20;
  std::size_t jacobian_reuse_colours = 50;
};

/// Counters of a DynamicSolver, summed over reinitialisations.
struct SolverStatistics {
  std::string method;             ///< "CVODES" or "IDAS"
  std::string linear_solver;      ///< "dense" or "KLU"
  long steps = 0;                 ///< internal steps
  long rhs_evaluations = 0;       ///< evaluations of f, including finite-difference Jacobians
  long jacobian_evaluations = 0;  ///< Jacobian (re)computations
  long linear_solver_setups = 0;  ///< Newton-matrix factorisations
  long nonlinear_iterations = 0;  ///< Newton iterations
  long nonlinear_convergence_failures = 0;
  long error_test_failures = 0;
  double last_step = 0.0;            ///< size of the last successful step [s]
  std::size_t jacobian_colours = 0;  ///< colours of the finite-difference Jacobian
  bool analytic_jacobian = false;    ///< whether the system's analytic Jacobian is in use
  long reinitializations = 0;        ///< reinitialize() calls
};

/// Integrates a SemiExplicitSystem in time. The system must outlive the solver. CVODES (BDF with
/// Newton) when every row is differential; IDAS on F(t, y, y') = M·y' − f(t, y) otherwise, with
/// the algebraic rows marked by IDASetId and consistent initial values from IDACalcIC (algebraic
/// y and differential y' adjusted, computed on the first advance_to after construction or
/// reinitialize). Newton matrices use the system's analytic Jacobian or coloured finite
/// differences, factorised dense or with KLU.
///
/// Failures throw hydromet::SolverError naming the SUNDIALS flag, the time and the components
/// with the largest weighted local error; exceptions thrown by the system come out unchanged.
/// After any exception, reinitialize() before advancing again.
class DynamicSolver {
 public:
  /// Sets up the solver at (t0, y0). Throws hydromet::Error for inconsistent sizes or options.
  DynamicSolver(SemiExplicitSystem& system, double t0, std::span<const double> y0,
                DynamicOptions options = {});
  ~DynamicSolver();
  DynamicSolver(DynamicSolver&&) noexcept;
  DynamicSolver& operator=(DynamicSolver&&) noexcept;
  DynamicSolver(const DynamicSolver&) = delete;
  DynamicSolver& operator=(const DynamicSolver&) = delete;

  /// Integrates to t_out ≥ time() and writes y(t_out) into y_out (interpolated from the internal
  /// steps, which may run past t_out). With stop_at_t_out the solver does not step past t_out
  /// (use it before a discontinuity); the error_test_exempt components' interpolated values are not
  /// error-controlled, so stop there to have them from a Newton solve. Stops early at
  /// options().stop_time. Returns the time reached.
  double advance_to(double t_out, std::span<double> y_out, bool stop_at_t_out = false);

  /// Writes the state at time() into y_out. With IDAS right after construction or reinitialize(), first
  /// makes it consistent (IDACalcIC, with t_next > time() as the first output time), so the algebraic
  /// components hold their solved values rather than the initial guess.
  void current_state(double t_next, std::span<double> y_out);
  /// Restarts at (t, y) after a discontinuity (a feed step), keeping options and statistics.
  void reinitialize(double t, std::span<const double> y);

  /// Time of the latest output [s].
  [[nodiscard]] double time() const;
  /// State at time().
  [[nodiscard]] std::span<const double> state() const;
  [[nodiscard]] SolverStatistics statistics() const;
  /// "CVODES" or "IDAS".
  [[nodiscard]] const std::string& method() const;
  [[nodiscard]] const DynamicOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hydromet::numerics
