// Feed steps restart the integrator at the step; KPIs (recovery, grade, reagent consumption) against
// hand calculation, at steady state and over a dynamic run.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "hydromet/core/error.hpp"
#include "hydromet/io/flowsheet_loader.hpp"

using namespace hydromet;

namespace {

double kpi(const std::vector<Kpi>& kpis, const std::string& name) {
  const auto found = std::find_if(kpis.begin(), kpis.end(), [&](const Kpi& k) { return k.name == name; });
  REQUIRE(found != kpis.end());
  return found->value;
}

const std::string stepped_feed = R"(
units: {volume: m3, flow: m3/h, concentration: mol/m3, time: h}
equipment:
  feed:
    type: feed
    flow: 10
    solution: {Na+: 100, Cl-: 100}
    schedule:
      - {at: 1, solution: {Na+: 200, Cl-: 200}}
  tank: {type: tank, volume: 5}
  out: {type: product}
connections:
  - feed.out -> tank.in
  - tank.out -> out.in
kpis:
  - {name: Na to product, type: recovery, element: Na, product: out}
)";

}  // namespace

TEST_CASE("a feed step restarts the integrator and the tank follows the two exponentials") {
  auto flowsheet = load_flowsheet_string(stepped_feed, "step.yaml");
  const double tau = 0.5;  // h, V / Q
  SimulationOptions options;
  options.relative_tolerance = 1e-10;
  options.absolute_tolerance = 1e-12;
  const auto result = flowsheet.simulate({0.0, 3600.0, 1.5 * 3600.0, 2.0 * 3600.0}, options);
  CHECK(result.statistics.events == 1);
  const Vector c = result.output("tank.c[Na+]");
  const double c1 = 100.0 * (1.0 - std::exp(-1.0 / tau));
  CHECK(std::abs(c[1] / c1 - 1.0) < 1e-7);
  for (const auto& [row, hours] : {std::pair{2, 1.5}, std::pair{3, 2.0}}) {
    const double expected = 200.0 - (200.0 - c1) * std::exp(-(hours - 1.0) / tau);
    CHECK(std::abs(c[row] / expected - 1.0) < 1e-7);
  }
  // Recovery over the run: Na out / Na in, both integrated analytically.
  const double in = 10.0 * (100.0 * 1.0 + 200.0 * 1.0);  // Q c t over both periods [mol]
  const double held = 5.0 * c[3];                        // V c at 2 h [mol]
  CHECK(std::abs(kpi(result.final.kpis, "Na to product") - (in - held) / in) < 1e-8);
  CHECK(result.balance.closure() < 1e-10);
}

TEST_CASE("simulation.start: steady starts the run on the steady state, and the step is one exponential") {
  std::string text = stepped_feed;
  text += "simulation: {start: steady}\n";
  auto flowsheet = load_flowsheet_string(text, "steady_start.yaml");
  REQUIRE(flowsheet.run.options.start_from_steady_state);
  const double tau = 0.5;  // h, V / Q
  SimulationOptions options = flowsheet.run.options;
  options.relative_tolerance = 1e-10;
  options.absolute_tolerance = 1e-12;
  const auto result = flowsheet.simulate({0.0, 0.5 * 3600.0, 3600.0, 1.5 * 3600.0, 2.0 * 3600.0}, options);
  const Vector c = result.output("tank.c[Na+]");
  // Before the step the tank holds the feed, c = 100, from t = 0 on (the run from the initial state would be
  // at 100 (1 − e^(−1)) = 63.2 at 0.5 h).
  for (const int row : {0, 1, 2}) {
    CAPTURE(row);
    CHECK(std::abs(c[row] / 100.0 - 1.0) < 1e-9);
  }
  for (const auto& [row, hours] : {std::pair{3, 1.5}, std::pair{4, 2.0}}) {
    const double expected = 200.0 - 100.0 * std::exp(-(hours - 1.0) / tau);
    CHECK(std::abs(c[row] / expected - 1.0) < 1e-7);
  }
  // The balance counts the steady holdup as the initial inventory: 500 mol of Na.
  CHECK(result.balance.closure() < 1e-10);

  std::string bad = stepped_feed + "simulation: {start: stedy}\n";
  CHECK_THROWS_WITH_AS(load_flowsheet_string(bad, "bad_start.yaml"), doctest::Contains("bad_start.yaml:17:21:"),
                       InputError);
}

