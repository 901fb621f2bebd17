// Tests of SteadySolver: Newton, pseudo-transient continuation, and their failures.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "hydromet/core/error.hpp"
#include "hydromet/numerics/steady_solver.hpp"

using namespace hydromet::numerics;
using hydromet::SolverError;

namespace {

using Rhs = std::function<void(std::span<const double>, std::span<double>)>;

class FunctionSystem : public SemiExplicitSystem {
 public:
  FunctionSystem(std::size_t n, Rhs rhs) : n_(n), rhs_(std::move(rhs)) {}
  std::size_t size() const override { return n_; }
  void evaluate(double, std::span<const double> y, std::span<double> f) override { rhs_(y, f); }
  std::vector<bool> differential_rows() const override {
    return differential.empty() ? SemiExplicitSystem::differential_rows() : differential;
  }
  SparsityPattern jacobian_pattern() const override {
    return pattern ? *pattern : SemiExplicitSystem::jacobian_pattern();
  }
  std::string component_name(std::size_t i) const override { return "tank.c[" + std::to_string(i) + "]"; }

  std::vector<bool> differential;
  std::optional<SparsityPattern> pattern;

 private:
  std::size_t n_;
  Rhs rhs_;
};

struct ModelBug : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// f(y) = b − A·y − y³ (componentwise cube), A = tridiag(−1, 3, −1): a stable system with the
// known root y*_i = 1 + 0.01·i, since b is built from it.
FunctionSystem stable_chain(std::size_t n) {
  const auto apply = [n](std::span<const double> y, std::span<double> out) {
    for (std::size_t i = 0; i < n; ++i) {
      out[i] = 3.0 * y[i] + y[i] * y[i] * y[i];
      if (i > 0) {
        out[i] -= y[i - 1];
      }
      if (i + 1 < n) {
        out[i] -= y[i + 1];
      }
    }
  };
  std::vector<double> root(n);
  std::vector<double> b(n);
  for (std::size_t i = 0; i < n; ++i) {
    root[i] = 1.0 + 0.01 * static_cast<double>(i);
  }
  apply(root, b);
  FunctionSystem system(n, [apply, b, n](std::span<const double> y, std::span<double> f) {
    apply(y, f);
    for (std::size_t i = 0; i < n; ++i) {
      f[i] = b[i] - f[i];
    }
  });
  std::vector<std::pair<std::size_t, std::size_t>> entries;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = (i == 0 ? 0 : i - 1); j <= i + 1 && j < n; ++j) {
      entries.emplace_back(i, j);
    }
  }
  system.pattern = SparsityPattern::from_entries(n, entries);
  return system;
}

// dy/dt = −(y³ − 2y + 2): one real root r, stable. Newton from 0 cycles 0 → 1 → 0 and, with a
// line search, stalls near the local minimum of |f| at y = sqrt(2/3).
void cubic(std::span<const double> y, std::span<double> f) {
  f[0] = -(y[0] * y[0] * y[0] - 2.0 * y[0] + 2.0);
}
// The real root of y³ − 2y + 2 (Cardano): −(cbrt(1 + sqrt(19/27)) + cbrt(1 − sqrt(19/27))).
const double cubic_root =
    -(std::cbrt(1.0 + std::sqrt(19.0 / 27.0)) + std::cbrt(1.0 - std::sqrt(19.0 / 27.0)));

}  // namespace

