// sx_cascade verification: Kremser (Kremser, Natl. Petroleum News 22 (1930) 42; Treybal, Mass-Transfer
// Operations, 3rd ed. (1980), eq. 10.58: fraction unextracted φ = (E − 1)/(E^(N+1) − 1), E = D O/A,
// φ = 1/(N+1) at E = 1, for a solute-free organic and ideal stages), the co-current cascade (after the first
// ideal stage nothing more moves: φ = 1/(1 + E)), McCabe–Thiele data against the section balance, closed
// organic loops (with bleed, and sealed with a specified inventory) conserving extractant and elements, the
// dynamic start-up settling on the steady solve, and rate mode tending to equilibrium mode as k·a grows.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <tuple>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/core/error.hpp"
#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/thermo/chemical_system.hpp"

using namespace hydromet;

namespace {

constexpr double aqueous_flow = 1.0e-3;  // A [m3/s]
constexpr double feed_c = 20.0;          // WO4-2 in the feed [mol/m3]

std::string text_of(double value) {
  std::ostringstream text;
  text.precision(17);
  text << value;
  return text.str();
}

// An open extraction cascade of `stages` stages with constant D, fed A of WO4-2 and O of solute-free organic.
std::string cascade(int stages, double ratio, double organic_flow, const std::string& extra = "") {
  std::ostringstream text;
  text.precision(17);
  text << R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: WO4(org), formula: WO4, phase: organic, source: "test solute in the organic phase"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {WO4-2: 20}}
  raffinate: {type: product}
  loaded: {type: product}
)";
  text << "  solvent: {type: organic_feed, flow: " << organic_flow << "}\n";
  text << "  sx:\n    type: sx_cascade\n    mixer_volume: 1.0\n"
       << extra << "    extraction: [{metal: WO4-2, complex: WO4(org), law: {type: constant, D: " << ratio
       << "}}]\n"
       << "    sections: {extraction: {stages: " << stages << "}}\n";
  text << R"(connections:
  - feed.out -> sx.feed
  - solvent.out -> sx.organic_in
  - sx.raffinate -> raffinate.in
  - sx.organic_out -> loaded.in
)";
  return text.str();
}

double kremser(double e, int n) {
  return e == 1.0 ? 1.0 / (n + 1.0) : (e - 1.0) / (std::pow(e, n + 1) - 1.0);
}

SteadyStateResult steady(const std::string& text, double tolerance = 1e-13) {
  auto flowsheet = load_flowsheet_string(text, "sx.yaml");
  SteadyStateOptions options;
  options.tolerance = tolerance;
  return flowsheet.solve_steady(options);
}

std::string stage(const char* prefix, int k) {
  std::string name = prefix;
  name += std::to_string(k);
  return name;
}

// Concatenation without `literal + std::string` temporaries (GCC 12 warns falsely on them).
std::string join(std::initializer_list<std::string> parts) {
  std::string text;
  for (const auto& part : parts) {
    text += part;
  }
  return text;
}

std::string indexed(int k) { return join({"[", std::to_string(k), "]"}); }

void check_kremser(double e, int n, double published) {
  // O/A = 1 and 2 with D = E O/A; with and without settler holdups (no effect on the steady state).
  for (const double oa : {1.0, 2.0}) {
    for (const std::string& extra :
         {std::string(), std::string("    settler: {aqueous_volume: 2, organic_volume: 1.5}\n")}) {
      const auto result = steady(cascade(n, e / oa, oa * aqueous_flow, extra));
      REQUIRE(result.converged);
      const double phi = result.output("sx.raffinate.c[WO4-2]") / feed_c;
      INFO("E = " << e << ", N = " << n << ", O/A = " << oa << (extra.empty() ? "" : ", settlers")
                  << ": phi = " << phi);
      CHECK(std::abs(phi - kremser(e, n)) < 1e-9 * kremser(e, n));
      CHECK(std::abs(phi - published) < 5e-7);
      CHECK(result.balance.closure() < 1e-10);
      for (const auto& balance : result.snapshot.unit_balances) {
        INFO("unit " << balance.unit);
        CHECK(balance.closure() < 1e-10);
      }
      // McCabe–Thiele: stage points on y = D x; operating points on the section balance
      // A (x_0 − x_k) = O (y_1 − y_(k+1)) with y_(N+1) = 0 the fresh organic.
      const std::string mt = "sx.E.mccabe_thiele[WO4(org)].";
      const double x0 = result.output(mt + "operating_x[0]");
      const double y1 = result.output(mt + "operating_y[0]");
      CHECK(std::abs(x0 - feed_c) < 1e-12 * feed_c);
      CHECK(std::abs(result.output(join({mt, "operating_y", indexed(n)}))) < 1e-12 * feed_c);
      for (int k = 1; k <= n; ++k) {
        const std::string at = indexed(k);
        CHECK(std::abs(result.output(mt + "equilibrium_y" + at) -
                       e / oa * result.output(mt + "equilibrium_x" + at)) < 1e-9 * feed_c);
        CHECK(std::abs(result.output(join({"sx.", stage("E", k), ".c_org[WO4(org)]"})) -
                       e / oa * result.output(join({"sx.", stage("E", k), ".c[WO4-2]"}))) < 1e-9 * feed_c);
        const double xk = result.output(mt + "operating_x" + at);
        const double yk1 = result.output(mt + "operating_y" + at);
        CHECK(std::abs((x0 - xk) - oa * (y1 - yk1)) < 1e-9 * feed_c);
      }
      CHECK(std::abs(result.output("sx.loaded.c_org[WO4(org)]") - y1) < 1e-12 * feed_c);
      // The sampled equilibrium curve is the line y = D x up to the feed concentration.
      CHECK(std::abs(result.output(join({mt, "curve_x", indexed(20)})) - feed_c) < 1e-12 * feed_c);
      for (int i = 0; i <= 20; i += 5) {
        CHECK(std::abs(result.output(join({mt, "curve_y", indexed(i)})) -
                       e / oa * result.output(join({mt, "curve_x", indexed(i)}))) < 1e-9 * feed_c);
      }
    }
  }
}

}  // namespace

