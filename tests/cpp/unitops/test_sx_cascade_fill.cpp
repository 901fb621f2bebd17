// sx_cascade steady guess (fill_from_inlets): with constant laws one direct solve of the linear cascade,
// exact against Kremser's profile (Treybal, Mass-Transfer Operations, 3rd ed. (1980), eq. 10.58 applied to
// stages n..N: x_n / x_F = (E^(N−n+1) − 1) / (E^(N+1) − 1)); in every coupling the cascade has (Murphree
// efficiency, entrainment, settlers, a fixed mixer phase ratio, sections with their own laws, extractant and
// protons, a closed loop with bleed, co-current flow) the guess is the steady state Newton finds. Other laws
// (mass action, isotherm): the linear cascade at each stage's secant D, repeated, reaches every stage's own
// equilibrium (checked against the law); a constant law whose solution would need a negative holdup falls
// back to the Gauss–Seidel sweeps and still converges.
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/flowsheet/system.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/unitops/sx_cascade.hpp"

using namespace hydromet;

namespace {

constexpr double feed_c = 20.0;  // WO4-2 in the feed [mol/m3]

// An open counter-current extraction cascade of `stages` stages, constant D, A = O = 1e-3 m3/s.
std::string kremser_cascade(int stages, double ratio, const std::string& formulation) {
  std::ostringstream text;
  text.precision(17);
  text << R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: WO4(org), formula: WO4, phase: organic, source: "test solute in the organic phase"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {WO4-2: 20}}
  solvent: {type: organic_feed, flow: 1.0e-3}
  raffinate: {type: product}
  loaded: {type: product}
  sx:
    type: sx_cascade
    mixer_volume: 1.0
)";
  text << "    formulation: " << formulation << "\n"
       << "    extraction: [{metal: WO4-2, complex: WO4(org), law: {type: constant, D: " << ratio << "}}]\n"
       << "    sections: {extraction: {stages: " << stages << "}}\n";
  text << R"(connections:
  - feed.out -> sx.feed
  - solvent.out -> sx.organic_in
  - sx.raffinate -> raffinate.in
  - sx.organic_out -> loaded.in
)";
  return text.str();
}

// The cascade's guess from its inlets (feed, organic_in) alone, read through its report.
std::vector<UnitOutput> guess_report(Flowsheet& flowsheet) {
  flowsheet.validate();
  const auto* unit = dynamic_cast<const SxCascade*>(flowsheet.find_unit("sx"));
  REQUIRE(unit != nullptr);
  const auto& components = flowsheet.components();
  REQUIRE(unit->inlet_ports() == std::vector<std::string>{"feed", "organic_in"});
  std::vector<Stream> inlets(2, Stream::empty(components));
  inlets[0].aqueous_flow = 1.0e-3;
  inlets[0].aqueous_moles[static_cast<Eigen::Index>(*components.find_aqueous("WO4-2"))] = 1.0e-3 * feed_c;
  inlets[1].organic_flow = 1.0e-3;
  std::vector<double> y(unit->state_size(), -1.0);
  REQUIRE(unit->fill_from_inlets(0.0, inlets, y));
  return unit->report(0.0, y, inlets);
}

double output(const std::vector<UnitOutput>& outputs, const std::string& name) {
  for (const auto& o : outputs) {
    if (o.name == name) {
      return o.value;
    }
  }
  FAIL("no output " << name);
  return 0.0;
}

// The stream coupling a steady solve asks for alone (built without the Jacobian pattern) is, entry for entry
// and in order, the one built with the pattern.
void check_coupling_alone_is_the_full_one(const std::string& text) {
  auto flowsheet = load_flowsheet_string(text, "circuit.yaml");
  flowsheet.validate();
  const auto* unit = dynamic_cast<const SxCascade*>(flowsheet.find_unit("sx"));
  REQUIRE(unit != nullptr);
  const auto alone = unit->stream_coupling();
  REQUIRE(alone.has_value());
  CHECK_FALSE(unit->state_pattern().empty());
  const auto full = unit->stream_coupling();
  REQUIRE(full.has_value());
  REQUIRE(alone->rows.size() == full->rows.size());
  for (std::size_t k = 0; k < full->rows.size(); ++k) {
    const auto& [row, port, component] = alone->rows[k];
    CHECK((row == full->rows[k].row && port == full->rows[k].port && component == full->rows[k].component));
  }
  REQUIRE(alone->outlet_states.size() == full->outlet_states.size());
  for (std::size_t k = 0; k < full->outlet_states.size(); ++k) {
    const auto& [port, component, state] = alone->outlet_states[k];
    CHECK((port == full->outlet_states[k].port && component == full->outlet_states[k].component &&
           state == full->outlet_states[k].state));
  }
  REQUIRE(alone->outlet_inlets.size() == full->outlet_inlets.size());
  for (std::size_t k = 0; k < full->outlet_inlets.size(); ++k) {
    const auto& a = alone->outlet_inlets[k];
    const auto& b = full->outlet_inlets[k];
    CHECK((a.port == b.port && a.component == b.component && a.inlet_port == b.inlet_port &&
           a.inlet_component == b.inlet_component));
  }
  CHECK(alone->aggregates.size() == full->aggregates.size());
}

