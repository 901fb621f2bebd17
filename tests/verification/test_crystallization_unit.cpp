// Crystalliser unit: synthetic scheelite (CaWO4) precipitated from CaCl2 + Na2WO4.
// Batch: at long times the dissolved Ca and W equal the solubility-product equilibrium of the speciation
// solver (scheelite held at SI = 0), and dissolved + solid W and Ca close to 1e-10 (plant balance).
// Continuous MSMPR at steady state: S is uniform, so G and B0 are constants and the distribution is the
// MSMPR exponential (Randolph and Larson, Theory of Particulate Processes, 2nd ed., 1988, ch. 3.3):
// L10 = G tau, L43 = 4 G tau, n(0) = B0/G, with G and B0 the unit's own outputs.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <utility>

#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/unitops/crystallizer.hpp"
#include "hydromet/unitops/feed.hpp"
#include "hydromet/unitops/product.hpp"

using namespace hydromet;

namespace {

const std::vector<std::string> ions = {"Ca+2", "WO4-2", "Na+", "Cl-"};

CrystallizerParameters scheelite_crystallizer(double volume, const std::vector<double>& initial,
                                              FluxLimiter limiter = FluxLimiter::van_leer) {
  CrystallizerParameters p;
  p.tank.volume = volume * units::cubic_meter;
  p.tank.temperature = 298.15 * units::kelvin;
  for (std::size_t i = 0; i < ions.size(); ++i) {
    p.tank.initial_solution.push_back({ions[i], initial[i] * units::mole / units::cubic_meter});
  }
  p.chemistry =
      std::make_shared<ChemicalSystem>(Database::bundled(), ions, std::vector<std::string>{"scheelite"});
  p.product = "scheelite";
  p.density = 6120.0;
  p.grid = SizeGrid::uniform(0.0, 200e-6, 100);
  // van Leer or van Albada: smooth for r > 0, which the Newton iterations of the implicit integrator need.
  p.limiter = limiter;
  // Assumed kinetics (no published constants for CaWO4, see data/crystallization.yaml).
  p.growth.rate_constant = 2e-9;
  p.growth.order = 1.0;
  p.growth.dissolution_rate_constant = 1e-9;
  p.nucleation.primary_rate_constant = 1e6;
  p.nucleation.primary_order = 2.0;
  return p;
}

std::size_t element_row(const ElementBalance& balance, const std::string& element) {
  return static_cast<std::size_t>(std::find(balance.elements.begin(), balance.elements.end(), element) -
                                  balance.elements.begin());
}

}  // namespace

