// Leach kinetics beyond the shrinking core's concentration basis, each against an independent reference:
// reaction orders in activity (Davies formula), Avrami kinetics (closed forms in batch and in a continuous
// tank), rate expressions (re-stating the built-in law), and the energy balance (closed forms).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/core/error.hpp"
#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/kinetics/leach_rate.hpp"
#include "hydromet/kinetics/shrinking_core.hpp"
#include "hydromet/streams/component_list.hpp"
#include "hydromet/thermo/activity.hpp"
#include "hydromet/unitops/feed.hpp"
#include "hydromet/unitops/leach_tank.hpp"
#include "hydromet/unitops/product.hpp"

using namespace hydromet;

namespace {

// Scheelite (6.1 g/cm3, Handbook of Mineralogy) in soda, 1e-11 kg against 0.1 mol of carbonate: the
// concentrations change by < 4e-10 relative, so every law below sees a constant solution.
std::string batch_yaml(const std::string& kinetics, const std::string& extra = "",
                       const std::string& tank_temperature = "298.15") {
  return R"(
reactions:
  attack:
    equation: scheelite + CO3-2 -> calcite + WO4-2
    mineral: scheelite
    reagent: CO3-2
    kinetics: )" +
         kinetics + R"(
equipment:
  tank:
    type: leach_tank
    mode: batch
    temperature: )" +
         tank_temperature + R"(
    volume: 1.0e-3
    solution: {Na+: 200, CO3-2: 100}
    solids: {scheelite: {mass: 1.0e-11, particle_size: 100.0e-6}}
    reactions: [attack]
)" + extra;
}

double conversion_at(Flowsheet flowsheet, double time) {
  SimulationOptions options;
  options.relative_tolerance = 1e-11;
  options.absolute_tolerance = 1e-14;
  const auto result = flowsheet.simulate({0.0, time}, options);
  return result.output("tank.conversion[scheelite]")[1];
}

double reaction_time_fraction(double conversion) { return 1.0 - std::cbrt(1.0 - conversion); }

}  // namespace

TEST_CASE("order in activity: ideal activities reproduce the concentration basis exactly") {
  const std::string kinetics = "{control: reaction, rate_constant: 1.5e-5, order: 0.7";
  const std::string speciation =
      "    speciation: {components: [Na+, CO3-2, WO4-2], species: [Na+, CO3-2, WO4-2], activity_model: "
      "ideal}\n";
  const double on_concentration = conversion_at(load_flowsheet_string(batch_yaml(kinetics + "}")), 600.0);
  const double on_activity = conversion_at(
      load_flowsheet_string(batch_yaml(kinetics + ", order_basis: activity}", speciation)), 600.0);
  INFO("X on concentration " << on_concentration << ", on activity " << on_activity
                             << ", relative difference " << on_activity / on_concentration - 1.0);
  CHECK(on_concentration > 0.05);
  CHECK(std::abs(on_activity / on_concentration - 1.0) < 1e-12);
}

TEST_CASE("order in activity: with Davies the rate ratio is gamma^n from the Davies formula") {
  const double order = 0.7;
  const std::string kinetics = "{control: reaction, rate_constant: 1.5e-5, order: 0.7";
  const std::string speciation =
      "    speciation: {components: [Na+, CO3-2, WO4-2], species: [Na+, CO3-2, WO4-2], activity_model: "
      "davies}\n";
  const double time = 600.0;
  const double on_concentration = conversion_at(load_flowsheet_string(batch_yaml(kinetics + "}")), time);
  const double on_activity = conversion_at(
      load_flowsheet_string(batch_yaml(kinetics + ", order_basis: activity}", speciation)), time);
  // Davies (1962): log10 γ = −A z² (√I/(1 + √I) − 0.3 I); I = ½ Σ z² m with 0.2 mol/kg Na+ and 0.1 mol/kg
  // CO3-2 (molality = c [mol/L] / 1 kg/L); A(25 °C) from the water properties.
  const double ionic_strength = 0.5 * (0.2 * 1.0 + 0.1 * 4.0);
  const double a = debye_huckel_parameters(298.15).a;
  const double log_gamma =
      -a * 4.0 * (std::sqrt(ionic_strength) / (1.0 + std::sqrt(ionic_strength)) - 0.3 * ionic_strength);
  const double expected_ratio = std::pow(std::pow(10.0, log_gamma), order);
  // Reaction control with constant reagent: 1 − (1 − X)^(1/3) = t/τ, τ ∝ 1/rate, so the ratio of the time
  // fractions is the ratio of the rates.
  const double ratio = reaction_time_fraction(on_activity) / reaction_time_fraction(on_concentration);
  INFO("A = " << a << ", gamma(CO3-2) = " << std::pow(10.0, log_gamma) << ", ratio " << ratio << " vs "
              << expected_ratio << ", relative error " << ratio / expected_ratio - 1.0);
  CHECK(std::abs(expected_ratio - 1.0) > 0.1);  // the activity correction is far from negligible here
  CHECK(std::abs(ratio / expected_ratio - 1.0) < 1e-8);
}

