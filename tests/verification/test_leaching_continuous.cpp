// Continuous leach tanks against the segregated-flow closed forms (Levenspiel, Chemical Reaction Engineering,
// 3rd ed., 1999, ch. 25, eqs. 25.41 and 25.43 for a mixed-flow reactor with a single particle size):
//   reaction control  1 − X̄ = 1 − 3a + 6a² − 6a³ (1 − e^(−1/a)),  a = t̄/τ
//   film control      1 − X̄ = a (e^(−1/a) − 1) + 1 = 1 − a (1 − e^(−1/a))
// and N equal tanks in series with total t̄ = τ under reaction control, 1 − X̄ = 0.207277, 0.109009, 0.070968,
// 0.051288 for N = 1..4 (the same segregated integral over the Erlang residence-time distribution). The
// population balance is refined on M = 50, 100, 200 size classes: the observed order of the second-order
// finite-volume scheme must be >= 1.8 on both refinements, and the finest grid alone within 1e-4 relative.
// The lumped option (every particle at the mean conversion) solves X̄ = 3a (1 − X̄)^(2/3) for one tank.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/unitops/feed.hpp"
#include "hydromet/unitops/leach_tank.hpp"
#include "hydromet/unitops/product.hpp"

using namespace hydromet;

namespace {

Database test_database() {
  // Densities: Handbook of Mineralogy (scheelite 6.1, calcite 2.71 g/cm3).
  return Database::from_string(R"(
species:
  - {name: Na+, formula: Na+, phase: aqueous, source: test}
  - {name: WO4-2, formula: WO4-2, phase: aqueous, source: test}
  - {name: CO3-2, formula: CO3-2, phase: aqueous, source: test}
  - {name: scheelite, formula: CaWO4, phase: solid, density: 6100, source: test}
  - {name: calcite, formula: CaCO3, phase: solid, density: 2710, source: test}
)",
                               "verification database");
}

constexpr double flow = 1e-3;        // Q [m3/s]
constexpr double carbonate = 1000;   // [mol/m3]: 1 mol/s of reagent
constexpr double diameter = 100e-6;  // feed particles [m]
constexpr double tau = 3600.0;       // complete-conversion time at the feed concentration [s]
// 1e-7 mol/s of scheelite against 1 mol/s of carbonate: the concentration stays constant to 1e-7.
constexpr double scheelite_feed = 1e-7 * 0.287914;  // [kg/s]

struct Case {
  ShrinkingCoreControl control = ShrinkingCoreControl::reaction;
  ContinuousLeachTankParameters::Model model = ContinuousLeachTankParameters::Model::segregated;
  int tanks = 1;
  double a = 1.0;  // t̄ / τ of the whole train
  std::size_t classes = 100;
  double mineral_feed = scheelite_feed;  // [kg/s]
  double tolerance = 1e-13;              // steady |f_i| / scale_i
  // `mixed` control with the surface reaction alone (no film, no product layer): the same law as reaction
  // control, evaluated by the general per-radius flux instead of the tank's radius-independent speed.
  bool mixed_surface_only = false;
};

struct Outcome {
  double unreacted = 0.0;      // 1 − X̄ of the train
  double concentration = 0.0;  // reagent in the last tank [mol/m3]
  SteadyStateResult result;
};

// Feed, N leach tanks and a product on c.classes core-size classes.
void build(Flowsheet& flowsheet, const Database& database, const Case& c) {
  std::vector<double> sizes;
  for (std::size_t k = 0; k < c.classes; ++k) {
    sizes.push_back(diameter * (1.0 - static_cast<double>(k) / static_cast<double>(c.classes)));
  }
  flowsheet.set_components({"Na+", "WO4-2", "CO3-2"}, {"scheelite", "calcite"}, {}, sizes);
  const Species& scheelite = database.species("scheelite");
  const double rho = scheelite.density / scheelite.molar_mass();
  ShrinkingCoreParameters kinetics;
  kinetics.control = c.control;
  // tau = rho R / (k_s C) for reaction control, rho R / (3 k_f C) for film control.
  kinetics.surface_rate_constant = rho * 0.5 * diameter / (carbonate * tau);
  kinetics.film_coefficient = rho * 0.5 * diameter / (3.0 * carbonate * tau);
  if (c.mixed_surface_only) {
    kinetics.control = ShrinkingCoreControl::mixed;
    kinetics.film_coefficient = 0.0;
  }
  FeedParameters feed;
  feed.flow = flow * units::cubic_meter / units::second;
  feed.solution = {{"CO3-2", carbonate * units::mole / units::cubic_meter},
                   {"Na+", 2.0 * carbonate * units::mole / units::cubic_meter}};
  feed.solids = {{"scheelite", c.mineral_feed * units::kilogram / units::second}};
  flowsheet.add_unit(std::make_unique<Feed>("feed", feed));
  std::string upstream = "feed";
  for (int n = 1; n <= c.tanks; ++n) {
    ContinuousLeachTankParameters tank;
    tank.tank.volume = c.a * tau * flow / c.tanks * units::cubic_meter;
    tank.tank.temperature = 298.15 * units::kelvin;
    tank.model = c.model;
    tank.reactions = {LeachReaction::from_equation("attack", "scheelite + CO3-2 -> calcite + WO4-2",
                                                   "scheelite", "CO3-2", kinetics, database)};
    const std::string name = "leach" + std::to_string(n);
    flowsheet.add_unit(std::make_unique<ContinuousLeachTank>(name, tank));
    flowsheet.connect({upstream, "out"}, {name, "in"});
    upstream = name;
  }
  flowsheet.add_unit(std::make_unique<Product>("product"));
  flowsheet.connect({upstream, "out"}, {"product", "in"});
}

