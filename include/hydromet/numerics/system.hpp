// The problem every hydromet solver works on: the semi-explicit system M·dy/dt = f(t, y) with a
// diagonal 0/1 mass matrix M, and the error an evaluation throws to ask for a smaller step.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "hydromet/core/error.hpp"
#include "hydromet/numerics/sparsity.hpp"

namespace hydromet::numerics {

/// Thrown by SemiExplicitSystem::evaluate (or jacobian) when y is outside the domain of the model
/// but a smaller step may avoid it, e.g. a negative concentration under a logarithm. The solvers
/// report it to SUNDIALS as a recoverable failure (return code 1): the integrators retry with a
/// smaller step, KINSOL shortens its line-search step. Any other exception aborts the solve and
/// comes out of the solver call unchanged.
class RecoverableError : public Error {
 public:
  using Error::Error;
};

/// Where one aggregated evaluation's results are (SemiExplicitSystem::evaluate_aggregated_near).
struct AggregatedValues {
  std::span<const double> f;
  std::span<const double> intermediates;
  std::span<const double> aggregates;
};

/// M·dy/dt = f(t, y), M = diag(m), m_i = 1 for differential rows and 0 for algebraic rows.
/// Implementations need not be thread-safe: a solver calls them from one thread.
class SemiExplicitSystem {
 public:
  virtual ~SemiExplicitSystem() = default;

  /// Number of unknowns n (and of equations).
  [[nodiscard]] virtual std::size_t size() const = 0;

  /// f(t, y): dy_i/dt for differential rows, the algebraic residual g_i(t, y) for algebraic rows.
  /// `y` and `f` have size() entries. May throw RecoverableError (see there) or anything else.
  virtual void evaluate(double t, std::span<const double> y, std::span<double> f) = 0;

  /// true for differential rows, false for algebraic rows. Default: every row differential (ODE).
  [[nodiscard]] virtual std::vector<bool> differential_rows() const;

  /// Structural nonzeros of df/dy. Default: dense. Entries missing here are taken as zero by the
  /// finite-difference Jacobian, so the pattern must cover every dependence.
  [[nodiscard]] virtual SparsityPattern jacobian_pattern() const;

  /// df/dy's structure with aggregates (see JacobianStructure). Default: jacobian_pattern() and no
  /// aggregates. A system that declares aggregates must implement evaluate_aggregated, and its
  /// jacobian_pattern() must be the structure's full() pattern.
  [[nodiscard]] virtual JacobianStructure jacobian_structure() const;

  /// f(t, y) as evaluate() computes it, also writing the intermediates z (size: the structure's
  /// intermediates) and the aggregates a (size: its aggregates) used. With `held` non-empty, the aggregates
  /// are held at those values instead of being computed from z (for finite differences of the parts of
  /// df/dy). Default: throws hydromet::Error (no aggregates declared).
  virtual void evaluate_aggregated(double t, std::span<const double> y, std::span<const double> held,
                                   std::span<double> f, std::span<double> intermediates,
                                   std::span<double> aggregates);
  /// evaluate_aggregated at a point that differs from the previous evaluate_aggregated or
  /// evaluate_aggregated_near call's only in some entries of y and held (same t, same model, nothing else
  /// evaluated in between): a finite-difference column group. A system may re-evaluate only what those
  /// entries reach; the results must be those of evaluate_aggregated. Returns where the results are: the
  /// buffers passed in, or storage of the system's own (read-only, valid until the system's next
  /// evaluation), which saves copying every row after each group. Default: evaluate_aggregated into the
  /// buffers passed in.
  virtual AggregatedValues evaluate_aggregated_near(double t, std::span<const double> y,
                                                    std::span<const double> held, std::span<double> f,
                                                    std::span<double> intermediates,
                                                    std::span<double> aggregates) {
    evaluate_aggregated(t, y, held, f, intermediates, aggregates);
    return {f, intermediates, aggregates};
  }

  /// Analytic df/dy at (t, y) into `values` (pattern order of jacobian_pattern(), zeroed by the
  /// caller). Return false when not provided (the default): the solvers then use coloured finite
  /// differences and do not ask again.
  virtual bool jacobian(double t, std::span<const double> y, std::span<double> values);

  /// Name of state component i for diagnostics, e.g. "leach1.n[WO4-2]". Default "y[i]".
  [[nodiscard]] virtual std::string component_name(std::size_t i) const;
};

}  // namespace hydromet::numerics
