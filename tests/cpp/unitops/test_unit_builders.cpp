// YAML builders of the support units: each bad value is an InputError with its message and line.
#include <doctest/doctest.h>

#include "hydromet/unitops/feed.hpp"
#include "hydromet/unitops/splitter.hpp"
#include "unitops_test_support.hpp"

using namespace hydromet;
using namespace unitops_test;

namespace {

// A feed into a product; `unit` adds one more entry under `equipment:` (not connected: builders fail first).
std::string flowsheet_with(const std::string& unit) {
  return "units: {flow: m3/h, concentration: mol/L}\n"
         "equipment:\n"
         "  f:\n"
         "    type: feed\n"
         "    flow: 1\n"
         "    solution: {Na+: 0.1}\n"
         "  p:\n"
         "    type: product\n" +
         unit +
         "connections:\n"
         "  - f.out -> p.in\n";
}

void check_unit_error(const std::string& unit, const std::string& marker, const std::string& fragment) {
  const std::string yaml = flowsheet_with(unit);
  check_load_error(yaml, fragment, line_of(yaml, marker));
}

}  // namespace

TEST_CASE("a valid feed and product load") {
  const auto flowsheet = load_flowsheet_string(flowsheet_with(""));
  CHECK(flowsheet.unit_count() == 2);
  const auto* feed = dynamic_cast<const Feed*>(flowsheet.find_unit("f"));
  REQUIRE(feed != nullptr);
  CHECK(feed->parameters().flow.value() == doctest::Approx(1.0 / 3600.0).epsilon(1e-15));
  CHECK(feed->parameters().solution[0].concentration.value() == doctest::Approx(100.0));
}

TEST_CASE("tank errors") {
  check_unit_error("  t:\n    type: tank\n    volume: -1\n", "volume: -1", "volume must be positive");
  check_unit_error("  t:\n    type: tank\n    volum: 1\n", "volum:", "did you mean `volume`");
  check_unit_error("  t:\n    type: tank\n    volume: 5 kg\n", "volume: 5 kg", "expected");
  check_unit_error("  t:\n    type: tank\n    volume: .nan\n", "volume: .nan", "volume");
  check_unit_error("  t:\n    type: tank\n    volume: 1\n    inlets: 0\n", "inlets: 0",
                   "positive whole number for inlets");
  check_unit_error("  t:\n    type: tank\n    volume: 1\n    initial_solution: {Nax: 1}\n", "Nax",
                   "did you mean");
  check_unit_error("  t:\n    type: tank\n    volume: 1\n    initial_solution: {Na+: -1}\n", "Na+: -1",
                   ">= 0");
  check_unit_error("  t:\n    type: tank\n    volume: 1\n    initial_solution: {quartz: 1}\n", "quartz",
                   "not an aqueous species");
  check_unit_error("  t:\n    type: tank\n    volume: 1\n    temperature: 0\n", "temperature: 0", "positive");
  check_unit_error("  t:\n    type: tank\n", "type: tank", "volume");
}

TEST_CASE("feed errors") {
  check_unit_error("  g:\n    type: feed\n    flow: -2\n", "flow: -2", "flow must be >= 0");
  check_unit_error("  g:\n    type: feed\n    flow: 2 kg/s\n", "flow: 2 kg", "expected");
  check_unit_error("  g:\n    type: feed\n    flow: 1\n    solids: {Na+: 1}\n", "{Na+: 1}", "is not a solid");
  check_unit_error("  g:\n    type: feed\n    flow: 1\n    solids: {quartz: -1 kg/s}\n", "quartz: -1",
                   ">= 0");
  check_unit_error(
      "  g:\n    type: feed\n    flow: 1\n    schedule:\n      - {at: 2 h, flow: 2}\n      - {at: 1 h, flow: "
      "3}\n",
      "at: 1 h", "strictly increasing");
  check_unit_error(
      "  g:\n    type: feed\n    flow: 1\n    schedule:\n      - {at: 1 h, flow: 2, ramp: 2 h}\n      - {at: "
      "2 h, flow: 3}\n",
      "at: 2 h", "before the previous ramp ends");
  check_unit_error("  g:\n    type: feed\n    flow: 1\n    schedule:\n      - {at: 1 h, flw: 2}\n", "flw",
                   "did you mean `flow`");
  check_unit_error("  g:\n    type: feed\n    flow: 1\n    schedule:\n      - {at: 1 h}\n", "at: 1 h",
                   "changes nothing");
  check_unit_error("  g:\n    type: feed\n    flow: 1\n    schedule:\n      - {at: 1 h, ramp: -1, flow: 1}\n",
                   "ramp: -1", "ramp must be >= 0");
  check_unit_error("  g:\n    type: feed\n    flow: 1\n    schedule: {at: 1}\n",
                   "schedule:", "must be a list");
}