TEST_CASE("Newton finds the known root of x^2 + y^2 = 4, x·y = 1") {
  FunctionSystem system(2, [](std::span<const double> y, std::span<double> f) {
    f[0] = y[0] * y[0] + y[1] * y[1] - 4.0;
    f[1] = y[0] * y[1] - 1.0;
  });
  SteadySolver solver(system);
  const std::vector<double> guess{2.0, 0.5};
  const auto result = solver.solve(guess);
  CHECK(result.converged);
  CHECK(result.method == "newton");
  CHECK(result.y[0] == doctest::Approx(std::sqrt(2.0 + std::sqrt(3.0))).epsilon(1e-12));
  CHECK(result.y[1] == doctest::Approx(std::sqrt(2.0 - std::sqrt(3.0))).epsilon(1e-12));
  CHECK(result.scaled_residual_norm <= 1e-10);
  CHECK(result.iterations >= 1);
  CHECK(result.iterations < 20);
  CHECK(result.rhs_evaluations > result.iterations);
  CHECK(result.jacobian_evaluations >= 1);
  CHECK(result.flag == "KIN_SUCCESS");
}

TEST_CASE("Newton and pseudo-transient reach the same root on an easy case (dense and KLU)") {
  for (const std::size_t n : {5UL, 80UL}) {
    auto system = stable_chain(n);
    const std::vector<double> guess(n, 0.5);
    SteadySolver newton(system);
    const auto direct = newton.solve(guess);
    SteadyOptions options;
    options.force_pseudo_transient = true;
    SteadySolver pseudo(system, options);
    const auto continued = pseudo.solve(guess);
    CAPTURE(n);
    REQUIRE(direct.converged);
    REQUIRE(continued.converged);
    CHECK(direct.method == "newton");
    CHECK(continued.method == "pseudo-transient");
    CHECK(continued.pseudo_steps >= 1);
    CHECK(direct.jacobian_colours == 3);
    for (std::size_t i = 0; i < n; ++i) {
      CHECK(std::abs(direct.y[i] - continued.y[i]) <= 1e-10);
      CHECK(std::abs(direct.y[i] - (1.0 + 0.01 * static_cast<double>(i))) <= 1e-10);
    }
  }
}

TEST_CASE("a guess that already satisfies f is returned without setting up Newton; a re-solve reuses it") {
  auto system = stable_chain(80);
  std::vector<double> root(80);
  for (std::size_t i = 0; i < root.size(); ++i) {
    root[i] = 1.0 + 0.01 * static_cast<double>(i);
  }
  SteadySolver solver(system);
  const auto at_root = solver.solve(root);
  REQUIRE(at_root.converged);
  CHECK(at_root.method == "newton");
  CHECK(at_root.y == root);  // untouched
  CHECK(at_root.iterations == 0);
  CHECK(at_root.rhs_evaluations == 1);
  CHECK(at_root.jacobian_evaluations == 0);
  CHECK(at_root.jacobian_colours == 0);  // no Jacobian was set up
  CHECK(at_root.flag == "KIN_INITIAL_GUESS_OK");
  // The same solver from a guess that needs Newton sets it up then, and finds the same root.
  const std::vector<double> guess(80, 0.5);
  const auto solved = solver.solve(guess);
  REQUIRE(solved.converged);
  CHECK(solved.iterations >= 1);
  CHECK(solved.jacobian_colours == 3);
  for (std::size_t i = 0; i < root.size(); ++i) {
    CHECK(std::abs(solved.y[i] - root[i]) <= 1e-10);
  }
}

TEST_CASE("plain Newton fails from a bad guess where pseudo-transient converges") {
  FunctionSystem system(1, cubic);
  const std::vector<double> guess{0.0};

  SteadyOptions newton_only;
  newton_only.pseudo_transient_fallback = false;
  newton_only.throw_on_failure = false;
  const auto failed = SteadySolver(system, newton_only).solve(guess);
  CHECK_FALSE(failed.converged);
  CHECK(failed.method.empty());

  newton_only.throw_on_failure = true;
  try {
    SteadySolver(system, newton_only).solve(guess);
    FAIL("expected a SolverError");
  } catch (const SolverError& error) {
    MESSAGE(std::string(error.what()));
    CHECK(error.details().solver == "KINSOL");
    CHECK(error.details().flag.rfind("KIN_", 0) == 0);
    CHECK(std::isnan(error.details().time));
    REQUIRE_FALSE(error.details().worst_components.empty());
    CHECK(error.details().worst_components.front().name == "tank.c[0]");
  }

  const auto result = SteadySolver(system).solve(guess);
  REQUIRE(result.converged);
  CHECK(result.method == "pseudo-transient");
  CHECK(result.y[0] == doctest::Approx(cubic_root).epsilon(1e-12));
  CHECK(result.pseudo_steps >= 1);
}

