// Callback guard, Jacobian assembly and diagnostics shared by the SUNDIALS-driving solvers.
#include "numerics/solver_support.hpp"

#include <idas/idas.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "numerics/serial_kernels.hpp"

namespace hydromet::numerics::detail {

CallbackGuard::CallbackGuard(double wall_clock_limit)
    : start_(std::chrono::steady_clock::now()), limit_(wall_clock_limit > 0.0 ? wall_clock_limit : 0.0) {}

void CallbackGuard::rethrow_pending() {
  if (pending_) {
    std::exception_ptr pending = std::exchange(pending_, nullptr);
    std::rethrow_exception(pending);
  }
}

double CallbackGuard::elapsed() const noexcept {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void CallbackGuard::restart_clock() {
  start_ = std::chrono::steady_clock::now();
  wall_clock_exceeded_ = false;
}

void CallbackGuard::note_recoverable(const char* message) noexcept {
  try {
    last_recoverable_ = message;
  } catch (...) {
    // Out of memory while keeping a diagnostic: the return code still tells SUNDIALS what happened.
  }
}

JacobianAssembler::JacobianAssembler(SemiExplicitSystem& system)
    : system_(system), pattern_(), fd_(system.jacobian_structure()) {
  const SparsityPattern& system_pattern = fd_.pattern();
  if (system_pattern.size() != system.size()) {
    throw Error("jacobian_pattern() is " + std::to_string(system_pattern.size()) + "x" +
                std::to_string(system_pattern.size()) + " for a system of size " +
                std::to_string(system.size()));
  }
  pattern_ = system_pattern.with_diagonal();
  scatter_.resize(system_pattern.nonzeros());
  const auto pointers = system_pattern.column_pointers();
  for (std::size_t j = 0; j < system_pattern.size(); ++j) {
    pattern_.find_sorted(j, system_pattern.rows_of_column(j),
                         std::span(scatter_).subspan(pointers[j], pointers[j + 1] - pointers[j]));
  }
  diagonal_.resize(pattern_.size());
  for (std::size_t j = 0; j < pattern_.size(); ++j) {
    diagonal_[j] = pattern_.find(j, j);
  }
  system_values_.resize(system_pattern.nonzeros());
}

std::size_t JacobianAssembler::compute(double t, std::span<const double> y, std::span<const double> f0,
                                       const DifferenceScaling& scaling, std::span<double> values) {
  std::fill(system_values_.begin(), system_values_.end(), 0.0);
  std::size_t evaluations = 0;
  if (try_analytic_) {
    analytic_ = system_.jacobian(t, y, system_values_);
    try_analytic_ = analytic_;
  }
  if (!analytic_) {
    evaluations = fd_.compute(system_, t, y, f0, scaling, system_values_);
  }
  std::fill(values.begin(), values.end(), 0.0);
  for (std::size_t k = 0; k < scatter_.size(); ++k) {
    values[scatter_[k]] = system_values_[k];
  }
  return evaluations;
}

std::vector<ComponentError> worst_components(const SemiExplicitSystem& system,
                                             std::span<const double> weighted_errors, std::size_t count) {
  const auto magnitude = [&](std::size_t i) {
    const double value = std::abs(weighted_errors[i]);
    return std::isfinite(value) ? value : std::numeric_limits<double>::infinity();
  };
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < weighted_errors.size(); ++i) {
    if (magnitude(i) > 0.0) {
      order.push_back(i);
    }
  }
  const std::size_t kept = std::min(count, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(kept), order.end(),
                    [&](std::size_t a, std::size_t b) { return magnitude(a) > magnitude(b); });
  std::vector<ComponentError> result;
  result.reserve(kept);
  for (std::size_t k = 0; k < kept; ++k) {
    result.push_back({system.component_name(order[k]), weighted_errors[order[k]]});
  }
  return result;
}

QuadratureWeights::QuadratureWeights(std::size_t n, double rtol, double atol,
                                     std::vector<double> atol_components,
                                     const std::vector<bool>& quadrature_components,
                                     const std::vector<bool>& error_test_exempt)
    : rtol_(rtol), atol_(atol), atol_components_(std::move(atol_components)) {
  const auto uncounted =
      static_cast<std::size_t>(std::count(quadrature_components.begin(), quadrature_components.end(), true) +
                               std::count(error_test_exempt.begin(), error_test_exempt.end(), true));
  if (uncounted > 0 && uncounted < n) {
    factor_ = std::sqrt(static_cast<double>(n) / static_cast<double>(n - uncounted));
    plain_.assign(n, 0.0);
  }
}

bool QuadratureWeights::compute(std::span<const double> y, std::span<double> weights) {
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double tolerance =
        rtol_ * std::abs(y[i]) + (atol_components_.empty() ? atol_ : atol_components_[i]);
    if (!(tolerance > 0.0)) {
      return false;  // as CVODES and IDAS refuse a zero tolerance at y_i = 0
    }
    plain_[i] = 1.0 / tolerance;
    weights[i] = factor_ * plain_[i];
  }
  return true;
}

sundials::SerialVector error_test_mask(const SemiExplicitSystem& system, const std::vector<bool>& exempt,
                                       std::span<const double> mass, SUNContext context) {
  if (std::find(exempt.begin(), exempt.end(), true) == exempt.end()) {
    return {};
  }
  if (exempt.size() != mass.size()) {
    throw Error("DynamicOptions: error_test_exempt has " + std::to_string(exempt.size()) + " entries for " +
                std::to_string(mass.size()) + " unknowns");
  }
  sundials::SerialVector mask(mass.size(), context);
  use_compiled_kernels(mask.get());
  const auto values = mask.values();
  for (std::size_t i = 0; i < mass.size(); ++i) {
    if (exempt[i] && mass[i] != 0.0) {
      throw Error("DynamicOptions: error_test_exempt marks component " + std::to_string(i) + " (" +
                  system.component_name(i) + "), a differential row; only algebraic rows may be exempt");
    }
    values[i] = exempt[i] ? 0.0 : 1.0;
  }
  return mask;
}

int calculate_ic(void* idas_memory, N_Vector id, N_Vector mask, double t_first_output) {
  if (mask != nullptr) {
    sundials::check_flag(IDASetId(idas_memory, id), "IDASetId");
  }
  const int flag = IDACalcIC(idas_memory, IDA_YA_YDP_INIT, t_first_output);
  if (mask != nullptr) {
    sundials::check_flag(IDASetId(idas_memory, mask), "IDASetId");
  }
  return flag;
}

bool use_dense(LinearSolverKind kind, std::size_t n, std::size_t dense_limit) {
  switch (kind) {
    case LinearSolverKind::dense:
      return true;
    case LinearSolverKind::klu:
      return false;
    case LinearSolverKind::automatic:
      break;
  }
  return n < dense_limit;
}

double max_norm(std::span<const double> v, std::span<const double> scale) {
  double result = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double value = std::abs(scale.empty() ? v[i] : scale[i] * v[i]);
    if (std::isnan(value)) {
      return value;
    }
    result = std::max(result, value);
  }
  return result;
}

}  // namespace hydromet::numerics::detail