TEST_CASE("mixer, product and evaporator errors") {
  check_unit_error("  m:\n    type: mixer\n    inlets: 1001\n", "inlets: 1001",
                   "`inlets` must be a count from 1 to 1000");
  check_unit_error("  m:\n    type: mixer\n    inlet: 3\n", "inlet: 3", "did you mean `inlets`");
  check_unit_error("  q:\n    type: product\n    flows: 1\n", "flows: 1", "unknown key");
  check_unit_error("  e:\n    type: evaporator\n    concentration_factor: 0.5\n", "concentration_factor",
                   ">= 1");
  check_unit_error("  e:\n    type: evaporator\n    water_removal: -1\n", "water_removal", ">= 0");
  check_unit_error("  e:\n    type: evaporator\n    water_removal: 1\n    concentration_factor: 2\n",
                   "concentration_factor", "not both");
  check_unit_error("  e:\n    type: evaporator\n", "type: evaporator", "needs `water_removal`");
}

TEST_CASE("splitter errors") {
  check_unit_error("  s:\n    type: splitter\n    fractions: {a: 0.3, b: 0.6}\n", "fractions",
                   "add up to 0.9");
  check_unit_error("  s:\n    type: splitter\n    fractions: {a: 0.3, b: 1.7}\n", "1.7", "fraction");
  check_unit_error("  s:\n    type: splitter\n    fractions: {a: 1}\n", "fractions", "at least two");
  check_unit_error("  s:\n    type: splitter\n    set_point: {outlet: c, flow: 1}\n    outlets: [a, b]\n",
                   "outlet: c", "not in `outlets`");
  check_unit_error("  s:\n    type: splitter\n    set_point: {outlet: a, flow: -1}\n    outlets: [a, b]\n",
                   "flow: -1", ">= 0");
  check_unit_error("  s:\n    type: splitter\n    set_point: {outlet: a, flow: 1}\n", "type: splitter",
                   "outlets");
  check_unit_error(
      "  s:\n    type: splitter\n    fractions: {a: 0.5, b: 0.5}\n    set_point: {outlet: a, flow: 1}\n",
      "set_point", "not both");
}

TEST_CASE("solid_liquid_separator errors") {
  const std::string head = "  c:\n    type: solid_liquid_separator\n";
  check_unit_error(head + "    solids_recovery: 120 %\n    cake_moisture: 0.2\n", "120 %", "fraction");
  check_unit_error(head + "    solids_recovery: 0.9\n    cake_moisture: 1\n", "cake_moisture: 1",
                   "must be < 1");
  check_unit_error(head + "    solids_recovery: 0.9\n    cake_moisture: 0.2\n    wash_efficiency: 0.8\n",
                   "wash_efficiency", "needs `wash: true`");
  check_unit_error(head + "    solids_recovery: 0.9\n    cake_moisture: 0.2\n    wash: true\n", "type: solid",
                   "wash_efficiency");
  check_unit_error(head + "    solids_recovery: 0.9\n    cake_moisture: 0.2\n    liquor_density: 3 m\n",
                   "liquor_density", "expected");
  check_unit_error(head + "    solids_recovery: 0.9\n    cake_moisture: 0.2\n    wash: maybe\n",
                   "wash: maybe", "wash");
  check_unit_error(head + "    cake_moisture: 0.2\n", "type: solid", "solids_recovery");
}

TEST_CASE("splitter set point loads with its outlets in order set point, remainder") {
  const std::string yaml = flowsheet_with(
                               "  s:\n    type: splitter\n    set_point: {outlet: bleed, flow: 0.25}\n"
                               "    outlets: [to_tank, bleed]\n  p2:\n    type: product\n"
                               "  p3:\n    type: product\n") +
                           "  - s.bleed -> p2.in\n  - s.to_tank -> p3.in\n";
  // The splitter's inlet is open: validation names it, after the builders succeeded.
  check_load_error(yaml, "inlet `s.in` is not connected", line_of(yaml, "  s:"));
}

TEST_CASE("mixer_settler holds solids by species unless told by_size_class; other values are errors") {
  // Two solids in three size classes: by species 2 solid states, by size class 6.
  const auto states = [](const std::string& solids_line) {
    const std::string yaml =
        "size_classes: [75, 50, 25]\n"
        "units: {flow: m3/h, concentration: mol/L, length: um}\n"
        "equipment:\n"
        "  f: {type: feed, flow: 1, solution: {Na+: 0.1}, solids: {quartz: 0.01, scheelite: 0.01}}\n"
        "  s:\n    type: mixer_settler\n    volume: 1\n    temperature: 298.15\n" +
        solids_line +
        "  o: {type: organic_feed, flow: 1}\n"
        "  p: {type: product}\n"
        "  loaded: {type: product}\n"
        "connections:\n  - f.out -> s.aqueous_in\n  - o.out -> s.organic_in\n"
        "  - s.aqueous_out -> p.in\n  - s.organic_out -> loaded.in\n";
    return load_flowsheet_string(yaml).find_unit("s")->state_size();
  };
  CHECK(states("") == states("    solids: by_species\n"));
  CHECK(states("    solids: by_size_class\n") == states("") + 4);
  check_unit_error("  s:\n    type: mixer_settler\n    volume: 1\n    solids: lumped\n", "solids: lumped",
                   "`solids` is `by_species`");
}