TEST_CASE("pseudo-transient respects algebraic rows") {
  // y1' = 1 − y1 − y2·y1, 0 = y2 − y1²: steady y1 solves y1³ + y1 − 1 = 0.
  FunctionSystem system(2, [](std::span<const double> y, std::span<double> f) {
    f[0] = 1.0 - y[0] - y[1] * y[0];
    f[1] = y[1] - y[0] * y[0];
  });
  system.differential = {true, false};
  SteadyOptions options;
  options.force_pseudo_transient = true;
  const std::vector<double> guess{0.0, 0.0};
  const auto result = SteadySolver(system, options).solve(guess);
  REQUIRE(result.converged);
  const double y1 = result.y[0];
  CHECK(y1 * y1 * y1 + y1 - 1.0 == doctest::Approx(0.0).epsilon(1e-12));
  CHECK(result.y[1] == doctest::Approx(y1 * y1).epsilon(1e-12));
}

TEST_CASE("constraints keep KINSOL's iterates inside the model's domain") {
  // f = atan(y − 1), a model defined for y >= 0 only: from 4 the full Newton step lands at −8.5.
  FunctionSystem system(1, [](std::span<const double> y, std::span<double> f) {
    if (y[0] < 0.0) {
      throw ModelBug("evaluated at negative y");
    }
    f[0] = std::atan(y[0] - 1.0);
  });
  const std::vector<double> guess{4.0};
  CHECK_THROWS_AS(SteadySolver(system).solve(guess), ModelBug);

  SteadyOptions options;
  options.constraints = {Constraint::non_negative};
  const auto result = SteadySolver(system, options).solve(guess);
  REQUIRE(result.converged);
  CHECK(result.method == "newton");
  CHECK(result.y[0] == doctest::Approx(1.0).epsilon(1e-12));

  const std::vector<double> violating{-0.5};
  CHECK_THROWS_AS(SteadySolver(system, options).solve(violating), hydromet::Error);
}

TEST_CASE("a system without a steady state ends after max_pseudo_steps") {
  FunctionSystem system(1, [](std::span<const double>, std::span<double> f) { f[0] = 1.0; });
  SteadyOptions options;
  options.max_pseudo_steps = 30;
  options.throw_on_failure = false;
  const std::vector<double> guess{0.0};
  const auto result = SteadySolver(system, options).solve(guess);
  CHECK_FALSE(result.converged);
  CHECK(result.pseudo_steps <= 30);
  options.throw_on_failure = true;
  CHECK_THROWS_AS(SteadySolver(system, options).solve(guess), SolverError);
}

TEST_CASE("exceptions from the model and the wall clock") {
  FunctionSystem buggy(1, [](std::span<const double> y, std::span<double> f) {
    if (y[0] > 1.5) {
      throw ModelBug("bug above 1.5");
    }
    f[0] = 2.0 - y[0];
  });
  const std::vector<double> guess{0.0};
  CHECK_THROWS_WITH_AS(SteadySolver(buggy).solve(guess), "bug above 1.5", ModelBug);

  FunctionSystem slow(1, [](std::span<const double>, std::span<double> f) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    f[0] = 1.0;  // no root: only the clock can stop it
  });
  SteadyOptions options;
  options.max_pseudo_steps = 1000000;
  options.wall_clock_limit = 0.1;
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH_AS(SteadySolver(slow, options).solve(guess),
                       doctest::Contains("wall-clock limit of 0.1 s exceeded"), SolverError);
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 2.0);
}