TEST_CASE("batch CaWO4 precipitation reaches the solubility-product equilibrium; balances close") {
  constexpr double volume = 1.0;
  const std::vector<double> initial = {2.0, 2.0, 4.0, 4.0};  // [mol/m3]
  Flowsheet flowsheet(Database::bundled());
  flowsheet.set_components(ions, {"scheelite"});
  flowsheet.add_unit(std::make_unique<Feed>("feed", FeedParameters{}));
  flowsheet.add_unit(std::make_unique<Crystallizer>("cryst", scheelite_crystallizer(volume, initial)));
  flowsheet.add_unit(std::make_unique<Product>("product"));
  flowsheet.connect({"feed", "out"}, {"cryst", "in"});
  flowsheet.connect({"cryst", "out"}, {"product", "in"});
  SimulationOptions options;
  options.relative_tolerance = 1e-10;
  options.absolute_tolerance = 1e-12;
  const auto result = flowsheet.simulate({0.0, 3600.0, 36000.0, 360000.0, 3.6e6}, options);

  // Equilibrium from the speciation solver with scheelite at saturation, same molality conversion.
  SpeciationOptions equilibrium;
  equilibrium.equilibrium_minerals = {"scheelite"};
  SpeciationSolver solver(
      std::make_shared<ChemicalSystem>(Database::bundled(), ions, std::vector<std::string>{"scheelite"}),
      equilibrium);
  const auto eq = solver.solve(
      std::map<std::string, double>{{"Ca+2", 2e-3}, {"WO4-2", 2e-3}, {"Na+", 4e-3}, {"Cl-", 4e-3}}, 298.15);
  const double expected_solid = eq.mineral_amount[0] * 1000.0 * volume;  // [mol]
  const Vector mass = result.output("cryst.product_mass");
  const double solid = mass[mass.size() - 1] / flowsheet.components().solid_molar_masses()[0];
  const Vector si = result.output("cryst.SI");
  std::printf("batch CaWO4: solid %.10e mol vs equilibrium %.10e mol, final SI %.3e, closure %.2e\n", solid,
              expected_solid, si[si.size() - 1], result.balance.closure());
  CHECK(expected_solid > 1.9);  // nearly all of the 2 mol precipitates: Ksp = 10^-9.29
  CHECK(std::abs(solid / expected_solid - 1.0) < 1e-9);
  CHECK(std::abs(si[si.size() - 1]) < 1e-6);
  for (Eigen::Index k = 1; k < mass.size(); ++k) {
    CHECK(mass[k] >= mass[k - 1] * (1.0 - 1e-12));
  }
  // Dissolved + solid W and Ca: a batch holds what it started with.
  const auto& balance = result.balance;
  for (const std::string element : {"W", "Ca"}) {
    const auto row = static_cast<Eigen::Index>(element_row(balance, element));
    REQUIRE(row < static_cast<Eigen::Index>(balance.elements.size()));
    CHECK(std::abs(balance.final[row] / balance.initial[row] - 1.0) < 1e-10);
  }
  CHECK(balance.closure() < 1e-10);

  // At the default tolerances too: the balance is kept by the formulation, not by the tolerance.
  const auto loose = flowsheet.simulate({0.0, 3600.0, 36000.0}, SimulationOptions{});
  CHECK(loose.balance.closure() < 1e-12);
}

TEST_CASE("continuous MSMPR crystalliser: exponential distribution at steady state") {
  for (const FluxLimiter limiter : {FluxLimiter::van_leer, FluxLimiter::van_albada}) {
    CAPTURE(static_cast<int>(limiter));
    constexpr double flow = 1e-3;
    constexpr double volume = 3.6;
    constexpr double tau = volume / flow;
    Flowsheet flowsheet(Database::bundled());
    flowsheet.set_components(ions, {"scheelite"});
    FeedParameters feed;
    feed.flow = flow * units::cubic_meter / units::second;
    for (std::size_t i = 0; i < ions.size(); ++i) {
      feed.solution.push_back({ions[i], (i < 2 ? 2.0 : 4.0) * units::mole / units::cubic_meter});
    }
    flowsheet.add_unit(std::make_unique<Feed>("feed", feed));
    flowsheet.add_unit(
        std::make_unique<Crystallizer>("cryst", scheelite_crystallizer(volume, {0, 0, 0, 0}, limiter)));
    flowsheet.add_unit(std::make_unique<Product>("product"));
    flowsheet.connect({"feed", "out"}, {"cryst", "in"});
    flowsheet.connect({"cryst", "out"}, {"product", "in"});
    SimulationOptions options;
    options.relative_tolerance = 1e-9;
    options.absolute_tolerance = 1e-12;
    const auto result = flowsheet.simulate({0.0, 30.0 * tau}, options);
    const auto last = [&](const std::string& name) {
      const Vector v = result.output("cryst." + name);
      return v[v.size() - 1];
    };
    const double g = last("G");
    const double b0 = last("B0");
    std::printf(
        "MSMPR CaWO4 (%s): S %.4f G %.3e m/s B0 %.3e L10 %.4e (G tau %.4e) L43 %.4e yield %.6f closure "
        "%.2e\n",
        limiter == FluxLimiter::van_leer ? "van Leer" : "van Albada", last("S"), g, b0, last("L10"), g * tau,
        last("L43"), last("yield"), result.balance.closure());
    REQUIRE(g > 0.0);
    // Grid 2 um against G tau of tens of um: finite-volume errors of about 1e-3 (see the PBE test).
    const auto rel = [](double a, double b) { return std::abs(a / b - 1.0); };
    const double h = 2e-6;
    const double first_cell = b0 / g * g * tau * (1.0 - std::exp(-h / (g * tau))) / h;  // exact cell average
    CHECK(g * tau > 5.0 * h);
    CHECK(rel(last("L10"), g * tau) < 5e-3);
    CHECK(rel(last("L43"), 4.0 * g * tau) < 5e-3);
    CHECK(rel(last("mu0"), b0 * tau) < 5e-3);
    CHECK(rel(last("n[0]"), first_cell) < 1e-2);
    CHECK(result.balance.closure() < 1e-10);
  }
}

