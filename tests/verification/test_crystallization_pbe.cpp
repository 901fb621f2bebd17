// Population balance numerics against analytic solutions.
// MSMPR steady state (Randolph and Larson, Theory of Particulate Processes, 2nd ed., 1988, ch. 3.3):
//   n(L) = n0 exp(-L/(G tau)), n0 = B0/G, mu_k = k! n0 (G tau)^(k+1), L10 = G tau, L43 = 4 G tau,
//   mass median 3.672 G tau. With G = 1e-8 m/s, tau = 3600 s, B0 = 1e8 /(m3 s): n0 = 1e16 /m4,
//   m0 = 3.6e11 /m3, L10 = 36 um, L43 = 144 um, mass median 132.2 um.
// Batch growth without nucleation (same book, ch. 3.1): n(L, t) = n(L - G t, 0), moments binomial in G t.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <vector>

#include "hydromet/kinetics/population_balance.hpp"

using namespace hydromet;

namespace {

constexpr double growth = 1e-8;     // G [m/s]
constexpr double tau = 3600.0;      // [s]
constexpr double nucleation = 1e8;  // B0 [#/(m3 s)]
constexpr double length = growth * tau;

using Rhs = std::function<void(const std::vector<double>&, std::vector<double>&)>;

// Strong-stability-preserving RK3 (Shu and Osher 1988): keeps the limited scheme's bounds. At a steady
// state its fixed point is that of the semi-discrete system, so the spatial error is measured alone.
void ssp_rk3(const Rhs& rhs, std::vector<double>& y, double dt, std::size_t steps) {
  std::vector<double> k(y.size());
  std::vector<double> y1(y.size());
  std::vector<double> y2(y.size());
  for (std::size_t s = 0; s < steps; ++s) {
    rhs(y, k);
    for (std::size_t i = 0; i < y.size(); ++i) y1[i] = y[i] + dt * k[i];
    rhs(y1, k);
    for (std::size_t i = 0; i < y.size(); ++i) y2[i] = 0.75 * y[i] + 0.25 * (y1[i] + dt * k[i]);
    rhs(y2, k);
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = (y[i] + 2.0 * (y2[i] + dt * k[i])) / 3.0;
  }
}

// Classical RK4: exact for solutions polynomial in t of degree <= 4 (batch moments).
void rk4(const Rhs& rhs, std::vector<double>& y, double dt, std::size_t steps) {
  const std::size_t m = y.size();
  std::vector<double> k1(m), k2(m), k3(m), k4(m), tmp(m);
  for (std::size_t s = 0; s < steps; ++s) {
    rhs(y, k1);
    for (std::size_t i = 0; i < m; ++i) tmp[i] = y[i] + 0.5 * dt * k1[i];
    rhs(tmp, k2);
    for (std::size_t i = 0; i < m; ++i) tmp[i] = y[i] + 0.5 * dt * k2[i];
    rhs(tmp, k3);
    for (std::size_t i = 0; i < m; ++i) tmp[i] = y[i] + dt * k3[i];
    rhs(tmp, k4);
    for (std::size_t i = 0; i < m; ++i) y[i] += dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
  }
}

// Exact cell average of the MSMPR density.
double msmpr_average(const SizeGrid& grid, std::size_t i) {
  const double n0 = nucleation / growth;
  return n0 * length * (std::exp(-grid.edge(i) / length) - std::exp(-grid.edge(i + 1) / length)) /
         grid.width(i);
}

struct MsmprError {
  double l1 = 0.0;       // sum |n_i - nbar_i| dL / mu0
  double max_rel = 0.0;  // max |n_i/nbar_i - 1| for L < 10 G tau
  SizeStatistics stats;
};

MsmprError msmpr_finite_volume(std::size_t cells, FluxLimiter limiter) {
  const SizeGrid grid = SizeGrid::uniform(0.0, 25.0 * length, cells);
  const FiniteVolumeGrowth fv(grid, limiter, UpperBoundary::open);
  std::vector<double> n(cells, 0.0);
  const Rhs rhs = [&](const std::vector<double>& y, std::vector<double>& dydt) {
    for (std::size_t i = 0; i < cells; ++i) dydt[i] = -y[i] / tau;
    fv.add_growth(y, growth, nucleation, dydt);
  };
  // CFL 0.8; 45 tau from an empty vessel: the front has left the grid and the transient is below 1e-19.
  const double dt = 0.8 * grid.width(0) / growth;
  ssp_rk3(rhs, n, dt, static_cast<std::size_t>(std::ceil(45.0 * tau / dt)));
  MsmprError error;
  const double mu0 = nucleation * tau;
  for (std::size_t i = 0; i < cells; ++i) {
    const double exact = msmpr_average(grid, i);
    error.l1 += std::abs(n[i] - exact) * grid.width(i) / mu0;
    if (grid.edge(i + 1) <= 10.0 * length) {
      error.max_rel = std::max(error.max_rel, std::abs(n[i] / exact - 1.0));
    }
  }
  error.stats = size_statistics(grid, n);
  return error;
}

double order(double coarse, double fine) { return std::log2(coarse / fine); }

const char* limiter_name(FluxLimiter limiter) {
  switch (limiter) {
    case FluxLimiter::koren:
      return "koren";
    case FluxLimiter::van_leer:
      return "van_leer";
    case FluxLimiter::van_albada:
      return "van_albada";
    default:
      return "other";
  }
}

}  // namespace

