// Particle size distributions: normalisation and the generated Rosin–Rammler and log-normal classes.
#include <doctest/doctest.h>

#include <cmath>

#include "hydromet/core/error.hpp"
#include "hydromet/kinetics/particle_size.hpp"

using namespace hydromet;

TEST_CASE("given classes are normalised and checked") {
  const auto d = size_distribution({50e-6, 100e-6, 200e-6}, {1.0, 2.0, 1.0});
  REQUIRE(d.size() == 3);
  CHECK(d[1].mass_fraction == doctest::Approx(0.5).epsilon(1e-15));
  CHECK(mass_mean_diameter(d) == doctest::Approx(112.5e-6).epsilon(1e-14));
  CHECK_THROWS_AS((void)size_distribution({50e-6}, {1.0, 2.0}), InputError);
  CHECK_THROWS_AS((void)size_distribution({-1.0}, {1.0}), InputError);
  CHECK_THROWS_AS((void)size_distribution({1e-6}, {0.0}), InputError);
}

TEST_CASE("Rosin-Rammler: 63.2 % passes d63; class fractions are the differences of F on the edges") {
  CHECK(rosin_rammler_passing(80e-6, 80e-6, 1.3) == doctest::Approx(1.0 - std::exp(-1.0)).epsilon(1e-15));
  const auto d = rosin_rammler_distribution(80e-6, 1.3, 4, 10e-6, 160e-6);
  REQUIRE(d.size() == 4);
  // Edges 10, 20, 40, 80, 160 um.
  const double total = rosin_rammler_passing(160e-6, 80e-6, 1.3) - rosin_rammler_passing(10e-6, 80e-6, 1.3);
  const double second =
      (rosin_rammler_passing(40e-6, 80e-6, 1.3) - rosin_rammler_passing(20e-6, 80e-6, 1.3)) / total;
  CHECK(d[1].diameter == doctest::Approx(std::sqrt(20e-6 * 40e-6)).epsilon(1e-12));
  CHECK(d[1].mass_fraction == doctest::Approx(second).epsilon(1e-12));
  double sum = 0.0;
  for (const auto& c : d) {
    sum += c.mass_fraction;
  }
  CHECK(sum == doctest::Approx(1.0).epsilon(1e-14));
}

TEST_CASE("log-normal: half the mass passes d50, 84.13 % passes d50 sigma_g") {
  CHECK(log_normal_passing(75e-6, 75e-6, 2.0) == doctest::Approx(0.5).epsilon(1e-15));
  CHECK(log_normal_passing(150e-6, 75e-6, 2.0) == doctest::Approx(0.841344746068543).epsilon(1e-12));
  // Symmetric classes about d50 on a log scale carry equal mass.
  const auto d = log_normal_distribution(75e-6, 2.0, 2, 75e-6 / 4.0, 75e-6 * 4.0);
  CHECK(d[0].mass_fraction == doctest::Approx(0.5).epsilon(1e-13));
  CHECK_THROWS_AS((void)log_normal_distribution(75e-6, 1.0, 2, 1e-6, 1e-4), InputError);
}
