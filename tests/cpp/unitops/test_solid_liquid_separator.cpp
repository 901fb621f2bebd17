// Solid-liquid separator: recovery, cake moisture and displacement washing against hand calculation.
#include <doctest/doctest.h>

#include "hydromet/unitops/solid_liquid_separator.hpp"
#include "unitops_test_support.hpp"

using namespace hydromet;
using namespace unitops_test;

namespace {

std::unique_ptr<SolidLiquidSeparator> make_separator(bool wash) {
  SolidLiquidSeparatorParameters p;
  p.solids_recovery = 0.95;
  p.cake_moisture = 0.2;
  p.liquor_density = 1200.0 * units::kilogram / units::cubic_meter;
  p.wash = wash;
  p.wash_efficiency = 0.8;
  auto separator = std::make_unique<SolidLiquidSeparator>("cf", p);
  separator->bind(components());
  return separator;
}

}  // namespace

TEST_CASE("separator without wash: cake carries recovered solids and feed liquor at the set moisture") {
  const auto separator = make_separator(false);
  CHECK(separator->inlet_ports() == std::vector<std::string>{"feed"});
  CHECK(separator->outlet_ports() == std::vector<std::string>{"cake", "filtrate"});
  const std::vector<Stream> in{
      make_stream(330.0, 1e-3, {55000.0, 1000.0, 1000.0, 50.0}, {0.1, 0.0, 0.0, 0.2})};
  std::vector<Stream> out(2, Stream::empty(components()));
  separator->compute_outlets(0.0, {}, in, out);
  const double m_s =
      0.95 * (0.1 * components().solid_molar_masses()[0] + 0.2 * components().solid_molar_masses()[1]);
  const double q_e = 0.2 / 0.8 * m_s / 1200.0;  // entrained liquor [m3/s]
  CHECK(out[0].solid_moles(0, 0) == doctest::Approx(0.095).epsilon(1e-15));
  CHECK(out[1].solid_moles(1, 1) == doctest::Approx(0.01).epsilon(1e-14));
  CHECK(out[0].aqueous_flow == doctest::Approx(q_e).epsilon(1e-14));
  CHECK(out[0].concentration(1) == doctest::Approx(1000.0).epsilon(1e-13));
  CHECK(out[1].concentration(1) == doctest::Approx(1000.0).epsilon(1e-13));
  CHECK(out[1].aqueous_flow == doctest::Approx(1e-3 - q_e).epsilon(1e-14));
  CHECK(out[0].temperature == 330.0);
  check_conservation(in, out);
  const auto outputs = separator->stream_outputs(0.0, in);
  CHECK(outputs[0].name == "cake_solids");
  CHECK(outputs[0].value == doctest::Approx(m_s).epsilon(1e-14));
  CHECK(outputs[2].name == "cake_moisture");
  CHECK(outputs[2].value == doctest::Approx(0.2).epsilon(1e-14));
}

TEST_CASE("separator with displacement wash: a fraction eta of the entrained liquor is wash liquor") {
  const auto separator = make_separator(true);
  CHECK(separator->inlet_ports() == std::vector<std::string>{"feed", "wash"});
  const std::vector<Stream> in{
      make_stream(330.0, 1e-3, {55000.0, 1000.0, 1000.0, 50.0}, {0.1, 0.0, 0.0, 0.2}),
      make_stream(300.0, 2e-4, {55500.0, 10.0, 0.0, 0.0})};
  std::vector<Stream> out(2, Stream::empty(components()));
  separator->compute_outlets(0.0, {}, in, out);
  const double m_s =
      0.95 * (0.1 * components().solid_molar_masses()[0] + 0.2 * components().solid_molar_masses()[1]);
  const double q_e = 0.25 * m_s / 1200.0;
  const double q_d = 0.8 * q_e;
  CHECK(out[0].aqueous_flow == doctest::Approx(q_e).epsilon(1e-14));
  CHECK(out[0].aqueous_moles[1] == doctest::Approx(1000.0 * (q_e - q_d) + 10.0 * q_d).epsilon(1e-13));
  CHECK(out[0].aqueous_moles[2] == doctest::Approx(1000.0 * (q_e - q_d)).epsilon(1e-13));
  CHECK(out[0].concentration(3) == doctest::Approx(50.0 * 0.2).epsilon(1e-13));
  CHECK(out[1].aqueous_flow == doctest::Approx(1.2e-3 - q_e).epsilon(1e-14));
  CHECK(out[1].temperature == doctest::Approx(325.0).epsilon(1e-14));
  check_conservation(in, out);
  const auto outputs = separator->stream_outputs(0.0, in);
  CHECK(outputs[3].name == "displaced");
  CHECK(outputs[3].value == doctest::Approx(q_d).epsilon(1e-14));
}

TEST_CASE("separator limits: a feed short of liquor and a wash short of the displacement volume") {
  const auto separator = make_separator(true);
  // Liquor 1e-6 m3/s is less than the cake holds: all of it goes to the cake; the wash displaces what it has.
  const std::vector<Stream> in{make_stream(330.0, 1e-6, {55000.0, 1000.0, 0.0, 0.0}, {0.1, 0.0, 0.0, 0.2}),
                               make_stream(330.0, 1e-7, {55500.0, 10.0, 0.0, 0.0})};
  std::vector<Stream> out(2, Stream::empty(components()));
  separator->compute_outlets(0.0, {}, in, out);
  CHECK(out[0].aqueous_flow == 1e-6);
  CHECK(out[0].aqueous_moles[1] == doctest::Approx(1000.0 * (1e-6 - 1e-7) + 10.0 * 1e-7).epsilon(1e-13));
  CHECK(out[1].aqueous_flow == doctest::Approx(1e-7).epsilon(1e-12));
  check_conservation(in, out);
}

TEST_CASE("separator rejects non-physical parameters") {
  SolidLiquidSeparatorParameters p;
  p.cake_moisture = 1.0;
  CHECK_THROWS_AS(SolidLiquidSeparator("s", p), InputError);
  p.cake_moisture = 0.1;
  p.solids_recovery = 1.1;
  CHECK_THROWS_AS(SolidLiquidSeparator("s", p), InputError);
  p.solids_recovery = 0.9;
  p.liquor_density = 0.0 * units::kilogram / units::cubic_meter;
  CHECK_THROWS_AS(SolidLiquidSeparator("s", p), InputError);
}
