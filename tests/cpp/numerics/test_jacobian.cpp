// Tests of the coloured finite-difference Jacobian against an analytic one.
#include <doctest/doctest.h>

#include <cmath>
#include <utility>
#include <vector>

#include "hydromet/numerics/jacobian.hpp"

using namespace hydromet::numerics;

namespace {

// A nonlinear chain: f_i = a·y_{i−1} − b·y_i² + c·y_i·y_{i+1} + sin(y_i), a tridiagonal Jacobian.
class Chain : public SemiExplicitSystem {
 public:
  explicit Chain(std::size_t n) : n_(n) {}
  std::size_t size() const override { return n_; }
  void evaluate(double /*t*/, std::span<const double> y, std::span<double> f) override {
    ++evaluations_;
    for (std::size_t i = 0; i < n_; ++i) {
      f[i] = -b_ * y[i] * y[i] + std::sin(y[i]);
      if (i > 0) {
        f[i] += a_ * y[i - 1];
      }
      if (i + 1 < n_) {
        f[i] += c_ * y[i] * y[i + 1];
      }
    }
  }
  SparsityPattern jacobian_pattern() const override {
    std::vector<std::pair<std::size_t, std::size_t>> entries;
    for (std::size_t i = 0; i < n_; ++i) {
      for (std::size_t j = (i == 0 ? 0 : i - 1); j <= i + 1 && j < n_; ++j) {
        entries.emplace_back(i, j);
      }
    }
    return SparsityPattern::from_entries(n_, entries);
  }
  bool jacobian(double /*t*/, std::span<const double> y, std::span<double> values) override {
    const auto pattern = jacobian_pattern();
    for (std::size_t j = 0; j < n_; ++j) {
      for (std::size_t k = pattern.column_pointers()[j]; k < pattern.column_pointers()[j + 1]; ++k) {
        const std::size_t i = pattern.row_indices()[k];
        if (i == j + 1) {
          values[k] = a_;
        } else if (i == j) {
          values[k] = -2.0 * b_ * y[i] + std::cos(y[i]) + (i + 1 < n_ ? c_ * y[i + 1] : 0.0);
        } else {
          values[k] = c_ * y[i];  // i == j − 1
        }
      }
    }
    return true;
  }
  long evaluations_ = 0;

 private:
  std::size_t n_;
  double a_ = 1.0;
  double b_ = 0.3;
  double c_ = 0.2;
};

}  // namespace

TEST_CASE("coloured FD Jacobian of a chain: 3 colours, 4 evaluations, analytic to 1e-7") {
  const std::size_t n = 25;
  Chain chain(n);
  FiniteDifferenceJacobian fd(chain.jacobian_pattern());
  CHECK(fd.colours() == 3);

  std::vector<double> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = 0.5 + 0.1 * static_cast<double>(i) * (i % 2 == 0 ? 1.0 : -1.0);
  }
  std::vector<double> values(fd.pattern().nonzeros());
  chain.evaluations_ = 0;
  const std::size_t used = fd.compute(chain, 0.0, y, {}, DifferenceScaling{}, values);
  CHECK(used == 4);
  CHECK(chain.evaluations_ == 4);

  std::vector<double> exact(values.size());
  REQUIRE(chain.jacobian(0.0, y, exact));
  for (std::size_t k = 0; k < values.size(); ++k) {
    CAPTURE(k);
    CHECK(std::abs(values[k] - exact[k]) <= 1e-7 * std::max(std::abs(exact[k]), 1e-2));
  }

  // With f(t, y) supplied only the 3 coloured evaluations remain.
  std::vector<double> f0(n);
  chain.evaluate(0.0, y, f0);
  chain.evaluations_ = 0;
  CHECK(fd.compute(chain, 0.0, y, f0, DifferenceScaling{}, values) == 3);
  CHECK(chain.evaluations_ == 3);
}

TEST_CASE("FD increments follow the solver weights") {
  // Row 1 sums a large and a tiny unknown, like a conservation row: at y = (1, 0) the relative
  // increment of y_1 vanishes, and only the weight floor makes its column visible.
  class Linear : public SemiExplicitSystem {
   public:
    std::size_t size() const override { return 2; }
    void evaluate(double, std::span<const double> y, std::span<double> f) override {
      f[0] = -3.0 * y[0] + 2.0 * y[1];
      f[1] = y[0] + y[1] - 1.0;
    }
  } linear;
  FiniteDifferenceJacobian fd(SparsityPattern::dense(2));
  std::vector<double> y{1.0, 0.0};
  std::vector<double> weights{1e6, 1e10};  // atol = 1e-10 for y_1, as an integrator passes it
  std::vector<double> values(4);
  fd.compute(linear, 0.0, y, {}, DifferenceScaling{weights, 1.0}, values);
  CHECK(values[0] == doctest::Approx(-3.0).epsilon(1e-6));
  CHECK(values[1] == doctest::Approx(1.0).epsilon(1e-6));
  CHECK(values[2] == doctest::Approx(2.0).epsilon(1e-5));
  CHECK(values[3] == doctest::Approx(1.0).epsilon(1e-5));
  // With the tiny default floor √u/w the increment of y_1 is lost in y_0 + y_1 − 1.
  fd.compute(linear, 0.0, y, {}, DifferenceScaling{weights}, values);
  CHECK(values[3] == 0.0);
  std::vector<double> short_weights{1.0};
  CHECK_THROWS_AS(fd.compute(linear, 0.0, y, {}, DifferenceScaling{short_weights, 0.0}, values),
                  hydromet::Error);
}
