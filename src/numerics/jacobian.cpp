// Coloured forward-difference Jacobian, with rank-one aggregate couplings kept out of the colouring.
#include "hydromet/numerics/jacobian.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "hydromet/core/error.hpp"

namespace hydromet::numerics {

namespace {

const double sqrt_roundoff = std::sqrt(std::numeric_limits<double>::epsilon());

/// The pattern the colouring sees when there are aggregates (see FiniteDifferenceJacobian's members).
SparsityPattern extended_pattern(const JacobianStructure& structure) {
  const std::size_t n = structure.direct.size();
  const std::size_t aggregates = structure.aggregates.size();
  const std::size_t first_intermediate = n + aggregates;
  auto entries = structure.direct.entries();
  for (std::size_t g = 0; g < aggregates; ++g) {
    for (const std::size_t i : structure.aggregates[g].rows) {
      entries.emplace_back(i, n + g);
    }
  }
  for (std::size_t k = 0; k < structure.intermediates.size(); ++k) {
    for (const std::size_t j : structure.intermediates[k].columns) {
      entries.emplace_back(first_intermediate + k, j);
    }
    for (const std::size_t h : structure.intermediates[k].aggregates) {
      entries.emplace_back(first_intermediate + k, n + h);
    }
  }
  return SparsityPattern::from_entries(first_intermediate + structure.intermediates.size(), entries);
}

}  // namespace

FiniteDifferenceJacobian::FiniteDifferenceJacobian(SparsityPattern pattern)
    : FiniteDifferenceJacobian(JacobianStructure{std::move(pattern), {}, {}}) {}

FiniteDifferenceJacobian::FiniteDifferenceJacobian(JacobianStructure structure)
    : structure_(std::move(structure)) {
  const std::size_t n = structure_.direct.size();
  const std::size_t aggregates = structure_.aggregates.size();
  y_work_.resize(n);
  f0_work_.resize(n);
  f_work_.resize(n);
  if (aggregates == 0) {
    pattern_ = structure_.direct;
    colouring_ = colour_columns(pattern_);
    groups_ = colouring_.columns_by_colour();
    plain_colours_ = colouring_.colours;
    delta_.resize(n);
    return;
  }
  for (const auto& aggregate : structure_.aggregates) {
    if (!std::is_sorted(aggregate.rows.begin(), aggregate.rows.end()) ||
        (!aggregate.rows.empty() && aggregate.rows.back() >= n)) {
      throw Error("Jacobian structure: the rows of an aggregate must be sorted and inside the system");
    }
  }
  pattern_ = structure_.full();
  aggregate_columns_ = structure_.aggregate_columns();
  // An aggregate no row reads, directly or through a later aggregate, adds nothing to df/dy: leave it and the
  // intermediates only it uses out of the colouring (a filter whose filtrate goes straight to a product).
  std::vector<bool> needed(aggregates, false);
  std::vector<bool> used(structure_.intermediates.size(), false);
  for (std::size_t g = aggregates; g-- > 0;) {
    needed[g] = needed[g] || !structure_.aggregates[g].rows.empty();
    if (!needed[g]) {
      structure_.aggregates[g].terms.clear();
      continue;
    }
    for (const auto& [k, coefficient] : structure_.aggregates[g].terms) {
      (void)coefficient;
      used[k] = true;
      for (const std::size_t h : structure_.intermediates[k].aggregates) {
        needed[h] = true;
      }
    }
  }
  for (std::size_t k = 0; k < used.size(); ++k) {
    if (!used[k]) {
      structure_.intermediates[k] = {};
    }
  }
  extended_ = extended_pattern(structure_);
  const std::size_t intermediates = structure_.intermediates.size();
  const std::size_t first_intermediate = n + aggregates;

  // Colour the columns of y and of the aggregates; columns without entries (the padding, unneeded aggregates)
  // need no evaluation and are left out of the groups.
  const ColumnColouring all = colour_columns(extended_);
  colouring_.colour_of_column.assign(
      all.colour_of_column.begin(),
      all.colour_of_column.begin() + static_cast<std::ptrdiff_t>(n + aggregates));
  groups_.assign(all.colours, {});
  for (std::size_t j = 0; j < n + aggregates; ++j) {
    if (!extended_.rows_of_column(j).empty()) {
      groups_[colouring_.colour_of_column[j]].push_back(j);
    }
  }
  std::erase_if(groups_, [](const std::vector<std::size_t>& group) { return group.empty(); });
  colouring_.colours = groups_.size();

  const auto pointers = extended_.column_pointers();
  const auto rows = extended_.row_indices();
  extended_to_full_.assign(extended_.nonzeros(), SparsityPattern::npos);
  intermediate_entries_.assign(intermediates, {});
  for (std::size_t j = 0; j < n + aggregates; ++j) {
    std::size_t state_rows = 0;  // rows of y come first in the sorted column
    for (std::size_t k = pointers[j]; k < pointers[j + 1]; ++k) {
      const std::size_t i = rows[k];
      if (i < n) {
        ++state_rows;
      } else if (i >= first_intermediate) {
        intermediate_entries_[i - first_intermediate].emplace_back(k, j);
      }
    }
    if (j < n) {
      pattern_.find_sorted(j, rows.subspan(pointers[j], state_rows),
                           std::span(extended_to_full_).subspan(pointers[j], state_rows));
    }
  }
  update_positions_.resize(aggregates);
  std::vector<std::size_t> column_positions;
  for (std::size_t g = 0; g < aggregates; ++g) {
    // Row-major over (rows, columns), filled a column at a time.
    const auto& aggregate_rows = structure_.aggregates[g].rows;
    const auto& columns = aggregate_columns_[g];
    update_positions_[g].resize(aggregate_rows.size() * columns.size());
    column_positions.resize(aggregate_rows.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
      pattern_.find_sorted(columns[c], aggregate_rows, column_positions);
      for (std::size_t r = 0; r < aggregate_rows.size(); ++r) {
        update_positions_[g][r * columns.size() + c] = column_positions[r];
      }
    }
  }
  delta_.resize(n + aggregates);
  extended_values_.resize(extended_.nonzeros());
  z0_.resize(intermediates);
  z_work_.resize(intermediates);
  a0_.resize(aggregates);
  a_work_.resize(aggregates);
  held_.resize(aggregates);
  aggregate_gradients_.resize(aggregates * n);
}

std::size_t FiniteDifferenceJacobian::plain_colours() const {
  if (plain_colours_ == 0) {
    plain_colours_ = colour_columns(pattern_).colours;
  }
  return plain_colours_;
}

void FiniteDifferenceJacobian::compute_increments(std::span<const double> y,
                                                  const DifferenceScaling& scaling) {
  for (std::size_t j = 0; j < y.size(); ++j) {
    const double weight = scaling.weights.empty() ? 1.0 : scaling.weights[j];
    double delta = std::max(sqrt_roundoff * std::abs(y[j]), scaling.floor_factor / weight);
    // A zero or non-finite weight or factor would give no usable increment: fall back.
    if (!(delta > 0.0) || !std::isfinite(delta)) {
      delta = sqrt_roundoff * std::max(std::abs(y[j]), 1.0);
    }
    delta_[j] = delta;
  }
}

std::size_t FiniteDifferenceJacobian::compute(SemiExplicitSystem& system, double t, std::span<const double> y,
                                              std::span<const double> f0, const DifferenceScaling& scaling,
                                              std::span<double> values) {
  const std::size_t n = structure_.direct.size();
  if (y.size() != n || values.size() != pattern_.nonzeros() || (!f0.empty() && f0.size() != n) ||
      (!scaling.weights.empty() && scaling.weights.size() != n)) {
    throw Error("finite-difference Jacobian: sizes do not match the pattern (n = " + std::to_string(n) + ")");
  }
  compute_increments(y, scaling);
  if (!structure_.aggregates.empty()) {
    return compute_aggregated(system, t, y, values);
  }
  std::size_t evaluations = 0;
  if (f0.empty()) {
    system.evaluate(t, y, f0_work_);
    ++evaluations;
    f0 = f0_work_;
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

std::size_t FiniteDifferenceJacobian::compute_aggregated(SemiExplicitSystem& system, double t,
                                                         std::span<const double> y,
                                                         std::span<double> values) {
  const std::size_t n = structure_.direct.size();
  const std::size_t aggregates = structure_.aggregates.size();
  const std::size_t first_intermediate = n + aggregates;
  system.evaluate_aggregated(t, y, {}, f0_work_, z0_, a0_);
  std::size_t evaluations = 1;
  // The aggregates' steps follow the relative size of the columns' steps (their median, for robustness):
  // √u·|y| for KINSOL-style scaling, about rtol for the integrators, whose model noise (nested solves to a
  // tolerance) a √u step of a would not rise above.
  relative_steps_.clear();
  for (std::size_t j = 0; j < n; ++j) {
    if (y[j] != 0.0) {
      relative_steps_.push_back(delta_[j] / std::abs(y[j]));
    }
  }
  double relative = sqrt_roundoff;
  if (!relative_steps_.empty()) {
    const auto middle = relative_steps_.begin() + static_cast<std::ptrdiff_t>(relative_steps_.size() / 2);
    std::nth_element(relative_steps_.begin(), middle, relative_steps_.end());
    relative = std::max(relative, *middle);
  }
  for (std::size_t g = 0; g < aggregates; ++g) {
    double delta = relative * std::max(std::abs(a0_[g]), std::abs(structure_.aggregates[g].scale));
    if (!(delta > 0.0) || !std::isfinite(delta)) {
      delta = sqrt_roundoff * std::max(std::abs(a0_[g]), 1.0);
    }
    delta_[n + g] = delta;
  }

  std::copy(y.begin(), y.end(), y_work_.begin());
  const auto pointers = extended_.column_pointers();
  const auto rows = extended_.row_indices();
  for (const auto& group : groups_) {
    std::copy(a0_.begin(), a0_.end(), held_.begin());
    for (const std::size_t j : group) {
      if (j < n) {
        y_work_[j] = y[j] + delta_[j];
        delta_[j] = y_work_[j] - y[j];  // the increment actually represented in floating point
      } else {
        held_[j - n] = a0_[j - n] + delta_[j];
        delta_[j] = held_[j - n] - a0_[j - n];
      }
    }
    const AggregatedValues near =
        system.evaluate_aggregated_near(t, y_work_, held_, f_work_, z_work_, a_work_);
    ++evaluations;
    for (const std::size_t j : group) {
      const double inverse_delta = 1.0 / delta_[j];
      for (std::size_t k = pointers[j]; k < pointers[j + 1]; ++k) {
        const std::size_t i = rows[k];
        const double change = i < n
                                  ? near.f[i] - f0_work_[i]
                                  : near.intermediates[i - first_intermediate] - z0_[i - first_intermediate];
        extended_values_[k] = change * inverse_delta;
      }
      if (j < n) {
        y_work_[j] = y[j];
      }
    }
  }

  std::fill(values.begin(), values.end(), 0.0);
  for (std::size_t k = 0; k < extended_values_.size(); ++k) {
    if (extended_to_full_[k] != SparsityPattern::npos) {
      values[extended_to_full_[k]] = extended_values_[k];
    }
  }
  // da_g/dy by the chain rule through the intermediates (earlier aggregates first), then the rank-one terms.
  for (std::size_t g = 0; g < aggregates; ++g) {
    double* gradient = aggregate_gradients_.data() + g * n;
    const auto& columns = aggregate_columns_[g];
    for (const std::size_t j : columns) {
      gradient[j] = 0.0;
    }
    for (const auto& [k, coefficient] : structure_.aggregates[g].terms) {
      for (const auto& [position, column] : intermediate_entries_[k]) {
        const double derivative = coefficient * extended_values_[position];
        if (column < n) {
          gradient[column] += derivative;
        } else {
          const std::size_t h = column - n;
          const double* earlier = aggregate_gradients_.data() + h * n;
          for (const std::size_t j : aggregate_columns_[h]) {
            gradient[j] += derivative * earlier[j];
          }
        }
      }
    }
    const auto& aggregate_rows = structure_.aggregates[g].rows;
    const std::size_t width = columns.size();
    for (std::size_t r = 0; r < aggregate_rows.size(); ++r) {
      const double on_aggregate =
          extended_values_[pointers[n + g] + r];  // ∂f_i/∂a_g, rows first in the column
      if (on_aggregate == 0.0) {
        continue;
      }
      const std::size_t* positions = update_positions_[g].data() + r * width;
      for (std::size_t c = 0; c < width; ++c) {
        values[positions[c]] += on_aggregate * gradient[columns[c]];
      }
    }
  }
  return evaluations;
}

}  // namespace hydromet::numerics