TEST_CASE("the crystalliser's declared Jacobian pattern holds every dependence") {
  // Entries left out of the pattern are taken as zero by the finite-difference Jacobian, so perturbing any
  // state must leave f unchanged (bitwise) in every row the pattern omits for that column. Checked while
  // growing (with secondary nucleation, whose suspension density couples the first cells to all) and while
  // dissolving, with either smooth limiter.
  for (const auto& [ion_scale, limiter] :
       {std::pair{1.0, FluxLimiter::van_leer}, std::pair{0.01, FluxLimiter::van_leer},
        std::pair{1.0, FluxLimiter::van_albada}, std::pair{0.01, FluxLimiter::van_albada}}) {
    CAPTURE(ion_scale);
    CAPTURE(static_cast<int>(limiter));
    auto parameters = scheelite_crystallizer(1.0, {2.0, 2.0, 4.0, 4.0}, limiter);
    parameters.grid = SizeGrid::uniform(0.0, 200e-6, 12);
    parameters.nucleation.secondary_rate_constant = 1e7;
    parameters.nucleation.secondary_order = 2.0;
    Flowsheet flowsheet(Database::bundled());
    flowsheet.set_components(ions, {"scheelite"});
    flowsheet.add_unit(std::make_unique<Feed>("feed", FeedParameters{}));
    flowsheet.add_unit(std::make_unique<Crystallizer>("cryst", parameters));
    flowsheet.add_unit(std::make_unique<Product>("product"));
    flowsheet.connect({"feed", "out"}, {"cryst", "in"});
    flowsheet.connect({"cryst", "out"}, {"product", "in"});
    const auto result = flowsheet.simulate({0.0, 600.0});
    const auto& unit = *flowsheet.find_unit("cryst");
    const std::size_t n = unit.state_size();
    std::vector<double> y(n);
    for (std::size_t j = 0; j < n; ++j) {
      y[j] = result.states(1, static_cast<Eigen::Index>(j));  // the crystalliser's block comes first
    }
    for (std::size_t j = 0; j < ions.size(); ++j) {
      y[j] *= ion_scale;  // 0.01: undersaturated, the crystals dissolve
    }
    std::vector<bool> declared(n * n, false);
    for (const auto& [row, column] : unit.state_pattern()) {
      declared[row * n + column] = true;
    }
    const std::vector<Stream> inlets{Stream::empty(flowsheet.components())};
    std::vector<double> f0(n);
    std::vector<double> f1(n);
    std::size_t omitted_but_used = 0;
    for (std::size_t j = 0; j < n; ++j) {
      // Each pair from the same starting point: the speciation's warm start must not differ between them.
      unit.evaluate(600.0, y, inlets, f0);
      std::vector<double> perturbed = y;
      perturbed[j] += 1e-3 * std::max(std::abs(y[j]), unit.state_scale(j) * 1e-6);
      unit.evaluate(600.0, perturbed, inlets, f1);
      for (std::size_t i = 0; i < n; ++i) {
        if (!declared[i * n + j] && f1[i] != f0[i]) {
          ++omitted_but_used;
          MESSAGE("row " << unit.state_name(i) << " depends on " << unit.state_name(j));
        }
      }
    }
    CHECK(omitted_but_used == 0);
    CHECK(unit.state_pattern().size() < n * n);  // and it is sparse
  }
}
