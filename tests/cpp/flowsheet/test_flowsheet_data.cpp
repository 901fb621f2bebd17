// A flowsheet's own data: SIT coefficients added or replaced for itself only, and size classes as a list.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/core/error.hpp"
#include "hydromet/io/flowsheet_loader.hpp"

using namespace hydromet;

namespace {

const std::string plant_tail = R"(
equipment:
  f: {type: feed, flow: 1.0e-3, solution: {Na+: 100, Cl-: 100}}
  p: {type: product}
connections: [f.out -> p.in]
)";

double epsilon_of(const Database& database, const std::string& first, const std::string& second) {
  const auto& list = database.sit_coefficients();
  const auto at = std::find_if(list.begin(), list.end(), [&](const SitCoefficient& c) {
    return (c.first == first && c.second == second) || (c.first == second && c.second == first);
  });
  REQUIRE(at != list.end());
  return at->epsilon;
}

}  // namespace

TEST_CASE("a flowsheet's `sit:` replaces a bundled pair and adds a new one, for itself only") {
  const double bundled = epsilon_of(Database::bundled(), "Na+", "Cl-");
  const auto flowsheet = load_flowsheet_string(R"(
sit:
  - {first: Na+, second: Cl-, epsilon: 0.05, source: "test override"}
  - {first: Na+, second: WO4-2, epsilon: -0.02, assumed: true, source: "test addition"}
)" + plant_tail);
  CHECK(epsilon_of(flowsheet.database(), "Na+", "Cl-") == 0.05);
  CHECK(epsilon_of(flowsheet.database(), "Na+", "WO4-2") == -0.02);
  CHECK(epsilon_of(Database::bundled(), "Na+", "Cl-") == bundled);
}

TEST_CASE("a bad `sit:` or a scalar `size_classes:` is an error at its line") {
  try {
    (void)load_flowsheet_string("sit: {first: Na+}\n" + plant_tail, "bad.yaml");
    FAIL("no error");
  } catch (const InputError& error) {
    CHECK(error.location().line == 1);
    CHECK(error.message().find("must be a list") != std::string::npos);
  }
  try {
    (void)load_flowsheet_string("size_classes: 75\n" + plant_tail, "bad.yaml");
    FAIL("no error");
  } catch (const InputError& error) {
    CHECK(error.location().line == 1);
    CHECK(error.message().find("size_classes") != std::string::npos);
  }
}
