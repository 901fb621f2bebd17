// Leach kinetics beyond the shrinking core's concentration basis, each against an independent reference:
// reaction orders in activity (Davies formula), Avrami kinetics (closed forms in batch and in a continuous
// tank), rate expressions (re-stating the built-in law), and the energy balance (closed forms).
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "hydromet/core/error.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/kinetics/leach_rate.hpp"
#include "hydromet/kinetics/shrinking_core.hpp"
#include "hydromet/thermo/activity.hpp"

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
