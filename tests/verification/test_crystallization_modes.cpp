// Crystalliser operating modes on synthetic scheelite (CaWO4):
// - evaporative to a concentration factor CF: the overflow is the inflow / CF and a non-crystallising solute
//   (Na+) approaches CF times its feed concentration as the exact first-order start-up of a constant-volume
//   tank (Q c_in = (Q / CF) c at steady state);
// - cooling programme: a batch cooled from 60 to 25 degC ends at the speciation solver's equilibrium at the
//   final temperature (scheelite at SI = 0), not at the initial one;
// - reactive precipitation with reagent addition (CaCl2 into Na2WO4 liquor): calcium fed equals calcium in
//   the crystals plus calcium left in solution, held and discharged.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/thermo/speciation.hpp"

using namespace hydromet;

namespace {

const std::string kinetics = R"(    product: scheelite
    components: [Ca+2, WO4-2, Na+, Cl-, H+]
    grid: {min: 0, max: 200, classes: 40}
    limiter: van_leer
    nucleation: {primary_rate_constant: 1.0e8, primary_order: 2}
    growth: {rate_constant: 1.0e-8 m/s, order: 1}
)";

double last(const SimulationResult& result, const std::string& name) {
  const Vector v = result.output(name);
  return v[v.size() - 1];
}

double element_index(const ElementBalance& balance, const std::string& element) {
  return static_cast<double>(std::find(balance.elements.begin(), balance.elements.end(), element) -
                             balance.elements.begin());
}

}  // namespace

TEST_CASE("evaporative crystalliser reaches its concentration factor exactly") {
  const std::string yaml = R"(
units: {volume: m3, flow: m3/h, concentration: mol/m3, length: um, temperature: degC}
equipment:
  liquor: {type: feed, flow: 1, temperature: 25, solution: {Ca+2: 1, WO4-2: 1, Na+: 2, Cl-: 2}}
  cryst:
    type: crystallizer
    volume: 1
    temperature: 25
    concentration_factor: 2.5
)" + kinetics + R"(  out: {type: product}
connections:
  - liquor.out -> cryst.in
  - cryst.out -> out.in
simulation: {until: 40 h, outputs: 3}
)";
  auto flowsheet = load_flowsheet_string(yaml, "evaporative.yaml");
  const auto result = flowsheet.simulate(flowsheet.run.times(flowsheet.run.until), flowsheet.run.options);
  const double flow = 1.0 / 3600.0;
  std::printf("evaporative: q %.10e (Q/CF %.10e), c[Na+] %.10f (CF c_in 5), closure %.2e\n",
              last(result, "cryst.q"), flow / 2.5, last(result, "cryst.c[Na+]"), result.balance.closure());
  // The outflows are algebraic states: their rows hold to the Newton tolerance of the integrator (measured
  // 2e-8 at rtol 1e-8), not to round-off.
  CHECK(std::abs(last(result, "cryst.q") / (flow / 2.5) - 1.0) < 1e-6);
  // From a solute-free tank: dn/dt = Q c_in − n q / V with q = Q / CF, so c = CF c_in (1 − e^(−t/τ)),
  // τ = V / q = 2.5 h; at 40 h e^-16 of the start-up is left.
  const double exact = 5.0 * (1.0 - std::exp(-16.0));
  CHECK(std::abs(last(result, "cryst.c[Na+]") / exact - 1.0) < 1e-8);
  CHECK(last(result, "cryst.yield") > 0.9);
  CHECK(result.balance.closure() < 1e-12);
}

