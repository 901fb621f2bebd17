// Tests of DynamicSolver (CVODES and IDAS) against analytic and published solutions.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "hydromet/core/error.hpp"
#include "hydromet/numerics/dynamic_solver.hpp"

using namespace hydromet::numerics;
using hydromet::SolverError;

namespace {

using Rhs = std::function<void(double, std::span<const double>, std::span<double>)>;

// A system from a lambda, with optional algebraic rows, pattern and component names.
class FunctionSystem : public SemiExplicitSystem {
 public:
  FunctionSystem(std::size_t n, Rhs rhs) : n_(n), rhs_(std::move(rhs)) {}
  std::size_t size() const override { return n_; }
  void evaluate(double t, std::span<const double> y, std::span<double> f) override {
    ++evaluations;
    rhs_(t, y, f);
  }
  std::vector<bool> differential_rows() const override {
    return differential.empty() ? SemiExplicitSystem::differential_rows() : differential;
  }
  SparsityPattern jacobian_pattern() const override {
    return pattern ? *pattern : SemiExplicitSystem::jacobian_pattern();
  }
  std::string component_name(std::size_t i) const override {
    return prefix.empty() ? SemiExplicitSystem::component_name(i) : prefix + "[" + std::to_string(i) + "]";
  }

  std::vector<bool> differential;
  std::optional<SparsityPattern> pattern;
  std::string prefix;
  long evaluations = 0;

