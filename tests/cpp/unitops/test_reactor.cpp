// Stoichiometric reactor: extents by key and by limiting reactant, reactions in series, solids by size
// class, exact element balances, and its YAML errors.
#include <doctest/doctest.h>

#include "hydromet/unitops/reactor.hpp"
#include "unitops_test_support.hpp"

using namespace hydromet;
using namespace unitops_test;

namespace {

// Aqueous H2O, H+, OH-, Na+, Ca+2, WO4-2, HWO4- (0..6); solids scheelite, quartz; size classes 150 and 50 um.
const ComponentList& reacting_components() {
  static const ComponentList list(database(), {"H2O", "H+", "OH-", "Na+", "Ca+2", "WO4-2", "HWO4-"},
                                  {"scheelite", "quartz"}, {}, {150e-6, 50e-6});
  return list;
}

ReactorReaction reaction(const std::string& equation, double conversion,
                         std::optional<std::string> key = std::nullopt) {
  return {equation, parse_reaction_equation(equation), conversion, std::move(key)};
}

struct Run {
  Stream out;
  std::vector<UnitOutput> outputs;
};

Run run(std::vector<ReactorReaction> reactions, const std::vector<Stream>& inlets) {
  ReactorParameters p;
  p.inlet_count = inlets.size();
  p.reactions = std::move(reactions);
  Reactor reactor("r", std::move(p));
  reactor.bind(reacting_components());
  Run result{Stream::empty(reacting_components()), {}};
  std::vector<Stream> out(1, Stream::empty(reacting_components()));
  reactor.compute_outlets(0.0, {}, inlets, out);
  result.out = out[0];
  result.outputs = reactor.stream_outputs(0.0, inlets);
  // Every element is conserved to rounding.
  Vector element_in = Vector::Zero(static_cast<Eigen::Index>(reacting_components().elements().size()));
  for (const auto& s : inlets) {
    element_in += s.element_flows(reacting_components());
  }
  const Vector element_out = result.out.element_flows(reacting_components());
  for (Eigen::Index e = 0; e < element_in.size(); ++e) {
    CHECK(std::abs(element_out[e] - element_in[e]) <= 1e-15 * std::abs(element_in[e]));
  }
  return result;
}

// Flows [mol/s] of H2O, H+, OH-, Na+, Ca+2, WO4-2 in `flow` m3/s; solids [mol/s] (solid, class) row-major.
Stream stream(double flow, std::vector<double> moles, std::vector<double> solids = {0, 0, 0, 0}) {
  Stream s = Stream::empty(reacting_components());
  s.temperature = 320.0;
  s.aqueous_flow = flow;
  for (std::size_t i = 0; i < moles.size(); ++i) {
    s.aqueous_moles[static_cast<Eigen::Index>(i)] = moles[i];
  }
  for (Eigen::Index r = 0; r < 2; ++r) {
    for (Eigen::Index k = 0; k < 2; ++k) {
      s.solid_moles(r, k) = solids[static_cast<std::size_t>(2 * r + k)];
    }
  }
  return s;
}

}  // namespace

TEST_CASE("neutralisation runs to the limiting reactant and leaves it at exactly zero") {
  // Caustic (0.3 mol/s OH-) meets acid (0.5 mol/s H+) in two inlets.
  const std::vector<Stream> in{stream(1e-3, {55.0, 0.0, 0.3, 0.3, 0.0, 0.04}),
                               stream(2e-3, {110.0, 0.5, 0.0, 0.0, 0.0, 0.0})};
  const auto r = run({reaction("H+ + OH- -> H2O", 1.0)}, in);
  CHECK(r.out.aqueous_moles[2] == 0.0);
  CHECK(r.out.aqueous_moles[1] == doctest::Approx(0.2).epsilon(1e-15));
  CHECK(r.out.aqueous_moles[0] == doctest::Approx(165.3).epsilon(1e-15));
  CHECK(r.out.aqueous_flow == doctest::Approx(3e-3).epsilon(1e-15));
  CHECK(r.outputs[0].name == "extent[1]");
  CHECK(r.outputs[0].value == doctest::Approx(0.3).epsilon(1e-15));
  // Half conversion of the limiting reactant.
  const auto half = run({reaction("H+ + OH- -> H2O", 0.5)}, in);
  CHECK(half.out.aqueous_moles[2] == doctest::Approx(0.15).epsilon(1e-15));
  CHECK(half.out.aqueous_moles[1] == doctest::Approx(0.35).epsilon(1e-15));
}

TEST_CASE(
    "a key reactant sets the extent, capped by the other reactants; precipitate goes to the finest class") {
  const std::vector<Stream> in{stream(1e-3, {55.0, 0.0, 0.0, 0.0, 0.1, 0.04})};
  // 90 % of the tungstate precipitates: 0.036 mol/s.
  const auto by_tungstate = run({reaction("Ca+2 + WO4-2 -> scheelite", 0.9, "WO4-2")}, in);
  CHECK(by_tungstate.out.aqueous_moles[5] == doctest::Approx(0.004).epsilon(1e-14));
  CHECK(by_tungstate.out.aqueous_moles[4] == doctest::Approx(0.064).epsilon(1e-15));
  CHECK(by_tungstate.out.solid_moles(0, 1) == doctest::Approx(0.036).epsilon(1e-15));  // 50 um class
  CHECK(by_tungstate.out.solid_moles(0, 0) == 0.0);
  // 90 % of the calcium would be 0.09 mol/s, more than the 0.04 mol/s of tungstate: the cap holds.
  const auto by_calcium = run({reaction("Ca+2 + WO4-2 -> scheelite", 0.9, "Ca+2")}, in);
  CHECK(by_calcium.out.aqueous_moles[5] == 0.0);
  CHECK(by_calcium.out.solid_moles(0, 1) == doctest::Approx(0.04).epsilon(1e-15));
}

