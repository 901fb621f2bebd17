// StirredTank: state layout, flow terms, overflow outlet and inventory against hand calculations.
#include <doctest/doctest.h>

#include "hydromet/unitops/stirred_tank.hpp"
#include "unitops_test_support.hpp"

using namespace hydromet;
using namespace unitops_test;

namespace {

std::unique_ptr<StirredTank> make_tank(bool fixed_temperature, std::size_t inlets = 2) {
  StirredTankParameters parameters;
  parameters.volume = 2.0 * units::cubic_meter;
  if (fixed_temperature) {
    parameters.temperature = 350.0 * units::kelvin;
  }
  parameters.initial_solution = {{"Na+", 0.5 * units::molar}};
  parameters.inlet_count = inlets;
  auto tank = std::make_unique<StirredTank>("t1", parameters);
  tank->bind(components());
  return tank;
}

// n: H2O, Na+, Cl-, WO4-2 | WO3-org | scheelite (2 classes), quartz (2 classes) | q_aq, q_org | T
std::vector<double> state(bool with_temperature) {
  std::vector<double> y{0.0, 300.0, 100.0, 20.0, 6.0, 1.0, 2.0, 3.0, 4.0, 0.001, 0.0005};
  if (with_temperature) {
    y.push_back(305.0);
  }
  return y;
}

std::vector<Stream> inlets() {
  return {make_stream(300.0, 0.0008, {0.0, 50.0, 50.0, 10.0}, {0.01, 0.0, 0.0, 0.02}, 0.0005, 0.003),
          make_stream(320.0, 0.0004, {0.0, 100.0, 0.0, 0.0})};
}

}  // namespace

TEST_CASE("tank ports, state layout and initial state") {
  CHECK(make_tank(true, 1)->inlet_ports() == std::vector<std::string>{"in"});
  CHECK(make_tank(true, 3)->inlet_ports() == std::vector<std::string>{"in1", "in2", "in3"});
  const auto fixed = make_tank(true);
  const auto mixed = make_tank(false);
  CHECK(fixed->state_size() == 11);
  CHECK(mixed->state_size() == 12);
  CHECK(fixed->state_name(1) == "n[Na+]");
  CHECK(fixed->state_name(4) == "n_org[WO3-org]");
  CHECK(fixed->state_name(6) == "n_solid[scheelite,1]");
  CHECK(fixed->state_name(9) == "q_aq");
  CHECK(mixed->state_name(11) == "T");
  const auto rows = mixed->differential_rows();
  CHECK(std::count(rows.begin(), rows.end(), false) == 3);
  CHECK(rows[8]);
  CHECK_FALSE(rows[9]);
  std::vector<double> y0(12, -1.0);
  mixed->initial_state(y0);
  CHECK(y0[1] == 1000.0);  // 0.5 mol/L x 2 m3
  CHECK(y0[2] == 0.0);
  CHECK(y0[11] == 298.15);
  CHECK(mixed->state_scale(1) == 1000.0);
  CHECK(mixed->state_scale(2) == 2.0);  // V x 1 mol/m3
}

TEST_CASE("tank balances: inflow minus n q / V, algebraic outflows and mixed temperature") {
  const auto tank = make_tank(false);
  const auto y = state(true);
  const auto in = inlets();
  std::vector<double> f(12, 99.0);
  tank->evaluate(0.0, y, in, f);
  // q = 0.0015 m3/s, q / V = 7.5e-4 1/s
  CHECK(f[0] == doctest::Approx(0.0).epsilon(1e-15));
  CHECK(f[1] == doctest::Approx(0.04 + 0.04 - 0.225).epsilon(1e-14));
  CHECK(f[2] == doctest::Approx(0.04 - 0.075).epsilon(1e-14));
  CHECK(f[3] == doctest::Approx(0.008 - 0.015).epsilon(1e-14));
  CHECK(f[4] == doctest::Approx(0.003 - 0.0045).epsilon(1e-14));
  CHECK(f[5] == doctest::Approx(0.01 - 7.5e-4).epsilon(1e-14));
  CHECK(f[6] == doctest::Approx(-1.5e-3).epsilon(1e-14));
  CHECK(f[8] == doctest::Approx(0.02 - 3e-3).epsilon(1e-14));
  CHECK(f[9] == doctest::Approx(0.0012 - 0.001).epsilon(1e-13));
  CHECK(std::abs(f[10]) < 1e-18);
  CHECK(f[11] == doctest::Approx((300.0 * 0.0008 + 320.0 * 0.0004) / 0.0012 - 305.0).epsilon(1e-12));
}

TEST_CASE("tank overflow leaves at n q / V in every phase, solids at the holdup's solids-to-liquid ratio") {
  const auto tank = make_tank(true);
  auto y = state(false);
  std::vector<Stream> out{Stream::empty(components())};
  tank->compute_outlets(0.0, y, {}, out);
  CHECK(out[0].temperature == 350.0);
  CHECK(out[0].aqueous_flow == 0.001);
  CHECK(out[0].organic_flow == 0.0005);
  CHECK(out[0].aqueous_moles[1] == doctest::Approx(0.225).epsilon(1e-15));
  CHECK(out[0].organic_moles[0] == doctest::Approx(0.0045).epsilon(1e-15));
  CHECK(out[0].solid_moles(1, 1) == doctest::Approx(0.003).epsilon(1e-15));
  // Outlet concentration = holdup concentration: aqueous holdup V q_aq / q = 4/3 m3.
  CHECK(out[0].concentration(1) == doctest::Approx(225.0).epsilon(1e-14));
  const auto outputs = tank->outputs(0.0, y);
  auto value = [&](const std::string& name) {
    for (const auto& o : outputs) {
      if (o.name == name) {
        return o.value;
      }
    }
    FAIL("no output " << name);
    return 0.0;
  };
  CHECK(value("q") == doctest::Approx(0.0015));
  CHECK(value("residence_time") == doctest::Approx(2.0 / 0.0015).epsilon(1e-14));
  CHECK(value("c[Na+]") == doctest::Approx(225.0).epsilon(1e-14));
  CHECK(value("c_org[WO3-org]") == doctest::Approx(6.0 / (2.0 / 3.0)).epsilon(1e-14));
  const double m_scheelite = components().solid_molar_masses()[0];
  CHECK(value("solids[scheelite]") == doctest::Approx(3.0 * m_scheelite).epsilon(1e-14));
  CHECK(value("T") == 350.0);
  // The same list at a state without flow (residence time reported as 0, all holdup aqueous).
  y[9] = y[10] = 0.0;
  const auto still = tank->outputs(0.0, y);
  REQUIRE(still.size() == outputs.size());
  CHECK(still[3].value == 0.0);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    CHECK(still[i].name == outputs[i].name);
  }
}