std::string stage(int n) {
  std::ostringstream name;
  name << 'E' << n;
  return name.str();
}

}  // namespace

TEST_CASE("sx_cascade guess: a constant-D cascade of 500 stages is Kremser's profile, without Newton") {
  // The sweeps used to leave this profile far from Kremser's (12 passes cannot carry the organic across 500
  // stages); Newton then needed an iteration and the flowsheet's substitution most of the solve's time.
  constexpr int stages = 500;
  for (const double e : {2.0, 0.5}) {
    for (const char* formulation : {"dae", "ode"}) {
      INFO("E = " << e << ", " << formulation);
      check_coupling_alone_is_the_full_one(kremser_cascade(stages, e, formulation));
      auto flowsheet = load_flowsheet_string(kremser_cascade(stages, e, formulation), "fill.yaml");
      const auto outputs = guess_report(flowsheet);
      const double denominator = std::pow(e, stages + 1) - 1.0;
      // Every stage for E = 0.5; for E = 2 down to stage 60, 2^-60 = 9e-19 of the feed.
      for (int n = 1; n <= (e > 1.0 ? 60 : stages); ++n) {
        INFO("stage " << n);
        const double expected = (std::pow(e, stages - n + 1) - 1.0) / denominator;
        CHECK(std::abs(output(outputs, stage(n) + ".c[WO4-2]") / feed_c / expected - 1.0) < 1e-12);
        // Each stage at its equilibrium: c_org = D c.
        CHECK(std::abs(output(outputs, stage(n) + ".c_org[WO4(org)]") / (e * feed_c * expected) - 1.0) <
              1e-12);
      }
      const double loaded = e * (std::pow(e, stages) - 1.0) / denominator;
      CHECK(std::abs(output(outputs, "loaded.c_org[WO4(org)]") / feed_c / loaded - 1.0) < 1e-12);
      // Newton accepts the guess as it is.
      const auto result = flowsheet.solve_steady();
      REQUIRE(result.converged);
      CHECK(result.statistics.nonlinear_iterations == 0);
    }
  }
}

namespace {

// A circuit with every coupling of the cascade: two metals extracted by TBP with protons consumed, scrub and
// strip sections with their own constant D, a second feed at E3, Murphree efficiency, entrainment both ways,
// settlers, and `extra` (loop, flow, mixer ratio).
std::string circuit(const std::string& extra, const std::string& units, const std::string& connections) {
  std::string text = R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: NbOF5-2, formula: NbOF5-2, phase: aqueous, source: "test species"}
  - {name: TaF7-2, formula: TaF7-2, phase: aqueous, source: "test species"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {TaF7-2: 20, NbOF5-2: 30, H+: 6000, SO4-2: 3000}}
  feed2: {type: feed, flow: 0.2e-3, solution: {TaF7-2: 5, H+: 6000, SO4-2: 3000}}
  scrub_acid: {type: feed, flow: 0.3e-3, solution: {H+: 6000, SO4-2: 3000}}
  strip_acid: {type: feed, flow: 0.8e-3, solution: {H+: 1000, SO4-2: 500}}
  raffinate: {type: product}
  scrub_out: {type: product}
  strip_out: {type: product}
  sx:
    type: sx_cascade
    mixer_volume: 1.0
    settler: {aqueous_volume: 0.5, organic_volume: 0.7}
    efficiency: 0.8
    entrainment: {aqueous_in_organic: 0.002, organic_in_aqueous: 0.0005}
    extraction:
      - {metal: TaF7-2, complex: H2TaF7(TBP)3, reactants: {H+: 2, TBP: 3}, law: {type: constant, D: 5}}
      - {metal: NbOF5-2, complex: H2NbOF5(TBP)3, reactants: {H+: 2, TBP: 3}, law: {type: constant, D: 2}}
    sections:
      extraction: {stages: 6, feeds: {feed: 1, feed2: 3}}
      scrub: {stages: 3}
      strip:
        stages: 4
        extraction:
          - {metal: TaF7-2, complex: H2TaF7(TBP)3, reactants: {H+: 2, TBP: 3}, law: {type: constant, D: 0.3}}
          - {metal: NbOF5-2, complex: H2NbOF5(TBP)3, reactants: {H+: 2, TBP: 3}, law: {type: constant, D: 0.1}}
)";
  text += extra + units + R"(connections:
  - feed.out -> sx.feed
  - feed2.out -> sx.feed2
  - scrub_acid.out -> sx.scrub_feed
  - strip_acid.out -> sx.strip_feed
  - sx.raffinate -> raffinate.in
  - sx.scrub_out -> scrub_out.in
  - sx.strip_out -> strip_out.in
)" + connections;
  return text;
}

