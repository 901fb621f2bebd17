// Shrinking-core fluxes against the closed forms of Levenspiel (Chemical Reaction Engineering, ch. 25).
#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>

#include "hydromet/kinetics/shrinking_core.hpp"

using namespace hydromet;

namespace {
constexpr double radius = 50e-6;         // R [m]
constexpr double molar_density = 2.1e4;  // rho_B [mol/m3]
constexpr double concentration = 500.0;  // C [mol/m3]
constexpr double temperature = 350.0;    // [K]
}  // namespace

TEST_CASE("reaction control: flux is k_s C^n, independent of the core radius") {
  ShrinkingCoreParameters p;
  p.control = ShrinkingCoreControl::reaction;
  p.surface_rate_constant = 2e-7;
  p.reaction_order = 0.57;
  for (const double core : {radius, 0.5 * radius, 0.01 * radius}) {
    CHECK(shrinking_core_flux(p, concentration, radius, core, temperature) ==
          doctest::Approx(2e-7 * std::pow(concentration, 0.57)).epsilon(1e-14));
  }
  CHECK(shrinking_core_flux(p, -1.0, radius, radius, temperature) == 0.0);
}

TEST_CASE("product-layer control: flux C R D_e / (r (R - r))") {
  ShrinkingCoreParameters p;
  p.control = ShrinkingCoreControl::product_layer;
  p.effective_diffusivity = 3e-10;
  const double core = 0.6 * radius;
  CHECK(shrinking_core_flux(p, concentration, radius, core, temperature) ==
        doctest::Approx(concentration * radius * 3e-10 / (core * (radius - core))).epsilon(1e-14));
  // The t = 0 singularity is capped by the minimum layer thickness, not infinite.
  CHECK(std::isfinite(shrinking_core_flux(p, concentration, radius, radius, temperature)));
}

TEST_CASE("film control: flux k_f C (R/r)^2") {
  ShrinkingCoreParameters p;
  p.control = ShrinkingCoreControl::film;
  p.film_coefficient = 1e-5;
  const double core = 0.3 * radius;
  CHECK(shrinking_core_flux(p, concentration, radius, core, temperature) ==
        doctest::Approx(1e-5 * concentration / (0.3 * 0.3)).epsilon(1e-14));
}

TEST_CASE("mixed control: resistances in series, and the order-n surface balance") {
  ShrinkingCoreParameters p;
  p.control = ShrinkingCoreControl::mixed;
  p.surface_rate_constant = 4e-7;
  p.effective_diffusivity = 2e-10;
  p.film_coefficient = 3e-5;
  const double core = 0.7 * radius;
  const double resistance =
      (core / radius) * (core / radius) / 3e-5 + core * (radius - core) / (radius * 2e-10) + 1.0 / 4e-7;
  CHECK(shrinking_core_flux(p, concentration, radius, core, temperature) ==
        doctest::Approx(concentration / resistance).epsilon(1e-13));

  // Order 2: the surface concentration must satisfy k_s cs^2 = (C - cs) / R_transport (quadratic root).
  p.reaction_order = 2.0;
  p.surface_rate_constant = 1e-9;
  const double transport = resistance - 1.0 / 4e-7;
  const double a = 1e-9 * transport;
  const double cs = (-1.0 + std::sqrt(1.0 + 4.0 * a * concentration)) / (2.0 * a);
  CHECK(shrinking_core_flux(p, concentration, radius, core, temperature) ==
        doctest::Approx(1e-9 * cs * cs).epsilon(1e-12));
}

TEST_CASE("Arrhenius factor") {
  ShrinkingCoreParameters p;
  p.control = ShrinkingCoreControl::reaction;
  p.surface_rate_constant = 1e-7;
  p.surface_temperature = {72e3, 473.15};
  // k(453.15 K)/k(473.15 K) = exp(-72000/8.314462618 (1/453.15 - 1/473.15)) = 0.44510...
  const double expected = std::exp(-72e3 / 8.314462618 * (1.0 / 453.15 - 1.0 / 473.15));
  CHECK(expected == doctest::Approx(0.445).epsilon(2e-3));
  CHECK(shrinking_core_flux(p, 1.0, radius, radius, 453.15) ==
        doctest::Approx(1e-7 * expected).epsilon(1e-14));
}

TEST_CASE("complete-conversion times and integrated forms") {
  ShrinkingCoreParameters p;
  p.reagent_stoichiometry = 2.0;
  p.control = ShrinkingCoreControl::reaction;
  p.surface_rate_constant = 1e-7;
  CHECK(complete_conversion_time(p, concentration, radius, temperature, molar_density) ==
        doctest::Approx(2.0 * molar_density * radius / (1e-7 * concentration)).epsilon(1e-14));
  p.control = ShrinkingCoreControl::product_layer;
  p.effective_diffusivity = 1e-10;
  CHECK(complete_conversion_time(p, concentration, radius, temperature, molar_density) ==
        doctest::Approx(2.0 * molar_density * radius * radius / (6e-10 * concentration)).epsilon(1e-14));
  CHECK(shrinking_core_time_fraction(ShrinkingCoreControl::reaction, 0.875) == doctest::Approx(0.5));
  CHECK(shrinking_core_time_fraction(ShrinkingCoreControl::product_layer, 1.0) == doctest::Approx(1.0));
  CHECK(shrinking_core_time_fraction(ShrinkingCoreControl::product_layer, 0.5) ==
        doctest::Approx(1.0 - 3.0 * std::pow(0.5, 2.0 / 3.0) + 1.0));
  p.control = ShrinkingCoreControl::mixed;
  CHECK_THROWS((void)complete_conversion_time(p, concentration, radius, temperature, molar_density));
}