TEST_CASE("sx_cascade Kremser: E = 5, N = 3 leaves 0.006410 unextracted") { check_kremser(5.0, 3, 0.006410); }
TEST_CASE("sx_cascade Kremser: E = 2, N = 4 leaves 0.032258 unextracted") { check_kremser(2.0, 4, 0.032258); }
TEST_CASE("sx_cascade Kremser: E = 1, N = 4 leaves 1/(N+1) = 0.2 unextracted") { check_kremser(1.0, 4, 0.2); }

TEST_CASE("sx_cascade co-current: ideal stages stop extracting after the first, phi = 1/(1 + E)") {
  const auto result = steady(cascade(4, 3.0, aqueous_flow, "    flow: co_current\n"));
  REQUIRE(result.converged);
  CHECK(std::abs(result.output("sx.raffinate.c[WO4-2]") / feed_c - 0.25) < 1e-10);
  CHECK(std::abs(result.output("sx.loaded.c_org[WO4(org)]") - 3.0 * 0.25 * feed_c) < 1e-9 * feed_c);
}

TEST_CASE("sx_cascade feed entering at stage 3 of 5 is a 3-stage Kremser cascade for the feed") {
  // Stages 1 and 2 see no aqueous flow: with a fixed mixer phase ratio their stagnant aqueous sits at
  // equilibrium with the organic, which passes unchanged; the feed meets the fresh organic in stages 3..5.
  std::string text = cascade(5, 2.0, aqueous_flow, "    mixer_phase_ratio: 1.0\n");
  text.replace(text.find("{extraction: {stages: 5}}"), 25, "{extraction: {stages: 5, feeds: {feed: 3}}}");
  const auto result = steady(text);
  REQUIRE(result.converged);
  CHECK(std::abs(result.output("sx.raffinate.c[WO4-2]") / feed_c / kremser(2.0, 3) - 1.0) < 1e-9);
  CHECK(std::abs(result.output("sx.loaded.c_org[WO4(org)]") / result.output("sx.E3.c_org[WO4(org)]") - 1.0) <
        1e-12);
  CHECK(result.balance.closure() < 1e-10);
}

TEST_CASE("sx_cascade rate mode tends to the equilibrium cascade as k·a grows") {
  const auto equilibrium = steady(cascade(3, 2.0, aqueous_flow));
  REQUIRE(equilibrium.converged);
  const double target = equilibrium.output("sx.raffinate.c[WO4-2]");
  double previous_gap = 1e300;
  for (const double ka : {1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0}) {
    const auto result =
        steady(cascade(3, 2.0, aqueous_flow, "    mode: rate\n    mass_transfer: " + text_of(ka) + "\n"));
    REQUIRE(result.converged);
    const double gap = std::abs(result.output("sx.raffinate.c[WO4-2]") - target);
    INFO("k·a = " << ka << ": raffinate gap " << gap);
    CHECK(gap < previous_gap);
    CHECK(result.balance.closure() < 1e-10);
    previous_gap = gap;
  }
  // τ_org = V_org / O = 500 s; at k·a = 100 1/s the stage is within ~1/(k·a τ) of equilibrium.
  CHECK(previous_gap < 1e-3 * target);
}

TEST_CASE("sx_cascade dynamic start-up settles on the steady solve (mixers and settlers)") {
  const std::string text =
      cascade(3, 2.0, aqueous_flow, "    settler: {aqueous_volume: 1, organic_volume: 1}\n");
  const auto target = steady(text);
  REQUIRE(target.converged);
  auto flowsheet = load_flowsheet_string(text, "sx.yaml");
  SimulationOptions options;
  options.relative_tolerance = 1e-10;
  options.absolute_tolerance = 1e-12;
  // Solute held per stage 4.5 m3 x c against A + D O = 3e-3 m3/s: 1500 s a stage; 2e5 s is ~130 of them.
  const auto result = flowsheet.simulate({0.0, 1000.0, 10000.0, 2.0e5}, options);
  CHECK(result.statistics.method == "IDAS");
  for (int k = 1; k <= 3; ++k) {
    const std::string s = join({"sx.", stage("E", k)});
    INFO("stage " << k);
    CHECK(std::abs(result.output(s + ".c[WO4-2]")[3] / target.output(s + ".c[WO4-2]") - 1.0) < 1e-8);
    CHECK(std::abs(result.output(s + ".c_org[WO4(org)]")[3] / target.output(s + ".c_org[WO4(org)]") - 1.0) <
          1e-8);
  }
  CHECK(result.balance.closure() < 1e-10);
}

namespace {

// Fe(III) + 3 HA(org) ⇌ FeA3(org) + 3 H+ (HA = D2EHPA, K assumed for the test), extraction from dilute acid
// and stripping with strong acid, the organic in a closed loop.
std::string loop(const std::string& loop_keys, const std::string& organic_ports) {
  return R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: FeA3, formula: Fe(C16H34O4P)3, phase: organic, source: "Fe(III)-D2EHPA complex, test"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {Fe+3: 10, H+: 50}}
  acid: {type: feed, flow: 0.5e-3, solution: {H+: 1500}}
  raffinate: {type: product}
  liquor: {type: product}
)" + organic_ports +
         R"(  sx:
    type: sx_cascade
    mixer_volume: 2.0
    settler: {aqueous_volume: 1.0, organic_volume: 1.0}
    extraction:
      - {metal: Fe+3, complex: FeA3, reactants: {D2EHPA: 3}, products: {H+: 3}, law: {type: mass_action, K: 2.0}}
    sections: {extraction: {stages: 3}, strip: {stages: 2}}
    loop: closed
)" + loop_keys +
         R"(connections:
  - feed.out -> sx.feed
  - acid.out -> sx.strip_feed
  - sx.raffinate -> raffinate.in
  - sx.strip_out -> liquor.in
)";
}

Eigen::Index element_row(const ElementBalance& balance, const std::string& element) {
  const auto& names = balance.elements;
  const auto at = std::find(names.begin(), names.end(), element);
  REQUIRE(at != names.end());
  return static_cast<Eigen::Index>(at - names.begin());
}

