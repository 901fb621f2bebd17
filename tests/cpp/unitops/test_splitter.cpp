// Splitter: fixed fractions and flow set point, continuity and exact conservation.
#include <doctest/doctest.h>

#include "hydromet/unitops/splitter.hpp"
#include "unitops_test_support.hpp"

using namespace hydromet;
using namespace unitops_test;

namespace {

Stream inlet(double flow) {
  return make_stream(320.0, flow, {55000.0, 100.0, 80.0, 3.0}, {0.1, 0.2, 0.3, 0.4}, 2e-4, 0.01);
}

std::unique_ptr<Splitter> set_point_splitter(double flow) {
  SplitterParameters p;
  p.set_point = SplitterParameters::SetPoint{"bleed", flow * units::cubic_meter / units::second, "to_tank"};
  auto splitter = std::make_unique<Splitter>("s", p);
  splitter->bind(components());
  return splitter;
}

}  // namespace

TEST_CASE("splitter by fractions gives each outlet its share of every phase") {
  SplitterParameters p;
  p.fractions = {{"to_tank", 0.3}, {"bleed", 0.7}};
  auto splitter = std::make_unique<Splitter>("s", p);
  splitter->bind(components());
  CHECK(splitter->outlet_ports() == std::vector<std::string>{"to_tank", "bleed"});
  const std::vector<Stream> in{inlet(1e-3)};
  std::vector<Stream> out(2, Stream::empty(components()));
  splitter->compute_outlets(0.0, {}, in, out);
  CHECK(out[0].aqueous_flow == doctest::Approx(3e-4).epsilon(1e-15));
  CHECK(out[1].aqueous_flow == doctest::Approx(7e-4).epsilon(1e-15));
  CHECK(out[0].aqueous_moles[1] == doctest::Approx(0.03).epsilon(1e-15));
  CHECK(out[1].solid_moles(1, 1) == doctest::Approx(0.28).epsilon(1e-15));
  CHECK(out[0].organic_flow == doctest::Approx(6e-5).epsilon(1e-15));
  CHECK(out[1].temperature == 320.0);
  CHECK(out[0].concentration(2) == doctest::Approx(80.0).epsilon(1e-14));
  check_conservation(in, out);
  const auto outputs = splitter->stream_outputs(0.0, in);
  CHECK(outputs[1].name == "flow[bleed]");
  CHECK(outputs[1].value == doctest::Approx(7e-4));
  CHECK(outputs[2].name == "fraction[to_tank]");
}

TEST_CASE("splitter fractions must add up to 1 within 1e-12") {
  SplitterParameters p;
  p.fractions = {{"a", 0.3}, {"b", 0.6}};
  CHECK_THROWS_WITH_AS(Splitter("s", p), doctest::Contains("add up to 0.9"), InputError);
  p.fractions = {{"a", 0.3}, {"b", 0.7 + 5e-13}};
  CHECK_NOTHROW(Splitter("s", p));
  p.fractions = {{"a", 0.3}, {"a", 0.7}};
  CHECK_THROWS_AS(Splitter("s", p), InputError);
}

TEST_CASE("splitter set point takes its flow, the remainder goes on; above the inlet flow it takes all") {
  const auto splitter = set_point_splitter(1e-4);
  CHECK(splitter->outlet_ports() == std::vector<std::string>{"bleed", "to_tank"});
  std::vector<Stream> out(2, Stream::empty(components()));
  const std::vector<Stream> in{inlet(1e-3)};
  splitter->compute_outlets(0.0, {}, in, out);
  CHECK(out[0].aqueous_flow == doctest::Approx(1e-4).epsilon(1e-15));
  CHECK(out[1].aqueous_flow == doctest::Approx(9e-4).epsilon(1e-15));
  CHECK(out[0].solid_moles(0, 0) == doctest::Approx(0.01).epsilon(1e-14));
  check_conservation(in, out);
  const std::vector<Stream> small{inlet(5e-5)};
  splitter->compute_outlets(0.0, {}, small, out);
  CHECK(out[0].aqueous_flow == 5e-5);
  CHECK(out[1].aqueous_flow == 0.0);
  CHECK(out[1].solid_moles.sum() == 0.0);
  check_conservation(small, out);
  // Continuous through Q_in = Q_sp and at Q_in = 0.
  const double below = splitter->split_fractions(1e-4 * (1.0 - 1e-12))[0];
  const double above = splitter->split_fractions(1e-4 * (1.0 + 1e-12))[0];
  CHECK(below == 1.0);
  CHECK(std::abs(above - 1.0) < 2e-12);
  CHECK(splitter->split_fractions(0.0)[0] == 1.0);
}
