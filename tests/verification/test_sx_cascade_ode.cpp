// sx_cascade `formulation: ode` (constant-D cascades: one differential state per reaction invariant, the
// phase split in closed form, the flows from the inlets) against the same cascade as the index-1 DAE
// (`formulation: dae`): the same model, so the steady states agree to solver precision and the 24 h start-ups
// to the integrators' tolerance; against the Kremser closed form and the hand-written benchmark program's
// equations (one state per stage, x_s = n_M + n_C); and the inputs it refuses.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "hydromet/core/error.hpp"
#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/io/flowsheet_loader.hpp"

using namespace hydromet;

namespace {

// An open counter-current extraction cascade (the benchmark's sx_compare case at N = `stages`).
std::string open_cascade(int stages, const std::string& formulation) {
  std::ostringstream text;
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
  text << "    formulation: " << formulation << "\n";
  text << "    extraction: [{metal: WO4-2, complex: WO4(org), law: {type: constant, D: 2}}]\n";
  text << "    sections: {extraction: {stages: " << stages << "}}\n";
  text << R"(connections:
  - feed.out -> sx.feed
  - solvent.out -> sx.organic_in
  - sx.raffinate -> raffinate.in
  - sx.organic_out -> loaded.in
)";
  return text.str();
}

// A closed loop with every feature the ode form must carry: extraction (second feed at E3), scrub and strip
// sections with their own constant laws, an extractant consumed and protons released (invariants of several
// participants), settlers, a fixed mixer phase ratio, entrainment both ways, bleed and make-up. Fe/D2EHPA
// stoichiometry with constant D (assumed values: a test of the formulation, not of the chemistry).
std::string closed_circuit(const std::string& formulation, const std::string& mixer) {
  std::string text = R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: FeA3, formula: Fe(C16H34O4P)3, phase: organic, source: "Fe(III)-D2EHPA complex, test"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {Fe+3: 10, H+: 50}}
  feed2: {type: feed, flow: 0.2e-3, solution: {Fe+3: 4, H+: 20}}
  wash: {type: feed, flow: 0.1e-3, solution: {H+: 100}}
  acid: {type: feed, flow: 0.5e-3, solution: {H+: 1500}}
  makeup: {type: organic_feed, flow: 2.0e-5, composition: {D2EHPA: 200}}
  raffinate: {type: product}
  washings: {type: product}
  liquor: {type: product}
  bleed: {type: product}
  sx:
    type: sx_cascade
)";
  text += "    formulation: ";
  text += formulation;
  text += "\n";
  text += mixer;
  text += R"(    settler: {aqueous_volume: 0.8, organic_volume: 1.2}
    entrainment: {aqueous_in_organic: 0.002, organic_in_aqueous: 0.001}
    initial_solution: {H+: 10}
    initial_organic: {D2EHPA: 200}
    extraction:
      - {metal: Fe+3, complex: FeA3, reactants: {D2EHPA: 3}, products: {H+: 3}, law: {type: constant, D: 3}}
    sections:
      extraction: {stages: 4, feeds: {feed: 1, feed2: 3}}
      scrub:
        stages: 2
        extraction:
          - {metal: Fe+3, complex: FeA3, reactants: {D2EHPA: 3}, products: {H+: 3}, law: {type: constant, D: 1.5}}
      strip:
        stages: 3
        extraction:
          - {metal: Fe+3, complex: FeA3, reactants: {D2EHPA: 3}, products: {H+: 3}, law: {type: constant, D: 0.05}}
    loop: closed
    bleed: 0.02
connections:
  - feed.out -> sx.feed
  - feed2.out -> sx.feed2
  - wash.out -> sx.scrub_feed
  - acid.out -> sx.strip_feed
  - makeup.out -> sx.makeup
  - sx.raffinate -> raffinate.in
  - sx.scrub_out -> washings.in
  - sx.strip_out -> liquor.in
  - sx.bleed -> bleed.in
)";
  return text;
}

// |a − b| <= tolerance · max(|b|, floor) for every output of both results at every time.
void check_same_outputs(const SimulationResult& ode, const SimulationResult& dae, double tolerance,
                        double floor) {
  REQUIRE(ode.output_names == dae.output_names);
  REQUIRE(ode.outputs.rows() == dae.outputs.rows());
  double worst = 0.0;
  std::string where;
  for (Eigen::Index t = 0; t < dae.outputs.rows(); ++t) {
    for (Eigen::Index k = 0; k < dae.outputs.cols(); ++k) {
      const double reference = dae.outputs(t, k);
      const double error = std::abs(ode.outputs(t, k) - reference) / std::max(std::abs(reference), floor);
      if (error > worst) {
        worst = error;
        where = dae.output_names[static_cast<std::size_t>(k)] + " at t = " + std::to_string(dae.times[t]);
      }
    }
  }
  INFO("largest difference " << worst << " (" << where << ")");
  CHECK(worst <= tolerance);
}

