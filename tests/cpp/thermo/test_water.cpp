// Water properties against IAPWS-95 reference values and Malmberg & Maryott's measurements.
#include <doctest/doctest.h>

#include <initializer_list>

#include "hydromet/thermo/water.hpp"

using namespace hydromet;

TEST_CASE("saturated water density and vapour pressure match IAPWS-95 tables") {
  // IAPWS-95 saturated liquid density [kg/m3] (Wagner & Pruss 2002, table 13.1).
  CHECK(water_density(298.15) == doctest::Approx(997.05).epsilon(2e-4));
  CHECK(water_density(333.15) == doctest::Approx(983.16).epsilon(2e-4));
  CHECK(water_density(373.15) == doctest::Approx(958.35).epsilon(2e-4));
  CHECK(water_density(473.15) == doctest::Approx(864.66).epsilon(5e-4));
  // Vapour pressure [Pa]: 3.1699 kPa at 25 degC, 101.418 kPa at 100 degC.
  CHECK(water_vapor_pressure(298.15) == doctest::Approx(3169.9).epsilon(1e-3));
  CHECK(water_vapor_pressure(373.15) == doctest::Approx(101418.0).epsilon(1e-3));
}

TEST_CASE("dielectric constant agrees with Malmberg and Maryott (1956)") {
  // Malmberg & Maryott, J. Res. NBS 56 (1956) 1: eps = 87.740 - 0.40008 t + 9.398e-4 t^2 - 1.410e-6 t^3.
  // At 100 degC the two sources differ by 0.5 % (55.46 vs 55.72); A(T) is checked in test_activity.cpp.
  for (double t : {0.0, 25.0, 60.0}) {
    const double measured = 87.740 - 0.40008 * t + 9.398e-4 * t * t - 1.410e-6 * t * t * t;
    CHECK(water_dielectric_constant(273.15 + t, reference_pressure(273.15 + t)) ==
          doctest::Approx(measured).epsilon(2e-3));
  }
}