void check_balances(const SteadyStateResult& result) {
  CHECK(result.balance.closure() < 1e-10);
  for (const auto& unit : result.snapshot.unit_balances) {
    INFO("unit " << unit.unit);
    CHECK(unit.closure() < 1e-10);
  }
}

}  // namespace

TEST_CASE("sx_cascade closed loop with make-up and bleed conserves extractant and every element") {
  const std::string text = loop("    bleed: 0.01\n",
                                "  makeup: {type: organic_feed, flow: 1.0e-5, composition: {D2EHPA: 200}}\n"
                                "  bleed: {type: product}\n") +
                           "  - makeup.out -> sx.makeup\n  - sx.bleed -> bleed.in\n";
  const auto result = steady(text, 1e-12);
  REQUIRE(result.converged);
  check_balances(result);
  // Phosphorus (the extractant) enters only with the make-up and leaves only with the bleed.
  const auto p = element_row(result.balance, "P");
  CHECK(std::abs(result.balance.inflow[p] / (1.0e-5 * 200.0) - 1.0) < 1e-12);
  CHECK(std::abs(result.balance.outflow[p] / result.balance.inflow[p] - 1.0) < 1e-10);
  // Circulation = make-up / bleed; the loop extracts Fe and strips it into the acid.
  CHECK(std::abs(result.output("sx.E3.q_org") / 1.0e-3 - 1.0) < 1e-10);
  CHECK(result.output("sx.raffinate.c[Fe+3]") < 0.2 * 10.0);
  CHECK(result.output("sx.strip_out.c[Fe+3]") > 10.0);
  CHECK(result.output("sx.loaded.c_org[FeA3]") > result.output("sx.stripped.c_org[FeA3]"));
}

TEST_CASE("sx_cascade sealed loop: the specified extractant inventory makes the steady state well posed") {
  const std::string keys =
      "    circulating_flow: 1.0e-3\n    mixer_phase_ratio: 1.0\n    loop_organic: {D2EHPA: 200}\n";
  const auto result = steady(loop(keys, ""), 1e-12);
  REQUIRE(result.converged);
  check_balances(result);
  // Extractant held: 200 mol/m3 over the loop's organic volume, 5 × (1 m3 mixer + 1 m3 settler).
  const double held = 200.0 * 5.0 * 2.0;
  CHECK(std::abs(result.output("sx.loop_total[D2EHPA]") / held - 1.0) < 1e-12);
  double free_and_bound = 0.0;
  for (const char* s : {"E1", "E2", "E3", "S1", "S2"}) {
    const std::string at = std::string("sx.") + s;
    free_and_bound += 1.0 * (result.output(at + ".c_org[D2EHPA]") + 3.0 * result.output(at + ".c_org[FeA3]"));
  }
  // The mixers' organic; with settler layers the same at steady state (they hold what leaves the mixers).
  CHECK(std::abs(2.0 * free_and_bound / held - 1.0) < 1e-10);
  // Fe fed = Fe in raffinate + Fe in strip liquor (no bleed, no make-up).
  const auto fe = element_row(result.balance, "Fe");
  CHECK(std::abs(result.balance.outflow[fe] / result.balance.inflow[fe] - 1.0) < 1e-10);
  const auto p = element_row(result.balance, "P");
  CHECK(result.balance.inflow[p] == 0.0);
  CHECK(result.balance.outflow[p] == 0.0);
  CHECK(result.output("sx.raffinate.c[Fe+3]") < 0.2 * 10.0);
}

TEST_CASE("sx_cascade sealed loop without the inventory is an InputError saying what to give") {
  try {
    (void)load_flowsheet_string(loop("", ""), "sealed.yaml");
    FAIL("expected an InputError");
  } catch (const InputError& error) {
    const std::string message = error.what();
    INFO(message);
    CHECK(message.find("circulating_flow") != std::string::npos);
    CHECK(message.find("loop_organic") != std::string::npos);
    CHECK(message.find("sealed.yaml") != std::string::npos);
  }
}

TEST_CASE("sx_cascade sealed loop: the dynamic start-up settles on the steady solve, extractant conserved") {
  const std::string text =
      loop("    circulating_flow: 1.0e-3\n    mixer_phase_ratio: 1.0\n    loop_organic: {D2EHPA: 200}\n", "");
  const auto target = steady(text, 1e-12);
  REQUIRE(target.converged);
  auto flowsheet = load_flowsheet_string(text, "sealed.yaml");
  SimulationOptions options;
  options.relative_tolerance = 1e-10;
  options.absolute_tolerance = 1e-12;
  const auto result = flowsheet.simulate({0.0, 2.0e4, 2.0e5}, options);
  CHECK(result.balance.closure() < 1e-10);
  for (const char* s : {"E1", "E3", "S2"}) {
    const std::string at = std::string("sx.") + s + ".c_org[FeA3]";
    INFO(at);
    CHECK(std::abs(result.output(at)[2] / target.output(at) - 1.0) < 1e-7);
  }
  CHECK(std::abs(result.output("sx.loop_total[D2EHPA]")[2] / 2000.0 - 1.0) < 1e-12);
}

namespace {

// One ideal stage of Fe+3 + 3 HA(org) ⇌ FeA3(org) + 3 H+ (K c a³/h³ = y, concentrations in mol/m3 since the
// exponents balance), given its aqueous inflow (A, c, h) and organic inflow (O, a, y): the extent ξ [mol/s]
// by bisection on g(ξ) = y − K c a³/h³, increasing in ξ between stripping everything and using up the metal
// or the free extractant.
struct Phases {
  double c, h, a, y;  // Fe+3, H+, free HA, FeA3 [mol/m3]
};

Phases ideal_stage(double k, double aqueous, double organic, double c, double h, double a, double y) {
  double low = -std::min(y * organic, h * aqueous / 3.0);
  double high = std::min(c * aqueous, a * organic / 3.0);
  auto state = [&](double xi) {
    return Phases{c - xi / aqueous, h + 3.0 * xi / aqueous, a - 3.0 * xi / organic, y + xi / organic};
  };
  for (int i = 0; i < 300 && high - low > 1e-18 * std::max(1.0, std::abs(high)); ++i) {
    const double xi = 0.5 * (low + high);
    const Phases s = state(xi);
    (s.y - k * s.c * std::pow(s.a / s.h, 3) > 0.0 ? high : low) = xi;
  }
  return state(0.5 * (low + high));
}

}  // namespace

