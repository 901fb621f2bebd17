// log K(T): van 't Hoff and analytic expressions evaluated by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "hydromet/thermo/log_k.hpp"

using namespace hydromet;

TEST_CASE("van 't Hoff with a constant enthalpy") {
  // log K(T) = log K0 - dH/(R ln10) (1/T - 1/298.15); dH = 55.8 kJ/mol, T = 333.15 K by hand:
  // 55800 / (8.314462618 ln 10) = 2914.55 K; (1/333.15 - 1/298.15) = -3.52376e-4 1/K -> +1.027017.
  CHECK(van_t_hoff_log_k(-13.995, 55.8e3, 333.15) == doctest::Approx(-12.967983).epsilon(1e-7));
  CHECK(van_t_hoff_log_k(2.0, 1e4, 298.15) == doctest::Approx(2.0));
}

TEST_CASE("analytic log K and the method chosen for a reaction") {
  // Harned & Robinson (1940) for Kw: log Kw = 6.0875 - 0.01706 T - 4470.99/T; at 60 degC -13.0164.
  const std::vector<double> kw{6.0875, -0.01706, -4470.99};
  CHECK(analytic_log_k(kw, 333.15) == doctest::Approx(6.0875 - 0.01706 * 333.15 - 4470.99 / 333.15));
  CHECK(analytic_log_k(kw, 298.15) == doctest::Approx(-13.9948).epsilon(1e-5));

  FormationReaction r;
  r.log_k_298 = 1.0;
  CHECK(log_k_at(r, 350.0) == 1.0);
  CHECK(std::string(log_k_method(r)) == "constant");
  r.delta_h = -10e3;
  CHECK(log_k_at(r, 350.0) == doctest::Approx(van_t_hoff_log_k(1.0, -10e3, 350.0)));
  r.log_k_coefficients = {1.0, 0.0, 0.0, 0.0, 1e5};
  CHECK(log_k_at(r, 350.0) == doctest::Approx(1.0 + 1e5 / (350.0 * 350.0)));
  CHECK(std::string(log_k_method(r)) == "analytic");
}