SimulationResult run_24h(const std::string& text, double rtol) {
  auto flowsheet = load_flowsheet_string(text, "sx_ode.yaml");
  SimulationOptions options;
  options.relative_tolerance = rtol;
  options.absolute_tolerance = 1e-3 * rtol;
  std::vector<double> times;
  for (int hour = 0; hour <= 24; ++hour) {
    times.push_back(3600.0 * hour);
  }
  return flowsheet.simulate(times, options);
}

}  // namespace

TEST_CASE("sx_cascade ode: steady state equals the dae form's and Kremser's (E = 2, N = 5)") {
  SteadyStateOptions options;
  options.tolerance = 1e-13;
  auto ode = load_flowsheet_string(open_cascade(5, "ode"), "sx_ode.yaml").solve_steady(options);
  auto dae = load_flowsheet_string(open_cascade(5, "dae"), "sx_dae.yaml").solve_steady(options);
  REQUIRE(ode.converged);
  REQUIRE(dae.converged);
  CHECK(ode.states.size() == 5);  // one invariant per stage
  CHECK(dae.states.size() == 20);
  // Kremser (Treybal, Mass-Transfer Operations, 3rd ed. (1980), eq. 10.58): φ = (E − 1)/(E^(N+1) − 1).
  const double phi = (2.0 - 1.0) / (std::pow(2.0, 6) - 1.0);
  CHECK(std::abs(ode.output("sx.raffinate.c[WO4-2]") / 20.0 - phi) < 1e-12 * phi);
  REQUIRE(ode.output_names == dae.output_names);
  for (Eigen::Index k = 0; k < dae.outputs.size(); ++k) {
    INFO(dae.output_names[static_cast<std::size_t>(k)]);
    CHECK(std::abs(ode.outputs[k] - dae.outputs[k]) <= 1e-10 * std::max(std::abs(dae.outputs[k]), 1e-3));
  }
}

TEST_CASE(
    "sx_cascade ode: 24 h start-up of the open cascade equals the dae form's and the hand-written ODE") {
  const auto ode = run_24h(open_cascade(5, "ode"), 1e-10);
  const auto dae = run_24h(open_cascade(5, "dae"), 1e-10);
  CHECK(ode.statistics.method == "CVODES");
  CHECK(dae.statistics.method == "IDAS");
  check_same_outputs(ode, dae, 1e-6, 1e-3);
  CHECK(ode.balance.closure() < 1e-10);
  // The hand-written program's equations (benchmarks/baselines/sundials_sx.cpp), integrated here by RK4 with
  // a 2 s step (error ~ (q h / V)^4 ~ 1e-11): dx_s/dt = A c_(s−1) + O D c_(s+1) − x_s (A + O)/V, c = x / α,
  // α = V (A + D O)/(A + O), stages empty at t = 0.
  const int n = 5;
  const double a = 1e-3, o = 1e-3, v = 1.0, d = 2.0, feed = 20.0;
  const double alpha = v * (a + d * o) / (a + o);
  std::vector<double> x(n, 0.0);
  const auto rate = [&](const std::vector<double>& state) {
    std::vector<double> f(n);
    for (int s = 0; s < n; ++s) {
      const double aqueous_in = s == 0 ? feed : state[s - 1] / alpha;
      const double organic_in = s + 1 < n ? d * state[s + 1] / alpha : 0.0;
      f[s] = a * aqueous_in + o * organic_in - (a + o) / v * state[s];
    }
    return f;
  };
  const double h = 2.0;
  for (int hour = 1; hour <= 24; ++hour) {
    for (int step = 0; step < 1800; ++step) {
      const auto k1 = rate(x);
      std::vector<double> trial(n);
      for (int s = 0; s < n; ++s) trial[s] = x[s] + 0.5 * h * k1[s];
      const auto k2 = rate(trial);
      for (int s = 0; s < n; ++s) trial[s] = x[s] + 0.5 * h * k2[s];
      const auto k3 = rate(trial);
      for (int s = 0; s < n; ++s) trial[s] = x[s] + h * k3[s];
      const auto k4 = rate(trial);
      for (int s = 0; s < n; ++s) x[s] += h / 6.0 * (k1[s] + 2.0 * k2[s] + 2.0 * k3[s] + k4[s]);
    }
    if (hour == 1 || hour == 24) {
      for (int s = 0; s < n; ++s) {
        const std::string name = "sx.E" + std::to_string(s + 1) + ".c[WO4-2]";
        INFO(name << " at " << hour << " h");
        CHECK(std::abs(ode.output(name)[hour] - x[s] / alpha) < 1e-8 * std::max(x[s] / alpha, 1e-3));
      }
    }
  }
}