TEST_CASE("sx_cascade mass action near the loading limit matches an independent stage-by-stage solution") {
  // 3 counter-current stages, Fe 60 mol/m3 against 200 mol/m3 HA at O/A = 1: the loaded organic approaches
  // the capacity HA/3 = 66.7 mol/m3. Independent solution: Gauss–Seidel over stages, each solved by
  // bisection.
  constexpr double k = 2.0, c_f = 60.0, h_f = 5.0, a_f = 200.0, flow = 1.0e-3;
  const std::string text = R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: FeA3, formula: Fe(C16H34O4P)3, phase: organic, source: "Fe(III)-D2EHPA complex, test"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {Fe+3: 60, H+: 5}}
  solvent: {type: organic_feed, flow: 1.0e-3, composition: {D2EHPA: 200}}
  raffinate: {type: product}
  loaded: {type: product}
  sx:
    type: sx_cascade
    mixer_volume: 2.0
    extraction:
      - {metal: Fe+3, complex: FeA3, reactants: {D2EHPA: 3}, products: {H+: 3}, law: {type: mass_action, K: 2.0}}
    sections: {extraction: {stages: 3}}
connections:
  - feed.out -> sx.feed
  - solvent.out -> sx.organic_in
  - sx.raffinate -> raffinate.in
  - sx.organic_out -> loaded.in
)";
  const auto result = steady(text, 1e-12);
  REQUIRE(result.converged);
  std::vector<Phases> stages(3, Phases{c_f, h_f, a_f, 0.0});
  for (int sweep = 0; sweep < 2000; ++sweep) {
    for (std::size_t i = 0; i < 3; ++i) {
      const Phases aqueous_in = i == 0 ? Phases{c_f, h_f, 0.0, 0.0} : stages[i - 1];
      const Phases organic_in = i == 2 ? Phases{0.0, 0.0, a_f, 0.0} : stages[i + 1];
      stages[i] = ideal_stage(k, flow, flow, aqueous_in.c, aqueous_in.h, organic_in.a, organic_in.y);
    }
  }
  for (int i = 0; i < 3; ++i) {
    const std::string at = join({"sx.", stage("E", i + 1)});
    const auto& s = stages[static_cast<std::size_t>(i)];
    INFO(at << ": FeA3 " << result.output(at + ".c_org[FeA3]") << " vs " << s.y);
    CHECK(std::abs(result.output(at + ".c_org[FeA3]") / s.y - 1.0) < 1e-9);
    CHECK(std::abs(result.output(at + ".c[Fe+3]") / s.c - 1.0) < 1e-8);
    CHECK(std::abs(result.output(at + ".c[H+]") / s.h - 1.0) < 1e-9);
    CHECK(std::abs(result.output(at + ".c_org[D2EHPA]") / s.a - 1.0) < 1e-8);
  }
  const double loaded = result.output("sx.loaded.c_org[FeA3]");
  CHECK(loaded < a_f / 3.0);
  CHECK(loaded > 0.85 * c_f);  // most of the Fe, near the capacity
  check_balances(result);
}

TEST_CASE("sx_cascade acidity from speciation: HSO4- buffering, against an independent stage solution") {
  // One stage, feed Fe 10, H+ 200, SO4-2 150 mol/m3 (totals), fresh organic 200 mol/m3 HA, O/A = 1, ideal
  // activities. The law sees free H+ = H_T − [HSO4-], with [HSO4-] = K h s, H_T = h + K h s, S_T = s + K h s
  // (molal = mol/L here): h from the quadratic K h² + (1 + K (S_T − H_T)) h − H_T = 0.
  const std::string text = R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: FeA3, formula: Fe(C16H34O4P)3, phase: organic, source: "Fe(III)-D2EHPA complex, test"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {Fe+3: 10, H+: 200, SO4-2: 150}}
  solvent: {type: organic_feed, flow: 1.0e-3, composition: {D2EHPA: 200}}
  raffinate: {type: product}
  loaded: {type: product}
  sx:
    type: sx_cascade
    mixer_volume: 2.0
    acidity: {components: [H+, SO4-2], activity_model: ideal}
    extraction:
      - {metal: Fe+3, complex: FeA3, reactants: {D2EHPA: 3}, products: {H+: 3}, law: {type: mass_action, K: 2.0}}
    sections: {extraction: {stages: 1}}
connections:
  - feed.out -> sx.feed
  - solvent.out -> sx.organic_in
  - sx.raffinate -> raffinate.in
  - sx.organic_out -> loaded.in
)";
  const auto result = steady(text, 1e-12);
  REQUIRE(result.converged);
  const ChemicalSystem system(Database::bundled(), {"H+", "SO4-2"});
  const double k_hso4 = std::pow(10.0, system.species_log_k(system.species_index("HSO4-"), 298.15));
  auto free_h = [&](double h_total, double s_total) {  // mol/L
    const double b = 1.0 + k_hso4 * (s_total - h_total);
    return (-b + std::sqrt(b * b + 4.0 * k_hso4 * h_total)) / (2.0 * k_hso4);
  };
  constexpr double k = 2.0, c_f = 10.0, h_f = 200.0, s_f = 150.0, a_f = 200.0;
  double low = 0.0, high = c_f;  // ξ/A = ξ/O [mol/m3]
  auto stage_state = [&](double x) {
    const double c = c_f - x;
    const double h = 1000.0 * free_h((h_f + 3.0 * x) * 1e-3, s_f * 1e-3);
    const double a = a_f - 3.0 * x;
    return std::tuple{c, h, a, x - k * c * std::pow(a / h, 3)};
  };
  for (int i = 0; i < 200; ++i) {
    const double x = 0.5 * (low + high);
    (std::get<3>(stage_state(x)) > 0.0 ? high : low) = x;
  }
  const double y = 0.5 * (low + high);
  const auto [c, h, a, g] = stage_state(y);
  (void)g;
  INFO("FeA3 " << result.output("sx.E1.c_org[FeA3]") << " vs " << y << ", free H+ " << h);
  CHECK(std::abs(result.output("sx.E1.c_org[FeA3]") / y - 1.0) < 1e-8);
  CHECK(std::abs(result.output("sx.E1.c[Fe+3]") / c - 1.0) < 1e-8);
  CHECK(std::abs(result.output("sx.E1.pH") + std::log10(h * 1e-3)) < 1e-8);
  // Buffering matters: the free-H+ law would give a different stage.
  CHECK(h < 0.8 * (h_f + 3.0 * y));
  check_balances(result);
}

