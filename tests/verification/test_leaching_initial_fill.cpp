// Continuous leach tanks started full of their feed slurry (`initial_fill: feed`). References:
// - at t = 0 every tank of the train holds the feed's slurry: each solid size class at (feed mass flow /
//   molar mass) × V/q and the solution at the feed's concentrations (the holdup of a perfectly mixed tank
//   in which the feed has not yet reacted, V/q its mean residence time);
// - an inert solid (quartz) fed at a constant rate into a tank that already holds feed×V/q of it is at its
//   steady state, dn/dt = in − n q/V = 0, so it keeps that holdup exactly for the whole run;
// - the element balance of the plant closes over the run (inventory change = in − out) to 1e-10;
// - after 20 residence times a run reaches the steady state the steady solver finds (Avrami n = 2, resolved
//   over kinetic age, and n = 0.5 through the same scheme).
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "hydromet/core/error.hpp"
#include "hydromet/io/flowsheet_loader.hpp"

using namespace hydromet;

namespace {

constexpr double flow = 1.0 / 3600.0;    // feed slurry, 1 m3/h [m3/s]
constexpr double tank_volume = 0.5;      // [m3]: t̄ = 0.5 h
constexpr double scheelite_feed = 60.0;  // [kg/h]
constexpr double quartz_feed = 40.0;     // [kg/h]

// Two tanks in series, each with its own fill and model.
std::string train_yaml(
    const std::string& fill1, const std::string& fill2, const std::string& model,
    const std::string& kinetics = "{model: shrinking_core, control: reaction, rate_constant: 6.3e-8 m/s}") {
  std::string text = R"(
units: {temperature: degC, time: h, length: um, volume: m3, concentration: mol/L, mass_flow: kg/h, flow: m3/h}
size_classes: [75, 60, 45, 30, 15]
reactions:
  soda:
    equation: scheelite + CO3-2 -> calcite + WO4-2
    mineral: scheelite
    reagent: CO3-2
    kinetics: )";
  text += kinetics;
  text += R"(
equipment:
  feed: {type: feed, flow: 1, solution: {Na+: 2, CO3-2: 1}, solids: {scheelite: 60, quartz: 40}}
  leach1: {type: leach_tank, mode: continuous, model: )";
  text += model;
  text += ", volume: 0.5, temperature: 90, reactions: [soda], initial_solution: {Na+: 0.2}";
  text += fill1;
  text += "}\n  leach2: {type: leach_tank, mode: continuous, model: ";
  text += model;
  text += ", volume: 0.5, temperature: 90, reactions: [soda], initial_solution: {Na+: 0.2}";
  text += fill2;
  text += R"(}
  out: {type: product}
connections: [feed.out -> leach1.in, leach1.out -> leach2.in, leach2.out -> out.in]
)";
  return text;
}

double state(const SimulationResult& result, std::size_t time, const std::string& name) {
  for (std::size_t i = 0; i < result.state_names.size(); ++i) {
    if (result.state_names[i] == name) {
      return result.states(static_cast<Eigen::Index>(time), static_cast<Eigen::Index>(i));
    }
  }
  FAIL("no state " << name);
  return 0.0;
}

void check_filled_train(const std::string& model) {
  auto flowsheet = load_flowsheet_string(train_yaml(", initial_fill: feed", ", initial_fill: feed", model));
  const std::vector<double> times{0.0, 1.0, 600.0, 3600.0, 4.0 * 3600.0};
  const auto result = flowsheet.simulate(times);
  const double residence = tank_volume / flow;
  // The feed converts kg to mol with the database's molar masses (IUPAC atomic weights).
  const double scheelite_molar = flowsheet.database().species("scheelite").molar_mass();
  const double quartz_molar = flowsheet.database().species("quartz").molar_mass();
  CHECK(scheelite_molar == doctest::Approx(0.287914).epsilon(1e-5));  // CaWO4: 40.078 + 183.84 + 4 × 15.999
  CHECK(quartz_molar == doctest::Approx(0.060083).epsilon(1e-5));     // SiO2: 28.085 + 2 × 15.999
  const double scheelite_held = scheelite_feed / 3600.0 / scheelite_molar * residence;
  const double quartz_held = quartz_feed / 3600.0 / quartz_molar * residence;
  for (const std::string tank : {"leach1", "leach2"}) {
    INFO(model << " " << tank);
    // t = 0: the feed's slurry, unreacted; the feed puts its solids in the first size class.
    CHECK(state(result, 0, tank + ".n_solid[scheelite,0]") == doctest::Approx(scheelite_held).epsilon(1e-13));
    CHECK(state(result, 0, tank + ".n_solid[quartz,0]") == doctest::Approx(quartz_held).epsilon(1e-13));
    for (int k = 1; k < 5; ++k) {
      CHECK(state(result, 0, tank + ".n_solid[scheelite," + std::to_string(k) + "]") == 0.0);
    }
    CHECK(state(result, 0, tank + ".n_solid[calcite,0]") == 0.0);
    CHECK(state(result, 0, tank + ".n[CO3-2]") == doctest::Approx(1000.0 * tank_volume).epsilon(1e-13));
    CHECK(state(result, 0, tank + ".n[Na+]") == doctest::Approx(2000.0 * tank_volume).epsilon(1e-13));
    CHECK(state(result, 0, tank + ".n[WO4-2]") == 0.0);
    CHECK(std::abs(result.output(tank + ".conversion[scheelite]")[0]) < 1e-12);
    // t = 1 s: still the feed's solids, less what has reacted in one second (complete conversion of a
    // 75 um particle takes about 2 h, so well under 1e-3).
    const double after =
        state(result, 1, tank + ".n_solid[scheelite,0]") + state(result, 1, tank + ".n_solid[scheelite,1]");
    CHECK(after < scheelite_held);
    CHECK(after > scheelite_held * (1.0 - 1e-3));
    // The inert quartz is at its steady state from the start.
    for (std::size_t i = 0; i < times.size(); ++i) {
      CHECK(state(result, i, tank + ".n_solid[quartz,0]") == doctest::Approx(quartz_held).epsilon(1e-9));
    }
  }
  // Leaching has started in both tanks by 1 h.
  CHECK(result.output("leach2.conversion[scheelite]")[3] > 0.05);
  MESSAGE(model << ": element balance closure over 4 h " << result.balance.closure() << ", "
                << result.statistics.steps << " steps");
  CHECK(result.balance.closure() < 1e-10);
  for (const auto& balance : result.final.unit_balances) {
    INFO("unit " << balance.unit);
    CHECK(balance.closure() < 1e-10);
  }
}

}  // namespace

