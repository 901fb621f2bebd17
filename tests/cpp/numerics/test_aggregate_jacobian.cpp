// The finite-difference Jacobian with aggregates (JacobianStructure) against an analytic Jacobian: a system
// whose rows read two sums over every state, the second through intermediates that read the first.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "hydromet/core/error.hpp"
#include "hydromet/numerics/jacobian.hpp"

using namespace hydromet::numerics;

namespace {

// y of size n; intermediates z_k = y_k² (k < n) and w_k = y_k·exp(a1/s) (k < n, reading a1);
//   a1 = Σ_k c_k z_k,  a2 = Σ_k d_k w_k,  c_k = 1 + k/10,  d_k = 1/(k + 1);
//   f_i = sin(y_i) + y_i·y_{i+1}  + a1²·y_i/2 (i < 20)  + a2/(i + 1) (10 <= i <= 20),   f_{n−1} += a2 (a sum
//   row).
class TwoSums : public SemiExplicitSystem {
 public:
  static constexpr std::size_t n = 40;
  static constexpr double s = 50.0;
  std::size_t size() const override { return n; }
  void evaluate(double t, std::span<const double> y, std::span<double> f) override {
    std::vector<double> z(2 * n), a(2);
    evaluate_aggregated(t, y, {}, f, z, a);
  }
  JacobianStructure jacobian_structure() const override {
    JacobianStructure structure;
    std::vector<std::pair<std::size_t, std::size_t>> entries;
    for (std::size_t i = 0; i < n; ++i) {
      entries.emplace_back(i, i);
      if (i + 1 < n) {
        entries.emplace_back(i, i + 1);
      }
    }
    structure.direct = SparsityPattern::from_entries(n, entries);
    structure.intermediates.resize(2 * n);
    structure.aggregates.resize(2);
    for (std::size_t k = 0; k < n; ++k) {
      structure.intermediates[k].columns = {k};
      structure.intermediates[n + k].columns = {k};
      structure.intermediates[n + k].aggregates = {0};
      structure.aggregates[0].terms.emplace_back(k, c(k));
      structure.aggregates[1].terms.emplace_back(n + k, d(k));
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (i < 20) {
        structure.aggregates[0].rows.push_back(i);
      }
      if ((i >= 10 && i <= 20) || i == n - 1) {
        structure.aggregates[1].rows.push_back(i);
      }
    }
    return structure;
  }
  SparsityPattern jacobian_pattern() const override { return jacobian_structure().full(); }
  void evaluate_aggregated(double /*t*/, std::span<const double> y, std::span<const double> held,
                           std::span<double> f, std::span<double> z, std::span<double> a) override {
    ++evaluations;
    a[0] = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
      z[k] = y[k] * y[k];
      a[0] += c(k) * z[k];
    }
    if (!held.empty()) {
      a[0] = held[0];
    }
    a[1] = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
      z[n + k] = y[k] * std::exp(a[0] / s);
      a[1] += d(k) * z[n + k];
    }
    if (!held.empty()) {
      a[1] = held[1];
    }
    for (std::size_t i = 0; i < n; ++i) {
      f[i] = std::sin(y[i]) + (i + 1 < n ? y[i] * y[i + 1] : 0.0);
      if (i < 20) {
        f[i] += 0.5 * a[0] * a[0] * y[i];
      }
      if (i >= 10 && i <= 20) {
        f[i] += a[1] / static_cast<double>(i + 1);
      }
    }
    f[n - 1] += a[1];
  }
  // Dense analytic df/dy, row-major.
  std::vector<double> analytic(std::span<const double> y) const {
    double a1 = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
      a1 += c(k) * y[k] * y[k];
    }
    const double e = std::exp(a1 / s);
    double a2 = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
      a2 += d(k) * y[k] * e;
    }
    std::vector<double> da1(n), da2(n);
    double sum_dy = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
      sum_dy += d(k) * y[k];
    }
    for (std::size_t j = 0; j < n; ++j) {
      da1[j] = 2.0 * c(j) * y[j];
      da2[j] = d(j) * e + sum_dy * e / s * da1[j];
    }
    std::vector<double> jacobian(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      double* row = jacobian.data() + i * n;
      row[i] += std::cos(y[i]) + (i + 1 < n ? y[i + 1] : 0.0);
      if (i + 1 < n) {
        row[i + 1] += y[i];
      }
      for (std::size_t j = 0; j < n; ++j) {
        if (i < 20) {
          row[j] += a1 * y[i] * da1[j];
        }
        if (i >= 10 && i <= 20) {
          row[j] += da2[j] / static_cast<double>(i + 1);
        }
        if (i == n - 1) {
          row[j] += da2[j];
        }
      }
      if (i < 20) {
        row[i] += 0.5 * a1 * a1;
      }
    }
    return jacobian;
  }
  long evaluations = 0;

 private:
  static double c(std::size_t k) { return 1.0 + 0.1 * static_cast<double>(k); }
  static double d(std::size_t k) { return 1.0 / static_cast<double>(k + 1); }
};

}  // namespace