TEST_CASE("sx_cascade amine anion exchange for tungstate with an ammonia strip, against independent stages") {
  // Extraction (one stage):  WO4-2 + (R3NH)2SO4(org) ⇌ (R3NH)2WO4(org) + SO4-2,  y = K_e W A / S;
  // strip (one stage):       WO4-2 + 2 R3N(org) + 2 NH4+ ⇌ (R3NH)2WO4(org) + 2 NH3,  y = K_s W r² m² / n²
  // with r in mol/L (the law works in mol/L; the other powers cancel); all flows 1e-3 m3/s, open organic
  // loop; both K assumed test values.
  constexpr double k_e = 50.0, k_s = 1.0e5;
  constexpr double w_f = 20.0, s_f = 50.0, amine = 100.0, nh3_f = 2000.0, nh4_f = 100.0;
  const std::string text = R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {WO4-2: 20, SO4-2: 50}}
  ammonia: {type: feed, flow: 1.0e-3, solution: {NH3: 2000, NH4+: 100}}
  solvent: {type: organic_feed, flow: 1.0e-3, composition: {(R3NH)2SO4: 100}}
  raffinate: {type: product}
  liquor: {type: product}
  organic: {type: product}
  sx:
    type: sx_cascade
    mixer_volume: 2.0
    sections:
      extraction:
        stages: 1
        extraction:
          - metal: WO4-2
            complex: (R3NH)2WO4
            reactants: {(R3NH)2SO4: 1}
            products: {SO4-2: 1}
            law: {type: mass_action, K: 50}
      strip:
        stages: 1
        extraction:
          - metal: WO4-2
            complex: (R3NH)2WO4
            reactants: {R3N: 2, NH4+: 2}
            products: {NH3: 2}
            law: {type: mass_action, K: 1.0e5}
connections:
  - feed.out -> sx.feed
  - ammonia.out -> sx.strip_feed
  - solvent.out -> sx.organic_in
  - sx.raffinate -> raffinate.in
  - sx.strip_out -> liquor.in
  - sx.organic_out -> organic.in
)";
  const auto result = steady(text, 1e-12);
  REQUIRE(result.converged);
  // Extraction: extent x = y (A = O): W = w_f − x, S = s_f + x, A = amine − x.
  double low = 0.0, high = w_f;
  for (int i = 0; i < 200; ++i) {
    const double x = 0.5 * (low + high);
    (x - k_e * (w_f - x) * (amine - x) / (s_f + x) > 0.0 ? high : low) = x;
  }
  const double y_e = 0.5 * (low + high);
  // Strip: extent z <= 0 of complex formation: y = y_e + z, W = −z, r = −2z, NH4+ = nh4_f − 2z, NH3 = nh3_f +
  // 2z.
  low = -y_e;
  high = 0.0;
  auto g = [&](double z) {
    const double r = -2.0 * z * 1e-3;  // mol/L
    return (y_e + z) - k_s * (-z) * r * r * std::pow((nh4_f - 2.0 * z) / (nh3_f + 2.0 * z), 2);
  };
  for (int i = 0; i < 200; ++i) {
    const double z = 0.5 * (low + high);
    (g(z) > 0.0 ? high : low) = z;
  }
  const double z = 0.5 * (low + high);
  INFO("loaded " << y_e << ", stripped " << y_e + z);
  CHECK(std::abs(result.output("sx.loaded.c_org[(R3NH)2WO4]") / y_e - 1.0) < 1e-9);
  CHECK(std::abs(result.output("sx.raffinate.c[SO4-2]") / (s_f + y_e) - 1.0) < 1e-9);
  CHECK(std::abs(result.output("sx.raffinate.c[WO4-2]") / (w_f - y_e) - 1.0) < 1e-8);
  CHECK(std::abs(result.output("sx.stripped.c_org[(R3NH)2WO4]") / (y_e + z) - 1.0) < 1e-8);
  CHECK(std::abs(result.output("sx.strip_out.c[WO4-2]") / (-z) - 1.0) < 1e-9);
  CHECK(std::abs(result.output("sx.stripped.c_org[R3N]") / (-2.0 * z) - 1.0) < 1e-9);
  CHECK(std::abs(result.output("sx.strip_out.c[NH4+]") / (nh4_f - 2.0 * z) - 1.0) < 1e-9);
  CHECK(-z > 0.5 * y_e);  // one ammonia stage strips most of the tungsten (74 % here)
  check_balances(result);
}