Outcome run(const Case& c) {
  const auto database = test_database();
  Flowsheet flowsheet(database);
  build(flowsheet, database, c);
  const std::string upstream = "leach" + std::to_string(c.tanks);
  SteadyStateOptions options;
  options.tolerance = c.tolerance;
  Outcome outcome;
  outcome.result = flowsheet.solve_steady(options);
  // Each tank reports its stage conversion against what flows in; the train's is 1 − Π (1 − X_n).
  outcome.unreacted = 1.0;
  for (int n = 1; n <= c.tanks; ++n) {
    outcome.unreacted *= 1.0 - outcome.result.output("leach" + std::to_string(n) + ".conversion[scheelite]");
  }
  // Reagent depletion shifts τ by < 1e-7; the lumped closed form takes the tank's own concentration.
  outcome.concentration = outcome.result.output(upstream + ".c[CO3-2]");
  return outcome;
}

double reaction_closed_form(double a) {
  return 1.0 - 3.0 * a + 6.0 * a * a - 6.0 * a * a * a * (-std::expm1(-1.0 / a));
}
double film_closed_form(double a) { return 1.0 + a * std::expm1(-1.0 / a); }

// 1 − X̄ of N equal tanks with total t̄ = τ: ∫_0^1 (1 − x)³ E_N(x) dx over the Erlang density
// E_N(x) = N^N x^(N−1) e^(−N x) / (N − 1)!, by the composite midpoint rule on 10^5 intervals.
double train_closed_form(int tanks) {
  const int intervals = 100000;
  const double h = 1.0 / intervals;
  const double n = tanks;
  const double factor = std::pow(n, n) / std::tgamma(n);
  double sum = 0.0;
  for (int i = 0; i < intervals; ++i) {
    const double x = (i + 0.5) * h;
    sum += std::pow(1.0 - x, 3) * factor * std::pow(x, n - 1.0) * std::exp(-n * x) * h;
  }
  return sum;
}

void check_balances(const SteadyStateResult& result) {
  CHECK(result.converged);
  CHECK(result.balance.closure() < 1e-10);
  for (const auto& balance : result.snapshot.unit_balances) {
    INFO("unit " << balance.unit);
    CHECK(balance.closure() < 1e-10);
  }
}

// Refines the grid (uniform in the core diameter), measures the order p = log2(e_M / e_2M) of the error
// against the closed form and returns the finest value, which must itself be within 1e-4 relative.
// `reference` gives the exact 1 − X̄ for an outcome (a single tank takes its own reagent concentration).
double refined(Case c, const std::function<double(const Outcome&)>& reference) {
  const std::vector<std::size_t> grids{50, 100, 200};
  std::vector<double> errors;
  double finest = 0.0;
  for (const std::size_t classes : grids) {
    c.classes = classes;
    const auto outcome = run(c);
    check_balances(outcome.result);
    errors.push_back(outcome.unreacted / reference(outcome) - 1.0);
    finest = outcome.unreacted;
  }
  const double order_coarse = std::log2(std::abs(errors[0] / errors[1]));
  const double order_fine = std::log2(std::abs(errors[1] / errors[2]));
  MESSAGE("control " << static_cast<int>(c.control) << ", N = " << c.tanks << ", a = " << c.a
                     << ": relative error of 1 - X on 50/100/200 classes " << errors[0] << " " << errors[1]
                     << " " << errors[2] << ", observed order " << order_coarse << " " << order_fine);
  CHECK(order_coarse >= 1.8);
  CHECK(order_fine >= 1.8);
  CHECK(std::abs(errors[2]) < 1e-4);
  return finest;
}

}  // namespace