 private:
  std::size_t n_;
  Rhs rhs_;
};

// n independent decays y_i' = −k_i·y_i, k_i = 0.5 + 0.05·i; diagonal pattern.
FunctionSystem decays(std::size_t n) {
  FunctionSystem system(n, [](double, std::span<const double> y, std::span<double> f) {
    for (std::size_t i = 0; i < y.size(); ++i) {
      f[i] = -(0.5 + 0.05 * static_cast<double>(i)) * y[i];
    }
  });
  system.pattern = SparsityPattern::diagonal(n);
  return system;
}

void check_decays(LinearSolverKind kind, std::size_t n, const std::string& expected_solver) {
  auto system = decays(n);
  DynamicOptions options;
  options.rtol = 1e-11;
  options.atol = 1e-14;
  options.linear_solver = kind;
  const std::vector<double> y0(n, 1.0);
  DynamicSolver solver(system, 0.0, y0, options);
  std::vector<double> y(n);
  double worst = 0.0;
  for (const double t : {0.1, 0.5, 1.0, 2.0, 5.0}) {
    CHECK(solver.advance_to(t, y) == t);
    for (std::size_t i = 0; i < n; ++i) {
      const double exact = std::exp(-(0.5 + 0.05 * static_cast<double>(i)) * t);
      // Relative error, measured against 1e-5 where the solution has decayed below it (atol regime).
      worst = std::max(worst, std::abs(y[i] - exact) / std::max(exact, 1e-5));
    }
  }
  CHECK(worst < 1e-8);
  const auto s = solver.statistics();
  CHECK(s.method == "CVODES");
  CHECK(s.linear_solver == expected_solver);
  CHECK(s.steps > 10);
  CHECK(s.rhs_evaluations == system.evaluations);
  CHECK(s.jacobian_evaluations >= 1);
  CHECK(s.jacobian_colours == 1);
  CHECK(s.linear_solver_setups >= s.jacobian_evaluations);
  CHECK(s.nonlinear_iterations >= s.steps);
  CHECK(s.last_step > 0.0);
}

// Robertson's chemical kinetics (Robertson 1966; Hairer & Wanner, Solving ODEs II, §IV.1).
void robertson(double, std::span<const double> y, std::span<double> f) {
  f[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
  f[1] = 0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] * y[1];
  f[2] = 3e7 * y[1] * y[1];
}

// Output of the SUNDIALS example cvRoberts_dns (examples/cvode/serial/cvRoberts_dns.out),
// computed with rtol = 1e-4, so good to about 1e-4 relative.
struct RobertsonReference {
  double t;
  double y[3];
};
constexpr RobertsonReference robertson_reference[] = {
    {0.4, {9.851641e-01, 3.386242e-05, 1.480205e-02}},
    {40.0, {7.158017e-01, 9.185037e-06, 2.841892e-01}},
    {4.0e5, {4.937043e-03, 1.984465e-08, 9.950629e-01}},
};

std::vector<std::vector<double>> run_robertson(FunctionSystem& system, LinearSolverKind kind,
                                               DynamicOptions options = {}) {
  options.linear_solver = kind;
  options.rtol = 1e-8;
  options.atol_components = {1e-12, 1e-16, 1e-10};
  const std::vector<double> y0{1.0, 0.0, 0.0};
  DynamicSolver solver(system, 0.0, y0, options);
  std::vector<std::vector<double>> results;
  for (const auto& reference : robertson_reference) {
    std::vector<double> y(3);
    solver.advance_to(reference.t, y);
    CAPTURE(reference.t);
    for (int i = 0; i < 3; ++i) {
      CHECK(y[static_cast<std::size_t>(i)] == doctest::Approx(reference.y[i]).epsilon(2e-4));
    }
    CHECK(std::abs(y[0] + y[1] + y[2] - 1.0) < 1e-10);
    results.push_back(y);
  }
  return results;
}

struct ModelBug : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace

TEST_CASE("exponential decay matches exp(-kt) to 1e-8 with dense and KLU") {
  check_decays(LinearSolverKind::dense, 3, "dense");
  check_decays(LinearSolverKind::klu, 3, "KLU");
  check_decays(LinearSolverKind::automatic, 60, "KLU");
  check_decays(LinearSolverKind::automatic, 4, "dense");
}

TEST_CASE("an analytic Jacobian replaces the finite differences") {
  class Decay : public SemiExplicitSystem {
   public:
    std::size_t size() const override { return 1; }
    void evaluate(double, std::span<const double> y, std::span<double> f) override { f[0] = -2.0 * y[0]; }
    bool jacobian(double, std::span<const double>, std::span<double> values) override {
      values[0] = -2.0;
      return true;
    }
  } decay;
  DynamicOptions options;
  options.rtol = 1e-10;
  options.atol = 1e-14;
  const std::vector<double> y0{1.0};
  DynamicSolver solver(decay, 0.0, y0, options);
  std::vector<double> y(1);
  solver.advance_to(1.0, y);
  CHECK(y[0] == doctest::Approx(std::exp(-2.0)).epsilon(1e-8));
  CHECK(solver.statistics().analytic_jacobian);
  CHECK(solver.statistics().jacobian_colours == 0);
  CHECK(solver.statistics().rhs_evaluations < 1000);
}

TEST_CASE("Robertson through CVODES and through IDAS with an algebraic conservation row") {
  FunctionSystem ode(3, robertson);
  const auto cvodes = run_robertson(ode, LinearSolverKind::dense);

  FunctionSystem dae(3, [](double t, std::span<const double> y, std::span<double> f) {
    robertson(t, y, f);
    f[2] = y[0] + y[1] + y[2] - 1.0;
  });
  dae.differential = {true, true, false};
  const auto idas = run_robertson(dae, LinearSolverKind::klu);

  for (std::size_t k = 0; k < cvodes.size(); ++k) {
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(idas[k][i] == doctest::Approx(cvodes[k][i]).epsilon(1e-5));
    }
  }
}