TEST_CASE("sx_cascade solvation of H2TaF7 by TBP: D rises with acidity as K [H+]² [TBP]³") {
  // TaF7-2 + 2 H+ + 3 TBP(org) ⇌ H2TaF7(TBP)3(org), one stage, O/A = 1, K assumed (mol/L, exponents: 1 + 2 +
  // 3 − 1 = 5 → K in (mol/L)^-5). Independent: bisection on the extent at two acidities; D must rise with
  // acid.
  constexpr double k = 20.0, ta_f = 5.0, tbp = 1000.0;
  double previous_d = 0.0;
  for (const double acid : {500.0, 2000.0}) {
    std::ostringstream text;
    text << R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: TaF7-2, formula: TaF7-2, phase: aqueous, source: "heptafluorotantalate, test species"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {TaF7-2: 5, H+: )"
         << acid << R"(}}
  solvent: {type: organic_feed, flow: 1.0e-3, composition: {TBP: 1000}}
  raffinate: {type: product}
  loaded: {type: product}
  sx:
    type: sx_cascade
    mixer_volume: 2.0
    extraction:
      - {metal: TaF7-2, complex: H2TaF7(TBP)3, reactants: {H+: 2, TBP: 3}, law: {type: mass_action, K: 20}}
    sections: {extraction: {stages: 1}}
connections:
  - feed.out -> sx.feed
  - solvent.out -> sx.organic_in
  - sx.raffinate -> raffinate.in
  - sx.organic_out -> loaded.in
)";
    const auto result = steady(text.str(), 1e-12);
    REQUIRE(result.converged);
    double low = 0.0, high = ta_f;
    auto g = [&](double x) {  // mol/L inside the law
      const double c = (ta_f - x) * 1e-3, h = (acid - 2.0 * x) * 1e-3, t = (tbp - 3.0 * x) * 1e-3;
      return x - 1e3 * k * c * h * h * t * t * t;
    };
    for (int i = 0; i < 200; ++i) {
      const double x = 0.5 * (low + high);
      (g(x) > 0.0 ? high : low) = x;
    }
    const double y = 0.5 * (low + high);
    INFO("acid " << acid << ": y " << y);
    CHECK(std::abs(result.output("sx.E1.c_org[H2TaF7(TBP)3]") / y - 1.0) < 1e-9);
    CHECK(std::abs(result.output("sx.E1.c[H+]") / (acid - 2.0 * y) - 1.0) < 1e-9);
    const double d = result.output("sx.E1.D[H2TaF7(TBP)3]");
    CHECK(d > previous_d);
    previous_d = d;
    check_balances(result);
  }
}

TEST_CASE(
    "sx_cascade extraction, scrub and strip in series: each section's operating line closes its balance") {
  // Constant D per section (extraction 5, scrub 5, strip 0.1), O = 1e-3, aqueous 1e-3 (feed), 0.2e-3 (scrub
  // water), 0.5e-3 (strip water) m3/s. For a counter-current section, A (x_0 − x_k) = O (y_1 − y_(k+1)) at
  // every k, and the organic leaving one section is the organic entering the next.
  const std::string text = R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: WO4(org), formula: WO4, phase: organic, source: "test solute in the organic phase"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {WO4-2: 20}}
  water: {type: feed, flow: 0.2e-3, solution: {}}
  stripwater: {type: feed, flow: 0.5e-3, solution: {}}
  solvent: {type: organic_feed, flow: 1.0e-3}
  raffinate: {type: product}
  scrubbed: {type: product}
  liquor: {type: product}
  organic: {type: product}
  sx:
    type: sx_cascade
    mixer_volume: 1.0
    settler: {aqueous_volume: 0.5, organic_volume: 0.5}
    extraction: [{metal: WO4-2, complex: WO4(org), law: {type: constant, D: 5}}]
    sections:
      extraction: {stages: 3}
      scrub: {stages: 2}
      strip: {stages: 4, extraction: [{metal: WO4-2, complex: WO4(org), law: {type: constant, D: 0.1}}]}
connections:
  - feed.out -> sx.feed
  - water.out -> sx.scrub_feed
  - stripwater.out -> sx.strip_feed
  - solvent.out -> sx.organic_in
  - sx.raffinate -> raffinate.in
  - sx.scrub_out -> scrubbed.in
  - sx.strip_out -> liquor.in
  - sx.organic_out -> organic.in
)";
  const auto result = steady(text, 1e-12);
  REQUIRE(result.converged);
  check_balances(result);
  struct Section {
    const char* prefix;
    int stages;
    double aqueous;
  };
  for (const Section section : {Section{"E", 3, 1.0e-3}, Section{"W", 2, 0.2e-3}, Section{"S", 4, 0.5e-3}}) {
    const std::string mt = join({"sx.", section.prefix, ".mccabe_thiele[WO4(org)]."});
    const double x0 = result.output(mt + "operating_x[0]");
    const double y1 = result.output(mt + "operating_y[0]");
    for (int k = 1; k <= section.stages; ++k) {
      INFO(section.prefix << " gap " << k);
      const double xk = result.output(join({mt, "operating_x", indexed(k)}));
      const double yk1 = result.output(join({mt, "operating_y", indexed(k)}));
      CHECK(std::abs(section.aqueous * (x0 - xk) - 1.0e-3 * (y1 - yk1)) < 1e-12 * 20.0 * 1.0e-3);
    }
  }
  CHECK(std::abs(result.output("sx.W.mccabe_thiele[WO4(org)].operating_y[2]") -
                 result.output("sx.loaded.c_org[WO4(org)]")) < 1e-12 * 20.0);
  CHECK(std::abs(result.output("sx.S.mccabe_thiele[WO4(org)].operating_y[4]") -
                 result.output("sx.scrubbed.c_org[WO4(org)]")) < 1e-12 * 20.0);
  CHECK(std::abs(result.output("sx.stripped.c_org[WO4(org)]") -
                 result.output("sx.S.mccabe_thiele[WO4(org)].operating_y[0]")) < 1e-12 * 20.0);
  // Tungsten out = tungsten in: raffinate + scrub liquor + strip liquor + organic leaving.
  const double out =
      1.0e-3 * result.output("sx.raffinate.c[WO4-2]") + 0.2e-3 * result.output("sx.scrub_out.c[WO4-2]") +
      0.5e-3 * result.output("sx.strip_out.c[WO4-2]") + 1.0e-3 * result.output("sx.stripped.c_org[WO4(org)]");
  CHECK(std::abs(out / (1.0e-3 * 20.0) - 1.0) < 1e-10);
  CHECK(result.output("sx.strip_out.c[WO4-2]") > 20.0);  // stripped into a smaller aqueous flow
}

