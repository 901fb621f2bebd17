// Internal to numerics: what the SUNDIALS-driving solvers share — keeping exceptions out of C
// callbacks, the wall-clock budget, df/dy on the solver's pattern, and naming the worst components.
#pragma once

#include <chrono>
#include <cstddef>
#include <exception>
#include <span>
#include <string>
#include <vector>

#include "hydromet/core/error.hpp"
#include "hydromet/numerics/jacobian.hpp"
#include "hydromet/numerics/sparsity.hpp"
#include "hydromet/numerics/system.hpp"
#include "numerics/sundials_wrappers.hpp"

namespace hydromet::numerics::detail {

/// Runs the body of a SUNDIALS callback so that no exception crosses the C frames: a
/// RecoverableError becomes return code 1, anything else is stored and becomes −1 (rethrown by
/// rethrow_pending() once the SUNDIALS call has returned). Also enforces the wall-clock budget.
class CallbackGuard {
 public:
  /// `wall_clock_limit` [s], 0 or less for none; the clock starts now.
  explicit CallbackGuard(double wall_clock_limit);

  template <class Body>
  int run(Body&& body) noexcept {
    if (pending_) {
      return -1;
    }
    if (limit_ > 0.0 && elapsed() > limit_) {
      wall_clock_exceeded_ = true;
      return -1;
    }
    try {
      body();
      return 0;
    } catch (const RecoverableError& error) {
      note_recoverable(error.what());
      return 1;
    } catch (...) {
      pending_ = std::current_exception();
      return -1;
    }
  }

  /// Rethrows (and forgets) the exception a callback stored, if any.
  void rethrow_pending();
  /// Whether a callback found the wall-clock budget spent.
  [[nodiscard]] bool wall_clock_exceeded() const { return wall_clock_exceeded_; }
  /// Seconds since construction or restart_clock().
  [[nodiscard]] double elapsed() const noexcept;
  /// Starts the wall-clock budget afresh.
  void restart_clock();
  [[nodiscard]] double wall_clock_limit() const { return limit_; }
  /// Message of the latest RecoverableError ("" if none since clear_recoverable()).
  [[nodiscard]] const std::string& last_recoverable() const { return last_recoverable_; }
  void clear_recoverable() { last_recoverable_.clear(); }

 private:
  void note_recoverable(const char* message) noexcept;

  std::chrono::steady_clock::time_point start_;
  double limit_ = 0.0;
  bool wall_clock_exceeded_ = false;
  std::exception_ptr pending_;
  std::string last_recoverable_;
};

/// df/dy of a system on the solvers' pattern: the system's pattern plus the diagonal (so that
/// Newton matrices such as I − γJ keep a fixed structure), from the analytic Jacobian when the
/// system provides one, else by coloured forward differences.
class JacobianAssembler {
 public:
  explicit JacobianAssembler(SemiExplicitSystem& system);

  /// The solvers' pattern (system pattern ∪ diagonal).
  [[nodiscard]] const SparsityPattern& pattern() const { return pattern_; }
  /// Position of entry (j, j) in pattern order, for each j.
  [[nodiscard]] std::span<const std::size_t> diagonal() const { return diagonal_; }
  /// Colours of the finite-difference Jacobian.
  [[nodiscard]] std::size_t colours() const { return fd_.colours(); }
  [[nodiscard]] std::size_t plain_colours() const { return fd_.plain_colours(); }
  /// Whether the system's analytic Jacobian is in use (known after the first compute()).
  [[nodiscard]] bool analytic() const { return analytic_; }

  /// df/dy at (t, y) into `values` (pattern order). `f0` = f(t, y) or empty. Returns the number
  /// of evaluations of f made. Exceptions from the system pass through.
  std::size_t compute(double t, std::span<const double> y, std::span<const double> f0,
                      const DifferenceScaling& scaling, std::span<double> values);

 private:
  SemiExplicitSystem& system_;
  SparsityPattern pattern_;
  std::vector<std::size_t> scatter_;  // system-pattern position -> solver-pattern position
  std::vector<std::size_t> diagonal_;
  FiniteDifferenceJacobian fd_;
  std::vector<double> system_values_;
  bool try_analytic_ = true;
  bool analytic_ = false;
};

/// The `count` components with the largest |error| (non-finite first, zeros left out), named by
/// the system.
[[nodiscard]] std::vector<ComponentError> worst_components(const SemiExplicitSystem& system,
                                                           std::span<const double> weighted_errors,
                                                           std::size_t count = 5);

/// Whether a solver of `n` unknowns uses the dense linear solver.
[[nodiscard]] bool use_dense(LinearSolverKind kind, std::size_t n, std::size_t dense_limit);

/// The integrators' error weights with quadrature components (DynamicOptions::quadrature_components) or
/// components exempt from the error test: w_i = factor / (rtol·|y_i| + atol_i) on every component, factor =
/// √(n / (n − quadratures − exempt)), so that the RMS norm divides by the number of the other components.
/// Inactive (factor 0) without either, or when every component is one: the solvers then pass their plain
/// tolerances to SUNDIALS.
class QuadratureWeights {
 public:
  /// The RMS norm counts neither the quadrature components nor those left out of the error test
  /// (`error_test_exempt`, IDAS's masked norm still dividing by n).
  QuadratureWeights(std::size_t n, double rtol, double atol, std::vector<double> atol_components,
                    const std::vector<bool>& quadrature_components,
                    const std::vector<bool>& error_test_exempt = {});
  [[nodiscard]] bool active() const { return factor_ != 0.0; }
  /// Fills `weights` at y and keeps the plain weights 1 / (rtol·|y_i| + atol_i); false (SUNDIALS' −1) where a
  /// tolerance is zero.
  bool compute(std::span<const double> y, std::span<double> weights);
  /// The plain weights of the latest compute(), for finite-difference increments.
  [[nodiscard]] std::span<const double> plain() const { return plain_; }

 private:
  double rtol_;
  double atol_;
  std::vector<double> atol_components_;
  double factor_ = 0.0;
  std::vector<double> plain_;
};

/// IDAS's id vector while stepping with DynamicOptions::error_test_exempt (IDASetSuppressAlg reads it as the
/// mask of the error test): 1 for the tested components, 0 for the exempt ones. No vector when none is
/// exempt. Throws when `exempt` does not match the system or marks a differential row (mass 1).
[[nodiscard]] sundials::SerialVector error_test_mask(const SemiExplicitSystem& system,
                                                     const std::vector<bool>& exempt,
                                                     std::span<const double> mass, SUNContext context);
/// IDACalcIC with `id` (the differential rows) as IDAS's id vector, `mask` (when set) put back afterwards.
/// Returns IDACalcIC's flag.
[[nodiscard]] int calculate_ic(void* idas_memory, N_Vector id, N_Vector mask, double t_first_output);

/// max_i |scale_i·v_i| (scale empty: 1).
[[nodiscard]] double max_norm(std::span<const double> v, std::span<const double> scale = {});

}  // namespace hydromet::numerics::detail
