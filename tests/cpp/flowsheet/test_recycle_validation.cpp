// Validation (without a solve) rejects a recycle whose loop holds no inventory (hydromet validate used to pass it and
// only the solve failed), naming exactly the units on the loop, at the first one's line.
#include <doctest/doctest.h>

#include <string>

#include "hydromet/core/error.hpp"
#include "hydromet/io/flowsheet_loader.hpp"

using namespace hydromet;

namespace {

const std::string header = R"(units: {flow: m3/h, concentration: mol/m3, volume: m3}
equipment:
  f: {type: feed, flow: 1, solution: {Na+: 100, Cl-: 100}}
  m: {type: mixer}
  s: {type: splitter, fractions: {recycle: 0.6, out: 0.4}}
  p: {type: product}
)";

// The error of loading (which validates), or an empty message when it passes.
InputError validation_error(const std::string& yaml) {
  try {
    (void)load_flowsheet_string(yaml, "loop.yaml");
  } catch (const InputError& error) {
    return error;
  }
  return InputError("");
}

}  // namespace

TEST_CASE("a mixer-splitter recycle with no tank fails validation naming only the loop's units") {
  const auto error = validation_error(
      header + "connections: [f.out -> m.in1, m.out -> s.in, s.recycle -> m.in2, s.out -> p.in]\n");
  CHECK(error.message() == "recycle loop through `m`, `s` contains no unit that holds inventory");
  CHECK(error.location().line == 4);
}

TEST_CASE("the same recycle through a tank, and the same units without a recycle, pass validation") {
  const std::string tank = "  t: {type: tank, volume: 1}\n";
  CHECK(validation_error(header + tank +
                         "connections: [f.out -> m.in1, m.out -> t.in, t.out -> s.in, s.recycle -> m.in2, "
                         "s.out -> p.in]\n")
            .message()
            .empty());
  const std::string second_feed =
      "  g: {type: feed, flow: 1, solution: {Na+: 1, Cl-: 1}}\n  q: {type: product}\n";
  CHECK(validation_error(header + second_feed +
                         "connections: [f.out -> m.in1, g.out -> m.in2, m.out -> s.in, s.recycle -> q.in, "
                         "s.out -> p.in]\n")
            .message()
            .empty());
}
