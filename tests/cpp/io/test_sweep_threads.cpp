// Sweeps and concurrent solves in threads: a threaded sweep gives the serial results bit for bit and the
// closed form of a tracer tank; different flowsheets solved at the same time in different threads give the
// results each gives alone. These are the tests the ThreadSanitizer build runs (make test-tsan).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <thread>
#include <vector>

#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/io/sweep.hpp"

using namespace hydromet;

namespace {

// A tank of volume V [m3] fed F [m3/h] of 100 mol/m3 NaCl, empty at t = 0: c(t) = 100 (1 - exp(-F t / V)).
const std::string tracer_tank = R"(
name: tracer tank
units: {volume: m3, flow: m3/h, concentration: mol/m3, time: h}
equipment:
  feed:
    type: feed
    flow: 10
    solution: {Na+: 100, Cl-: 100}
  tank: {type: tank, volume: 5}
  out: {type: product}
connections:
  - feed.out -> tank.in
  - tank.out -> out.in
simulation: {until: 1, outputs: 3}
)";

double tracer(double volume, double flow, double hours) {
  return 100.0 * (1.0 - std::exp(-flow * hours / volume));
}

std::vector<SweepCase> tracer_cases() {
  std::vector<SweepCase> cases;
  for (const char* volume : {"2", "5", "10", "20"}) {
    for (const char* flow : {"5", "10", "40"}) {
      cases.push_back({{"tank.volume", volume}, {"feed.flow", flow}});
    }
  }
  return cases;
}

// One stage of Fe+3 + 3 HA(org) = FeA3(org) + 3 H+ (HA = D2EHPA), written with the expression law
// log10 D = log10 K + 3 log10 E + 3 pH that equals mass action with K = 2 (tests/verification/
// test_sx_mass_action.cpp): fed 1 L/s of Fe+3 10, H+ 50 mol/m3 and O/A of organic with 200 mol/m3 HA.
const std::string expression_stage = R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: FeA3, formula: Fe(C16H34O4P)3, phase: organic, source: "Fe(III)-D2EHPA complex, test"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {Fe+3: 10, H+: 50}}
  solvent: {type: organic_feed, flow: 1.0e-3, composition: {D2EHPA: 200}}
  raffinate: {type: product}
  loaded: {type: product}
  stage:
    type: mixer_settler
    volume: 2.0
    temperature: 298.15
    extraction:
      - metal: Fe+3
        complex: FeA3
        reactants: {D2EHPA: 3}
        products: {H+: 3}
        law: {type: expression, log10_D: "log10(2) + 3*log10(E) + 3*pH"}
connections:
  - feed.out -> stage.aqueous_in
  - solvent.out -> stage.organic_in
  - stage.aqueous_out -> raffinate.in
  - stage.organic_out -> loaded.in
)";

// The stage's FeA3 [mol/m3] by bisection of y - K c a^3 / h^3 with c = 10 - y O/A, a = 200 - 3y,
// h = 50 + 3y O/A (increasing in y on [0, min(10 A/O, 200/3)]).
double fe_complex(double oa) {
  double low = 0.0;
  double high = std::min(10.0 / oa, 200.0 / 3.0);
  for (int i = 0; i < 200; ++i) {
    const double y = 0.5 * (low + high);
    const double c = 10.0 - y * oa;
    const double a = 200.0 - 3.0 * y;
    const double h = 50.0 + 3.0 * y * oa;
    (y - 2.0 * c * std::pow(a / h, 3) > 0.0 ? high : low) = y;
  }
  return 0.5 * (low + high);
}

// Outputs of one solve, or the error message when it failed.
struct Outcome {
  std::vector<double> outputs;
  std::string error;
};

template <typename Solve>
Outcome outcome_of(Solve&& solve) {
  Outcome outcome;
  try {
    solve(outcome.outputs);
  } catch (const std::exception& error) {
    outcome.error = error.what();
  }
  return outcome;
}

std::string reference_flowsheet(const char* name) {
  std::string path = HYDROMET_SOURCE_DIR;
  path += "/flowsheets/";
  path += name;
  return path;
}

Outcome steady_reference(const char* name) {
  return outcome_of([&](std::vector<double>& outputs) {
    auto flowsheet = load_flowsheet(reference_flowsheet(name));
    const auto solved = flowsheet.solve_steady();
    outputs.assign(solved.outputs.begin(), solved.outputs.end());
  });
}

Outcome dynamic_reference(const char* name) {
  return outcome_of([&](std::vector<double>& outputs) {
    auto flowsheet = load_flowsheet(reference_flowsheet(name));
    const auto simulated =
        flowsheet.simulate(flowsheet.run.times(flowsheet.run.until), flowsheet.run.options);
    outputs.assign(simulated.outputs.data(), simulated.outputs.data() + simulated.outputs.size());
  });
}