TEST_CASE("reactions run in series, and a solid reactant is taken from every size class in proportion") {
  // 0.02 + 0.06 mol/s scheelite in the two classes; dissolve half, then re-precipitate 25 % of the W.
  const std::vector<Stream> in{stream(1e-3, {55.0, 0.0, 0.0, 0.0, 0.0, 0.0}, {0.02, 0.06, 0.0, 0.0})};
  const auto r =
      run({reaction("scheelite -> Ca+2 + WO4-2", 0.5), reaction("Ca+2 + WO4-2 -> scheelite", 0.25)}, in);
  CHECK(r.outputs[0].value == doctest::Approx(0.04).epsilon(1e-15));
  CHECK(r.outputs[1].value == doctest::Approx(0.01).epsilon(1e-15));
  CHECK(r.out.solid_moles(0, 0) == doctest::Approx(0.01).epsilon(1e-15));
  CHECK(r.out.solid_moles(0, 1) == doctest::Approx(0.03 + 0.01).epsilon(1e-15));
  CHECK(r.out.aqueous_moles[5] == doctest::Approx(0.03).epsilon(1e-15));
}

TEST_CASE("water is never the limiting reactant: a feed without H2O still hydrolyses") {
  // No H2O stated in the feed: the reactor tracks what the reaction uses of it (here -0.02 mol/s).
  const std::vector<Stream> in{stream(1e-3, {0.0, 0.0, 0.0, 0.08, 0.0, 0.04})};
  const auto r = run({reaction("WO4-2 + H2O -> HWO4- + OH-", 0.5, "WO4-2")}, in);
  CHECK(r.outputs[0].value == doctest::Approx(0.02).epsilon(1e-15));
  CHECK(r.out.aqueous_moles[6] == doctest::Approx(0.02).epsilon(1e-15));
  CHECK(r.out.aqueous_moles[0] == doctest::Approx(-0.02).epsilon(1e-15));
  ReactorParameters p;
  p.reactions = {reaction("H2O -> H+ + OH-", 0.5)};
  Reactor only_water("r", p);
  CHECK_THROWS_AS(only_water.bind(reacting_components()), InputError);
}

TEST_CASE("reactor needs reactions with a reactant and conversions in [0, 1]") {
  ReactorParameters p;
  CHECK_THROWS_AS(Reactor("r", p), InputError);
  p.reactions = {reaction("H+ + OH- -> H2O", 1.5)};
  CHECK_THROWS_AS(Reactor("r", p), InputError);
  p.reactions = {reaction("H+ + OH- -> H2O", 1.0)};
  p.inlet_count = 0;
  CHECK_THROWS_AS(Reactor("r", p), InputError);
}

TEST_CASE("reactor YAML errors name the line") {
  const std::string head =
      "units: {flow: m3/h, concentration: mol/L}\n"
      "equipment:\n"
      "  f: {type: feed, flow: 1, solution: {Na+: 0.1, OH-: 0.1}}\n"
      "  p: {type: product}\n"
      "  r:\n"
      "    type: reactor\n"
      "    reactions:\n";
  const std::string tail = "connections:\n  - f.out -> r.in\n  - r.out -> p.in\n";
  const auto check = [&](const std::string& body, const std::string& marker, const std::string& fragment) {
    const std::string yaml = head + body + tail;
    check_load_error(yaml, fragment, line_of(yaml, marker));
  };
  check("      - {equation: H+ + OH- -> H2O + H2O, conversion: 1}\n", "equation", "does not balance H");
  check("      - {equation: Na+ + OH- -> H2O, conversion: 1}\n", "equation", "does not balance");
  check("      - {equation: H+ + OH- -> H2O, conversion: 1.2}\n", "conversion", "conversion");
  check("      - {equation: H+ + OH- -> H2O, conversion: 1, key: H2O}\n", "key", "is not a reactant");
  check("      - {equation: H+ + OH- -> H2O}\n", "equation", "conversion");
  check("      - {equation: H+ + OH- -> H2Oo, conversion: 1}\n", "equation", "unknown species `H2Oo`");
  check("      - {equaton: H+ + OH- -> H2O, conversion: 1}\n", "equaton", "did you mean `equation`");
}

TEST_CASE("a neutralising reactor in a flowsheet closes the plant balance") {
  const std::string yaml =
      "units: {flow: m3/h, concentration: mol/L}\n"
      "equipment:\n"
      "  caustic: {type: feed, flow: 1, solution: {Na+: 2, OH-: 1, WO4-2: 0.5}}\n"
      "  acid: {type: feed, flow: 0.5, solution: {H+: 3, SO4-2: 1.5}}\n"
      "  r: {type: reactor, inlets: 2, reactions: [{equation: H+ + OH- -> H2O, conversion: 1}]}\n"
      "  p: {type: product}\n"
      "connections:\n  - caustic.out -> r.in1\n  - acid.out -> r.in2\n  - r.out -> p.in\n";
  auto flowsheet = load_flowsheet_string(yaml, "neutralise.yaml");
  const auto result = flowsheet.simulate({0.0, 3600.0}, {});
  // H+ left: 1500 - 1000 = 500 mol/h in 1.5 m3/h; extent 1000 mol/h, i.e. 1/3 mol/L = 333.33 mol/m3.
  CHECK(result.output("r.c[H+]")[1] == doctest::Approx(1000.0 / 3.0).epsilon(1e-14));
  CHECK(result.output("r.c[OH-]")[1] == 0.0);
  CHECK(result.output("r.extent[1]")[1] == doctest::Approx(1000.0 / 3600.0).epsilon(1e-14));
}
