// The crystalliser from YAML: a continuous CaWO4 precipitation closes its W and Ca balances, and input
// mistakes are located.
#include <doctest/doctest.h>

#include <string>

#include "hydromet/core/error.hpp"
#include "hydromet/io/flowsheet_loader.hpp"

using namespace hydromet;

namespace {
const std::string precipitation = R"(
units: {volume: m3, flow: m3/h, concentration: mol/m3, length: um, temperature: degC}
equipment:
  liquor:
    type: feed
    flow: 1
    temperature: 25
    solution: {Ca+2: 2, WO4-2: 2, Na+: 4, Cl-: 4}
  cryst:
    type: crystallizer
    volume: 1
    temperature: 25
    product: scheelite
    components: [Ca+2, WO4-2, Na+, Cl-, H+]
    grid: {min: 0, max: 200, classes: 40}
    limiter: van_leer
    nucleation: {primary_rate_constant: 1.0e8, primary_order: 2}
    growth: {rate_constant: 1.0e-8 m/s, order: 1}
  out: {type: product}
connections:
  - liquor.out -> cryst.in
  - cryst.out -> out.in
simulation: {until: 4 h, outputs: 3}
)";
}  // namespace

TEST_CASE("a continuous CaWO4 crystalliser from YAML closes its balances and precipitates") {
  auto flowsheet = load_flowsheet_string(precipitation, "cryst.yaml");
  // The residual holds a nested speciation solve, so finite-difference Jacobian columns carry its
  // tolerance and Newton keeps the element invariants only to its own convergence: measured closures are
  // 2e-12 at rtol 1e-6, 2e-9 at 1e-8 and 1e-14 at 1e-10 (an open point of the crystalliser, see its page).
  SimulationOptions options;
  options.relative_tolerance = 1e-10;
  const auto result = flowsheet.simulate(flowsheet.run.times(flowsheet.run.until), options);
  CHECK(result.balance.closure() < 1e-10);
  const Vector yield = result.output("cryst.yield");
  CHECK(yield[2] > 0.0);
  CHECK(yield[2] <= 1.0);
}

TEST_CASE("crystalliser input mistakes are located") {
  std::string bad = precipitation;
  bad.replace(bad.find("product: scheelite"), 18, "product: scheelit");
  CHECK_THROWS_WITH_AS(load_flowsheet_string(bad, "bad.yaml"), doctest::Contains("did you mean `scheelite`"),
                       InputError);
  std::string no_growth = precipitation;
  const auto growth_line = no_growth.find("    growth:");
  no_growth.erase(growth_line, no_growth.find('\n', growth_line) + 1 - growth_line);
  CHECK_THROWS_WITH_AS(load_flowsheet_string(no_growth, "bad.yaml"), doctest::Contains("growth"), InputError);
}