Outcome expression_stage_solve() {
  return outcome_of([](std::vector<double>& outputs) {
    auto flowsheet = load_flowsheet_string(expression_stage, "sx.yaml");
    const auto solved = flowsheet.solve_steady();
    outputs.assign(solved.outputs.begin(), solved.outputs.end());
  });
}

}  // namespace

TEST_CASE("a dynamic sweep in threads equals the serial sweep bit for bit and the tracer closed form") {
  const auto cases = tracer_cases();
  const std::vector<std::string> outputs = {"tank.c[Na+]"};
  const auto serial = run_sweep(tracer_tank, cases, outputs, SweepMode::dynamic, 1);
  const auto threaded = run_sweep(tracer_tank, cases, outputs, SweepMode::dynamic, 3);
  REQUIRE(serial.size() == cases.size());
  REQUIRE(threaded.size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    CAPTURE(i);
    REQUIRE(serial[i].error.empty());
    REQUIRE(threaded[i].error.empty());
    CHECK(threaded[i].values[0] == serial[i].values[0]);
    const double volume = std::stod(cases[i][0].second);
    const double flow = std::stod(cases[i][1].second);
    CHECK(serial[i].values[0] == doctest::Approx(tracer(volume, flow, 1.0)).epsilon(1e-6));
  }
}

TEST_CASE("a steady sweep in threads reports each failing case and solves the others as in series") {
  // Steady state of the tracer tank: the tank holds the feed concentration, whatever its volume.
  std::vector<SweepCase> cases;
  for (const char* sodium : {"50", "100", "150", "200"}) {
    cases.push_back({{"feed.solution.Na+", sodium}, {"feed.solution.Cl-", sodium}});
  }
  cases.push_back({{"tank.volume", "-1"}});  // rejected by the loader
  cases.push_back({{"tank.volume", "oops"}});
  const std::vector<std::string> outputs = {"tank.c[Na+]", "tank.c[Cl-]"};
  const auto serial = run_sweep(tracer_tank, cases, outputs, SweepMode::steady, 1);
  const auto threaded = run_sweep(tracer_tank, cases, outputs, SweepMode::steady, 2);
  for (std::size_t i = 0; i < 4; ++i) {
    CAPTURE(i);
    REQUIRE(threaded[i].error.empty());
    const double fed = std::stod(cases[i][0].second);
    CHECK(threaded[i].values[0] == doctest::Approx(fed).epsilon(1e-9));
    CHECK(threaded[i].values[1] == doctest::Approx(fed).epsilon(1e-9));
    CHECK(threaded[i].values == serial[i].values);
  }
  for (std::size_t i = 4; i < cases.size(); ++i) {
    CAPTURE(i);
    CHECK(threaded[i].error.find("volume") != std::string::npos);
    CHECK(threaded[i].error == serial[i].error);
    CHECK(std::isnan(threaded[i].values[0]));
  }
}

TEST_CASE(
    "a steady sweep of an expression-law SX stage in threads matches mass action and the serial sweep") {
  std::vector<SweepCase> cases;
  for (const char* organic_flow : {"0.5e-3", "1.0e-3", "2.0e-3", "4.0e-3"}) {
    cases.push_back({{"solvent.flow", organic_flow}});
  }
  const std::vector<std::string> outputs = {"stage.c_org[FeA3]", "stage.c[Fe+3]"};
  const auto serial = run_sweep(expression_stage, cases, outputs, SweepMode::steady, 1);
  const auto threaded = run_sweep(expression_stage, cases, outputs, SweepMode::steady, 2);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    CAPTURE(i);
    REQUIRE(threaded[i].error.empty());
    const double oa = std::stod(cases[i][0].second) / 1.0e-3;
    const double y = fe_complex(oa);
    CHECK(threaded[i].values[0] == doctest::Approx(y).epsilon(1e-7));
    CHECK(threaded[i].values[1] == doctest::Approx(10.0 - y * oa).epsilon(1e-7));
    CHECK(threaded[i].values == serial[i].values);
  }
}

TEST_CASE("different flowsheets solved at the same time in threads give the results each gives alone") {
  // Leach tanks with the speciation, reactors, an SX stage with a muparser law and a batch simulation:
  // each thread loads and solves its own flowsheet; they share the bundled database.
  const std::vector<Outcome (*)()> jobs = {
      [] { return steady_reference("w_scheelite_soda.yaml"); },
      [] { return steady_reference("tailings_w_byproduct.yaml"); },
      [] { return dynamic_reference("w_scheelite_soda_batch.yaml"); },
      expression_stage_solve,
  };
  std::vector<Outcome> alone;
  for (const auto job : jobs) {
    alone.push_back(job());
    CAPTURE(alone.size());
    CHECK(alone.back().error.empty());
    CHECK_FALSE(alone.back().outputs.empty());
  }
  std::vector<Outcome> together(jobs.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    threads.emplace_back([&, i] { together[i] = jobs[i](); });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    CAPTURE(i);
    CHECK(together[i].error == alone[i].error);
    CHECK(together[i].outputs == alone[i].outputs);
  }
}
