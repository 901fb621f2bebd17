// Mixer: sum of the inlets, flow-weighted temperature, exact element conservation.
#include <doctest/doctest.h>

#include "hydromet/unitops/mixer.hpp"
#include "unitops_test_support.hpp"

using namespace hydromet;
using namespace unitops_test;

TEST_CASE("mixer adds every flow and weights the temperature by aqueous flow") {
  Mixer mixer("m", {3});
  mixer.bind(components());
  CHECK(mixer.inlet_ports() == std::vector<std::string>{"in1", "in2", "in3"});
  CHECK(mixer.outlet_ports() == std::vector<std::string>{"out"});
  const std::vector<Stream> in{
      make_stream(300.0, 1e-3, {55000.0, 100.0, 100.0, 5.0}, {0.1, 0.2, 0.3, 0.4}),
      make_stream(330.0, 3e-3, {55000.0, 20.0, 0.0, 1.0}, {0, 0, 0, 0.7}, 1e-4, 0.02),
      make_stream(310.0, 0.0, {0, 0, 0, 0}, {0.05, 0, 0, 0})};
  std::vector<Stream> out{Stream::empty(components())};
  mixer.compute_outlets(0.0, {}, in, out);
  CHECK(out[0].aqueous_flow == doctest::Approx(4e-3).epsilon(1e-15));
  CHECK(out[0].temperature == doctest::Approx((300.0 * 1e-3 + 330.0 * 3e-3) / 4e-3).epsilon(1e-14));
  CHECK(out[0].concentration(1) == doctest::Approx((0.1 + 0.06) / 4e-3).epsilon(1e-14));
  CHECK(out[0].solid_moles(0, 0) == doctest::Approx(0.15).epsilon(1e-15));
  CHECK(out[0].organic_moles[0] == 0.02);
  check_conservation(in, out);
  const auto outputs = mixer.stream_outputs(0.0, in);
  CHECK(outputs[0].name == "flow");
  CHECK(outputs[0].value == doctest::Approx(4e-3));
}

TEST_CASE("mixer needs an inlet") { CHECK_THROWS_AS(Mixer("m", {0}), InputError); }