TEST_CASE(
    "sx_cascade ode: closed circuit with scrub, strip, settlers, entrainment, bleed equals the dae form") {
  for (const std::string mixer :
       {"    mixer_volume: 2.0\n", "    mixer_volume: 2.0\n    mixer_phase_ratio: 1.5\n"}) {
    INFO(mixer);
    SteadyStateOptions options;
    options.tolerance = 1e-13;
    const auto ode_steady =
        load_flowsheet_string(closed_circuit("ode", mixer), "ode.yaml").solve_steady(options);
    const auto dae_steady =
        load_flowsheet_string(closed_circuit("dae", mixer), "dae.yaml").solve_steady(options);
    REQUIRE(ode_steady.converged);
    REQUIRE(dae_steady.converged);
    CHECK(ode_steady.balance.closure() < 1e-10);
    REQUIRE(ode_steady.output_names == dae_steady.output_names);
    double worst = 0.0;
    for (Eigen::Index k = 0; k < dae_steady.outputs.size(); ++k) {
      const double reference = dae_steady.outputs[k];
      worst =
          std::max(worst, std::abs(ode_steady.outputs[k] - reference) / std::max(std::abs(reference), 1e-3));
    }
    CHECK(worst <= 1e-10);
    const auto ode = run_24h(closed_circuit("ode", mixer), 1e-10);
    const auto dae = run_24h(closed_circuit("dae", mixer), 1e-10);
    CHECK(ode.statistics.method == "CVODES");
    check_same_outputs(ode, dae, 1e-6, 1e-3);
    CHECK(ode.balance.closure() < 1e-10);
    CHECK(dae.balance.closure() < 1e-10);
  }
}

TEST_CASE(
    "sx_cascade ode: refused where the split is not linear, and in a recycle through units without "
    "inventory") {
  const auto fails = [](const std::string& text, const std::string& expected) {
    try {
      (void)load_flowsheet_string(text, "bad.yaml").solve_steady();
      FAIL("no InputError");
    } catch (const InputError& error) {
      const std::string message = error.what();
      INFO(message);
      CHECK(message.find(expected) != std::string::npos);
      CHECK(message.find("bad.yaml") != std::string::npos);
    }
  };
  // Replaces `from` (which must occur) in a copy of the text.
  const auto edited = [](std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
  };
  const std::string text = open_cascade(3, "ode");
  fails(edited(text, "{type: constant, D: 2}", "{type: mass_action, K: 2}"), "constant distribution laws");
  fails(edited(text, "    formulation", "    mode: rate\n    mass_transfer: 0.01\n    formulation"),
        "equilibrium mode");
  fails(edited(text, "    formulation", "    efficiency: 0.9\n    formulation"), "Murphree efficiency of 1");
  fails(edited(text, "formulation: ode", "formulation: implicit"), "`formulation` is `dae`");
  // The raffinate split and half of it returned to the feed through a mixer: the flows loop through the
  // cascade.
  std::string recycle = edited(text, "  raffinate: {type: product}\n",
                               "  raffinate: {type: product}\n  join: {type: mixer, inlets: 2}\n"
                               "  split: {type: splitter, fractions: {out: 0.5, back: 0.5}}\n");
  recycle =
      edited(recycle, "  - feed.out -> sx.feed\n", "  - feed.out -> join.in1\n  - join.out -> sx.feed\n");
  recycle =
      edited(recycle, "  - sx.raffinate -> raffinate.in\n",
             "  - sx.raffinate -> split.in\n  - split.out -> raffinate.in\n  - split.back -> join.in2\n");
  fails(recycle, "use `formulation: dae` in a recycle");
}

TEST_CASE("sx_cascade ode: a feed schedule (a step and a ramp of the flow) as the dae form") {
  // The stage flows follow the inlets' flows as they change: a step at 6 h, a ramp over 12-14 h.
  const auto scheduled = [](const std::string& formulation) {
    std::string text = open_cascade(4, formulation);
    const std::string from = "solution: {WO4-2: 20}}";
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(),
                 "solution: {WO4-2: 20}, schedule: [{at: 21600, flow: 2.0e-3, solution: {WO4-2: 12}}, "
                 "{at: 43200, ramp: 7200, flow: 0.5e-3}]}");
    return text;
  };
  const auto ode = run_24h(scheduled("ode"), 1e-10);
  const auto dae = run_24h(scheduled("dae"), 1e-10);
  CHECK(ode.statistics.method == "CVODES");
  check_same_outputs(ode, dae, 1e-6, 1e-3);
  CHECK(std::abs(ode.output("sx.E1.q_aq")[6] - 2.0e-3) < 1e-15);
  CHECK(std::abs(ode.output("sx.E4.q_aq")[24] - 0.5e-3) < 1e-15);
  CHECK(ode.balance.closure() < 1e-10);
}

