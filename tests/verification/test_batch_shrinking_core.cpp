// Batch leaching against the integrated shrinking-core relations (Levenspiel, Chemical Reaction Engineering,
// 3rd ed., 1999, eqs. 25.23 and 25.18):
//   reaction control        t/tau = 1 - (1 - X)^(1/3)
//   product-layer diffusion t/tau = 1 - 3 (1 - X)^(2/3) + 2 (1 - X)
// with the reagent in large excess (constant concentration), and exact stoichiometry when it depletes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/kinetics/particle_size.hpp"
#include "hydromet/unitops/leach_tank.hpp"

using namespace hydromet;
using namespace boost::units;

namespace {

Database test_database() {
  // Densities: Handbook of Mineralogy (scheelite 6.1, calcite 2.71 g/cm3); the solid NaOH product is a
  // made-up species that gives a reaction with two moles of reagent per mole of mineral.
  return Database::from_string(R"(
species:
  - {name: Na+, formula: Na+, phase: aqueous, source: test}
  - {name: OH-, formula: OH-, phase: aqueous, source: test}
  - {name: WO4-2, formula: WO4-2, phase: aqueous, source: test}
  - {name: CO3-2, formula: CO3-2, phase: aqueous, source: test}
  - {name: scheelite, formula: CaWO4, phase: solid, density: 6100, source: test}
  - {name: calcite, formula: CaCO3, phase: solid, density: 2710, source: test}
  - {name: portlandite, formula: Ca(OH)2, phase: solid, density: 2230, source: test}
)",
                               "verification database");
}

struct BatchCase {
  ShrinkingCoreParameters kinetics;
  std::string equation = "scheelite + CO3-2 -> calcite + WO4-2";
  std::string reagent = "CO3-2";
  double reagent_concentration = 1000.0;  // [mol/m3]
  double mineral_mass = 1e-3;             // [kg]
  double diameter = 100e-6;               // [m]
  double volume = 1e-3;                   // [m3]
};

std::unique_ptr<Flowsheet> build(const BatchCase& c) {
  auto database = test_database();
  auto flowsheet = std::make_unique<Flowsheet>(database);
  flowsheet->set_components({"Na+", "OH-", "WO4-2", "CO3-2"}, {"scheelite", "calcite", "portlandite"});
  LeachTankParameters parameters;
  parameters.temperature = 473.15 * si::kelvin;
  parameters.solution_volume = c.volume * si::cubic_meter;
  parameters.solution = {{c.reagent, c.reagent_concentration * si::mole / si::cubic_meter}};
  parameters.solids = {{"scheelite", c.mineral_mass * si::kilogram, c.diameter * si::meter, {}}};
  parameters.reactions = {
      LeachReaction::from_equation("attack", c.equation, "scheelite", c.reagent, c.kinetics, database)};
  flowsheet->add_unit(std::make_unique<LeachTank>("tank", parameters));
  return flowsheet;
}

double tau(const BatchCase& c, const Species& scheelite) {
  const double molar_density = scheelite.density / scheelite.molar_mass();
  return complete_conversion_time(c.kinetics, c.reagent_concentration, 0.5 * c.diameter, 473.15,
                                  molar_density);
}

void check_against_integrated_form(const BatchCase& c) {
  auto flowsheet = build(c);
  const double time_constant = tau(c, flowsheet->database().species("scheelite"));
  const std::vector<double> conversions{0.5, 0.9, 0.95, 0.99};
  std::vector<double> times{0.0};
  for (const double x : conversions) {
    times.push_back(time_constant * shrinking_core_time_fraction(c.kinetics.control, x));
  }
  SimulationOptions options;
  options.relative_tolerance = 1e-11;
  options.absolute_tolerance = 1e-14;
  const auto result = flowsheet->simulate(times, options);
  const Vector conversion = result.output("tank.conversion[scheelite]");
  CHECK(conversion[0] == 0.0);
  for (std::size_t i = 0; i < conversions.size(); ++i) {
    const double simulated = conversion[static_cast<Eigen::Index>(i + 1)];
    const double time_fraction = shrinking_core_time_fraction(c.kinetics.control, simulated);
    const double expected = times[i + 1] / time_constant;
    INFO("X = " << conversions[i] << ", simulated X = " << simulated);
    CHECK(std::abs(time_fraction / expected - 1.0) < 1e-6);
  }
  CHECK(result.balance.closure() < 1e-12);
}

}  // namespace

TEST_CASE("reaction control with the reagent in large excess follows t/tau = 1 - (1-X)^(1/3)") {
  BatchCase c;
  c.kinetics.control = ShrinkingCoreControl::reaction;
  c.kinetics.surface_rate_constant = 2e-8;
  c.kinetics.surface_temperature = {72e3, 473.15};
  // 1e-9 kg of mineral against 1 mol of carbonate: the concentration falls by < 4e-12 relative.
  c.mineral_mass = 1e-9;
  check_against_integrated_form(c);
}

TEST_CASE(
    "product-layer diffusion with the reagent in large excess follows t/tau = 1 - 3(1-X)^(2/3) + 2(1-X)") {
  BatchCase c;
  c.kinetics.control = ShrinkingCoreControl::product_layer;
  c.kinetics.effective_diffusivity = 1e-10;
  c.mineral_mass = 1e-9;
  check_against_integrated_form(c);
}

TEST_CASE("film control with the reagent in large excess is linear, X = t/tau") {
  BatchCase c;
  c.kinetics.control = ShrinkingCoreControl::film;
  c.kinetics.film_coefficient = 1e-6;
  c.mineral_mass = 1e-9;
  check_against_integrated_form(c);
}

