// Evaporator: removal by rate and by concentration factor; the solvent leaves with its volume.
#include <doctest/doctest.h>

#include "hydromet/unitops/evaporator.hpp"
#include "unitops_test_support.hpp"

using namespace hydromet;
using namespace unitops_test;

namespace {

std::unique_ptr<Evaporator> make_evaporator(EvaporatorParameters p) {
  auto evaporator = std::make_unique<Evaporator>("ev", p);
  evaporator->bind(components());
  return evaporator;
}

}  // namespace

TEST_CASE("evaporator by concentration factor concentrates solutes by F and sends water to the vapour") {
  EvaporatorParameters p;
  p.concentration_factor = 4.0;
  const auto evaporator = make_evaporator(p);
  CHECK(evaporator->outlet_ports() == std::vector<std::string>{"concentrate", "vapour"});
  const std::vector<Stream> in{make_stream(360.0, 1e-3, {55000.0, 100.0, 100.0, 20.0}, {0.1, 0.0, 0.0, 0.0})};
  std::vector<Stream> out(2, Stream::empty(components()));
  evaporator->compute_outlets(0.0, {}, in, out);
  CHECK(out[0].aqueous_flow == doctest::Approx(2.5e-4).epsilon(1e-15));
  CHECK(out[1].aqueous_flow == doctest::Approx(7.5e-4).epsilon(1e-15));
  CHECK(out[0].concentration(1) == doctest::Approx(400.0).epsilon(1e-14));
  CHECK(out[0].concentration(3) == doctest::Approx(80.0).epsilon(1e-14));
  CHECK(out[0].solid_moles(0, 0) == 0.1);
  CHECK(out[1].aqueous_moles[0] == doctest::Approx(55000.0 * 7.5e-4).epsilon(1e-15));
  CHECK(out[1].aqueous_moles.tail(3).sum() == 0.0);
  CHECK(out[1].solid_moles.sum() == 0.0);
  CHECK(out[1].temperature == 360.0);
  check_conservation(in, out);
  const auto outputs = evaporator->stream_outputs(0.0, in);
  CHECK(outputs[0].name == "water_removed");
  CHECK(outputs[0].value == doctest::Approx(7.5e-4));
}

TEST_CASE("evaporator by rate removes the rate, and at most the whole inlet") {
  EvaporatorParameters p;
  p.water_removal = 4e-4 * units::cubic_meter / units::second;
  const auto evaporator = make_evaporator(p);
  const std::vector<Stream> in{make_stream(360.0, 1e-3, {55000.0, 100.0, 100.0, 20.0})};
  std::vector<Stream> out(2, Stream::empty(components()));
  evaporator->compute_outlets(0.0, {}, in, out);
  CHECK(out[0].aqueous_flow == doctest::Approx(6e-4).epsilon(1e-15));
  CHECK(out[0].concentration(2) == doctest::Approx(100.0 / 0.6).epsilon(1e-14));
  check_conservation(in, out);
  const std::vector<Stream> small{make_stream(360.0, 3e-4, {55000.0, 100.0, 100.0, 20.0})};
  evaporator->compute_outlets(0.0, {}, small, out);
  CHECK(out[0].aqueous_flow == 0.0);
  CHECK(out[1].aqueous_flow == 3e-4);
  CHECK(out[0].aqueous_moles[1] == doctest::Approx(0.03).epsilon(1e-15));
  check_conservation(small, out);
}

TEST_CASE("evaporator needs exactly one valid specification") {
  EvaporatorParameters p;
  CHECK_THROWS_AS(Evaporator("e", p), InputError);
  p.concentration_factor = 0.5;
  CHECK_THROWS_AS(Evaporator("e", p), InputError);
  p.concentration_factor = 2.0;
  p.water_removal = 1.0 * units::cubic_meter / units::second;
  CHECK_THROWS_AS(Evaporator("e", p), InputError);
}

TEST_CASE("a volatile solute leaves with the vapour at its fraction, the others stay") {
  EvaporatorParameters p;
  p.concentration_factor = 2.0;
  p.volatiles = {{"Cl-", 0.9}};
  const auto evaporator = make_evaporator(p);
  const std::vector<Stream> in{make_stream(360.0, 1e-3, {55000.0, 100.0, 100.0, 20.0})};
  std::vector<Stream> out(2, Stream::empty(components()));
  evaporator->compute_outlets(0.0, {}, in, out);
  CHECK(out[1].aqueous_moles[2] == doctest::Approx(0.09).epsilon(1e-15));
  CHECK(out[0].aqueous_moles[2] == doctest::Approx(0.01).epsilon(1e-14));
  CHECK(out[0].concentration(1) == doctest::Approx(200.0).epsilon(1e-14));
  check_conservation(in, out);
  p.volatiles = {{"Cl-", 1.5}};
  CHECK_THROWS_AS(Evaporator("e", p), InputError);
}