const std::string open_loop_units = R"(  solvent: {type: organic_feed, flow: 1.0e-3, composition: {TBP: 1830}}
  loaded: {type: product}
)";
const std::string open_loop_connections =
    "  - solvent.out -> sx.organic_in\n  - sx.organic_out -> loaded.in\n";
const std::string closed_loop_units =
    R"(  makeup: {type: organic_feed, flow: 2.0e-5, composition: {TBP: 1830}}
  bleed: {type: product}
)";
const std::string closed_loop_connections = "  - makeup.out -> sx.makeup\n  - sx.bleed -> bleed.in\n";

// The flowsheet's guess against its steady state at a tight tolerance, state by state relative to its size
// (at least its scale).
void check_guess_is_steady_state(const std::string& text, double tolerance) {
  check_coupling_alone_is_the_full_one(text);
  auto flowsheet = load_flowsheet_string(text, "circuit.yaml");
  SteadyStateOptions options;
  options.tolerance = 1e-13;
  const auto result = flowsheet.solve_steady(options);
  REQUIRE(result.converged);
  auto system = flowsheet.steady_system();
  const Vector guess = Flowsheet::steady_guess(*system);
  const Vector scales = system->state_scales();
  REQUIRE(guess.size() == result.states.size());
  double worst = 0.0;
  for (Eigen::Index i = 0; i < guess.size(); ++i) {
    worst = std::max(worst,
                     std::abs(guess[i] - result.states[i]) / std::max(scales[i], std::abs(result.states[i])));
  }
  CHECK(worst < tolerance);
  // The strip takes Ta and Nb back: the constant laws are exercised in every section.
  CHECK(result.output("sx.strip_out.c[TaF7-2]") > 1.0);
}

}  // namespace

TEST_CASE("sx_cascade guess: with constant laws it is the steady state in every coupling of the cascade") {
  SUBCASE("open loop, counter-current, no slip") {
    check_guess_is_steady_state(circuit("    loop: open\n", open_loop_units, open_loop_connections), 1e-11);
  }
  SUBCASE("open loop, fixed mixer phase ratio, ode (Murphree efficiency 1)") {
    std::string text = circuit("    loop: open\n    mixer_phase_ratio: 1.5\n    formulation: ode\n",
                               open_loop_units, open_loop_connections);
    const std::string efficiency = "    efficiency: 0.8\n";
    text.erase(text.find(efficiency), efficiency.size());
    check_guess_is_steady_state(text, 1e-11);
  }
  SUBCASE("open loop, fixed mixer phase ratio (the phases leave at different rates)") {
    check_guess_is_steady_state(
        circuit("    loop: open\n    mixer_phase_ratio: 1.5\n", open_loop_units, open_loop_connections),
        1e-11);
  }
  SUBCASE("open loop, co-current") {
    check_guess_is_steady_state(
        circuit("    loop: open\n    flow: co_current\n", open_loop_units, open_loop_connections), 1e-11);
  }
  SUBCASE("closed loop, co-current, with a fixed mixer phase ratio") {
    check_guess_is_steady_state(
        circuit("    loop: closed\n    bleed: 0.02\n    flow: co_current\n    mixer_phase_ratio: 0.8\n",
                closed_loop_units, closed_loop_connections),
        1e-11);
  }
  SUBCASE("closed loop with 2 % bleed and make-up") {
    check_guess_is_steady_state(
        circuit("    loop: closed\n    bleed: 0.02\n", closed_loop_units, closed_loop_connections), 1e-11);
  }
}

namespace {

// A closed loop on mass action (Fe+3 + 3 HA ⇌ FeA3 + 3 H+, K = 2 assumed, as in the benchmark):
// 3/5 of the stages extract from dilute acid, 2/5 strip with strong acid, 1 % bleed with make-up, settlers.
std::string mass_action_loop(int stages) {
  std::ostringstream text;
  text << R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: FeA3, formula: Fe(C16H34O4P)3, phase: organic, source: "Fe(III)-D2EHPA complex, test"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {Fe+3: 10, H+: 50}}
  acid: {type: feed, flow: 0.5e-3, solution: {H+: 1500}}
  makeup: {type: organic_feed, flow: 1.0e-5, composition: {D2EHPA: 200}}
  raffinate: {type: product}
  liquor: {type: product}
  bleed: {type: product}
  sx:
    type: sx_cascade
    mixer_volume: 2.0
    settler: {aqueous_volume: 1.0, organic_volume: 1.0}
    extraction:
      - {metal: Fe+3, complex: FeA3, reactants: {D2EHPA: 3}, products: {H+: 3}, law: {type: mass_action, K: 2.0}}
    loop: closed
    bleed: 0.01
)";
  text << "    sections: {extraction: {stages: " << 3 * stages / 5
       << "}, strip: {stages: " << stages - 3 * stages / 5 << "}}\n";
  text << R"(connections:
  - feed.out -> sx.feed
  - acid.out -> sx.strip_feed
  - makeup.out -> sx.makeup
  - sx.raffinate -> raffinate.in
  - sx.strip_out -> liquor.in
  - sx.bleed -> bleed.in
)";
  return text.str();
}

}  // namespace

