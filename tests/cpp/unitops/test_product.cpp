// Product: a sink that reports what it receives.
#include <doctest/doctest.h>

#include "hydromet/unitops/product.hpp"
#include "unitops_test_support.hpp"

using namespace hydromet;
using namespace unitops_test;

TEST_CASE("product is a sink with one inlet and reports flow, concentrations and solids") {
  Product product("p");
  product.bind(components());
  CHECK(product.boundary() == Boundary::sink);
  CHECK(product.inlet_ports() == std::vector<std::string>{"in"});
  CHECK(product.outlet_ports().empty());
  const std::vector<Stream> in{make_stream(310.0, 2e-3, {0.0, 150.0, 0.0, 12.5}, {0.001, 0.002, 0.0, 0.0})};
  const auto outputs = product.stream_outputs(0.0, in);
  REQUIRE(outputs.size() == 2 + 4 + 1 + 2);
  CHECK(outputs[0].name == "flow");
  CHECK(outputs[0].value == 2e-3);
  CHECK(outputs[0].unit == "m3/s");
  CHECK(outputs[1].value == 310.0);
  CHECK(outputs[3].name == "c[Na+]");
  CHECK(outputs[3].value == doctest::Approx(150.0).epsilon(1e-15));
  CHECK(outputs[5].value == doctest::Approx(12.5).epsilon(1e-15));
  CHECK(outputs[7].name == "solids[scheelite]");
  CHECK(outputs[7].value == doctest::Approx(0.003 * components().solid_molar_masses()[0]).epsilon(1e-15));
  CHECK(outputs[7].unit == "kg/s");
}
