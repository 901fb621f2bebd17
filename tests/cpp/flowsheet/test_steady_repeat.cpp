// Flowsheet::solve_steady binds its units once per change of the flowsheet, not once per solve: solving
// again, or after the flowsheet has moved (its units then still point at the old components), must give the
// answer of a fresh load, bit for bit, by the same path.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <utility>

#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/io/flowsheet_loader.hpp"

using namespace hydromet;

namespace {

std::string reference_flowsheet(const char* name) {
  std::string path = HYDROMET_SOURCE_DIR;
  path += "/flowsheets/";
  path += name;
  return path;
}

void check_same(const SteadyStateResult& result, const SteadyStateResult& fresh) {
  REQUIRE(result.converged);
  CHECK(result.statistics.method == fresh.statistics.method);
  CHECK(result.statistics.nonlinear_iterations == fresh.statistics.nonlinear_iterations);
  CHECK(result.statistics.residual_evaluations == fresh.statistics.residual_evaluations);
  REQUIRE(result.outputs.size() == fresh.outputs.size());
  for (Eigen::Index i = 0; i < fresh.outputs.size(); ++i) {
    CAPTURE(result.output_names[static_cast<std::size_t>(i)]);
    CHECK(result.outputs[i] == fresh.outputs[i]);
  }
  REQUIRE(result.states.size() == fresh.states.size());
  CHECK((result.states - fresh.states).cwiseAbs().maxCoeff() == 0.0);
}

}  // namespace

TEST_CASE("a steady solve repeated, or after the flowsheet moved, gives the fresh answer by the same path") {
  // Leach tanks, reactors, separators, a splitter, SX cascades: units that bind derived data to the
  // components.
  for (const char* name : {"w_scheelite_soda.yaml", "tailings_w_byproduct.yaml", "nbta_hf_sx.yaml"}) {
    CAPTURE(name);
    const auto fresh = load_flowsheet(reference_flowsheet(name)).solve_steady();
    REQUIRE(fresh.converged);

    auto flowsheet = load_flowsheet(reference_flowsheet(name));
    check_same(flowsheet.solve_steady(), fresh);
    check_same(flowsheet.solve_steady(), fresh);

    // Moved to the heap (as the Python binding does), then moved over another flowsheet.
    auto moved = std::make_unique<Flowsheet>(std::move(flowsheet));
    check_same(moved->solve_steady(), fresh);
    Flowsheet assigned = load_flowsheet(reference_flowsheet("tailings_w_byproduct.yaml"));
    assigned = std::move(*moved);
    check_same(assigned.solve_steady(), fresh);
  }
}
