// Jacobians of a SemiExplicitSystem: the coloured forward-difference approximation of df/dy, and
// the choice of linear solver for the Newton matrices built from it.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "hydromet/numerics/sparsity.hpp"
#include "hydromet/numerics/system.hpp"

namespace hydromet::numerics {

/// How the solvers store and factorise their Newton matrices.
enum class LinearSolverKind {
  automatic,  ///< dense LU below the options' dense_limit unknowns, KLU sparse LU from there on
  dense,      ///< dense LU (SUNDIALS dense linear solver)
  klu,        ///< sparse LU (SuiteSparse KLU) on the CSC pattern
};

/// What sets the size of the finite-difference increments (see FiniteDifferenceJacobian).
struct DifferenceScaling {
  /// Weights w_j > 0 of the unknowns; empty: all 1. CVODES/IDAS pass their error weights
  /// w_j = 1/(rtol·|y_j| + atol_j); KINSOL passes the y scale (1/w_j = typical size of y_j).
  std::span<const double> weights;
  /// κ of the increment floor κ/w_j: 1 when 1/w_j is a change of y_j too small to matter (the
  /// integrators' error weights), √u when 1/w_j is a typical size of y_j (the default).
  double floor_factor = 1.4901161193847656e-08;
};

/// Forward-difference approximation of df/dy on a sparsity pattern, with the columns grouped by a
/// Curtis–Powell–Reid colouring so that one evaluation of f gives every column of a colour:
/// ncolours evaluations of f, plus one for f(t, y) when it is not supplied.
///
/// Increment of column j (u = unit roundoff, κ = floor_factor):
///   δ_j = max( √u·|y_j|,  κ / w_j )
/// The first term is the classic relative increment; the floor keeps δ_j visible at y_j ≈ 0.
/// The integrators use κ = 1 as IDA and DASSL do (1/w_j = rtol·|y_j| + atol_j is a change the
/// solution does not care about), KINSOL-style steady solves κ = √u with 1/w_j a typical size.
/// δ_j is applied upwards (non-negative states stay non-negative), and the quotient divides by
/// the increment actually represented, (y_j + δ_j) − y_j.
///
/// With aggregates (JacobianStructure), the colouring covers an extended matrix: the columns of y and one
/// column per aggregate (held at a + δ_a, δ_a = ρ·max(|a|, scale), ρ the median of δ_j/|y_j| and at least
/// √u, so that a moves as much, relatively, as the states do), the rows of f and one row per
/// intermediate. Each evaluation then gives the direct entries, ∂f/∂a and the intermediates' derivatives
/// at once; da/dy follows from the intermediates by the chain rule with the declared coefficients, and
/// df/dy = direct + Σ_g (∂f/∂a_g)(da_g/dy) on the full pattern. f(t, y) is always evaluated here then
/// (the intermediates at y are needed), so `f0` is not used.
class FiniteDifferenceJacobian {
 public:
  explicit FiniteDifferenceJacobian(SparsityPattern pattern);
  explicit FiniteDifferenceJacobian(JacobianStructure structure);

  /// The pattern of df/dy that compute() fills (the structure's full pattern).
  [[nodiscard]] const SparsityPattern& pattern() const { return pattern_; }
  /// The colouring of the columns differenced: those of y, then one per aggregate; colours counts the
  /// evaluations made for them (with aggregates, columns without entries are not evaluated).
  [[nodiscard]] const ColumnColouring& colouring() const { return colouring_; }
  [[nodiscard]] std::size_t colours() const { return colouring_.colours; }
  /// Colours a plain colouring of the full pattern would take (= colours() without aggregates): how wide
  /// df/dy is, a property of the model, whatever colouring evaluates it. With aggregates it is coloured on
  /// the first call: steady solves never ask, and the colouring costs as much as a Jacobian.
  [[nodiscard]] std::size_t plain_colours() const;

  /// Fills `values` (pattern order, size nonzeros()) with df/dy at (t, y). `f0` is f(t, y) when
  /// the caller has it (else empty and it is evaluated here). Exceptions from the system pass
  /// through. Returns the number of evaluations of f made.
  std::size_t compute(SemiExplicitSystem& system, double t, std::span<const double> y,
                      std::span<const double> f0, const DifferenceScaling& scaling, std::span<double> values);

 private:
  void compute_increments(std::span<const double> y, const DifferenceScaling& scaling);
  std::size_t compute_aggregated(SemiExplicitSystem& system, double t, std::span<const double> y,
                                 std::span<double> values);

  JacobianStructure structure_;
  SparsityPattern pattern_;
  // With aggregates: the extended pattern coloured (square, n + aggregates + intermediates: columns n..n+G−1
  // are the aggregates, rows n+G.. the intermediates; the rest is empty padding), where each of its entries
  // goes in pattern_ (npos: not a direct entry), and for each aggregate its columns and the positions in
  // pattern_ of (row, column) for its rows times its columns, row by row.
  SparsityPattern extended_;
  std::vector<std::size_t> extended_to_full_;
  std::vector<std::vector<std::size_t>> aggregate_columns_;
  std::vector<std::vector<std::size_t>> update_positions_;
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> intermediate_entries_;  // (position, column)
  ColumnColouring colouring_;
  mutable std::size_t plain_colours_ = 0;  // 0: not coloured yet
  std::vector<std::vector<std::size_t>> groups_;
  std::vector<double> y_work_;
  std::vector<double> f0_work_;
  std::vector<double> f_work_;
  std::vector<double> delta_;
  std::vector<double> extended_values_;
  std::vector<double> z0_, z_work_, a0_, a_work_, held_;
  std::vector<double> aggregate_gradients_;  // da_g/dy, n per aggregate
  std::vector<double> relative_steps_;
};

}  // namespace hydromet::numerics