TEST_CASE("IDAS reusing df/dy across Newton-matrix requests keeps Robertson's answer with fewer Jacobians") {
  FunctionSystem dae(3, [](double t, std::span<const double> y, std::span<double> f) {
    robertson(t, y, f);
    f[2] = y[0] + y[1] + y[2] - 1.0;
  });
  dae.differential = {true, true, false};
  DynamicOptions always_fresh;
  always_fresh.jacobian_reuse_steps = 0;
  DynamicOptions reused;
  reused.jacobian_reuse_colours = 0;  // reuse even this 3-colour Jacobian
  const auto fresh = run_robertson(dae, LinearSolverKind::klu, always_fresh);
  const auto kept = run_robertson(dae, LinearSolverKind::klu, reused);
  for (std::size_t k = 0; k < fresh.size(); ++k) {
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(kept[k][i] == doctest::Approx(fresh[k][i]).epsilon(1e-5));
    }
  }
  const auto jacobians = [&](const DynamicOptions& options) {
    DynamicOptions settings = options;
    settings.linear_solver = LinearSolverKind::klu;
    settings.rtol = 1e-8;
    settings.atol_components = {1e-12, 1e-16, 1e-10};
    DynamicSolver solver(dae, 0.0, std::vector<double>{1.0, 0.0, 0.0}, settings);
    std::vector<double> y(3);
    solver.advance_to(4.0e5, y);
    const auto statistics = solver.statistics();
    MESSAGE("Jacobians " << statistics.jacobian_evaluations << ", setups " << statistics.linear_solver_setups
                         << ", steps " << statistics.steps);
    return statistics;
  };
  const auto fresh_statistics = jacobians(always_fresh);
  const auto kept_statistics = jacobians(reused);
  CHECK(fresh_statistics.jacobian_evaluations == fresh_statistics.linear_solver_setups);
  CHECK(kept_statistics.jacobian_evaluations < kept_statistics.linear_solver_setups);
  CHECK(kept_statistics.jacobian_evaluations < fresh_statistics.jacobian_evaluations);
}

// y' = −y with `quadratures` running totals q_j' = j·y that nothing reads, by default 1e12 times their rates
// (a plant's cumulative amounts beside its holdups, at the extreme: their weighted local errors vanish).
// Returns y at the outputs, the steps taken, and the worst relative error of y against exp(−t).
struct QuadratureRun {
  std::vector<double> y;
  long steps = 0;
  double worst = 0.0;
  double worst_total = 0.0;  // of q_1 against its exact q0 + 1 − exp(−t), relative
};
QuadratureRun run_with_quadratures(std::size_t quadratures, bool declared, bool dae, double q0 = 1e12) {
  // IDAS: a second, algebraic component z = y, which the totals read instead of y.
  const std::size_t first = dae ? 2 : 1;
  const std::size_t n = first + quadratures;
  FunctionSystem system(n, [first](double, std::span<const double> y, std::span<double> f) {
    f[0] = -y[0];
    if (first == 2) {
      f[1] = y[1] - y[0];
    }
    for (std::size_t j = first; j < y.size(); ++j) {
      f[j] = static_cast<double>(j + 1 - first) * y[first - 1];
    }
  });
  if (dae) {
    system.differential.assign(n, true);
    system.differential[1] = false;
  }
  DynamicOptions options;
  options.rtol = 1e-5;
  options.atol = 1e-10;
  options.linear_solver = dae ? LinearSolverKind::klu : LinearSolverKind::dense;
  if (declared && quadratures > 0) {
    options.quadrature_components.assign(n, true);
    std::fill_n(options.quadrature_components.begin(), first, false);
  }
  std::vector<double> y0(n, q0);
  std::fill_n(y0.begin(), first, 1.0);
  DynamicSolver solver(system, 0.0, y0, options);
  CHECK(solver.statistics().method == (dae ? "IDAS" : "CVODES"));
  QuadratureRun run;
  std::vector<double> y(n);
  for (int k = 1; k <= 20; ++k) {
    const double t = 0.5 * k;
    solver.advance_to(t, y);
    run.y.push_back(y[0]);
    run.worst = std::max(run.worst, std::abs(y[0] - std::exp(-t)) / std::exp(-t));
    if (quadratures > 0) {
      const double exact = q0 + 1.0 - std::exp(-t);
      run.worst_total = std::max(run.worst_total, std::abs(y[first] - exact) / exact);
    }
  }
  run.steps = solver.statistics().steps;
  return run;
}