TEST_CASE("tank element inventory sums every phase") {
  const auto tank = make_tank(true);
  const auto y = state(false);
  const Vector inventory = tank->element_inventory(y);
  const auto& elements = components().elements();
  auto of = [&](const std::string& element) {
    return inventory[std::find(elements.begin(), elements.end(), element) - elements.begin()];
  };
  CHECK(of("Na") == doctest::Approx(300.0));
  CHECK(of("W") == doctest::Approx(20.0 + 6.0 + 3.0));  // aqueous + organic + scheelite
  CHECK(of("Ca") == doctest::Approx(3.0));
  CHECK(of("Si") == doctest::Approx(7.0));
}

TEST_CASE("tank rejects non-physical parameters") {
  StirredTankParameters parameters;
  parameters.volume = 0.0 * units::cubic_meter;
  CHECK_THROWS_AS(StirredTank("t", parameters), InputError);
  parameters.volume = 1.0 * units::cubic_meter;
  parameters.initial_solution = {{"Na+", -1.0 * units::molar}};
  CHECK_THROWS_AS(StirredTank("t", parameters), InputError);
  parameters.initial_solution.clear();
  parameters.inlet_count = 0;
  CHECK_THROWS_AS(StirredTank("t", parameters), InputError);
}

TEST_CASE(
    "tank holding solids by species: one state per solid, in from every size class, out in the finest") {
  StirredTankParameters parameters;
  parameters.volume = 2.0 * units::cubic_meter;
  parameters.temperature = 350.0 * units::kelvin;
  parameters.inlet_count = 2;
  parameters.solids = StirredTankParameters::Solids::by_species;
  StirredTank tank("t1", parameters);
  tank.bind(components());
  // n: H2O, Na+, Cl-, WO4-2 | WO3-org | scheelite, quartz | q_aq, q_org
  REQUIRE(tank.state_size() == 9);
  CHECK(tank.state_name(5) == "n_solid[scheelite]");
  CHECK(tank.state_name(6) == "n_solid[quartz]");
  CHECK(tank.state_name(7) == "q_aq");
  const std::vector<double> y{0.0, 300.0, 100.0, 20.0, 6.0, 3.0, 7.0, 0.001, 0.0005};
  const auto in = inlets();  // scheelite 0.01 mol/s in class 0, quartz 0.02 mol/s in class 1
  std::vector<double> f(9, 99.0);
  tank.evaluate(0.0, y, in, f);
  // q / V = 7.5e-4 1/s
  CHECK(f[5] == doctest::Approx(0.01 - 3.0 * 7.5e-4).epsilon(1e-14));
  CHECK(f[6] == doctest::Approx(0.02 - 7.0 * 7.5e-4).epsilon(1e-14));
  CHECK(f[7] == doctest::Approx(0.0012 - 0.001).epsilon(1e-14));
  std::vector<Stream> out{Stream::empty(components())};
  out[0].solid_moles.setConstant(5.0);  // a reused buffer: every class must be written
  tank.compute_outlets(0.0, y, {}, out);
  // The finest class is the 50 µm one (index 0).
  CHECK(out[0].solid_moles(0, 0) == doctest::Approx(3.0 * 7.5e-4).epsilon(1e-15));
  CHECK(out[0].solid_moles(1, 0) == doctest::Approx(7.0 * 7.5e-4).epsilon(1e-15));
  CHECK(out[0].solid_moles(0, 1) == 0.0);
  CHECK(out[0].solid_moles(1, 1) == 0.0);
  // Its own steady state: n = F τ per solid, summed over the classes that came in.
  std::vector<double> filled(9, -1.0);
  REQUIRE(tank.fill_from_inlets(0.0, in, filled));
  const double residence = 2.0 / 0.0017;  // aqueous 0.0012 + organic 0.0005 m3/s
  CHECK(filled[5] == doctest::Approx(0.01 * residence).epsilon(1e-14));
  CHECK(filled[6] == doctest::Approx(0.02 * residence).epsilon(1e-14));
  // Inventory and outputs count the solids as the size-class holdup does.
  const Vector inventory = tank.element_inventory(y);
  const auto& elements = components().elements();
  const auto of = [&](const std::string& element) {
    return inventory[std::find(elements.begin(), elements.end(), element) - elements.begin()];
  };
  CHECK(of("Ca") == doctest::Approx(3.0));
  CHECK(of("Si") == doctest::Approx(7.0));
  bool reported = false;
  for (const auto& output : tank.outputs(0.0, y)) {
    if (output.name == "solids[quartz]") {
      reported = true;
      CHECK(output.value == doctest::Approx(7.0 * components().solid_molar_masses()[1]).epsilon(1e-14));
    }
  }
  CHECK(reported);
}