TEST_CASE("sx_cascade ode: simulating one flowsheet again, after a steady solve, repeats the first run") {
  // Every simulate rebinds the units; the cascade keeps its structure and report names across rebinds to the
  // same components and rebuilds its rows' matrix from the flows. A rerun must be the same computation.
  auto flowsheet = load_flowsheet_string(closed_circuit("ode", "    mixer_volume: 2.0\n"), "rerun.yaml");
  SimulationOptions options;
  options.relative_tolerance = 1e-8;
  options.absolute_tolerance = 1e-11;
  std::vector<double> times;
  for (int hour = 0; hour <= 24; hour += 4) {
    times.push_back(3600.0 * hour);
  }
  const auto first = flowsheet.simulate(times, options);
  SteadyStateOptions steady_options;
  steady_options.tolerance = 1e-12;
  REQUIRE(flowsheet.solve_steady(steady_options).converged);
  const auto second = flowsheet.simulate(times, options);
  REQUIRE(first.output_names == second.output_names);
  CHECK(first.output_units == second.output_units);
  CHECK(first.statistics.steps == second.statistics.steps);
  REQUIRE(first.outputs.rows() == second.outputs.rows());
  REQUIRE(first.outputs.cols() == second.outputs.cols());
  CHECK((first.outputs.array() == second.outputs.array()).all());
  CHECK(second.balance.closure() < 1e-10);
}

TEST_CASE("sx_cascade ode: the rows by the stage maps equal the rows by the assembled matrix") {
  // The first evaluation at new inlet flows applies the stage maps, later ones the matrix built from them;
  // the closed circuit (settlers, entrainment, bleed, three sections, several participants) at arbitrary
  // states.
  auto flowsheet = load_flowsheet_string(closed_circuit("ode", "    mixer_volume: 2.0\n"), "rows.yaml");
  SimulationOptions options;
  REQUIRE(flowsheet.simulate({0.0, 60.0}, options).outputs.rows() == 2);  // binds the units
  const UnitOperation* unit = flowsheet.find_unit("sx");
  REQUIRE(unit != nullptr);
  const std::size_t n = unit->state_size();
  const auto states = [&](double shift) {
    std::vector<double> y(n);
    for (std::size_t i = 0; i < n; ++i) {
      y[i] = 1.0 + shift + std::fmod(0.37 * static_cast<double>(i * i + 3), 5.0);
    }
    return y;
  };
  const auto ports = unit->inlet_ports().size();
  const auto inlets_at = [&](double flow_factor) {
    std::vector<Stream> inlets(ports, Stream::empty(flowsheet.components()));
    for (std::size_t k = 0; k < ports; ++k) {
      inlets[k].aqueous_flow = flow_factor * 1e-4 * static_cast<double>(k + 1);
      inlets[k].organic_flow = flow_factor * 2e-5 * static_cast<double>(k % 2);
      inlets[k].aqueous_moles.setConstant(0.3 * static_cast<double>(k + 1));
      inlets[k].organic_moles.setConstant(0.05 * static_cast<double>(k));
    }
    return inlets;
  };
  const auto inlets = inlets_at(1.0);
  const auto other = inlets_at(1.7);
  const auto rows = [&](const std::vector<double>& y, const std::vector<Stream>& at) {
    std::vector<double> f(n, 0.0);
    unit->evaluate(0.0, y, at, f);
    return f;
  };
  const auto check_equal = [&](const std::vector<double>& a, const std::vector<double>& b) {
    double worst = 0.0;
    double largest = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      worst = std::max(worst, std::abs(a[i] - b[i]));
      largest = std::max(largest, std::abs(b[i]));
    }
    REQUIRE(largest > 0.0);
    CHECK(worst <= 1e-13 * largest);
  };
  for (const double shift : {0.0, 2.5}) {
    INFO("shift " << shift);
    const auto y = states(shift);
    (void)rows(y, other);                    // new flows: the stage maps
    const auto by_maps = rows(y, inlets);    // new flows again: the stage maps
    const auto by_matrix = rows(y, inlets);  // same flows: the matrix
    check_equal(by_matrix, by_maps);
  }
}