TEST_CASE(
    "declared quadratures with negligible errors do not loosen the error test of the other components") {
  for (const bool dae : {false, true}) {
    INFO((dae ? "IDAS" : "CVODES"));
    const auto alone = run_with_quadratures(0, true, dae);
    // 8 running totals counted in the RMS norm, with next to no error of their own: the tolerance loosens by
    // √9 = 3.
    const auto diluted = run_with_quadratures(8, false, dae);
    const auto declared = run_with_quadratures(8, true, dae);
    CHECK(diluted.steps < alone.steps);
    CHECK(diluted.worst > 1.5 * alone.worst);
    // Declared: the norm divides by y's count alone, and the totals' tiny errors change nothing here: the
    // same steps as y alone, and the same y to rounding.
    CHECK(declared.steps == alone.steps);
    for (std::size_t k = 0; k < alone.y.size(); ++k) {
      CHECK(declared.y[k] == doctest::Approx(alone.y[k]).epsilon(1e-12));
    }
  }
  // Totals of the size of their rates keep their error weight: declared, they are held to the tolerance as
  // before (the norm only grows), so no fewer steps and no larger error in either y or the totals.
  for (const bool dae : {false, true}) {
    INFO((dae ? "IDAS" : "CVODES"));
    const auto counted = run_with_quadratures(8, false, dae, 0.0);
    const auto declared = run_with_quadratures(8, true, dae, 0.0);
    CHECK(declared.steps >= counted.steps);
    CHECK(declared.worst_total <= counted.worst_total * (1.0 + 1e-9));
    CHECK(declared.worst_total < 1e-4);
  }
  FunctionSystem system(2, [](double, std::span<const double> y, std::span<double> f) {
    f[0] = -y[0];
    f[1] = y[0];
  });
  DynamicOptions options;
  options.quadrature_components = {false};
  const std::vector<double> y0{1.0, 0.0};
  CHECK_THROWS_AS(DynamicSolver(system, 0.0, y0, options), hydromet::Error);
}

// y' = −y with an algebraic z = y + a·sin(ω t): z carries a small fast wiggle (a stand-in for Newton noise in
// a variable the differential ones fix), which the local error test must resolve while it counts z.
struct WiggleRun {
  long steps = 0;
  double worst = 0.0;          // of y against exp(−t), relative
  double worst_algebra = 0.0;  // |z − y − a sin(ω t)| at the outputs
};
WiggleRun run_with_wiggle(double amplitude, bool exempt) {
  FunctionSystem system(2, [amplitude](double t, std::span<const double> y, std::span<double> f) {
    f[0] = -y[0];
    f[1] = y[1] - y[0] - amplitude * std::sin(1e3 * t);
  });
  system.differential = {true, false};
  DynamicOptions options;
  options.rtol = 1e-6;
  options.atol = 1e-10;
  if (exempt) {
    options.error_test_exempt = {false, true};
  }
  const std::vector<double> y0{1.0, 1.0};
  DynamicSolver solver(system, 0.0, y0, options);
  WiggleRun run;
  std::vector<double> y(2);
  for (int k = 1; k <= 20; ++k) {
    const double t = 0.5 * k;
    solver.advance_to(t, y);
    run.worst = std::max(run.worst, std::abs(y[0] - std::exp(-t)) / std::exp(-t));
    run.worst_algebra = std::max(run.worst_algebra, std::abs(y[1] - y[0] - amplitude * std::sin(1e3 * t)));
  }
  run.steps = solver.statistics().steps;
  CHECK(solver.statistics().method == "IDAS");
  return run;
}

