// Distribution laws evaluated directly: the expression law against its formula, and its failures.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "hydromet/core/error.hpp"
#include "hydromet/kinetics/distribution.hpp"

using namespace hydromet;

TEST_CASE("an expression law gives D = 10^expr in pH, E [mol/L], T and c") {
  const ExpressionDistribution law("1.5 - 0.5*pH + 2*log10(E) + 100/T");
  DistributionState state;
  state.metal = 20.0;        // mol/m3
  state.hydrogen = 10.0;     // mol/m3: pH 2
  state.extractant = 500.0;  // mol/m3: 0.5 mol/L
  state.temperature = 313.15;
  const double log10_d = 1.5 - 0.5 * 2.0 + 2.0 * std::log10(0.5) + 100.0 / 313.15;
  CHECK(law.equilibrium_organic(state) == doctest::Approx(std::pow(10.0, log10_d) * 20.0).epsilon(1e-13));
}

TEST_CASE("an expression that is not finite at a stage state is a SolverError naming it and the state") {
  const ExpressionDistribution law("sqrt(pH)");
  DistributionState state;
  state.metal = 1.0;
  state.hydrogen = 3000.0;  // 3 mol/L: pH -0.48, and sqrt of a negative number
  try {
    (void)law.equilibrium_organic(state);
    FAIL("no error");
  } catch (const SolverError& error) {
    CHECK(error.message().find("sqrt(pH)") != std::string::npos);
    CHECK(error.message().find("pH -0.47") != std::string::npos);
  }
  const ExpressionDistribution overflow("400");
  CHECK_THROWS_AS((void)overflow.equilibrium_organic(state), SolverError);
  CHECK_THROWS_AS(ExpressionDistribution("pH +* 2"), InputError);
  CHECK_THROWS_AS(ExpressionDistribution("x + 1"), InputError);
}