TEST_CASE("closed forms reproduce the issue's reference numbers") {
  CHECK(std::abs(reaction_closed_form(0.5) - 0.351501) < 5e-7);
  CHECK(std::abs(reaction_closed_form(1.0) - 0.207277) < 5e-7);
  CHECK(std::abs(reaction_closed_form(2.0) - 0.113472) < 5e-7);
  CHECK(std::abs(reaction_closed_form(5.0) - 0.048065) < 5e-7);
}

// τ ∝ 1/C for both controls: the 1e-7 depletion of the reagent is taken into the tank's own a.
double tank_a(const Case& c, const Outcome& outcome) { return c.a * outcome.concentration / carbonate; }

TEST_CASE("one tank, reaction control: segregated flow converges at second order to the closed form") {
  for (const double a : {0.5, 1.0, 2.0, 5.0}) {
    Case c;
    c.a = a;
    (void)refined(c, [&](const Outcome& o) { return reaction_closed_form(tank_a(c, o)); });
  }
}

TEST_CASE("reaction control: the speed taken once per tank equals the per-radius flux of the general path") {
  // Under reaction control every core recedes at k_s C / (a ρ); the tank takes it once instead of at every
  // node and edge. Mixed control with only the surface reaction goes through the shrinking-core flux at each
  // radius: the same law, so the same steady state to rounding, in every tank of a train.
  Case c;
  c.tanks = 3;
  c.classes = 50;
  c.mineral_feed = 0.05;  // enough mineral to deplete the reagent: the speed then differs between tanks
  const auto hoisted = run(c);
  c.mixed_surface_only = true;
  const auto general = run(c);
  check_balances(hoisted.result);
  check_balances(general.result);
  CHECK(hoisted.concentration < 0.999 * carbonate);
  REQUIRE(hoisted.result.states.size() == general.result.states.size());
  CHECK(std::abs(hoisted.unreacted / general.unreacted - 1.0) < 1e-13);
  for (Eigen::Index i = 0; i < hoisted.result.states.size(); ++i) {
    INFO(hoisted.result.state_names[static_cast<std::size_t>(i)]);
    CHECK(std::abs(hoisted.result.states[i] - general.result.states[i]) <=
          1e-12 * std::max(std::abs(general.result.states[i]), 1e-12));
  }
}

TEST_CASE("one tank, film control: segregated flow converges to 1 - a (1 - exp(-1/a))") {
  for (const double a : {0.5, 2.0}) {
    Case c;
    c.control = ShrinkingCoreControl::film;
    c.a = a;
    (void)refined(c, [&](const Outcome& o) { return film_closed_form(tank_a(c, o)); });
  }
}

TEST_CASE("N equal tanks in series with total mean residence time tau, reaction control") {
  const std::vector<double> expected{0.207277, 0.109009, 0.070968, 0.051288};
  for (int n = 2; n <= 4; ++n) {
    Case c;
    c.tanks = n;
    c.a = 1.0;
    // The errors here are >= 4e-6: a looser steady tolerance spares Newton the last digits of the train.
    c.tolerance = 1e-12;
    CHECK(std::abs(train_closed_form(n) - expected[static_cast<std::size_t>(n - 1)]) < 5e-7);
    // The order is measured against the Erlang integral (the issue's six decimals would floor it at ~1e-5).
    const double exact = train_closed_form(n);
    const double value = refined(c, [&](const Outcome&) { return exact; });
    CHECK(std::abs(value - expected[static_cast<std::size_t>(n - 1)]) < 1e-5);
  }
}