TEST_CASE("an algebraic component exempt from the error test no longer sets IDAS's step size") {
  const auto smooth = run_with_wiggle(0.0, false);
  const auto tested = run_with_wiggle(1e-7, false);
  const auto exempt = run_with_wiggle(1e-7, true);
  CAPTURE(smooth.steps);
  CAPTURE(tested.steps);
  CAPTURE(exempt.steps);
  // The wiggle is 1e3 times z's tolerance at the end (z ≈ 4.5e-5): tested, it takes steps of a fraction of
  // its 6 ms period.
  CHECK(tested.steps > 20 * smooth.steps);
  // Exempt: the norm divides by y alone, as if z were not there, so the steps of the smooth system, and y as
  // accurate (the analytic solution, within the tolerance's reach).
  CHECK(exempt.steps <= smooth.steps + smooth.steps / 5);
  CHECK(smooth.worst < 2e-5);
  CHECK(exempt.worst < 2e-5);
  // Between steps z comes from IDAS's interpolation through its untested history: 2.9e-7 off its algebraic
  // row at these outputs, three times the wiggle (1.1e-8 where the run stops at them). y is unaffected.
  CAPTURE(exempt.worst_algebra);
  CHECK(exempt.worst_algebra < 1e-6);
}

TEST_CASE("only algebraic components may be exempt from the error test") {
  FunctionSystem system(2, [](double, std::span<const double> y, std::span<double> f) {
    f[0] = -y[0];
    f[1] = y[1] - y[0];
  });
  system.differential = {true, false};
  DynamicOptions options;
  options.error_test_exempt = {true, false};
  const std::vector<double> y0{1.0, 1.0};
  CHECK_THROWS_WITH_AS(DynamicSolver(system, 0.0, y0, options), doctest::Contains("differential row"),
                       hydromet::Error);
  options.error_test_exempt = {false, true, false};
  CHECK_THROWS_AS(DynamicSolver(system, 0.0, y0, options), hydromet::Error);
}

TEST_CASE("IDAS makes inconsistent algebraic initial values consistent") {
  // y' = −y, 0 = z − 2y; z(0) = 5 is inconsistent and IDACalcIC corrects it to 2.
  FunctionSystem system(2, [](double, std::span<const double> y, std::span<double> f) {
    f[0] = -y[0];
    f[1] = y[1] - 2.0 * y[0];
  });
  system.differential = {true, false};
  DynamicOptions options;
  options.rtol = 1e-10;
  options.atol = 1e-12;
  const std::vector<double> y0{1.0, 5.0};
  DynamicSolver solver(system, 0.0, y0, options);
  CHECK(solver.method() == "IDAS");
  std::vector<double> y(2);
  solver.advance_to(1.0, y);
  CHECK(y[0] == doctest::Approx(std::exp(-1.0)).epsilon(1e-7));
  CHECK(y[1] == doctest::Approx(2.0 * std::exp(-1.0)).epsilon(1e-7));
  CHECK(solver.statistics().method == "IDAS");
}

TEST_CASE("reinitialize after a feed step, stop at t_out, and stop_time") {
  bool past_discontinuity_allowed = false;
  FunctionSystem system(1, [&](double t, std::span<const double> y, std::span<double> f) {
    if (t > 1.0 && !past_discontinuity_allowed) {
      throw ModelBug("evaluated past the discontinuity at t = 1");
    }
    f[0] = -y[0];
  });
  DynamicOptions options;
  options.rtol = 1e-10;
  options.atol = 1e-14;
  const std::vector<double> y0{1.0};
  DynamicSolver solver(system, 0.0, y0, options);
  std::vector<double> y(1);
  CHECK(solver.advance_to(1.0, y, true) == 1.0);
  CHECK(y[0] == doctest::Approx(std::exp(-1.0)).epsilon(1e-8));
  const long steps_before = solver.statistics().steps;

  past_discontinuity_allowed = true;
  const std::vector<double> fed{2.0 * y[0]};  // the feed doubles the inventory
  solver.reinitialize(1.0, fed);
  CHECK(solver.time() == 1.0);
  solver.advance_to(2.0, y);
  CHECK(y[0] == doctest::Approx(2.0 * std::exp(-2.0)).epsilon(1e-8));
  CHECK(solver.statistics().steps > steps_before);
  CHECK(solver.statistics().reinitializations == 1);
  CHECK_THROWS_AS(solver.advance_to(1.5, y), hydromet::Error);  // backwards

  options.stop_time = 0.5;
  DynamicSolver stopped(system, 0.0, y0, options);
  CHECK(stopped.advance_to(3.0, y) == 0.5);
  CHECK(y[0] == doctest::Approx(std::exp(-0.5)).epsilon(1e-8));
}