TEST_CASE("MSMPR analytic references: the issue's numbers") {
  const auto mu = msmpr_moments(growth, nucleation, tau, 5);
  CHECK(msmpr_density(growth, nucleation, tau, 0.0) == doctest::Approx(1e16).epsilon(1e-14));
  CHECK(mu[0] == doctest::Approx(3.6e11).epsilon(1e-14));
  CHECK(std::abs(mu[1] / mu[0] / 36e-6 - 1.0) < 1e-14);
  CHECK(std::abs(mu[4] / mu[3] / 144e-6 - 1.0) < 1e-14);
  // 3.67206 G tau (root of 1 - e^-x (1 + x + x^2/2 + x^3/6) = 1/2).
  CHECK(std::abs(msmpr_mass_median(growth, tau) / 132.19e-6 - 1.0) < 1e-4);
}

TEST_CASE("method of moments reaches the MSMPR steady state to 1e-8") {
  const auto exact = msmpr_moments(growth, nucleation, tau, 5);
  std::vector<double> mu(5, 0.0);
  const Rhs rhs = [](const std::vector<double>& y, std::vector<double>& dydt) {
    moment_rates(y, growth, nucleation, 0.0, 1.0 / tau, {}, dydt);
  };
  rk4(rhs, mu, tau / 50.0, 60 * 50);
  for (std::size_t k = 0; k < 5; ++k) {
    CHECK(std::abs(mu[k] / exact[k] - 1.0) < 1e-8);
  }
  CHECK(std::abs(mu[1] / mu[0] / 36e-6 - 1.0) < 1e-8);
  CHECK(std::abs(mu[4] / mu[3] / 144e-6 - 1.0) < 1e-8);
}

TEST_CASE("batch growth: moments follow the binomial shift exactly") {
  // Seed moments of a narrow distribution; RK4 is exact for these polynomials in t.
  const std::vector<double> mu0 = {1e10, 1e10 * 50e-6, 1e10 * 2.6e-9, 1e10 * 1.4e-13, 1e10 * 7.7e-18};
  const double time = 7200.0;
  std::vector<double> mu = mu0;
  const Rhs rhs = [](const std::vector<double>& y, std::vector<double>& dydt) {
    moment_rates(y, growth, 0.0, 0.0, 0.0, {}, dydt);
  };
  rk4(rhs, mu, time / 8.0, 8);
  const auto exact = batch_growth_moments(mu0, growth, time);
  for (std::size_t k = 0; k < 5; ++k) {
    CHECK(std::abs(mu[k] / exact[k] - 1.0) < 1e-12);
  }
  // By hand for k = 1: mu1 + G t mu0.
  CHECK(exact[1] == doctest::Approx(mu0[1] + growth * time * mu0[0]).epsilon(1e-14));
}