TEST_CASE("aggregated finite differences match the analytic Jacobian in a handful of colours") {
  TwoSums system;
  std::vector<double> y(TwoSums::n);
  for (std::size_t k = 0; k < y.size(); ++k) {
    y[k] = 0.3 + 0.05 * std::sin(static_cast<double>(3 * k + 1));
  }
  FiniteDifferenceJacobian plain(system.jacobian_pattern());
  FiniteDifferenceJacobian aggregated(system.jacobian_structure());
  CHECK(aggregated.pattern() == plain.pattern());
  // The plain colouring needs a colour per column of the dense rows; the aggregated one colours the
  // bidiagonal part, a1 (which every w_k reads) and a2.
  CHECK(plain.colours() == TwoSums::n);
  CHECK(aggregated.colours() <= 4);
  // Rows in the coloured matrix: the bidiagonal entries and one per sum read (a1 by rows 0..19, a2 by rows
  // 10..20 and the last), so rows 10..19 take 4 and no colouring can do with fewer.
  const auto lengths = system.jacobian_structure().coloured_row_lengths();
  REQUIRE(lengths.size() == TwoSums::n);
  CHECK(lengths[0] == 3);
  CHECK(lengths[15] == 4);
  CHECK(lengths[20] == 3);
  CHECK(lengths[30] == 2);
  CHECK(lengths[TwoSums::n - 1] == 2);
  CHECK(aggregated.colours() == *std::max_element(lengths.begin(), lengths.end()));

  std::vector<double> values(aggregated.pattern().nonzeros());
  system.evaluations = 0;
  const std::size_t evaluations = aggregated.compute(system, 0.0, y, {}, DifferenceScaling{}, values);
  CHECK(evaluations == aggregated.colours() + 1);
  CHECK(system.evaluations == static_cast<long>(evaluations));

  const auto exact = system.analytic(y);
  const auto& pattern = aggregated.pattern();
  double largest = 0.0;
  for (const double value : exact) {
    largest = std::max(largest, std::abs(value));
  }
  double worst = 0.0;
  std::size_t covered = 0;
  for (std::size_t j = 0; j < TwoSums::n; ++j) {
    for (std::size_t k = pattern.column_pointers()[j]; k < pattern.column_pointers()[j + 1]; ++k) {
      const std::size_t i = pattern.row_indices()[k];
      worst = std::max(worst, std::abs(values[k] - exact[i * TwoSums::n + j]));
      ++covered;
    }
  }
  // Every analytic nonzero is in the pattern.
  std::size_t nonzero = 0;
  for (const double value : exact) {
    nonzero += value != 0.0 ? 1 : 0;
  }
  CHECK(covered >= nonzero);
  // Forward differences with steps √u·|y|: errors of order √u times the curvature, here ~1e-7 of the largest
  // entry.
  MESSAGE("largest |J| " << largest << ", worst error " << worst);
  CHECK(worst < 1e-6 * largest);
}

TEST_CASE("an aggregate reading a later aggregate is rejected") {
  JacobianStructure structure;
  structure.direct = SparsityPattern::diagonal(3);
  structure.intermediates = {{{0}, {1}}};
  structure.aggregates.resize(2);
  structure.aggregates[0].terms = {{0, 1.0}};
  structure.aggregates[0].rows = {2};
  CHECK_THROWS_AS((void)structure.full(), hydromet::Error);
}
