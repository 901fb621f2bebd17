// ForwardSensitivitySolver (IDAS forward sensitivities) against closed-form sensitivities of a small DAE.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "hydromet/core/error.hpp"
#include "hydromet/numerics/dynamic_sensitivity.hpp"

using namespace hydromet::numerics;

namespace {

// y0' = -k y0 (differential), 0 = y1 - c y0 (algebraic), with parameters k and c:
//   y0 = a exp(-k t), y1 = c y0;  dy0/dk = -t y0, dy1/dk = -c t y0;  dy0/dc = 0, dy1/dc = y0.
class DecayWithAlgebraicRow : public SemiExplicitSystem {
 public:
  double k = 0.5;
  double c = 3.0;
  std::size_t size() const override { return 2; }
  void evaluate(double, std::span<const double> y, std::span<double> f) override {
    f[0] = -k * y[0];
    f[1] = y[1] - c * y[0];
  }
  std::vector<bool> differential_rows() const override { return {true, false}; }
};

}  // namespace

TEST_CASE("IDAS forward sensitivities of a DAE match the closed form, across a restart") {
  DecayWithAlgebraicRow system;
  const double a = 2.0;
  // Parameter derivatives of f: df/dk = (-y0, 0), df/dc = (0, -y0).
  auto df_dp = [](double, std::span<const double> y, std::size_t p, std::span<double> out) {
    out[0] = p == 0 ? -y[0] : 0.0;
    out[1] = p == 1 ? -y[0] : 0.0;
  };
  // y1 and its sensitivities start inconsistent: IDACalcIC must fix them (y1 = 6, dy1/dc = 2).
  const std::vector<double> y0{a, 0.0};
  const std::vector<double> s0{0.0, 0.0, 0.0, 0.0};
  DynamicOptions options;
  options.rtol = 1e-10;
  options.atol = 1e-14;
  ForwardSensitivitySolver solver(system, 2, df_dp, 0.0, y0, s0, {1.0, 1.0}, {system.k, system.c}, options);
  std::vector<double> y(2);
  std::vector<double> s(4);
  solver.current_state(1.0, y, s);
  CHECK(y[1] == doctest::Approx(system.c * a).epsilon(1e-10));
  CHECK(s[3] == doctest::Approx(a).epsilon(1e-10));  // dy1/dc at t = 0
  auto check_at = [&](double t) {
    const double decayed = a * std::exp(-system.k * t);
    CHECK(y[0] == doctest::Approx(decayed).epsilon(1e-8));
    CHECK(y[1] == doctest::Approx(system.c * decayed).epsilon(1e-8));
    CHECK(s[0] == doctest::Approx(-t * decayed).epsilon(1e-7));             // dy0/dk
    CHECK(s[1] == doctest::Approx(-system.c * t * decayed).epsilon(1e-7));  // dy1/dk
    CHECK(std::abs(s[2]) < 1e-12);                                          // dy0/dc
    CHECK(s[3] == doctest::Approx(decayed).epsilon(1e-7));                  // dy1/dc
  };
  solver.advance_to(1.0, y, s, true);
  check_at(1.0);
  solver.reinitialize(1.0, y, s);  // what a flowsheet does at a feed step: the solution must carry on
  solver.advance_to(4.0, y, s, false);
  CHECK(solver.time() >= 4.0);
  check_at(4.0);
}

TEST_CASE("ForwardSensitivitySolver rejects mismatched sizes") {
  DecayWithAlgebraicRow system;
  auto df_dp = [](double, std::span<const double>, std::size_t, std::span<double> out) {
    out[0] = out[1] = 0.0;
  };
  const std::vector<double> y0{1.0, 3.0};
  const std::vector<double> s0{0.0, 0.0};  // one parameter's worth for two parameters
  CHECK_THROWS_AS(ForwardSensitivitySolver(system, 2, df_dp, 0.0, y0, s0, {1.0, 1.0}, {1.0, 1.0}, {}),
                  hydromet::Error);
}