TEST_CASE("finite-volume MSMPR converges to n0 exp(-L/(G tau)) with a measured order") {
  for (const FluxLimiter limiter : {FluxLimiter::koren, FluxLimiter::van_leer, FluxLimiter::van_albada}) {
    std::vector<MsmprError> errors;
    for (const std::size_t cells : {200, 400, 800, 1600}) {
      errors.push_back(msmpr_finite_volume(cells, limiter));
    }
    const double observed = order(errors[2].l1, errors[3].l1);
    std::printf("MSMPR %s: L1 errors %.3e %.3e %.3e %.3e, order %.3f; max rel (L<10 G tau) at 1600: %.2e\n",
                limiter_name(limiter), errors[0].l1, errors[1].l1, errors[2].l1, errors[3].l1, observed,
                errors[3].max_rel);
    CHECK(observed > 1.9);  // second order where smooth; the limiters are inactive on n0 exp(-L/G tau)
    CHECK(errors[3].max_rel < 0.01);
    const SizeStatistics& s = errors[3].stats;
    // doctest::Approx has an absolute floor of epsilon; sizes in metres need relative checks.
    CHECK(std::abs(s.mu[0] / 3.6e11 - 1.0) < 1e-3);
    CHECK(std::abs(s.l10 / 36e-6 - 1.0) < 1e-3);
    CHECK(std::abs(s.l43 / 144e-6 - 1.0) < 1e-3);
    CHECK(std::abs(s.mass_median / msmpr_mass_median(growth, tau) - 1.0) < 1e-3);
  }
  // First-order upwind for contrast: its order is 1.
  const double upwind = order(msmpr_finite_volume(400, FluxLimiter::upwind).l1,
                              msmpr_finite_volume(800, FluxLimiter::upwind).l1);
  CHECK(upwind == doctest::Approx(1.0).epsilon(0.05));
}

namespace {

// Gaussian seed population: cell average of N exp(-(L - c)^2 / (2 s^2)) / (s sqrt(2 pi)).
double gauss_average(double a, double b, double centre, double spread) {
  const double k = 1.0 / (spread * std::sqrt(2.0));
  return 0.5 * (std::erf((b - centre) * k) - std::erf((a - centre) * k)) / (b - a);
}

}  // namespace

TEST_CASE("finite-volume batch growth shifts the distribution by G t") {
  constexpr double centre = 100e-6;
  constexpr double spread = 15e-6;
  constexpr double time = 1e4;  // G t = 100 um
  for (const FluxLimiter limiter : {FluxLimiter::koren, FluxLimiter::van_albada}) {
    std::vector<double> errors;
    for (const std::size_t cells : {250, 500, 1000, 2000}) {
      const SizeGrid grid = SizeGrid::uniform(0.0, 500e-6, cells);
      const FiniteVolumeGrowth fv(grid, limiter);
      std::vector<double> n(cells);
      for (std::size_t i = 0; i < cells; ++i)
        n[i] = 1e12 * gauss_average(grid.edge(i), grid.edge(i + 1), centre, spread);
      const double mu0 = distribution_moment(grid, n, 0);
      const double l10 = distribution_moment(grid, n, 1) / mu0;
      const Rhs rhs = [&](const std::vector<double>& y, std::vector<double>& dydt) {
        std::fill(dydt.begin(), dydt.end(), 0.0);
        fv.add_growth(y, growth, 0.0, dydt);
      };
      const double dt_max = 0.5 * grid.width(0) / growth;
      const auto steps = static_cast<std::size_t>(std::ceil(time / dt_max));
      ssp_rk3(rhs, n, time / static_cast<double>(steps), steps);
      double l1 = 0.0;
      for (std::size_t i = 0; i < cells; ++i) {
        const double exact =
            1e12 * gauss_average(grid.edge(i), grid.edge(i + 1), centre + growth * time, spread);
        l1 += std::abs(n[i] - exact) * grid.width(i) / 1e12;
      }
      errors.push_back(l1);
      // Conservative scheme, closed boundary, nothing near the edges: crystal number is exact.
      CHECK(distribution_moment(grid, n, 0) == doctest::Approx(mu0).epsilon(1e-12));
      if (cells == 2000) {
        CHECK(std::abs((distribution_moment(grid, n, 1) / mu0 - l10) / (growth * time) - 1.0) < 1e-4);
      }
    }
    const double observed = order(errors[2], errors[3]);
    std::printf("batch shift %s: L1 errors %.3e %.3e %.3e %.3e, order %.3f\n", limiter_name(limiter),
                errors[0], errors[1], errors[2], errors[3], observed);
    CHECK(observed > 1.9);
  }
}