TEST_CASE("steady-state KPIs: recovery through a splitter, grade of a solid product, reagent per tonne") {
  const std::string circuit = R"(
units: {volume: m3, flow: m3/h, concentration: mol/m3, mass_flow: t/h}
equipment:
  ore:
    type: feed
    flow: 1
    solids: {quartz: 2}
  reagent:
    type: feed
    flow: 1
    solution: {Na+: 500, OH-: 500}
  mixer: {type: mixer, inlets: 2}
  tank: {type: tank, volume: 3}
  splitter:
    type: splitter
    fractions: {a: 0.3, b: 0.7}
  product_a: {type: product}
  product_b: {type: product}
connections:
  - ore.out -> mixer.in1
  - reagent.out -> mixer.in2
  - mixer.out -> tank.in
  - tank.out -> splitter.in
  - splitter.a -> product_a.in
  - splitter.b -> product_b.in
kpis:
  - {name: Si to A, type: recovery, element: Si, product: product_a}
  - {name: Na to B, type: recovery, element: Na, product: product_b, feeds: [reagent]}
  - {name: Si grade of A, type: grade, element: Si, product: product_a}
  - {name: NaOH use, type: reagent_consumption, reagent: reagent, species: OH-, per: ore}
)";
  auto flowsheet = load_flowsheet_string(circuit, "kpis.yaml");
  const auto result = flowsheet.solve_steady();
  const auto& kpis = result.snapshot.kpis;
  CHECK(kpi(kpis, "Si to A") == doctest::Approx(0.3).epsilon(1e-10));
  CHECK(kpi(kpis, "Na to B") == doctest::Approx(0.7).epsilon(1e-10));
  // SiO2: 28.085 / (28.085 + 2 x 15.999) (IUPAC 2021 abridged atomic weights).
  CHECK(kpi(kpis, "Si grade of A") == doctest::Approx(28.085 / 60.083).epsilon(1e-9));
  // OH-: 500 mol/m3 x 1 m3/h x 17.007 g/mol = 8.5035 kg/h against 2 t/h of ore: 4.25175 kg/t.
  CHECK(kpi(kpis, "NaOH use") == doctest::Approx(500.0 * 17.007e-3 / 2.0).epsilon(1e-9));
  CHECK(result.balance.closure() < 1e-10);
}

TEST_CASE("KPI errors are located") {
  const std::string bad = stepped_feed + "  - {name: x, type: recovry, element: Na, product: out}\n";
  CHECK_THROWS_WITH_AS(load_flowsheet_string(bad, "bad.yaml"), doctest::Contains("did you mean `recovery`"),
                       InputError);
  const std::string wrong_unit = stepped_feed + "  - {name: x, type: recovery, element: Na, product: tank}\n";
  CHECK_THROWS_WITH_AS(load_flowsheet_string(wrong_unit, "bad.yaml"), doctest::Contains("expected a product"),
                       InputError);
}

TEST_CASE(
    "a failed dynamic solve names the time, the SUNDIALS flag and the worst states as "
    "unit.quantity[species]") {
  const std::string limited = stepped_feed + "simulation: {until: 2, max_steps: 3}\n";
  auto flowsheet = load_flowsheet_string(limited, "limited.yaml");
  try {
    (void)flowsheet.simulate(flowsheet.run.times(flowsheet.run.until), flowsheet.run.options);
    FAIL("expected a SolverError");
  } catch (const SolverError& error) {
    const std::string text = error.what();
    INFO(text);
    CHECK(error.details().solver == "IDAS");
    CHECK(error.details().flag == "IDA_TOO_MUCH_WORK");
    CHECK(error.details().time > 0.0);
    REQUIRE(!error.details().worst_components.empty());
    CHECK(error.details().worst_components.front().name.rfind("tank.", 0) == 0);
    CHECK(text.find("tank.") != std::string::npos);
  }
}