TEST_CASE(
    "with the reagent depleting, reagent consumed equals the stoichiometric multiple of mineral reacted") {
  for (const auto control : {ShrinkingCoreControl::reaction, ShrinkingCoreControl::product_layer}) {
    BatchCase c;
    c.kinetics.control = control;
    c.kinetics.surface_rate_constant = 1e-7;
    c.kinetics.effective_diffusivity = 1e-9;
    // Two moles of hydroxide per mole of scheelite; 1.2 times the stoichiometric hydroxide.
    c.equation = "scheelite + 2 OH- -> portlandite + WO4-2";
    c.reagent = "OH-";
    c.mineral_mass = 0.1;
    const double mineral_moles = 0.1 / 0.287914;  // CaWO4 [kg/mol]
    c.reagent_concentration = 1.2 * 2.0 * mineral_moles / c.volume;
    auto flowsheet = build(c);
    SimulationOptions options;
    options.relative_tolerance = 1e-9;
    const double time_constant = tau(c, flowsheet->database().species("scheelite"));
    const auto result =
        flowsheet->simulate({0.0, 0.1 * time_constant, time_constant, 10.0 * time_constant}, options);
    const Vector conversion = result.output("tank.conversion[scheelite]");
    const Vector consumed = result.output("tank.consumed[OH-]");
    const double initial_moles = 0.1 / flowsheet->database().species("scheelite").molar_mass();
    for (Eigen::Index k = 1; k < conversion.size(); ++k) {
      const double reacted = conversion[k] * initial_moles;
      INFO("control " << static_cast<int>(control) << ", output " << k);
      CHECK(reacted > 0.0);
      CHECK(std::abs(consumed[k] - 2.0 * reacted) / consumed[k] < 1e-10);
    }
    // With 20 % excess the mineral is used up by 10 tau (to solver tolerance) and 1/6 of the OH- is left.
    CHECK(std::abs(conversion[3] - 1.0) < 1e-6);
    CHECK(consumed[3] == doctest::Approx(2.0 * initial_moles).epsilon(1e-6));
    CHECK(result.balance.closure() < 1e-12);
  }
}

// Three equal-mass size fractions whose complete-conversion times are tau, 2 tau, 4 tau (diameters d, 2d, 4d,
// reaction control, reagent in excess): X̄(t) = (1/3) Σ_i [1 − (1 − t/tau_i)^3] while t < tau_i, else 1, so
// X̄ = 0.594401 at t = tau/2, 0.817708 at tau and 0.958333 at 2 tau.
TEST_CASE("a size distribution of three equal-mass fractions follows the mass-weighted closed form") {
  BatchCase c;
  c.kinetics.control = ShrinkingCoreControl::reaction;
  c.kinetics.surface_rate_constant = 2e-8;
  c.mineral_mass = 1e-9;
  auto database = test_database();
  auto flowsheet = std::make_unique<Flowsheet>(database);
  flowsheet->set_components({"Na+", "OH-", "WO4-2", "CO3-2"}, {"scheelite", "calcite", "portlandite"});
  LeachTankParameters parameters;
  parameters.temperature = 473.15 * si::kelvin;
  parameters.solution_volume = c.volume * si::cubic_meter;
  parameters.solution = {{c.reagent, c.reagent_concentration * si::mole / si::cubic_meter}};
  const double d = 20e-6;
  LeachTankParameters::MineralCharge charge{"scheelite", c.mineral_mass * si::kilogram, 0.0 * si::meter, {}};
  charge.distribution = size_distribution({d, 2.0 * d, 4.0 * d}, {1.0, 1.0, 1.0});
  parameters.solids = {charge};
  parameters.reactions = {
      LeachReaction::from_equation("attack", c.equation, "scheelite", c.reagent, c.kinetics, database)};
  flowsheet->add_unit(std::make_unique<LeachTank>("tank", parameters));
  const Species& scheelite = flowsheet->database().species("scheelite");
  const double tau1 = complete_conversion_time(c.kinetics, c.reagent_concentration, 0.5 * d, 473.15,
                                               scheelite.density / scheelite.molar_mass());
  SimulationOptions options;
  options.relative_tolerance = 1e-11;
  options.absolute_tolerance = 1e-14;
  const auto result = flowsheet->simulate({0.0, 0.5 * tau1, tau1, 2.0 * tau1}, options);
  const Vector mean = result.output("tank.conversion[scheelite]");
  const std::vector<double> published{0.594401, 0.817708, 0.958333};
  for (std::size_t i = 0; i < 3; ++i) {
    const double x = 0.5 * std::pow(2.0, static_cast<double>(i));  // t / tau_1
    double closed = 0.0;
    for (const double tau_ratio : {1.0, 2.0, 4.0}) {
      const double core = std::max(1.0 - x / tau_ratio, 0.0);
      closed += (1.0 - core * core * core) / 3.0;
    }
    const double simulated = mean[static_cast<Eigen::Index>(i + 1)];
    INFO("t/tau1 = " << x << ": simulated " << simulated << ", closed form " << closed);
    CHECK(std::abs(closed - published[i]) < 5e-7);
    CHECK(std::abs(simulated / closed - 1.0) < 1e-6);
    // Per class: the smallest class is done at t = tau_1.
    const double smallest = result.output("tank.conversion[scheelite,0]")[static_cast<Eigen::Index>(i + 1)];
    const double core = std::max(1.0 - x, 0.0);
    CHECK(std::abs(smallest - (1.0 - core * core * core)) < 1e-6);
  }
  CHECK(result.balance.closure() < 1e-12);
}