TEST_CASE("van Albada face values: n_up + phi(r)/2 (n_down - n_up), continuous where n_down = n_up") {
  // Four cells, growth upward, no nucleation (ghost value 0): face 2 has upwind cell 1, its upstream cell 0
  // and downstream cell 2.
  const SizeGrid grid = SizeGrid::uniform(0.0, 4e-6, 4);
  const FiniteVolumeGrowth fv(grid, FluxLimiter::van_albada);
  const auto face2 = [&](double n0, double n1, double n2) {
    std::vector<double> flux(5);
    fv.face_fluxes(std::vector<double>{n0, n1, n2, 0.0}, std::vector<double>(5, growth), 0.0, flux);
    return flux[2] / growth;
  };
  // Monotone rise, a maximum (r < 0: the face value may exceed n_up, by at most 0.104 of the drop) and a
  // minimum, each against the r-form of the limiter.
  for (const auto& [n0, n1, n2] : {std::array<double, 3>{1.0, 2.0, 5.0}, std::array<double, 3>{1.0, 3.0, 0.5},
                                   std::array<double, 3>{4.0, 1.0, 2.0}}) {
    const double r = (n1 - n0) / (n2 - n1);
    CHECK(face2(n0, n1, n2) ==
          doctest::Approx(n1 + 0.5 * flux_limiter(FluxLimiter::van_albada, r) * (n2 - n1)));
  }
  // n_down = n_up (r infinite): the face value is n_up, and it is approached continuously from either side.
  CHECK(face2(1.0, 2.0, 2.0) == doctest::Approx(2.0).epsilon(1e-15));
  CHECK(std::abs(face2(1.0, 2.0, 2.0 + 1e-9) - 2.0) < 1e-9);
  CHECK(std::abs(face2(1.0, 2.0, 2.0 - 1e-9) - 2.0) < 1e-9);
  // Flat data: no correction.
  CHECK(face2(3.0, 3.0, 3.0) == doctest::Approx(3.0).epsilon(1e-15));
}

