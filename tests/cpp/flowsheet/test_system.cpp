// System: a source's accumulator row (its element flow out) follows the feed's schedule in time whatever the
// order of evaluation, although the System keeps it for the last time it was computed at.
#include <doctest/doctest.h>

#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "hydromet/flowsheet/system.hpp"
#include "hydromet/io/flowsheet_loader.hpp"

using namespace hydromet;

TEST_CASE("a source's element flow in f follows the feed step at any evaluation order and state") {
  auto flowsheet = load_flowsheet_string(R"(
units: {volume: m3, flow: m3/h, concentration: mol/m3, time: h}
equipment:
  feed:
    type: feed
    flow: 3.6
    solution: {Na+: 100, Cl-: 100}
    schedule:
      - {at: 1, solution: {Na+: 250, Cl-: 250}}
  tank: {type: tank, volume: 5}
  out: {type: product}
connections:
  - feed.out -> tank.in
  - tank.out -> out.in
)",
                                         "source.yaml");
  auto system = flowsheet.dynamic_system();
  const auto names = system->component_names();
  const auto row =
      static_cast<std::size_t>(std::find(names.begin(), names.end(), "feed.cumulative[Na]") - names.begin());
  REQUIRE(row < names.size());
  Vector y = system->initial_state();
  std::vector<double> f(system->size());
  const auto na_flow = [&](double hours, double shift) {
    Vector at = y;
    at.array() += shift;  // a different state: the source's flow must not care
    system->evaluate(hours * 3600.0, std::span<const double>(at.data(), system->size()), f);
    return f[row];
  };
  // 3.6 m3/h = 1e-3 m3/s of 100 (then 250) mol/m3 Na+.
  for (const double shift : {0.0, 0.5, 0.0}) {
    CHECK(na_flow(0.5, shift) == doctest::Approx(0.1).epsilon(1e-14));
    CHECK(na_flow(0.5, shift) == doctest::Approx(0.1).epsilon(1e-14));
    CHECK(na_flow(2.0, shift) == doctest::Approx(0.25).epsilon(1e-14));
    CHECK(na_flow(2.0, shift) == doctest::Approx(0.25).epsilon(1e-14));
    CHECK(na_flow(0.5, shift) == doctest::Approx(0.1).epsilon(1e-14));
  }
}