TEST_CASE(
    "start-up of a train: class masses stay non-negative, elements balance, the steady state is reached") {
  // Tanks start with solution only; the feed's particles enter class 1 as a front that sweeps down the
  // classes (the hardest case for unlimited slopes). The reagent is depleted by 10 % so the kinetics couple
  // to the solution.
  const auto database = test_database();
  Case c;
  c.tanks = 2;
  c.a = 1.0;
  c.classes = 20;
  c.mineral_feed = 0.1 * 0.287914;  // 0.1 mol/s against 1 mol/s of carbonate
  Flowsheet dynamic(database);
  build(dynamic, database, c);
  std::vector<double> times;
  for (int i = 0; i <= 10; ++i) {
    times.push_back(tau * i);  // 10 τ
  }
  const auto run_result = dynamic.simulate(times, SimulationOptions{});
  CHECK(run_result.balance.closure() < 1e-10);
  double lowest = 0.0;
  double largest = 0.0;
  for (std::size_t j = 0; j < run_result.state_names.size(); ++j) {
    if (run_result.state_names[j].find("n_solid[scheelite") != std::string::npos) {
      for (Eigen::Index i = 0; i < run_result.states.rows(); ++i) {
        lowest = std::min(lowest, run_result.states(i, static_cast<Eigen::Index>(j)));
        largest = std::max(largest, run_result.states(i, static_cast<Eigen::Index>(j)));
      }
    }
  }
  INFO("most negative class mass " << lowest << " mol against the largest " << largest);
  CHECK(lowest > -1e-8 * largest);
  Flowsheet steady(database);
  build(steady, database, c);
  SteadyStateOptions steady_options;
  steady_options.tolerance = 1e-12;
  const auto steady_result = steady.solve_steady(steady_options);
  check_balances(steady_result);
  for (int n = 1; n <= c.tanks; ++n) {
    const std::string name = "leach" + std::to_string(n) + ".conversion[scheelite]";
    const Vector x = run_result.output(name);
    INFO(name << ": after 10 tau " << x[x.size() - 1] << ", steady " << steady_result.output(name));
    // After 10 residence times of the whole train the start-up has decayed below 1e-4 (e^(−10) N^k terms).
    CHECK(std::abs(x[x.size() - 1] - steady_result.output(name)) < 1e-3 * steady_result.output(name));
  }
}

TEST_CASE("lumped model: one tank solves X = 3a (1 - X)^(2/3)") {
  for (const double a : {0.2, 1.0}) {
    Case c;
    c.model = ContinuousLeachTankParameters::Model::lumped;
    c.a = a;
    c.classes = 1;
    // 1e-3 mol/s of mineral: the holdup is of the order of the states' scale (V x 1 mol/m3), so the steady
    // tolerance resolves it; the depletion of the reagent is taken into a_tank below.
    c.mineral_feed = 1e-3 * 0.287914;
    const auto outcome = run(c);
    check_balances(outcome.result);
    // a scales with k_s C: the tank's concentration against the feed's.
    const double a_tank = a * outcome.concentration / carbonate;
    double low = 0.0;
    double high = 1.0;
    for (int i = 0; i < 200; ++i) {
      const double x = 0.5 * (low + high);
      (x < 3.0 * a_tank * std::pow(1.0 - x, 2.0 / 3.0) ? low : high) = x;
    }
    INFO("a = " << a << ": lumped 1 - X " << outcome.unreacted << ", closed form " << 1.0 - low);
    CHECK(std::abs(outcome.unreacted / (1.0 - low) - 1.0) < 1e-8);
  }
}

TEST_CASE("a continuous train and a batch size distribution load from YAML") {
  const std::string text = R"(
units: {temperature: degC, time: h, length: um, volume: m3, concentration: mol/L, mass_flow: kg/h, flow: m3/h}
size_classes: [75, 60, 45, 30, 15]
reactions:
  soda:
    equation: scheelite + CO3-2 -> calcite + WO4-2
    mineral: scheelite
    reagent: CO3-2
    kinetics: {model: shrinking_core, control: reaction, rate_constant: 6.3e-8 m/s}
equipment:
  feed: {type: feed, flow: 1, solution: {Na+: 2, CO3-2: 1}, solids: {scheelite: 50}}
  leach1: {type: leach_tank, mode: continuous, volume: 0.5, temperature: 90, reactions: [soda]}
  leach2: {type: leach_tank, mode: continuous, model: segregated, volume: 0.5, temperature: 90, reactions: [soda]}
  out: {type: product}
connections: [feed.out -> leach1.in, leach1.out -> leach2.in, leach2.out -> out.in]
)";
  auto flowsheet = load_flowsheet_string(text, "train.yaml");
  CHECK(flowsheet.components().size_classes().size() == 5);
  CHECK(flowsheet.components().size_classes().front() == doctest::Approx(75e-6));
  const auto result = flowsheet.solve_steady();
  CHECK(result.converged);
  const double x1 = result.output("leach1.conversion[scheelite]");
  const double x2 = result.output("leach2.conversion[scheelite]");
  CHECK(x1 > 0.0);
  CHECK(x1 < 1.0);
  CHECK(x2 > 0.0);
  // Tungsten to solution in tank 1 equals the scheelite reacted there (stage basis).
  CHECK(std::abs(result.output("leach1.extraction[W]") / x1 - 1.0) < 1e-9);
  CHECK(result.balance.closure() < 1e-10);
  for (const auto& balance : result.snapshot.unit_balances) {
    INFO("unit " << balance.unit);
    CHECK(balance.closure() < 1e-10);
  }
}
