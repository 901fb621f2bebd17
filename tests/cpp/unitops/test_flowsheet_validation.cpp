// Flowsheet validation with the support units: each mistake is an InputError with its message and line;
// a recycle loop needs a unit with inventory.
#include <doctest/doctest.h>

#include "unitops_test_support.hpp"

using namespace hydromet;
using namespace unitops_test;

namespace {

// Feed -> mixer -> [tank ->] splitter, 60 % recycled to the mixer, 40 % to the product.
std::string loop(bool with_tank, const std::string& connections) {
  return std::string(
             "units: {flow: m3/h, concentration: mol/L, volume: m3, time: h}\n"
             "equipment:\n"
             "  f:\n"
             "    type: feed\n"
             "    flow: 1\n"
             "    solution: {Na+: 0.1}\n"
             "  m:\n"
             "    type: mixer\n") +
         (with_tank ? "  t:\n    type: tank\n    volume: 1\n" : "") +
         "  s:\n"
         "    type: splitter\n"
         "    fractions: {recycle: 0.6, out: 0.4}\n"
         "  p:\n"
         "    type: product\n"
         "connections:\n" +
         connections;
}

const std::string loop_without_tank =
    "  - f.out -> m.in1\n  - m.out -> s.in\n  - s.recycle -> m.in2\n  - s.out -> p.in\n";
const std::string loop_with_tank =
    "  - f.out -> m.in1\n  - m.out -> t.in\n  - t.out -> s.in\n  - s.recycle -> m.in2\n  - s.out -> p.in\n";

// Loads and simulates briefly: validation errors may come from either step.
void check_error(const std::string& yaml, const std::string& fragment, std::size_t line) {
  INFO(yaml);
  try {
    auto flowsheet = load_flowsheet_string(yaml);
    (void)flowsheet.simulate({0.0, 1.0});
    FAIL("no InputError; expected `" << fragment << "`");
  } catch (const InputError& error) {
    INFO(std::string(error.what()));
    CHECK(error.message().find(fragment) != std::string::npos);
    CHECK(error.location().line == line);
  }
}

}  // namespace

TEST_CASE("a doubly connected port is rejected at its second connection") {
  const std::string yaml = loop(true, loop_with_tank + "  - s.out -> m.in2\n");
  check_error(yaml, "port `s.out` is connected twice", line_of(yaml, "  - s.out -> m.in2"));
}

TEST_CASE("an unconnected inlet and an unconnected outlet are rejected at their unit") {
  const std::string open_inlet =
      loop(true, "  - f.out -> m.in1\n  - m.out -> t.in\n  - t.out -> s.in\n  - s.out -> p.in\n");
  // m.in2 is open and so is s.recycle: inlets are checked first.
  check_error(open_inlet, "inlet `m.in2` is not connected", line_of(open_inlet, "  m:"));
  const std::string yaml =
      std::string("equipment:\n  f:\n    type: feed\n    flow: 1\n  m:\n    type: mixer\n    inlets: 1\n") +
      "connections:\n  - f.out -> m.in1\n";
  check_error(yaml, "outlet `m.out` is not connected", line_of(yaml, "  m:"));
}

TEST_CASE("an unknown port is rejected with the list of the unit's ports") {
  const std::string yaml =
      loop(false, "  - f.out -> m.in1\n  - m.out -> s.in\n  - s.bleed -> m.in2\n  - s.out -> p.in\n");
  check_error(yaml, "splitter `s` has no outlet port `bleed`; its outlets are `recycle`, `out`",
              line_of(yaml, "s.bleed"));
  const std::string inlet = loop(false, "  - f.out -> m.in3\n");
  check_error(inlet, "mixer `m` has no inlet port `in3`; its inlets are `in1`, `in2`",
              line_of(inlet, "m.in3"));
}

TEST_CASE("split fractions that do not add up to 1 are rejected at `fractions` naming the sum") {
  std::string yaml = loop(true, loop_with_tank);
  yaml.replace(yaml.find("out: 0.4"), 8, "out: 0.39");
  check_error(yaml, "split fractions add up to 0.99", line_of(yaml, "fractions:"));
}

TEST_CASE("a recycle loop through a mixer and a splitter with no tank is rejected") {
  const std::string yaml = loop(false, loop_without_tank);
  check_error(yaml, "contains no unit that holds inventory", line_of(yaml, "  m:"));
}

TEST_CASE("the same loop through a tank is accepted and follows its linear balances") {
  auto flowsheet = load_flowsheet_string(loop(true, loop_with_tank));
  // Tank flow q = Q_f / (1 - 0.6); Na+ in the tank: V dc/dt = Q_f (c_in - c), so c = c_in (1 - exp(-Q_f t /
  // V)).
  SimulationOptions options;
  options.relative_tolerance = 1e-10;
  options.absolute_tolerance = 1e-12;
  const std::vector<double> times{0.0, 1800.0, 3600.0, 7200.0, 18000.0};
  const auto result = flowsheet.simulate(times, options);
  const Vector q = result.output("t.q_aq");
  const Vector c = result.output("t.c[Na+]");
  // From the first output after t = 0: the row at t = 0 is the initial guess of the algebraic outflow.
  for (Eigen::Index k = 1; k < q.size(); ++k) {
    CHECK(q[k] == doctest::Approx(1.0 / 3600.0 / 0.4).epsilon(1e-9));
  }
  for (Eigen::Index k = 1; k < c.size(); ++k) {
    const double expected = 100.0 * (1.0 - std::exp(-times[static_cast<std::size_t>(k)] / 3600.0));
    INFO("t = " << times[static_cast<std::size_t>(k)]);
    CHECK(std::abs(c[k] / expected - 1.0) < 1e-7);
  }
}