TEST_CASE("initial_fill: feed starts a segregated train full of unreacted feed slurry") {
  check_filled_train("segregated");
}

TEST_CASE("initial_fill: feed starts a lumped train full of unreacted feed slurry") {
  check_filled_train("lumped");
}

TEST_CASE("without initial_fill the tank starts with its initial solution and no solids") {
  auto flowsheet = load_flowsheet_string(train_yaml("", ", initial_fill: solution", "segregated"));
  const auto result = flowsheet.simulate({0.0, 60.0});
  for (const std::string tank : {"leach1", "leach2"}) {
    CHECK(state(result, 0, tank + ".n_solid[scheelite,0]") == 0.0);
    CHECK(state(result, 0, tank + ".n_solid[quartz,0]") == 0.0);
    CHECK(state(result, 0, tank + ".n[Na+]") == doctest::Approx(200.0 * tank_volume).epsilon(1e-13));
    CHECK(state(result, 0, tank + ".n[CO3-2]") == 0.0);
  }
  CHECK(result.balance.closure() < 1e-10);
}

TEST_CASE("initial_fill errors: an unknown value is located; a tank fed by an empty tank cannot start full") {
  const std::string text = train_yaml(", initial_fill: full", "", "segregated");
  try {
    (void)load_flowsheet_string(text, "fill.yaml");
    FAIL("expected an InputError");
  } catch (const InputError& error) {
    CHECK(error.location().file == "fill.yaml");
    // Line 12 of the text (it starts with a newline), at the value `full`.
    CHECK(error.location().line == 12);
    const std::string line =
        text.substr(text.find("  leach1:"), text.find('\n', text.find("  leach1:")) - text.find("  leach1:"));
    CHECK(error.location().column == line.find("full") + 1);
    CHECK(error.message().find("initial_fill") != std::string::npos);
    CHECK(error.message().find("feed") != std::string::npos);
  }
  // leach1 starts with its solution only and no outflow yet, so leach2 has nothing to be filled with.
  auto flowsheet = load_flowsheet_string(train_yaml("", ", initial_fill: feed", "segregated"), "fill.yaml");
  try {
    (void)flowsheet.simulate({0.0, 60.0});
    FAIL("expected an InputError");
  } catch (const InputError& error) {
    CHECK(std::string(error.what()).find("leach2") != std::string::npos);
    CHECK(std::string(error.what()).find("initial_fill") != std::string::npos);
  }
}

TEST_CASE("a train started full of feed reaches the steady state of the steady solver (Avrami age scheme)") {
  for (const std::string exponent : {"2", "0.5"}) {
    const std::string kinetics = "{control: avrami, rate_constant: 5e-4 1/s, exponent: " + exponent + "}";
    auto steady_sheet = load_flowsheet_string(train_yaml("", "", "segregated", kinetics));
    const auto steady = steady_sheet.solve_steady();
    REQUIRE(steady.converged);
    auto flowsheet = load_flowsheet_string(
        train_yaml(", initial_fill: feed", ", initial_fill: feed", "segregated", kinetics));
    const auto result = flowsheet.simulate({0.0, 10.0 * 3600.0});  // 20 residence times: e^(−20) ≈ 2e-9
    for (const std::string tank : {"leach1", "leach2"}) {
      INFO("n = " << exponent << ", " << tank);
      const double dynamic = result.output(tank + ".conversion[scheelite]")[1];
      const double expected = steady.output(tank + ".conversion[scheelite]");
      CHECK(expected > 0.1);
      CHECK(std::abs(dynamic / expected - 1.0) < 1e-6);
    }
    MESSAGE("Avrami n = " << exponent << ": steady X = " << steady.output("leach1.conversion[scheelite]")
                          << ", " << steady.output("leach2.conversion[scheelite]") << "; run balance closure "
                          << result.balance.closure() << ", " << result.statistics.steps << " steps");
    CHECK(result.balance.closure() < 1e-10);
  }
}