TEST_CASE("cooling programme: the batch ends at the equilibrium of the final temperature") {
  const std::string yaml = R"(
units: {volume: m3, flow: m3/h, concentration: mol/m3, length: um, temperature: degC}
equipment:
  liquor: {type: feed, flow: 0, temperature: 25, solution: {Na+: 1}}
  cryst:
    type: crystallizer
    volume: 1
    temperature: 60
    temperature_programme: [[0 h, 60], [2 h, 25]]
    initial_solution: {Ca+2: 2, WO4-2: 2, Na+: 4, Cl-: 4}
)" + kinetics + R"(  out: {type: product}
connections:
  - liquor.out -> cryst.in
  - cryst.out -> out.in
simulation: {until: 1000 h, outputs: 3, relative_tolerance: 1.0e-10}
)";
  auto flowsheet = load_flowsheet_string(yaml, "cooling.yaml");
  const auto result = flowsheet.simulate(flowsheet.run.times(flowsheet.run.until), flowsheet.run.options);
  SpeciationOptions equilibrium;
  equilibrium.equilibrium_minerals = {"scheelite"};
  const std::vector<std::string> ions = {"Ca+2", "WO4-2", "Na+", "Cl-", "H+"};
  SpeciationSolver solver(
      std::make_shared<ChemicalSystem>(Database::bundled(), ions, std::vector<std::string>{"scheelite"}),
      equilibrium);
  const std::map<std::string, double> totals{{"Ca+2", 2e-3}, {"WO4-2", 2e-3}, {"Na+", 4e-3}, {"Cl-", 4e-3}};
  const double at_25 = solver.solve(totals, 298.15).mineral_amount[0] * 1000.0;  // [mol] in 1 m3
  const double at_60 = solver.solve(totals, 333.15).mineral_amount[0] * 1000.0;
  const auto& components = flowsheet.components();
  const double molar_mass =
      components.solid_molar_masses()[static_cast<Eigen::Index>(components.solid_index("scheelite", "test"))];
  const double solid = last(result, "cryst.product_mass") / molar_mass;
  std::printf("cooling: solid %.10e mol, equilibrium at 25 degC %.10e, at 60 degC %.10e, T %.2f K\n", solid,
              at_25, at_60, last(result, "cryst.T_process"));
  CHECK(last(result, "cryst.T_process") == doctest::Approx(298.15).epsilon(1e-12));
  CHECK(std::abs(solid / at_25 - 1.0) < 1e-9);
  CHECK(std::abs(at_60 / at_25 - 1.0) > 1e-6);  // the check above can tell the two temperatures apart
  CHECK(result.balance.closure() < 1e-12);
}

TEST_CASE("reactive precipitation: calcium fed = calcium crystallised + calcium left in solution") {
  const std::string yaml = R"(
units: {volume: m3, flow: m3/h, concentration: mol/m3, length: um, temperature: degC}
equipment:
  liquor: {type: feed, flow: 1, temperature: 25, solution: {WO4-2: 4, Na+: 8}}
  calcium_chloride: {type: feed, flow: 0.5, temperature: 25, solution: {Ca+2: 6, Cl-: 12}}
  cryst:
    type: crystallizer
    volume: 2
    temperature: 25
    inlets: 2
)" + kinetics + R"(  out: {type: product}
connections:
  - liquor.out -> cryst.in1
  - calcium_chloride.out -> cryst.in2
  - cryst.out -> out.in
simulation: {until: 6 h, outputs: 3}
)";
  auto flowsheet = load_flowsheet_string(yaml, "reactive.yaml");
  const auto result = flowsheet.simulate(flowsheet.run.times(flowsheet.run.until), flowsheet.run.options);
  const auto& balance = result.balance;
  const auto ca = static_cast<Eigen::Index>(element_index(balance, "Ca"));
  REQUIRE(ca < static_cast<Eigen::Index>(balance.elements.size()));
  const double fed = 0.5 * 6.0 * 6.0;  // 0.5 m3/h of 6 mol/m3 for 6 h
  // Calcium held at the end, dissolved and in crystals, from the unit's outputs.
  const auto& components = flowsheet.components();
  const double molar_mass =
      components.solid_molar_masses()[static_cast<Eigen::Index>(components.solid_index("scheelite", "test"))];
  const double crystals = last(result, "cryst.product_mass") / molar_mass;
  const double dissolved = last(result, "cryst.c[Ca+2]") * 2.0;
  std::printf("reactive: Ca fed %.12f, held %.12f (crystals %.6f, dissolved %.6f) + discharged %.12f\n",
              balance.inflow[ca], crystals + dissolved, crystals, dissolved, balance.outflow[ca]);
  CHECK(std::abs(balance.inflow[ca] / fed - 1.0) < 1e-12);
  CHECK(std::abs((crystals + dissolved + balance.outflow[ca]) / fed - 1.0) < 1e-12);
  CHECK(crystals > 0.5 * dissolved);
}