namespace {

// Every entry of the unit's Jacobian that finite differences find must be in its declared pattern.
// A state of `unit` away from any special point: the steady guess from nonzero inlets, then perturbed.
void state_away_from_special_points(const Flowsheet& flowsheet, const UnitOperation& unit,
                                    std::vector<Stream>& inlets, std::vector<double>& y) {
  inlets.assign(unit.inlet_ports().size(), Stream::empty(flowsheet.components()));
  for (auto& inlet : inlets) {
    inlet.aqueous_flow = 1.0e-3;
    inlet.organic_flow = 0.7e-3;
    inlet.aqueous_moles.setConstant(5.0e-3);
    inlet.organic_moles.setConstant(3.0e-2);
  }
  y.assign(unit.state_size(), 0.0);
  unit.initial_state(y);
  REQUIRE(unit.fill_from_inlets(0.0, inlets, y));
  for (std::size_t i = 0; i < y.size(); ++i) {
    y[i] *= 1.0 + 0.01 * std::sin(static_cast<double>(i));
  }
}

void check_pattern(const std::string& text) {
  auto flowsheet = load_flowsheet_string(text, "pattern.yaml");
  const UnitOperation* unit = flowsheet.find_unit("sx");
  REQUIRE(unit != nullptr);
  const std::size_t n = unit->state_size();
  const auto declared = unit->state_pattern();
  REQUIRE(!declared.empty());
  std::vector<bool> allowed(n * n, false);
  for (const auto& [row, column] : declared) {
    REQUIRE(row < n);
    REQUIRE(column < n);
    allowed[row * n + column] = true;
  }
  std::vector<Stream> inlets;
  std::vector<double> y;
  state_away_from_special_points(flowsheet, *unit, inlets, y);
  std::vector<double> f0(n), f1(n);
  unit->evaluate(0.0, y, inlets, f0);
  std::size_t checked = 0;
  for (std::size_t j = 0; j < n; ++j) {
    std::vector<double> perturbed = y;
    perturbed[j] += 1e-4 * std::max(std::abs(y[j]), 1e-3);
    unit->evaluate(0.0, perturbed, inlets, f1);
    for (std::size_t i = 0; i < n; ++i) {
      if (f1[i] != f0[i]) {
        ++checked;
        if (!allowed[i * n + j]) {
          FAIL_CHECK("undeclared dependence of " << unit->state_name(i) << " on " << unit->state_name(j));
        }
      }
    }
  }
  CHECK(checked > n);
}

}  // namespace

TEST_CASE("sx_cascade declares every Jacobian dependence (counter-current, co-current, sealed loop)") {
  const std::string fe = R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: FeA3, formula: Fe(C16H34O4P)3, phase: organic, source: "Fe(III)-D2EHPA complex, test"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {Fe+3: 10, H+: 50}}
  acid: {type: feed, flow: 0.5e-3, solution: {H+: 1500}}
  raffinate: {type: product}
  liquor: {type: product}
)";
  const std::string reaction =
      "    extraction:\n      - {metal: Fe+3, complex: FeA3, reactants: {D2EHPA: 3}, products: {H+: 3}, law: "
      "{type: "
      "mass_action, K: 2.0}}\n";
  const std::string tail = R"(connections:
  - feed.out -> sx.feed
  - acid.out -> sx.strip_feed
  - sx.raffinate -> raffinate.in
  - sx.strip_out -> liquor.in
)";
  for (const std::string& options :
       {std::string("    entrainment: {aqueous_in_organic: 0.01}\n"),
        std::string("    flow: co_current\n    mode: rate\n    mass_transfer: 0.1\n"),
        std::string("    efficiency: 0.8\n    entrainment: {aqueous_in_organic: 0.01}\n")}) {
    INFO(options);
    check_pattern(fe +
                  "  sx:\n    type: sx_cascade\n    mixer_volume: 2.0\n    settler: {aqueous_volume: 1.0, "
                  "organic_volume: 1.0}\n    mixer_phase_ratio: 1.0\n    circulating_flow: 1.0e-3\n    "
                  "loop_organic: {D2EHPA: 200}\n    loop: closed\n" +
                  options + reaction + "    sections: {extraction: {stages: 3}, strip: {stages: 2}}\n" +
                  tail);
  }
}

TEST_CASE("sx_cascade report_values are report()'s values; its outlets are the exit stages' streams") {
  // Extraction and strip with settlers, a closed loop with bleed and make-up, mass action: every part of the
  // report (stage profiles, section streams, McCabe-Thiele data) and every outlet port.
  const std::string text = R"(
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
    sections: {extraction: {stages: 3}, strip: {stages: 2}}
connections:
  - feed.out -> sx.feed
  - acid.out -> sx.strip_feed
  - makeup.out -> sx.makeup
  - sx.raffinate -> raffinate.in
  - sx.strip_out -> liquor.in
  - sx.bleed -> bleed.in
)";
  auto flowsheet = load_flowsheet_string(text, "report.yaml");
  const UnitOperation* unit = flowsheet.find_unit("sx");
  REQUIRE(unit != nullptr);
  std::vector<Stream> inlets;
  std::vector<double> y;
  state_away_from_special_points(flowsheet, *unit, inlets, y);
  const auto outputs = unit->report(0.0, y, inlets);
  std::vector<double> values = {-1.0};  // appended to, not replaced
  unit->report_values(0.0, y, inlets, values);
  REQUIRE(values.size() == outputs.size() + 1);
  CHECK(values[0] == -1.0);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    INFO(outputs[i].name);
    CHECK(std::isfinite(outputs[i].value));
    CHECK(values[i + 1] == outputs[i].value);
  }
  const auto reported = [&](const std::string& name) {
    const auto found =
        std::find_if(outputs.begin(), outputs.end(), [&](const auto& o) { return o.name == name; });
    REQUIRE(found != outputs.end());
    return found->value;
  };
  // The outlets, from the exit stages alone, against the section streams the report routes through every
  // stage.
  const auto& components = flowsheet.components();
  const auto iron = static_cast<Eigen::Index>(components.aqueous_index("Fe+3", "test"));
  const auto complex = static_cast<Eigen::Index>(components.organic_index("FeA3", "test"));
  std::vector<Stream> outlets(unit->outlet_ports().size(), Stream::empty(components));
  unit->compute_outlets(0.0, y, inlets, outlets);
  const auto ports = unit->outlet_ports();
  const auto port = [&](const std::string& name) {
    const auto found = std::find(ports.begin(), ports.end(), name);
    REQUIRE(found != ports.end());
    return outlets[static_cast<std::size_t>(found - ports.begin())];
  };
  for (const std::string name : {"raffinate", "strip_out"}) {
    INFO(name);
    CHECK(port(name).aqueous_flow == doctest::Approx(reported(name + ".q_aq")).epsilon(1e-14));
    CHECK(port(name).concentration(iron) == doctest::Approx(reported(name + ".c[Fe+3]")).epsilon(1e-14));
  }
  // The bleed is 1 % of the organic leaving the strip section, at its concentrations.
  CHECK(port("bleed").organic_flow == doctest::Approx(0.01 * reported("stripped.q_org")).epsilon(1e-14));
  CHECK(port("bleed").organic_concentration(complex) ==
        doctest::Approx(reported("stripped.c_org[FeA3]")).epsilon(1e-12));
}

