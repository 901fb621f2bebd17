// Avrami forms, expression variable names and compiled rate expressions.
#include <doctest/doctest.h>

#include <cmath>

#include "hydromet/core/error.hpp"
#include "hydromet/kinetics/leach_rate.hpp"

using namespace hydromet;

TEST_CASE("Avrami conversion and its rate form agree: dX/dt = k dX/dθ along X(θ) = 1 - exp(-θ^n)") {
  const double k = 2e-3;
  for (const double n : {0.44, 1.0, 2.5}) {
    for (const double age : {0.05, 0.5, 1.0, 2.0}) {
      const double x = avrami_conversion(age, n);
      // dX/dθ = n θ^(n−1) exp(−θ^n), by the closed form.
      const double expected = k * n * std::pow(age, n - 1.0) * std::exp(-std::pow(age, n));
      CHECK(std::abs(avrami_conversion_rate(x, k, n) / expected - 1.0) < 1e-12);
    }
  }
  CHECK(avrami_conversion(0.0, 2.0) == 0.0);
  CHECK(avrami_conversion_rate(1.0, k, 2.0) == 0.0);
  CHECK(avrami_conversion_rate(0.0, k, 2.0) == 0.0);  // n > 1 starts at rest
}

TEST_CASE("species names in expressions: + as p, - as m, other characters as _") {
  CHECK(expression_species_name("OH-") == "OHm");
  CHECK(expression_species_name("CO3-2") == "CO3m2");
  CHECK(expression_species_name("Na+") == "Nap");
  CHECK(expression_species_name("Fe+3") == "Fep3");
  CHECK(expression_species_name("H2WO4(aq)") == "H2WO4_aq_");
}

TEST_CASE("rate expression: variables by name, parameters, R; errors located in the expression") {
  RateExpressionSpec spec;
  spec.text = "k0*exp(-Ea/(R*T))*c_OHm^0.5*(1-X)^(2/3)/d";
  spec.parameters = {{"k0", 1.2e-3}, {"Ea", 45000.0}};
  RateExpression expression(spec, {"Na+", "OH-"}, {"Na+", "OH-"});
  auto& v = expression.variables();
  v.concentration = {1.0, 0.25};
  v.temperature = 350.0;
  v.conversion = 0.3;
  v.diameter = 1e-4;
  const double expected =
      1.2e-3 * std::exp(-45000.0 / (gas_constant * 350.0)) * 0.5 * std::pow(0.7, 2.0 / 3.0) / 1e-4;
  CHECK(std::abs(expression.evaluate("test") / expected - 1.0) < 1e-14);
  CHECK(expression.used_concentrations() == std::vector<std::string>{"OH-"});
  CHECK(expression.uses("T"));
  CHECK_FALSE(expression.uses("pH"));

  // An unknown name: InputError at the column of the name (the scalar starts at column 10 here).
  RateExpressionSpec bad;
  bad.text = "k0*c_Clm";
  bad.parameters = {{"k0", 1.0}};
  bad.location = {"f.yaml", 3, 10, "    rate: k0*c_Clm"};
  try {
    RateExpression failing(bad, {"Na+"}, {"Na+"});
    FAIL("expected an InputError");
  } catch (const InputError& error) {
    CHECK(error.location().line == 3);
    CHECK(error.location().column == 13);  // `c_Clm` is at offset 3
  }
  // Non-finite values are SolverErrors naming the variables.
  RateExpressionSpec singular;
  singular.text = "1/(1-X)";
  RateExpression pole(singular, {}, {});
  pole.variables().conversion = 1.0;
  CHECK_THROWS_AS((void)pole.evaluate("tank"), SolverError);
}