TEST_CASE(
    "sx_cascade guess: other laws by secant D to each stage's own equilibrium, the sweeps kept as fallback") {
  SUBCASE("mass action in a closed loop: the guess is the steady state, Newton takes it as it is") {
    // The sweeps alone left Newton one iteration (and the cascade's Jacobian) to do.
    auto flowsheet = load_flowsheet_string(mass_action_loop(50), "loop.yaml");
    const auto result = flowsheet.solve_steady();
    REQUIRE(result.converged);
    CHECK(result.statistics.nonlinear_iterations == 0);
    CHECK(result.balance.closure() < 1e-10);
    // State names (built in one allocation each): invariants x, complexes n, settler layers, flows.
    const std::vector<std::string> first(result.state_names.begin(), result.state_names.begin() + 10);
    CHECK(first == std::vector<std::string>{"sx.E1.x[Fe+3]", "sx.E1.x[H+]", "sx.E1.x_org[D2EHPA]",
                                            "sx.E1.n_org[FeA3]", "sx.E1.settler.n[Fe+3]",
                                            "sx.E1.settler.n[H+]", "sx.E1.settler.n_org[D2EHPA]",
                                            "sx.E1.settler.n_org[FeA3]", "sx.E1.q_aq", "sx.E1.q_org"});
    // Every stage on the law, c_FeA3 = K c_Fe [HA]^3 / [H+]^3 in mol/L (Murphree efficiency 1).
    for (const char* section : {"E", "S"}) {
      for (int n = 1; n <= (section[0] == 'E' ? 30 : 20); ++n) {
        std::ostringstream name;
        name << "sx." << section << n << ".";
        const std::string at = name.str();
        INFO(at);
        const double fe = result.output(at + "c[Fe+3]") * 1e-3;
        const double ha = result.output(at + "c_org[D2EHPA]") * 1e-3;
        const double h = result.output(at + "c[H+]") * 1e-3;
        const double expected = 2.0 * fe * std::pow(ha / h, 3);
        CHECK(std::abs(result.output(at + "c_org[FeA3]") * 1e-3 / expected - 1.0) < 1e-9);
      }
    }
  }
  SUBCASE("an isotherm on the line y = 2x gives Kremser's cascade of 50 stages") {
    // From the sweeps alone Newton's line search failed here (12 sweeps leave the far stages far off).
    std::string text = kremser_cascade(50, 2.0, "dae");
    const std::string constant = "{type: constant, D: 2}";
    text.replace(text.find(constant), constant.size(), "{type: isotherm, points: [[5, 10], [50, 100]]}");
    auto flowsheet = load_flowsheet_string(text, "isotherm.yaml");
    const auto result = flowsheet.solve_steady();
    REQUIRE(result.converged);
    for (int n = 1; n <= 20; ++n) {
      INFO("stage " << n);
      const double expected = (std::pow(2.0, 50 - n + 1) - 1.0) / (std::pow(2.0, 51) - 1.0);
      CHECK(std::abs(result.output("sx." + stage(n) + ".c[WO4-2]") / feed_c / expected - 1.0) < 1e-9);
    }
  }
  SUBCASE("a constant law whose solution needs more extractant than the organic brings") {
    // 1 mol/m3 of TBP binds at most 1/3 mol/m3 of metal; the constant laws ask for far more: the direct solve
    // would drive TBP negative, so the fill sweeps (bracketed extents), and Newton goes on from there.
    const std::string text = circuit(
        "    loop: open\n",
        "  solvent: {type: organic_feed, flow: 1.0e-3, composition: {TBP: 1}}\n  loaded: {type: product}\n",
        open_loop_connections);
    auto flowsheet = load_flowsheet_string(text, "short.yaml");
    flowsheet.validate();
    auto system = flowsheet.steady_system();
    const Vector guess = Flowsheet::steady_guess(*system);
    CHECK(guess.allFinite());
    const auto result = flowsheet.solve_steady();
    REQUIRE(result.converged);
    CHECK(result.balance.closure() < 1e-10);
  }
}