TEST_CASE("order in activity without a speciation block is an input error at the reaction") {
  try {
    (void)load_flowsheet_string(
        batch_yaml("{control: reaction, rate_constant: 1.5e-5, order: 0.7, order_basis: activity}"));
    FAIL("expected an InputError");
  } catch (const InputError& error) {
    CHECK(error.location().line > 0);
    CHECK(error.message().find("speciation") != std::string::npos);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Avrami (JMAK): X = 1 − exp(−(k t)^n) in batch (Avrami, J. Chem. Phys. 7 (1939) 1103; 8 (1940) 212).

TEST_CASE("Avrami batch: X(t) = 1 - exp(-(k t)^n) for n < 1, n = 1 and n > 1") {
  const double k = 1e-3;  // [1/s]
  for (const double n : {0.44, 1.0, 2.5}) {
    const std::string kinetics =
        "{control: avrami, rate_constant: 1.0e-3, exponent: " + std::to_string(n) + "}";
    Flowsheet flowsheet = load_flowsheet_string(batch_yaml(kinetics));
    std::vector<double> times{0.0};
    const std::vector<double> targets{0.01, 0.2, 0.5, 0.9, 0.99};
    for (const double x : targets) {
      times.push_back(std::pow(-std::log1p(-x), 1.0 / n) / k);
    }
    SimulationOptions options;
    options.relative_tolerance = 1e-11;
    options.absolute_tolerance = 1e-14;
    const auto result = flowsheet.simulate(times, options);
    const Vector conversion = result.output("tank.conversion[scheelite]");
    double worst = 0.0;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const double exact = avrami_conversion(k * times[i + 1], n);
      worst = std::max(worst, std::abs(conversion[static_cast<Eigen::Index>(i + 1)] / exact - 1.0));
    }
    MESSAGE("Avrami batch n = " << n << ": largest relative error of X at X = 0.01..0.99: " << worst << " ("
                                << result.statistics.steps << " steps)");
    CHECK(worst < 1e-6);
    CHECK(result.balance.closure() < 1e-10);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Continuous tanks: a feed of 100 µm scheelite (all in the top class) into one leach tank, on a size grid
// uniform in the core diameter.

namespace {

Database continuous_database() {
  return Database::from_string(R"(
species:
  - {name: Na+, formula: Na+, phase: aqueous, source: test}
  - {name: WO4-2, formula: WO4-2, phase: aqueous, source: test}
  - {name: CO3-2, formula: CO3-2, phase: aqueous, source: test}
  - {name: scheelite, formula: CaWO4, phase: solid, density: 6100, source: Handbook of Mineralogy}
  - {name: calcite, formula: CaCO3, phase: solid, density: 2710, source: Handbook of Mineralogy}
)",
                               "verification database");
}

constexpr double feed_flow = 1e-3;        // [m3/s]
constexpr double feed_carbonate = 1000;   // [mol/m3]
constexpr double feed_diameter = 100e-6;  // [m]
// 1e-7 mol/s of scheelite against 1 mol/s of carbonate: the solution stays constant to 1e-7.
constexpr double feed_scheelite = 1e-7 * 0.287914;  // [kg/s]

struct ContinuousRun {
  double conversion = 0.0;  // stage conversion of scheelite
  SteadyStateResult result;
};

LeachReaction soda_attack(const Database& database, const ShrinkingCoreParameters& kinetics) {
  return LeachReaction::from_equation("attack", "scheelite + CO3-2 -> calcite + WO4-2", "scheelite", "CO3-2",
                                      kinetics, database);
}

// One tank of residence time `residence` [s] on `classes` core-size classes.
ContinuousRun run_tank(
    const LeachReaction& reaction, double residence, std::size_t classes,
    ContinuousLeachTankParameters::Model model = ContinuousLeachTankParameters::Model::segregated,
    const std::optional<LeachEnergyBalance>& energy = std::nullopt, double feed_temperature = 298.15,
    double mineral_feed = feed_scheelite, std::vector<double> sizes = {}) {
  const auto database = continuous_database();
  Flowsheet flowsheet(database);
  if (sizes.empty()) {
    for (std::size_t k = 0; k < classes; ++k) {
      sizes.push_back(feed_diameter * (1.0 - static_cast<double>(k) / static_cast<double>(classes)));
    }
  }
  flowsheet.set_components({"Na+", "WO4-2", "CO3-2"}, {"scheelite", "calcite"}, {}, sizes);
  FeedParameters feed;
  feed.flow = feed_flow * units::cubic_meter / units::second;
  feed.temperature = feed_temperature * units::kelvin;
  feed.solution = {{"CO3-2", feed_carbonate * units::mole / units::cubic_meter},
                   {"Na+", 2.0 * feed_carbonate * units::mole / units::cubic_meter}};
  feed.solids = {{"scheelite", mineral_feed * units::kilogram / units::second}};
  flowsheet.add_unit(std::make_unique<Feed>("feed", feed));
  ContinuousLeachTankParameters tank;
  tank.tank.volume = residence * feed_flow * units::cubic_meter;
  tank.model = model;
  tank.reactions = {reaction};
  if (energy) {
    tank.energy_balance = energy;
    tank.initial_temperature = feed_temperature;
  } else {
    tank.tank.temperature = 298.15 * units::kelvin;
  }
  flowsheet.add_unit(std::make_unique<ContinuousLeachTank>("leach", tank));
  flowsheet.connect({"feed", "out"}, {"leach", "in"});
  flowsheet.add_unit(std::make_unique<Product>("product"));
  flowsheet.connect({"leach", "out"}, {"product", "in"});
  SteadyStateOptions options;
  options.tolerance = 1e-13;
  ContinuousRun run;
  run.result = flowsheet.solve_steady(options);
  CHECK(run.result.converged);
  CHECK(run.result.balance.closure() < 1e-10);
  for (const auto& balance : run.result.snapshot.unit_balances) {
    INFO("unit " << balance.unit);
    CHECK(balance.closure() < 1e-10);
  }
  run.conversion = run.result.output("leach.conversion[scheelite]");
  return run;
}

// Relative errors of 1 − X̄ on 50, 100, 200 classes against `exact_unreacted`, and the observed orders.
std::vector<double> grid_errors(const LeachReaction& reaction, double residence, double exact_unreacted,
                                const std::string& label) {
  std::vector<double> errors;
  for (const std::size_t classes : {50, 100, 200}) {
    const auto run = run_tank(reaction, residence, classes);
    errors.push_back((1.0 - run.conversion) / exact_unreacted - 1.0);
  }
  MESSAGE(label << ": relative error of 1 - X on 50/100/200 classes " << errors[0] << " " << errors[1] << " "
                << errors[2] << ", observed order " << std::log2(std::abs(errors[0] / errors[1])) << " "
                << std::log2(std::abs(errors[1] / errors[2])));
  return errors;
}

}  // namespace

TEST_CASE("Avrami n = 1 in one continuous tank: X = k tau / (1 + k tau), second order in the size grid") {
  // Segregated flow, exponential residence-time distribution E(t) = e^(−t/τ)/τ (Levenspiel, Chemical
  // Reaction Engineering, 3rd ed., ch. 11): X̄ = ∫ (1 − e^(−kt)) e^(−t/τ)/τ dt = 1 − 1/(1 + kτ), the
  // first-order CSTR of ch. 5.
  const auto database = continuous_database();
  LeachReaction reaction = soda_attack(database, {});
  reaction.form = LeachRateForm::avrami;
  reaction.avrami.rate_constant = 1.0 / 3600.0;
  reaction.avrami.exponent = 1.0;
  for (const double k_tau : {0.5, 2.0}) {
    const double residence = k_tau * 3600.0;
    const double exact_unreacted = 1.0 / (1.0 + k_tau);
    const auto errors =
        grid_errors(reaction, residence, exact_unreacted, "Avrami n = 1, k tau = " + std::to_string(k_tau));
    CHECK(std::log2(std::abs(errors[0] / errors[1])) >= 1.8);
    CHECK(std::log2(std::abs(errors[1] / errors[2])) >= 1.8);
    CHECK(std::abs(errors[2]) < 1e-4);
    // First order is linear in X, so the lumped model (the rate at the mean conversion) is exact too.
    const auto lumped = run_tank(reaction, residence, 50, ContinuousLeachTankParameters::Model::lumped);
    MESSAGE("lumped: relative error of 1 - X " << (1.0 - lumped.conversion) / exact_unreacted - 1.0);
    CHECK(std::abs((1.0 - lumped.conversion) / exact_unreacted - 1.0) < 1e-10);
  }
}

namespace {

// 1 − X̄ = ∫_0^∞ exp(−(k t)^n) e^(−t/τ)/τ dt, with s = t/τ: ∫_0^∞ exp(−(kτ s)^n − s) ds, by the composite
// Simpson rule on s = u^4 (which resolves the t^n behaviour at 0) over u in [0, 40^(1/4)].
double avrami_tank_unreacted(double k_tau, double n) {
  const int intervals = 200000;
  const double upper = std::pow(40.0, 0.25);
  const double h = upper / intervals;
  const auto integrand = [&](double u) {
    const double s = u * u * u * u;
    return std::exp(-std::pow(k_tau * s, n) - s) * 4.0 * u * u * u;
  };
  double sum = integrand(0.0) + integrand(upper);
  for (int i = 1; i < intervals; ++i) {
    sum += integrand(i * h) * (i % 2 == 1 ? 4.0 : 2.0);
  }
  return sum * h / 3.0;
}

}  // namespace

// Age classes up to θ_max, read by the tank as conversion classes: edges at core diameters
// d_j = D exp(−θ_jⁿ/3) (X = 1 − (d/D)³ = 1 − exp(−θⁿ)), the last class [θ_max, ∞). Uniform in θ for n >= 1;
// for n < 1, whose hazard n k θ^(n−1) is singular at θ = 0, uniform in θⁿ = −ln(1 − X) (geometric in size).
std::vector<double> age_grid(std::size_t classes, double exponent, double age_max) {
  const double power = std::min(exponent, 1.0);
  std::vector<double> sizes;
  for (std::size_t j = 0; j < classes; ++j) {
    const double fraction = static_cast<double>(j) / static_cast<double>(classes - 1);
    const double age = std::pow(std::pow(age_max, power) * fraction, 1.0 / power);
    sizes.push_back(feed_diameter * std::exp(-std::pow(age, exponent) / 3.0));
  }
  return sizes;
}

TEST_CASE("Avrami n != 1 in one continuous tank: the age scheme converges at second order to the integral") {
  // 1 − X̄ = ∫ exp(−(kt)ⁿ) E(t) dt over the exponential residence-time distribution (segregated flow,
  // Levenspiel ch. 11), by quadrature above; k τ = 1. θ_max leaves at most e^(−θ_max/(kτ)) e^(−θ_maxⁿ) of the
  // mineral beyond the last finite class (1e-13 for n = 2, 3; 2e-9 for n = 0.5). n = 0.5 is refined from 200
  // classes: its singular hazard keeps coarser grids pre-asymptotic (orders 1.76, 1.90 on 100/200/400).
  struct AgeCase {
    double exponent;
    double age_max;
    std::size_t coarsest;
  };
  const auto database = continuous_database();
  LeachReaction reaction = soda_attack(database, {});
  reaction.form = LeachRateForm::avrami;
  reaction.avrami.rate_constant = 1.0 / 3600.0;
  for (const AgeCase& c : {AgeCase{0.5, 16.0, 200}, AgeCase{2.0, 5.0, 50}, AgeCase{3.0, 3.0, 50}}) {
    reaction.avrami.exponent = c.exponent;
    const double exact = avrami_tank_unreacted(1.0, c.exponent);
    std::vector<double> errors;
    for (const std::size_t classes : {c.coarsest, 2 * c.coarsest, 4 * c.coarsest}) {
      const auto run =
          run_tank(reaction, 3600.0, classes, ContinuousLeachTankParameters::Model::segregated, std::nullopt,
                   298.15, feed_scheelite, age_grid(classes, c.exponent, c.age_max));
      errors.push_back((1.0 - run.conversion) / exact - 1.0);
    }
    const double coarse = std::log2(std::abs(errors[0] / errors[1]));
    const double fine = std::log2(std::abs(errors[1] / errors[2]));
    MESSAGE("Avrami n = " << c.exponent << ", k tau = 1, age grid to " << c.age_max << ": 1 - X = " << exact
                          << ", relative error on " << c.coarsest << "/" << 2 * c.coarsest << "/"
                          << 4 * c.coarsest << " classes " << errors[0] << " " << errors[1] << " "
                          << errors[2] << ", observed order " << coarse << " " << fine);
    CHECK(coarse >= 1.8);
    CHECK(fine >= 1.8);
    CHECK(std::abs(errors[2]) < 1e-4);
  }
}

// On classes uniform in core size the first age class is (3h)^(1/n) wide (√h for n = 2), so the age scheme
// converges there more slowly (n = 2: order about 1; the core-radius scheme it replaced was 3.6 % off on 200
// classes at order 0.5); measured, and required to improve with the grid and to be within 1e-3 on 200.
TEST_CASE("Avrami n != 1 in one continuous tank approaches the segregated-flow integral") {
  const auto database = continuous_database();
  LeachReaction reaction = soda_attack(database, {});
  reaction.form = LeachRateForm::avrami;
  reaction.avrami.rate_constant = 1.0 / 3600.0;
  for (const double n : {0.5, 2.0}) {
    reaction.avrami.exponent = n;
    const double exact = avrami_tank_unreacted(1.0, n);
    const auto errors =
        grid_errors(reaction, 3600.0, exact, "Avrami n = " + std::to_string(n) + ", k tau = 1");
    CHECK(std::abs(errors[2]) < std::abs(errors[0]));
    CHECK(std::abs(errors[2]) < 1e-3);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Rate expressions: one that re-states the built-in reaction-control law gives the same results.

namespace {

std::string exact(double value) {
  std::ostringstream text;
  text.precision(17);
  text << value;
  return text.str();
}

// Reaction control, first order, as dX/dt = 3 (1 − X)^(2/3) k_s(T) C / (a ρ_B R), R = d/2, C in mol/m3.
std::string restated_reaction_control(double molar_density) {
  return "{control: expression, rate: \"3*(1-X)^(2/3)*ks*exp(-Ea/R*(1/T-1/Tref))*c_CO3m2*1000/(rho*d/2)\", "
         "parameters: {ks: 5.0e-8, Ea: 72000, Tref: 298.15, rho: " +
         exact(molar_density) + "}}";
}

}  // namespace

TEST_CASE("rate expression re-stating reaction control: identical batch rates and conversions") {
  const std::string built_in =
      "{control: reaction, rate_constant: 5.0e-8, activation_energy: 72000, reference_temperature: 298.15}";
  const auto database = continuous_database();
  const Species& scheelite = database.species("scheelite");
  const double rho = scheelite.density / scheelite.molar_mass();
  // The right-hand sides agree to rounding at every state along the leach (X = 0 .. 0.999).
  ShrinkingCoreParameters kinetics;
  kinetics.surface_rate_constant = 5.0e-8;
  kinetics.surface_temperature = {72000.0, 298.15};
  LeachTankParameters parameters;
  parameters.temperature = 323.15 * units::kelvin;
  parameters.solution_volume = 1e-3 * units::cubic_meter;
  parameters.solution = {{"CO3-2", 100.0 * units::mole / units::cubic_meter},
                         {"Na+", 200.0 * units::mole / units::cubic_meter}};
  parameters.solids = {{"scheelite", 1e-6 * units::kilogram, 100e-6 * units::meter, {}}};
  parameters.reactions = {soda_attack(database, kinetics)};
  LeachTank reference_tank("tank", parameters);
  parameters.reactions[0].form = LeachRateForm::expression;
  parameters.reactions[0].expression.text = "3*(1-X)^(2/3)*ks*exp(-Ea/R*(1/T-1/Tref))*c_CO3m2*1000/(rho*d/2)";
  parameters.reactions[0].expression.parameters = {
      {"ks", 5.0e-8}, {"Ea", 72000.0}, {"Tref", 298.15}, {"rho", rho}};
  LeachTank restated_tank("tank", parameters);
  const ComponentList components(database, {"Na+", "WO4-2", "CO3-2"}, {"scheelite", "calcite"});
  reference_tank.bind(components);
  restated_tank.bind(components);
  std::vector<double> y(reference_tank.state_size());
  reference_tank.initial_state(y);
  const double charged = y[3];
  double worst_rate = 0.0;
  for (const double x : {0.0, 0.1, 0.5, 0.9, 0.999}) {
    y[3] = charged * (1.0 - x);
    std::vector<double> f_reference(y.size());
    std::vector<double> f_restated(y.size());
    reference_tank.evaluate(0.0, y, {}, f_reference);
    restated_tank.evaluate(0.0, y, {}, f_restated);
    for (std::size_t i = 0; i < y.size(); ++i) {
      if (f_reference[i] != 0.0) {
        worst_rate = std::max(worst_rate, std::abs(f_restated[i] / f_reference[i] - 1.0));
      }
    }
  }
  // Integrated: equal to the integration tolerance (the step sequences may differ by the rounding).
  Flowsheet reference = load_flowsheet_string(batch_yaml(built_in, "", "323.15"));
  const Species& bundled = reference.database().species("scheelite");  // the bundled database's density
  Flowsheet restated = load_flowsheet_string(
      batch_yaml(restated_reaction_control(bundled.density / bundled.molar_mass()), "", "323.15"));
  SimulationOptions options;
  options.relative_tolerance = 1e-12;
  options.absolute_tolerance = 1e-16;
  const std::vector<double> times{0.0, 600.0, 1800.0, 3600.0, 7200.0};
  const Vector x_reference = reference.simulate(times, options).output("tank.conversion[scheelite]");
  const Vector x_restated = restated.simulate(times, options).output("tank.conversion[scheelite]");
  double worst = 0.0;
  for (Eigen::Index i = 1; i < x_reference.size(); ++i) {
    worst = std::max(worst, std::abs(x_restated[i] / x_reference[i] - 1.0));
  }
  MESSAGE("batch: right-hand sides differ by at most "
          << worst_rate << " relative; X(2 h) = " << x_reference[4] << ", simulated X differ by at most "
          << worst);
  CHECK(worst_rate < 1e-12);
  CHECK(x_reference[4] > 0.3);
  CHECK(x_reference[4] < 0.9);
  CHECK(worst < 1e-11);
}

TEST_CASE("rate expression re-stating reaction control: identical continuous conversion, both models") {
  const auto database = continuous_database();
  const Species& scheelite = database.species("scheelite");
  const double rho = scheelite.density / scheelite.molar_mass();
  ShrinkingCoreParameters kinetics;
  kinetics.control = ShrinkingCoreControl::reaction;
  kinetics.surface_rate_constant = rho * 0.5 * feed_diameter / (feed_carbonate * 3600.0);  // τ = 1 h
  kinetics.surface_temperature = {72000.0, 298.15};
  const LeachReaction built_in = soda_attack(database, kinetics);
  LeachReaction restated = built_in;
  restated.form = LeachRateForm::expression;
  restated.expression.text = "3*(1-X)^(2/3)*ks*exp(-Ea/R*(1/T-1/Tref))*c_CO3m2*1000/(rho*d/2)";
  restated.expression.parameters = {
      {"ks", kinetics.surface_rate_constant}, {"Ea", 72000.0}, {"Tref", 298.15}, {"rho", rho}};
  for (const auto model :
       {ContinuousLeachTankParameters::Model::segregated, ContinuousLeachTankParameters::Model::lumped}) {
    const auto reference = run_tank(built_in, 3600.0, 50, model);
    const auto other = run_tank(restated, 3600.0, 50, model);
    const double difference = other.conversion / reference.conversion - 1.0;
    const std::string name = model == ContinuousLeachTankParameters::Model::lumped ? "lumped" : "segregated";
    MESSAGE("continuous (" << name << "): X = " << reference.conversion << ", relative difference "
                           << difference);
    CHECK(reference.conversion > 0.5);
    CHECK(std::abs(difference) < 1e-12);
  }
}

TEST_CASE("rate expression errors: unknown variable at its column, non-finite value at run time") {
  const std::string yaml =
      batch_yaml("{control: expression, rate: \"k0*c_CO3m2*(1-Y)\", parameters: {k0: 1e-3}}");
  try {
    (void)load_flowsheet_string(yaml, "leach.yaml");
    FAIL("expected an InputError");
  } catch (const InputError& error) {
    // Line 7 of the text (it starts with a newline); the column of `Y` in that line.
    const std::string line =
        "    kinetics: {control: expression, rate: \"k0*c_CO3m2*(1-Y)\", parameters: {k0: 1e-3}}";
    CHECK(error.location().file == "leach.yaml");
    CHECK(error.location().line == 7);
    CHECK(error.location().column == line.find('Y') + 1);
    CHECK(error.message().find("Y") != std::string::npos);
  }
  // A parameter may not shadow a variable.
  CHECK_THROWS_AS((void)load_flowsheet_string(
                      batch_yaml("{control: expression, rate: \"T*1e-6\", parameters: {T: 300}}")),
                  InputError);
  // log(X − 0.5) is NaN at the start: a SolverError naming the tank, the reaction and the values.
  Flowsheet flowsheet =
      load_flowsheet_string(batch_yaml("{control: expression, rate: \"1e-3*log(X-0.5)*c_CO3m2\"}"));
  try {
    (void)flowsheet.simulate({0.0, 10.0});
    FAIL("expected a SolverError");
  } catch (const SolverError& error) {
    const std::string message = error.what();
    INFO(message);
    CHECK(message.find("leach_tank `tank`") != std::string::npos);
    CHECK(message.find("reaction `attack`") != std::string::npos);
    CHECK(message.find("X = 0") != std::string::npos);
    CHECK(message.find("c_CO3m2 = 0.1") != std::string::npos);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Energy balance: m c_p dT/dt = Σ ṁ_in c_p (T_in − T) + Σ (−ΔH_r) ξ_r + Q − UA (T − T_amb).

TEST_CASE("energy balance, adiabatic batch: T − T0 = −ΔH ξ / (m c_p) along the leach") {
  // 50 g of scheelite in 1 L of 1 mol/L carbonate; ΔH = −450 kJ/mol is made up (large, so that the
  // Arrhenius coupling matters: the rate grows ~3x over the run); c_p 4 kJ/(kg K) assumed.
  const std::string yaml = R"(
reactions:
  attack:
    equation: scheelite + CO3-2 -> calcite + WO4-2
    mineral: scheelite
    reagent: CO3-2
    kinetics: {control: reaction, rate_constant: 2.0e-8, activation_energy: 72 kJ/mol, reference_temperature: 25 degC}
equipment:
  tank:
    type: leach_tank
    mode: batch
    temperature: 25 degC
    volume: 1 L
    solution: {Na+: 2000, CO3-2: 1000}
    solids: {scheelite: {mass: 50 g, particle_size: 50 um}}
    reactions: [attack]
    energy_balance: {heat_of_reaction: {attack: -450 kJ/mol}, heat_capacity: 4 kJ/kg/K}
)";
  Flowsheet flowsheet = load_flowsheet_string(yaml);
  const Species& scheelite = flowsheet.database().species("scheelite");
  const double charged = 0.05 / scheelite.molar_mass();
  const double mass = 1.0 + 0.05;  // 1 L at the default 1000 kg/m3 plus the charge [kg]
  SimulationOptions options;
  options.relative_tolerance = 1e-11;
  options.absolute_tolerance = 1e-14;
  const auto result = flowsheet.simulate({0.0, 600.0, 1800.0, 3600.0, 7200.0}, options);
  const Vector temperature = result.output("tank.T");
  const Vector conversion = result.output("tank.conversion[scheelite]");
  double worst = 0.0;
  for (Eigen::Index i = 1; i < temperature.size(); ++i) {
    const double expected = 450e3 * conversion[i] * charged / (mass * 4000.0);
    worst = std::max(worst, std::abs((temperature[i] - 298.15) / expected - 1.0));
  }
  MESSAGE("adiabatic batch: X(2 h) = " << conversion[4] << ", T rise " << temperature[4] - 298.15
                                       << " K, largest relative error " << worst);
  CHECK(conversion[4] > 0.5);
  CHECK(temperature[4] - 298.15 > 10.0);
  CHECK(worst < 1e-8);
  CHECK(result.balance.closure() < 1e-10);
}

TEST_CASE("energy balance, continuous steady tank: heat terms close with the extent from the mass balance") {
  const auto database = continuous_database();
  const Species& scheelite = database.species("scheelite");
  const double rho = scheelite.density / scheelite.molar_mass();
  ShrinkingCoreParameters kinetics;
  kinetics.control = ShrinkingCoreControl::reaction;
  kinetics.surface_rate_constant = rho * 0.5 * feed_diameter / (feed_carbonate * 3600.0);
  kinetics.surface_temperature = {72000.0, 298.15};
  LeachEnergyBalance energy;
  energy.heat_of_reaction = {{"attack", -45e3}};
  energy.heating_duty = 20e3;
  energy.heat_capacity = 4000.0;
  energy.heat_loss_ua = 100.0;
  energy.ambient = 298.15;
  const double mineral_feed = 0.01;  // [kg/s]
  const double feed_temperature = 320.0;
  const auto run =
      run_tank(soda_attack(database, kinetics), 1800.0, 50, ContinuousLeachTankParameters::Model::segregated,
               energy, feed_temperature, mineral_feed);
  const double t = run.result.output("leach.T");
  const double extent = mineral_feed / scheelite.molar_mass() * run.conversion;  // mol/s reacted
  const double feed_mass = 1000.0 * feed_flow + mineral_feed;
  const double feeds = feed_mass * 4000.0 * (feed_temperature - t);
  const double released = 45e3 * extent;
  const double loss = 100.0 * (t - 298.15);
  const double residual = feeds + released + 20e3 - loss;
  const double largest = std::max({std::abs(feeds), released, 20e3, loss});
  MESSAGE("continuous steady: T = " << t << " K, X = " << run.conversion << ", terms [W] feeds " << feeds
                                    << ", reaction " << released << ", duty 20000, loss " << loss
                                    << "; closure " << residual / largest);
  CHECK(released > 1000.0);
  CHECK(std::abs(residual) < 1e-10 * largest);
  // The report gives the same terms.
  CHECK(std::abs(run.result.output("leach.heat_released") / released - 1.0) < 1e-12);
}

TEST_CASE("energy balance, heating duty, no reaction: steady and dynamic closed forms of a heated CSTR") {
  // T_ss = (ṁ c_p T_in + Q + UA T_amb) / (ṁ c_p + UA); from T0, T − T_ss decays as exp(−(ṁ c_p + UA) t / (m
  // c_p)).
  const auto database = continuous_database();
  LeachEnergyBalance energy;
  energy.heating_duty = 50e3;
  energy.heat_capacity = 4000.0;
  energy.heat_loss_ua = 500.0;
  energy.ambient = 298.15;
  const double t_in = 300.0;
  const double m_dot = 1000.0 * feed_flow;  // no solids
  const double t_ss = (m_dot * 4000.0 * t_in + 50e3 + 500.0 * 298.15) / (m_dot * 4000.0 + 500.0);
  ShrinkingCoreParameters kinetics;
  kinetics.surface_rate_constant = 1e-9;
  const auto run = run_tank(soda_attack(database, kinetics), 1800.0, 10,
                            ContinuousLeachTankParameters::Model::segregated, energy, t_in, 0.0);
  const double steady = run.result.output("leach.T");
  MESSAGE("heated CSTR: T_ss = " << t_ss << " K, solved " << steady << ", relative error "
                                 << steady / t_ss - 1.0);
  CHECK(std::abs(steady / t_ss - 1.0) < 1e-12);

  Flowsheet flowsheet(database);
  flowsheet.set_components({"Na+", "WO4-2", "CO3-2"}, {"scheelite", "calcite"}, {}, {feed_diameter});
  FeedParameters feed;
  feed.flow = feed_flow * units::cubic_meter / units::second;
  feed.temperature = t_in * units::kelvin;
  feed.solution = {{"CO3-2", feed_carbonate * units::mole / units::cubic_meter}};
  flowsheet.add_unit(std::make_unique<Feed>("feed", feed));
  ContinuousLeachTankParameters tank;
  tank.tank.volume = 1.8 * units::cubic_meter;
  tank.tank.initial_solution = {{"CO3-2", feed_carbonate * units::mole / units::cubic_meter}};
  tank.reactions = {soda_attack(database, kinetics)};
  tank.energy_balance = energy;
  tank.initial_temperature = 290.0;
  flowsheet.add_unit(std::make_unique<ContinuousLeachTank>("leach", tank));
  flowsheet.connect({"feed", "out"}, {"leach", "in"});
  flowsheet.add_unit(std::make_unique<Product>("product"));
  flowsheet.connect({"leach", "out"}, {"product", "in"});
  const double time_constant = 1800.0 * 4000.0 / (m_dot * 4000.0 + 500.0);  // m c_p / (ṁ c_p + UA)
  SimulationOptions options;
  options.relative_tolerance = 1e-11;
  options.absolute_tolerance = 1e-13;
  const std::vector<double> times{0.0, 0.5 * time_constant, time_constant, 3.0 * time_constant};
  const Vector temperature = flowsheet.simulate(times, options).output("leach.T");
  double worst = 0.0;
  for (std::size_t i = 1; i < times.size(); ++i) {
    const double exact = t_ss + (290.0 - t_ss) * std::exp(-times[i] / time_constant);
    worst = std::max(worst, std::abs(temperature[static_cast<Eigen::Index>(i)] / exact - 1.0));
  }
  MESSAGE("heated CSTR start-up from 290 K: largest relative error of T " << worst);
  CHECK(worst < 1e-8);
}

TEST_CASE("energy balance input errors are located") {
  const auto located = [](const std::string& yaml, const std::string& expected) {
    try {
      (void)load_flowsheet_string(yaml);
      FAIL("expected an InputError");
    } catch (const InputError& error) {
      INFO(error.what());
      CHECK(error.location().line > 0);
      CHECK(error.message().find(expected) != std::string::npos);
    }
  };
  const std::string kinetics = "{control: reaction, rate_constant: 1.0e-6}";
  located(
      batch_yaml(kinetics,
                 "    energy_balance: {heat_of_reaction: {atack: -45 kJ/mol}, heat_capacity: 4 kJ/kg/K}\n"),
      "atack");
  located(batch_yaml(kinetics, "    energy_balance: {heat_of_reaction: {attack: -45 kJ/mol}}\n"),
          "heat_capacity");
  located(batch_yaml(kinetics, "    energy_balance: {heat_capacity: 4 kJ/mol}\n"), "heat_capacity");
}

TEST_CASE("rate expression reading activities equals the built-in order on activity (Davies)") {
  const std::string speciation =
      "    speciation: {components: [Na+, CO3-2, WO4-2], species: [Na+, CO3-2, WO4-2], "
      "activity_model: davies}\n";
  Flowsheet built_in = load_flowsheet_string(batch_yaml(
      "{control: reaction, rate_constant: 1.5e-5, order: 0.7, order_basis: activity}", speciation));
  const Species& scheelite = built_in.database().species("scheelite");
  // Reaction control on activity: dX/dt = 3 (1 − X)^(2/3) k_s (1000 a)^n / (ρ_B R).
  Flowsheet restated = load_flowsheet_string(
      batch_yaml("{control: expression, rate: \"3*(1-X)^(2/3)*ks*(1000*a_CO3m2)^0.7/(rho*d/2)\", parameters: "
                 "{ks: 1.5e-5, rho: " +
                     exact(scheelite.density / scheelite.molar_mass()) + "}}",
                 speciation));
  const double x_built_in = conversion_at(std::move(built_in), 600.0);
  const double x_restated = conversion_at(std::move(restated), 600.0);
  MESSAGE("activity in an expression: X = " << x_built_in << ", relative difference "
                                            << x_restated / x_built_in - 1.0);
  CHECK(x_built_in > 0.1);
  CHECK(std::abs(x_restated / x_built_in - 1.0) < 1e-11);
}

TEST_CASE("energy balance from YAML in a continuous tank: heated, no reaction heat, steady closed form") {
  const auto yaml = [](const std::string& temperature) {
    return R"(
size_classes: [100 um, 50 um]
reactions:
  attack:
    equation: scheelite + CO3-2 -> calcite + WO4-2
    mineral: scheelite
    reagent: CO3-2
    kinetics: {control: avrami, rate_constant: 1.0e-4, exponent: 1}
equipment:
  feed: {type: feed, flow: 1 L/s, temperature: 300 K, solution: {Na+: 200, CO3-2: 100}}
  leach:
    type: leach_tank
    mode: continuous
    volume: 1.8 m3
)" + temperature +
           R"(    reactions: [attack]
    energy_balance: {heating_duty: 50 kW, heat_capacity: 4 kJ/kg/K, heat_loss_ua: 0.5 kW/K, ambient: 25 degC}
  out: {type: product}
connections: [feed.out -> leach.in, leach.out -> out.in]
)";
  };
  try {
    (void)load_flowsheet_string(yaml(""));
    FAIL("expected an InputError");
  } catch (const InputError& error) {
    CHECK(error.location().line > 0);
    CHECK(error.message().find("initial temperature") != std::string::npos);
  }
  Flowsheet flowsheet = load_flowsheet_string(yaml("    temperature: 290 K\n"));
  const auto result = flowsheet.solve_steady();
  const double expected = (4000.0 * 300.0 + 50e3 + 500.0 * 298.15) / (4000.0 + 500.0);
  CHECK(result.converged);
  CHECK(std::abs(result.output("leach.T") / expected - 1.0) < 1e-10);
}