TEST_CASE("stopping at an output the last step already passed interpolates back to it (CVODES and IDAS)") {
  // y' = −y (and 0 = z − 2y for IDAS). A run that ends at t = 1.0 asks to stop there after an output at
  // 0.999 whose step went past 1.0: SUNDIALS rejects a stop time behind its current time.
  for (const bool with_algebraic_row : {false, true}) {
    CAPTURE(with_algebraic_row);
    const std::size_t n = with_algebraic_row ? 2 : 1;
    FunctionSystem system(n, [&](double, std::span<const double> y, std::span<double> f) {
      f[0] = -y[0];
      if (with_algebraic_row) {
        f[1] = y[1] - 2.0 * y[0];
      }
    });
    if (with_algebraic_row) {
      system.differential = {true, false};
    }
    DynamicOptions options;
    options.rtol = 1e-10;
    options.atol = 1e-14;
    const std::vector<double> y0 =
        with_algebraic_row ? std::vector<double>{1.0, 2.0} : std::vector<double>{1.0};
    DynamicSolver solver(system, 0.0, y0, options);
    std::vector<double> y(n);
    CHECK(solver.advance_to(0.999, y) == doctest::Approx(0.999));
    CHECK(solver.advance_to(1.0, y, true) == doctest::Approx(1.0));
    CHECK(y[0] == doctest::Approx(std::exp(-1.0)).epsilon(1e-8));
    CHECK(solver.advance_to(2.0, y, true) == doctest::Approx(2.0));
    CHECK(y[0] == doctest::Approx(std::exp(-2.0)).epsilon(1e-8));
  }
}

TEST_CASE("an exception thrown by the model comes out unchanged, also from IDAS") {
  for (const bool dae : {false, true}) {
    FunctionSystem system(2, [&](double t, std::span<const double> y, std::span<double> f) {
      if (t > 0.3) {
        throw ModelBug("model bug at t > 0.3");
      }
      f[0] = -y[0];
      f[1] = dae ? y[1] - y[0] : -y[1];
    });
    if (dae) {
      system.differential = {true, false};
    }
    const std::vector<double> y0{1.0, 1.0};
    DynamicSolver solver(system, 0.0, y0);
    std::vector<double> y(2);
    CAPTURE(dae);
    CHECK_THROWS_WITH_AS(solver.advance_to(1.0, y), "model bug at t > 0.3", ModelBug);
    // The solver stays usable once restarted.
    solver.reinitialize(0.0, y0);
    solver.advance_to(0.2, y);
    CHECK(y[0] == doctest::Approx(std::exp(-0.2)).epsilon(1e-5));
  }
}

TEST_CASE("a RecoverableError makes the integrator retry with a smaller step") {
  int refusals = 0;
  FunctionSystem system(1, [&](double t, std::span<const double> y, std::span<double> f) {
    if (t > 0.5 && refusals < 3) {
      ++refusals;
      throw RecoverableError("not yet");
    }
    f[0] = -y[0];
  });
  DynamicOptions options;
  options.rtol = 1e-10;
  options.atol = 1e-14;
  const std::vector<double> y0{1.0};
  DynamicSolver solver(system, 0.0, y0, options);
  std::vector<double> y(1);
  solver.advance_to(2.0, y);
  CHECK(refusals == 3);
  CHECK(y[0] == doctest::Approx(std::exp(-2.0)).epsilon(1e-8));

  // A model that always refuses ends in a SolverError that quotes it.
  FunctionSystem stubborn(1, [](double t, std::span<const double> state, std::span<double> f) {
    if (t > 0.5) {
      throw RecoverableError("concentration would go negative");
    }
    f[0] = -state[0];
  });
  DynamicSolver failing(stubborn, 0.0, y0);
  try {
    failing.advance_to(2.0, y);
    FAIL("expected a SolverError");
  } catch (const SolverError& error) {
    CHECK(error.details().solver == "CVODES");
    CHECK(std::string(error.what()).find("concentration would go negative") != std::string::npos);
  }
}