TEST_CASE("sx_cascade fill_from_inlets sets every state from the inlets alone, again after other inlets") {
  auto flowsheet = load_flowsheet_string(cascade(6, 2.0, aqueous_flow,
                                                 "    settler: {aqueous_volume: 0.5, "
                                                 "organic_volume: 0.5}\n"),
                                         "fill.yaml");
  const UnitOperation* unit = flowsheet.find_unit("sx");
  REQUIRE(unit != nullptr);
  const std::size_t n = unit->state_size();
  std::vector<Stream> first(unit->inlet_ports().size(), Stream::empty(flowsheet.components()));
  for (auto& inlet : first) {
    inlet.aqueous_flow = 1.0e-3;
    inlet.organic_flow = 0.5e-3;
    inlet.aqueous_moles.setConstant(2.0e-2);
  }
  std::vector<Stream> second = first;
  second[0].aqueous_moles *= 3.0;
  const auto fill = [&](const std::vector<Stream>& inlets) {
    std::vector<double> y(n, std::numeric_limits<double>::quiet_NaN());
    REQUIRE(unit->fill_from_inlets(0.0, inlets, y));
    for (std::size_t i = 0; i < n; ++i) {
      INFO(unit->state_name(i));
      REQUIRE(std::isfinite(y[i]));  // written, not left from before
    }
    return y;
  };
  const auto y_first = fill(first);
  const auto y_second = fill(second);
  CHECK(y_second != y_first);
  CHECK(fill(first) == y_first);
  CHECK(fill(second) == y_second);
  CHECK(fill(second) == y_second);  // the same inlets twice running: the remembered guess
}

TEST_CASE(
    "sx_cascade holds feed fines by species (default) or by size class; both pass them to the raffinate") {
  // Quartz fines in the feed, all in the 75 µm class (a feed's solids enter its first class). At steady state
  // every stage passes on what it takes in: the raffinate carries the feed's quartz, in the finest class by
  // species, in its own class by size class; the extraction is the same either way.
  const auto text = [](const std::string& solids_line, const std::string& formulation) {
    return std::string(R"(
size_classes: [75, 50, 25]
units: {volume: m3, flow: m3/s, concentration: mol/m3, mass_flow: kg/s, length: um}
species:
  - {name: WO4(org), formula: WO4, phase: organic, source: "test solute in the organic phase"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {WO4-2: 20}, solids: {quartz: 1.0e-3}}
  solvent: {type: organic_feed, flow: 1.0e-3}
  raffinate: {type: product}
  loaded: {type: product}
  sx:
    type: sx_cascade
    mixer_volume: 1.0
    extraction: [{metal: WO4-2, complex: WO4(org), law: {type: constant, D: 2}}]
    sections: {extraction: {stages: 3}}
)") + solids_line +
           formulation +
           R"(connections:
  - feed.out -> sx.feed
  - solvent.out -> sx.organic_in
  - sx.raffinate -> raffinate.in
  - sx.organic_out -> loaded.in
)";
  };
  for (const std::string formulation : {"", "    formulation: ode\n"}) {
    INFO("formulation: " << (formulation.empty() ? "dae" : "ode"));
    auto by_species = load_flowsheet_string(text("", formulation), "fines.yaml");
    auto by_class = load_flowsheet_string(text("    solids: by_size_class\n", formulation), "fines.yaml");
    const std::size_t lumped = by_species.find_unit("sx")->state_size();
    const std::size_t classed = by_class.find_unit("sx")->state_size();
    CHECK(classed > lumped);
    CHECK((classed - lumped) % 3 == 0);  // per stage, (classes - 1) states per solid
    SteadyStateOptions options;
    options.tolerance = 1e-13;
    const auto a = by_species.solve_steady(options);
    const auto b = by_class.solve_steady(options);
    REQUIRE(a.converged);
    REQUIRE(b.converged);
    const auto raffinate = [](const SteadyStateResult& result) {
      for (const auto& record : result.snapshot.streams) {
        if (record.to == "raffinate.in") {
          return record.stream;
        }
      }
      FAIL("no stream into raffinate.in");
      return Stream{};
    };
    const Stream fines = raffinate(a);
    const Stream classed_fines = raffinate(b);
    const auto quartz = static_cast<Eigen::Index>(*by_species.components().find_solid("quartz"));
    const double quartz_in = 1.0e-3 / by_species.components().solid_molar_masses()[quartz];
    CHECK(fines.solid_moles(quartz, 2) == doctest::Approx(quartz_in).epsilon(1e-12));
    CHECK(fines.solid_moles(quartz, 0) == 0.0);
    CHECK(classed_fines.solid_moles(quartz, 0) == doctest::Approx(quartz_in).epsilon(1e-12));
    CHECK(classed_fines.solid_moles(quartz, 2) == 0.0);
    CHECK(a.output("sx.E3.c[WO4-2]") == doctest::Approx(b.output("sx.E3.c[WO4-2]")).epsilon(1e-12));
    CHECK(std::abs(a.output("sx.E3.c[WO4-2]") / 20.0 - 1.0 / 15.0) < 1e-9);  // Kremser E = 2, N = 3
    CHECK(a.balance.closure() < 1e-10);
    // The declared Jacobian covers the fines' rows either way. dae form only: check_pattern compares
    // evaluations exactly, and the ode form evaluates its first call at given flows stage by stage, later
    // ones as a matrix product, which differ in rounding everywhere (E3 then seems to read E1).
    if (formulation.empty()) {
      check_pattern(text("", formulation));
      check_pattern(text("    solids: by_size_class\n", formulation));
    }
  }
}
