// Coloured forward-difference Jacobian.
#include "hydromet/numerics/jacobian.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "hydromet/core/error.hpp"

namespace hydromet::numerics {

FiniteDifferenceJacobian::FiniteDifferenceJacobian(SparsityPattern pattern)
    : pattern_(std::move(pattern)),
      colouring_(colour_columns(pattern_)),
      groups_(colouring_.columns_by_colour()),
      y_work_(pattern_.size()),
      f0_work_(pattern_.size()),
      f_work_(pattern_.size()),
      delta_(pattern_.size()) {}

std::size_t FiniteDifferenceJacobian::compute(SemiExplicitSystem& system, double t, std::span<const double> y,
                                              std::span<const double> f0, const DifferenceScaling& scaling,
                                              std::span<double> values) {
  const std::size_t n = pattern_.size();
  if (y.size() != n || values.size() != pattern_.nonzeros() || (!f0.empty() && f0.size() != n) ||
      (!scaling.weights.empty() && scaling.weights.size() != n)) {
    throw Error("finite-difference Jacobian: sizes do not match the pattern (n = " + std::to_string(n) + ")");
  }
  std::size_t evaluations = 0;
  if (f0.empty()) {
    system.evaluate(t, y, f0_work_);
    ++evaluations;
    f0 = f0_work_;
  }

  const double sqrt_roundoff = std::sqrt(std::numeric_limits<double>::epsilon());
  for (std::size_t j = 0; j < n; ++j) {
    const double weight = scaling.weights.empty() ? 1.0 : scaling.weights[j];
    double delta = std::max(sqrt_roundoff * std::abs(y[j]), scaling.floor_factor / weight);
    // A zero or non-finite weight or factor would give no usable increment: fall back.
    if (!(delta > 0.0) || !std::isfinite(delta)) {
      delta = sqrt_roundoff * std::max(std::abs(y[j]), 1.0);
    }
    delta_[j] = delta;
  }

  std::copy(y.begin(), y.end(), y_work_.begin());
  const auto column_pointers = pattern_.column_pointers();
  const auto row_indices = pattern_.row_indices();
  for (const auto& group : groups_) {
    for (const std::size_t j : group) {
      y_work_[j] = y[j] + delta_[j];
      delta_[j] = y_work_[j] - y[j];  // the increment actually represented in floating point
    }
    system.evaluate(t, y_work_, f_work_);
    ++evaluations;
    for (const std::size_t j : group) {
      const double inverse_delta = 1.0 / delta_[j];
      for (std::size_t k = column_pointers[j]; k < column_pointers[j + 1]; ++k) {
        const std::size_t i = row_indices[k];
        values[k] = (f_work_[i] - f0[i]) * inverse_delta;
      }
      y_work_[j] = y[j];
    }
  }
  return evaluations;
}

}  // namespace hydromet::numerics