TEST_CASE("nucleation and growth laws") {
  NucleationLaw b;
  b.primary_rate_constant = 1e10;
  b.primary_order = 2.0;
  b.secondary_rate_constant = 1e6;
  b.secondary_order = 1.5;
  b.suspension_order = 1.0;
  CHECK(b.rate(1.0, 10.0, 298.15) == 0.0);
  CHECK(b.rate(0.5, 10.0, 298.15) == 0.0);
  CHECK(b.rate(3.0, 10.0, 298.15) == doctest::Approx(1e10 * 4.0 + 1e6 * std::pow(2.0, 1.5) * 10.0));
  NucleationLaw classical;
  classical.classical_prefactor = 1e30;
  classical.classical_exponent = 50.0;
  CHECK(classical.rate(5.0, 0.0, 298.15) ==
        doctest::Approx(1e30 * std::exp(-50.0 / std::pow(std::log(5.0), 2))).epsilon(1e-14));

  GrowthLaw g;
  g.rate_constant = 1e-7;
  g.order = 2.0;
  g.dissolution_rate_constant = 1e-6;
  g.arrhenius.activation_energy = 40e3;
  CHECK(std::abs(g.rate(2.0, 298.15) / 1e-7 - 1.0) < 1e-14);
  CHECK(std::abs(g.rate(0.5, 298.15) / -0.5e-6 - 1.0) < 1e-14);
  CHECK(std::abs(g.rate(2.0, 318.15) / (1e-7 * std::exp(-40e3 / gas_constant * (1 / 318.15 - 1 / 298.15))) -
                 1.0) < 1e-12);
  CHECK_FALSE(g.size_dependent());
  g.asl_gamma = 1e4;
  g.asl_exponent = 0.5;
  CHECK(g.size_factor(300e-6, 1e-8) == doctest::Approx(2.0));
  CHECK(g.size_factor(300e-6, -1e-8) == 1.0);

  CHECK(flux_limiter(FluxLimiter::koren, 1.0) == doctest::Approx(1.0));
  CHECK(flux_limiter(FluxLimiter::van_leer, 1.0) == doctest::Approx(1.0));
  // van Albada: second-order consistent (φ(1) = 1), symmetric (φ(1/r) = φ(r)/r), zero at r = 0 and −1, its
  // least value (1 − √2)/2 at r = 1 − √2 (the only departure from TVD), tending to 1 as |r| grows.
  CHECK(flux_limiter(FluxLimiter::van_albada, 1.0) == doctest::Approx(1.0));
  CHECK(flux_limiter(FluxLimiter::van_albada, 0.25) ==
        doctest::Approx(flux_limiter(FluxLimiter::van_albada, 4.0) / 4.0));
  CHECK(flux_limiter(FluxLimiter::van_albada, 0.0) == 0.0);
  CHECK(flux_limiter(FluxLimiter::van_albada, -1.0) == 0.0);
  CHECK(flux_limiter(FluxLimiter::van_albada, 1.0 - std::sqrt(2.0)) ==
        doctest::Approx((1.0 - std::sqrt(2.0)) / 2.0));
  CHECK(flux_limiter(FluxLimiter::van_albada, 1e8) == doctest::Approx(1.0));
  CHECK(flux_limiter(FluxLimiter::koren, -1.0) == 0.0);
  CHECK(flux_limiter(FluxLimiter::koren, 10.0) == 2.0);
}

TEST_CASE("size-dependent growth keeps crystal number and a geometric grid locates sizes") {
  const SizeGrid grid = SizeGrid::geometric(1e-6, 1e-3, 60);
  CHECK(grid.locate(0.5e-6) == 0);
  CHECK(grid.locate(2e-3) == 59);
  CHECK(grid.edge(grid.locate(1e-4)) <= 1e-4);
  const FiniteVolumeGrowth fv(grid, FluxLimiter::van_leer);
  std::vector<double> n(grid.size(), 0.0);
  for (std::size_t i = 20; i < 30; ++i) n[i] = 1e12;
  std::vector<double> edge_growth(grid.size() + 1);
  GrowthLaw law;
  law.rate_constant = 1e-8;
  law.asl_gamma = 1e4;
  law.asl_exponent = 0.6;
  for (std::size_t i = 0; i <= grid.size(); ++i) edge_growth[i] = 1e-8 * law.size_factor(grid.edge(i), 1e-8);
  std::vector<double> dndt(grid.size(), 0.0);
  fv.add_growth(n, edge_growth, 0.0, dndt);
  // d mu0/dt = boundary fluxes = 0 (no nucleation, closed upper edge).
  CHECK(std::abs(distribution_moment(grid, dndt, 0)) < 1e-12 * distribution_moment(grid, n, 0) / 3600.0);
}