TEST_CASE("blow-up y' = y^2 fails with the flag, the time and the component") {
  for (const bool dae : {false, true}) {
    FunctionSystem system(2, [&](double, std::span<const double> y, std::span<double> f) {
      f[0] = y[0] * y[0];
      f[1] = dae ? y[1] - 1.0 : 0.0;
    });
    system.prefix = "blowup.x";
    if (dae) {
      system.differential = {true, false};
    }
    const std::vector<double> y0{1.0, 1.0};
    DynamicSolver solver(system, 0.0, y0);
    std::vector<double> y(2);
    CAPTURE(dae);
    try {
      solver.advance_to(2.0, y);
      FAIL("expected a SolverError");
    } catch (const SolverError& error) {
      const auto& details = error.details();
      MESSAGE(std::string(error.what()));
      CHECK(details.solver == (dae ? "IDAS" : "CVODES"));
      CHECK(details.flag.rfind(dae ? "IDA_" : "CV_", 0) == 0);
      CHECK(std::string(error.what()).find(details.flag) != std::string::npos);
      CHECK(details.time > 0.99);
      CHECK(details.time <= 1.0);
      REQUIRE_FALSE(details.worst_components.empty());
      CHECK(details.worst_components.front().name == "blowup.x[0]");
    }
  }
}

TEST_CASE("a step limit stops a long run with a clear error") {
  auto system = decays(2);
  DynamicOptions options;
  options.rtol = 1e-12;
  options.max_steps = 20;
  const std::vector<double> y0{1.0, 1.0};
  DynamicSolver solver(system, 0.0, y0, options);
  std::vector<double> y(2);
  try {
    solver.advance_to(100.0, y);
    FAIL("expected a SolverError");
  } catch (const SolverError& error) {
    CHECK(error.details().flag == "CV_TOO_MUCH_WORK");
    CHECK(std::string(error.what()).find("max_steps = 20") != std::string::npos);
    CHECK(error.details().time > 0.0);
    CHECK(error.details().time < 100.0);
  }
}

TEST_CASE("a wall-clock limit stops a long run with a clear error") {
  // A slow harmonic oscillator over many periods.
  FunctionSystem system(2, [](double, std::span<const double> y, std::span<double> f) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    f[0] = y[1];
    f[1] = -y[0];
  });
  DynamicOptions options;
  options.rtol = 1e-10;
  options.max_steps = 100000000;
  options.wall_clock_limit = 0.2;
  const std::vector<double> y0{1.0, 0.0};
  const auto start = std::chrono::steady_clock::now();
  DynamicSolver solver(system, 0.0, y0, options);
  std::vector<double> y(2);
  try {
    solver.advance_to(1e6, y);
    FAIL("expected a SolverError");
  } catch (const SolverError& error) {
    CHECK(std::string(error.what()).find("wall-clock limit of 0.2 s exceeded") != std::string::npos);
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(elapsed < 2.0);
}

TEST_CASE("bad input is rejected before any solve") {
  auto system = decays(2);
  const std::vector<double> wrong_size{1.0};
  CHECK_THROWS_AS(DynamicSolver(system, 0.0, wrong_size), hydromet::Error);
  DynamicOptions options;
  options.atol_components = {1e-8};
  const std::vector<double> y0{1.0, 1.0};
  CHECK_THROWS_AS(DynamicSolver(system, 0.0, y0, options), hydromet::Error);
  options = {};
  options.max_order = 7;
  CHECK_THROWS_AS(DynamicSolver(system, 0.0, y0, options), hydromet::Error);
}
