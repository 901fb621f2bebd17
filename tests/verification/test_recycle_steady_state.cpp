// Steady state of a tank - separator - splitter - evaporator circuit that recycles part of its liquor,
// against the closed-form solution of its linear balances (derived below), by Newton and by pseudo-transient
// continuation; and the dynamic run of the same circuit settling on it.
//
// Feed Q_f [m3/s] with c_f of Na+ and Cl- and quartz S_f [mol/s] -> mixer -> tank (V) -> separator
// (solids recovery r, cake moisture w, liquor density rho) -> filtrate -> splitter (fraction a recycled) ->
// evaporator (concentration factor k) -> mixer. Cake, bleed and vapour leave the plant.
//   solids:  S = S_f / (1 - a (1 - r))                        (quartz through the tank)
//   cake liquor  Q_e = w / (1 - w) * r S M_q / rho
//   liquid:  q = Q_f + a (q - Q_e) / k  =>  q = (Q_f - a Q_e / k) / (1 - a / k)
//   solute:  q c = Q_f c_f + a (q - Q_e) c  =>  c = Q_f c_f / (q - a (q - Q_e))
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/io/flowsheet_loader.hpp"

using namespace hydromet;

namespace {

constexpr double feed_flow = 2e-3;   // Q_f [m3/s]
constexpr double feed_c = 150.0;     // c_f [mol/m3]
constexpr double feed_solids = 0.5;  // quartz [kg/s]
constexpr double recovery = 0.97;    // r
constexpr double moisture = 0.15;    // w
constexpr double density = 1000.0;   // rho [kg/m3]
constexpr double recycled = 0.6;     // a
constexpr double factor = 2.5;       // k

const std::string circuit = R"(
name: recycle circuit
units: {volume: m3, flow: m3/s, concentration: mol/m3, mass_flow: kg/s}
equipment:
  feed:
    type: feed
    flow: 2.0e-3
    solution: {Na+: 150, Cl-: 150}
    solids: {quartz: 0.5}
  mixer: {type: mixer, inlets: 2}
  tank: {type: tank, volume: 12}
  separator: {type: solid_liquid_separator, solids_recovery: 0.97, cake_moisture: 0.15, liquor_density: 1000}
  splitter:
    type: splitter
    fractions: {recycle: 0.6, bleed: 0.4}
  evaporator: {type: evaporator, concentration_factor: 2.5}
  cake: {type: product}
  bleed: {type: product}
  vapour: {type: product}
connections:
  - feed.out -> mixer.in1
  - evaporator.concentrate -> mixer.in2
  - mixer.out -> tank.in
  - tank.out -> separator.feed
  - separator.cake -> cake.in
  - separator.filtrate -> splitter.in
  - splitter.recycle -> evaporator.in
  - splitter.bleed -> bleed.in
  - evaporator.vapour -> vapour.in
)";

struct Expected {
  double solids;  // quartz leaving the tank [mol/s]
  double liquid;  // q [m3/s]
  double c;       // [mol/m3]
};

Expected closed_form() {
  const double quartz_molar_mass = Database::bundled().species("quartz").molar_mass();
  const double fed = feed_solids / quartz_molar_mass;
  const double solids = fed / (1.0 - recycled * (1.0 - recovery));
  const double entrained = moisture / (1.0 - moisture) * recovery * solids * quartz_molar_mass / density;
  const double liquid = (feed_flow - recycled * entrained / factor) / (1.0 - recycled / factor);
  const double c = feed_flow * feed_c / (liquid - recycled * (liquid - entrained));
  return {solids, liquid, c};
}

void check_steady(bool pseudo_transient) {
  auto flowsheet = load_flowsheet_string(circuit, "recycle.yaml");
  SteadyStateOptions options;
  options.force_pseudo_transient = pseudo_transient;
  options.tolerance = 1e-12;
  const auto result = flowsheet.solve_steady(options);
  const auto expected = closed_form();
  INFO("method " << result.statistics.method);
  CHECK(result.converged);
  CHECK(result.statistics.method == (pseudo_transient ? "pseudo-transient" : "newton"));
  const double volume = 12.0;
  CHECK(std::abs(result.output("tank.c[Na+]") / expected.c - 1.0) < 1e-9);
  CHECK(std::abs(result.output("tank.c[Cl-]") / expected.c - 1.0) < 1e-9);
  // The tank's streams: the stream table reports the tank outlet.
  const auto& streams = result.snapshot.streams;
  const auto tank_out =
      std::find_if(streams.begin(), streams.end(), [](const auto& s) { return s.from == "tank.out"; });
  REQUIRE(tank_out != streams.end());
  CHECK(std::abs(tank_out->stream.aqueous_flow / expected.liquid - 1.0) < 1e-9);
  CHECK(std::abs(tank_out->stream.solid_totals().sum() / expected.solids - 1.0) < 1e-9);
  CHECK(std::abs(tank_out->stream.concentration(0) / expected.c - 1.0) < 1e-9);
  (void)volume;
  // Plant and unit balances at steady state.
  CHECK(result.balance.closure() < 1e-10);
  for (const auto& balance : result.snapshot.unit_balances) {
    INFO("unit " << balance.unit);
    CHECK(balance.closure() < 1e-10);
  }
}

}  // namespace

TEST_CASE("recycle circuit: Newton reaches the analytic steady state to 1e-9") { check_steady(false); }

TEST_CASE("recycle circuit: pseudo-transient continuation reaches the same steady state") {
  check_steady(true);
}

TEST_CASE("recycle circuit: the dynamic start-up settles on the steady state and closes its balances") {
  auto flowsheet = load_flowsheet_string(circuit, "recycle.yaml");
  const auto expected = closed_form();
  SimulationOptions options;
  options.relative_tolerance = 1e-10;
  options.absolute_tolerance = 1e-12;
  // tau = V/q is about 1.7 h; 60 h is more than 30 residence times.
  const auto result = flowsheet.simulate({0.0, 3600.0, 36000.0, 216000.0}, options);
  const Vector c = result.output("tank.c[Na+]");
  CHECK(c[0] == 0.0);
  CHECK(std::abs(c[3] / expected.c - 1.0) < 1e-8);
  CHECK(result.balance.closure() < 1e-10);
  for (const auto& balance : result.final.unit_balances) {
    INFO("unit " << balance.unit);
    CHECK(balance.closure() < 1e-8);
  }
}
