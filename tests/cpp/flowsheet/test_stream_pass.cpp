// The stream pass of System::evaluate and the sources' per-evaluation work: a source whose outlets depend on
// t alone is computed once per t (until a stream is set); a feed writes its outlet in place; the values-only
// reports of feeds and products are their reports' values.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "hydromet/flowsheet/system.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/unitops/feed.hpp"
#include "hydromet/unitops/product.hpp"

using namespace hydromet;

namespace {

// A source of Na+ solution at 1e-3 m3/s of (100 + t) mol/m3 that counts its compute_outlets calls.
class CountingSource final : public UnitOperation {
 public:
  CountingSource(std::string name, int& calls, bool constant = false)
      : UnitOperation(std::move(name)), calls_(&calls), constant_(constant) {}
  [[nodiscard]] std::string_view type() const override { return "counting_source"; }
  // Claimed constant for the test, although the stream follows t: a recomputation shows in the values.
  [[nodiscard]] bool outlets_constant() const override { return constant_; }
  [[nodiscard]] std::vector<std::string> outlet_ports() const override { return {"out"}; }
  [[nodiscard]] Boundary boundary() const override { return Boundary::source; }
  void bind(const ComponentList& components) override { components_ = &components; }
  void compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                       std::span<Stream> outlets) const override {
    (void)y, (void)inlets;
    ++*calls_;
    outlets[0] = Stream::empty(*components_);
    outlets[0].aqueous_flow = 1e-3;
    outlets[0].aqueous_moles[static_cast<Eigen::Index>(components_->aqueous_index("Na+", "test"))] =
        1e-3 * (100.0 + t);
  }

 private:
  int* calls_;
  bool constant_;
};

std::size_t index_of(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  REQUIRE(it != names.end());
  return static_cast<std::size_t>(it - names.begin());
}

std::vector<double> values_of(const std::vector<UnitOutput>& outputs) {
  std::vector<double> values;
  for (const auto& output : outputs) {
    values.push_back(output.value);
  }
  return values;
}

// A feed into a tank into a product, and beside them the counting source into a product of its own.
Flowsheet with_counting_source(int& calls, bool constant) {
  auto flowsheet = load_flowsheet_string(R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {Na+: 10, Cl-: 10}}
  tank: {type: tank, volume: 1}
  out: {type: product}
connections:
  - feed.out -> tank.in
  - tank.out -> out.in
)",
                                         "counting.yaml");
  flowsheet.add_unit(std::make_unique<CountingSource>("counted", calls, constant));
  flowsheet.add_unit(std::make_unique<Product>("counted_out"));
  flowsheet.connect({"counted", "out"}, {"counted_out", "in"});
  return flowsheet;
}

// The index of the counting source's outlet stream.
std::size_t counted_stream(const Flowsheet& flowsheet) {
  const auto& connections = flowsheet.connections();
  return static_cast<std::size_t>(std::find_if(connections.begin(), connections.end(),
                                               [](const Connection& c) { return c.from.unit == "counted"; }) -
                                  connections.begin());
}

// The dynamic system of with_counting_source, evaluated from its initial state: what the counting tests
// share.
struct CountingRun {
  explicit CountingRun(bool constant)
      : flowsheet(with_counting_source(calls, constant)),
        system(flowsheet.dynamic_system()),
        y(system->initial_state()),
        f(system->size()),
        sink_row(index_of(system->component_names(), "counted_out.cumulative[Na]")) {}
  CountingRun(const CountingRun&) = delete;  // the source counts into `calls` where it is
  CountingRun& operator=(const CountingRun&) = delete;

  void evaluate(double t) { system->evaluate(t, std::span<const double>(y.data(), system->size()), f); }
  // A substitution pass at t from the initial state (its guess is thrown away; the streams are what count).
  void substitute(double t) {
    Vector guess = y;
    (void)system->substitution_pass(t, std::span<double>(guess.data(), system->size()));
  }

  int calls = 0;
  Flowsheet flowsheet;
  std::unique_ptr<System> system;
  Vector y;
  std::vector<double> f;
  std::size_t sink_row;
};

}  // namespace

TEST_CASE("a source without inlets or states is computed once per time, and again after a stream is set") {
  CountingRun run(false);
  const std::size_t source_row = index_of(run.system->component_names(), "counted.cumulative[Na]");

  run.calls = 0;
  run.evaluate(7.0);
  CHECK(run.calls == 1);
  CHECK(run.f[run.sink_row] == 1e-3 * 107.0);
  CHECK(run.f[source_row] == 1e-3 * 107.0);
  run.evaluate(7.0);  // same t (a Newton iteration, a Jacobian colour): kept
  CHECK(run.calls == 1);
  CHECK(run.f[run.sink_row] == 1e-3 * 107.0);
  run.evaluate(8.0);
  CHECK(run.calls == 2);
  CHECK(run.f[run.sink_row] == 1e-3 * 108.0);

  // A stream set from outside (a steady guess's tear) replaces the source's outlet until it is recomputed.
  const std::size_t stream = counted_stream(run.flowsheet);
  Stream junk = run.system->stream(stream);
  junk.aqueous_moles.setConstant(-1.0);
  run.system->set_stream(stream, junk);
  run.evaluate(8.0);
  CHECK(run.calls == 3);
  CHECK(run.f[run.sink_row] == 1e-3 * 108.0);
  CHECK(run.system->stream(stream).aqueous_moles.minCoeff() >= 0.0);

  // A substitution pass computes every outlet itself; the next evaluation at a new t recomputes.
  run.substitute(9.0);
  const int after_pass = run.calls;
  run.evaluate(8.0);
  CHECK(run.calls == after_pass + 1);
  CHECK(run.f[run.sink_row] == 1e-3 * 108.0);
}

TEST_CASE("a feed writes its outlet in place, equal to stream_at") {
  auto flowsheet = load_flowsheet_string(R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3, time: s, mass_flow: kg/s}
species:
  - {name: WO4(org), formula: WO4, phase: organic, source: "test solute"}
size_classes: [100, 50]
equipment:
  feed:
    type: feed
    flow: 1.0e-3
    temperature: 300
    solution: {Na+: 100, WO4-2: 5}
    solids: {scheelite: 0.01}
    schedule:
      - {at: 100, ramp: 50, solution: {Na+: 200}}
      - {at: 150, flow: 2.0e-3, temperature: 320, solids: {scheelite: 0}}
  solvent: {type: organic_feed, flow: 1.0e-3}
  out: {type: product}
  loaded: {type: product}
connections:
  - feed.out -> out.in
  - solvent.out -> loaded.in
)",
                                         "feed_in_place.yaml");
  flowsheet.validate();
  const auto& feed = dynamic_cast<const Feed&>(*flowsheet.find_unit("feed"));
  Stream outlet = Stream::empty(flowsheet.components());
  const double* aqueous = outlet.aqueous_moles.data();
  const double* solids = outlet.solid_moles.data();
  outlet.organic_flow = 5.0;  // whatever the buffer held is overwritten
  outlet.solid_moles.setConstant(3.0);
  for (const double t : {0.0, 99.0, 100.0, 125.0, 149.999, 150.0, 1e6}) {
    feed.compute_outlets(t, {}, {}, std::span<Stream>(&outlet, 1));
    CHECK(outlet.aqueous_moles.data() == aqueous);  // no new storage per evaluation
    CHECK(outlet.solid_moles.data() == solids);
    const Stream expected = feed.stream_at(t);
    CHECK(outlet.temperature == expected.temperature);
    CHECK(outlet.aqueous_flow == expected.aqueous_flow);
    CHECK(outlet.organic_flow == 0.0);
    CHECK((outlet.aqueous_moles == expected.aqueous_moles));
    CHECK((outlet.organic_moles == expected.organic_moles));
    CHECK((outlet.solid_moles == expected.solid_moles));
  }
  // 125 s is half-way up the ramp of Na+ from 100 to 200 mol/m3 at 1e-3 m3/s.
  const auto na = static_cast<Eigen::Index>(flowsheet.components().aqueous_index("Na+", "test"));
  CHECK(feed.stream_at(125.0).aqueous_moles[na] == doctest::Approx(0.15).epsilon(1e-14));
  // A buffer of another shape is reshaped.
  Stream empty;
  feed.compute_outlets(125.0, {}, {}, std::span<Stream>(&empty, 1));
  CHECK((empty.aqueous_moles == feed.stream_at(125.0).aqueous_moles));
  CHECK((empty.solid_moles == feed.stream_at(125.0).solid_moles));
}

TEST_CASE("feeds, organic feeds and products give their reports' values without the names") {
  auto flowsheet = load_flowsheet_string(R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3, time: s, mass_flow: kg/s}
species:
  - {name: WO4(org), formula: WO4, phase: organic, source: "test solute"}
size_classes: [100, 50]
equipment:
  feed:
    type: feed
    flow: 1.0e-3
    solution: {Na+: 100, WO4-2: 5}
    solids: {scheelite: 0.01, quartz: 0.02}
    schedule:
      - {at: 100, ramp: 50, solution: {Na+: 200}, solids: {quartz: 0.05}}
  solvent: {type: organic_feed, flow: 2.0e-3, composition: {WO4(org): 3}}
  out: {type: product}
  loaded: {type: product}
connections:
  - feed.out -> out.in
  - solvent.out -> loaded.in
)",
                                         "report_values.yaml");
  auto system = flowsheet.dynamic_system();
  const Vector y = system->initial_state();
  const std::span<const double> state(y.data(), system->size());
  std::size_t checked = 0;
  for (const double t : {0.0, 125.0, 200.0}) {
    system->compute_streams(t, state);
    for (std::size_t u = 0; u < system->units().size(); ++u) {
      const UnitOperation& unit = *system->units()[u];
      const auto block = system->block(u, state);
      const auto reported = values_of(unit.report(t, block, system->inlets_of(u)));
      std::vector<double> values{-1.0};  // appended to
      unit.report_values(t, block, system->inlets_of(u), values);
      REQUIRE(values.size() == reported.size() + 1);
      CHECK(std::equal(reported.begin(), reported.end(), values.begin() + 1));
      checked += reported.size();
    }
  }
  CHECK(checked > 20);
  // Two values read back by name: the feed's quartz at 125 s, half-way up its ramp from 0.02 to 0.05 kg/s,
  // and the solvent's WO4(org) concentration.
  const auto value_named = [&](const std::string& unit_name, const std::string& output, double t) {
    const auto& units = system->units();
    const auto u = static_cast<std::size_t>(
        std::find_if(units.begin(), units.end(),
                     [&](const UnitOperation* unit) { return unit->name() == unit_name; }) -
        units.begin());
    REQUIRE(u < units.size());
    system->compute_streams(t, state);
    const auto reported = units[u]->report(t, system->block(u, state), system->inlets_of(u));
    std::vector<double> values;
    units[u]->report_values(t, system->block(u, state), system->inlets_of(u), values);
    for (std::size_t i = 0; i < reported.size(); ++i) {
      if (reported[i].name == output) {
        return values.at(i);
      }
    }
    FAIL("no output " << output);
    return 0.0;
  };
  CHECK(value_named("feed", "solids[quartz]", 125.0) == doctest::Approx(0.035).epsilon(1e-14));
  CHECK(value_named("solvent", "c_org[WO4(org)]", 0.0) == doctest::Approx(3.0).epsilon(1e-14));
  CHECK(value_named("loaded", "organic_flow", 0.0) == doctest::Approx(2.0e-3).epsilon(1e-14));
}

TEST_CASE("a source with constant outlets is computed once, and again after a stream is set") {
  // UnitOperation::outlets_constant (a feed without a schedule): kept across times until a stream is set or a
  // substitution pass runs. The counting source claims it while following t, so each recomputation shows.
  CountingRun run(true);

  run.calls = 0;
  run.evaluate(7.0);
  CHECK(run.calls == 1);
  CHECK(run.f[run.sink_row] == 1e-3 * 107.0);
  run.evaluate(8.0);  // another t: kept, as claimed
  run.evaluate(9.0);
  CHECK(run.calls == 1);
  CHECK(run.f[run.sink_row] == 1e-3 * 107.0);

  const std::size_t stream = counted_stream(run.flowsheet);
  run.system->set_stream(stream, run.system->stream(stream));
  run.evaluate(9.0);
  CHECK(run.calls == 2);
  CHECK(run.f[run.sink_row] == 1e-3 * 109.0);

  run.substitute(10.0);
  const int after_pass = run.calls;
  run.evaluate(11.0);
  CHECK(run.calls == after_pass + 1);
  CHECK(run.f[run.sink_row] == 1e-3 * 111.0);
}

namespace {

// A source of Na+ solution at 1e-3 m3/s of *level mol/m3, read at every compute_outlets.
class SettableSource final : public UnitOperation {
 public:
  SettableSource(std::string name, const double& level) : UnitOperation(std::move(name)), level_(&level) {}
  [[nodiscard]] std::string_view type() const override { return "settable_source"; }
  [[nodiscard]] std::vector<std::string> outlet_ports() const override { return {"out"}; }
  [[nodiscard]] Boundary boundary() const override { return Boundary::source; }
  void bind(const ComponentList& components) override { components_ = &components; }
  void compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                       std::span<Stream> outlets) const override {
    (void)t, (void)y, (void)inlets;
    outlets[0] = Stream::empty(*components_);
    outlets[0].aqueous_flow = 1e-3;
    outlets[0].aqueous_moles[static_cast<Eigen::Index>(components_->aqueous_index("Na+", "test"))] =
        1e-3 * *level_;
  }

 private:
  const double* level_;
};

// A 1 m3 tank of Na+ (one state, its moles) that counts its fill_from_inlets calls.
class CountingTank final : public UnitOperation {
 public:
  CountingTank(std::string name, int& fills) : UnitOperation(std::move(name)), fills_(&fills) {}
  [[nodiscard]] std::string_view type() const override { return "counting_tank"; }
  [[nodiscard]] std::vector<std::string> inlet_ports() const override { return {"in"}; }
  [[nodiscard]] std::vector<std::string> outlet_ports() const override { return {"out"}; }
  void bind(const ComponentList& components) override {
    components_ = &components;
    sodium_ = static_cast<Eigen::Index>(components.aqueous_index("Na+", "test"));
  }
  [[nodiscard]] std::size_t state_size() const override { return 1; }
  bool fill_from_inlets(double t, std::span<const Stream> inlets, MutableSpan y) const override {
    (void)t;
    ++*fills_;
    y[0] = inlets[0].aqueous_moles[sodium_] / inlets[0].aqueous_flow;  // 1 m3 at the inlet's concentration
    return true;
  }
  void compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                       std::span<Stream> outlets) const override {
    (void)t;
    outlets[0] = Stream::empty(*components_);
    outlets[0].aqueous_flow = inlets[0].aqueous_flow;
    outlets[0].aqueous_moles[sodium_] = y[0] * inlets[0].aqueous_flow;
  }
  void evaluate(double t, ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const override {
    (void)t;
    f[0] = inlets[0].aqueous_moles[sodium_] - y[0] * inlets[0].aqueous_flow;
  }

 private:
  int* fills_;
  Eigen::Index sodium_ = 0;
};

}  // namespace

TEST_CASE("substitution passes with a fill memory skip a unit whose inlets, block and t are unchanged") {
  auto flowsheet = load_flowsheet_string(R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
equipment:
  brine: {type: feed, flow: 1.0e-3, solution: {Na+: 10, Cl-: 10}}  # brings Na+ into the components
  brine_out: {type: product}
connections:
  - brine.out -> brine_out.in
)",
                                         "memory.yaml");
  double level = 100.0;
  int fills = 0;
  flowsheet.add_unit(std::make_unique<SettableSource>("source", level));
  flowsheet.add_unit(std::make_unique<CountingTank>("tank", fills));
  flowsheet.add_unit(std::make_unique<Product>("out"));
  flowsheet.connect({"source", "out"}, {"tank", "in"});
  flowsheet.connect({"tank", "out"}, {"out", "in"});
  auto system = flowsheet.steady_system();
  REQUIRE(system->size() == 1);
  Vector y = system->initial_state();
  const std::span<double> state(y.data(), system->size());
  System::FillMemory memory;

  CHECK(system->substitution_pass(0.0, state, false, memory));
  CHECK(fills == 1);
  CHECK(y[0] == 100.0);
  // Same inlets, block and t, either direction: the fill is skipped, and still reported as filled.
  CHECK(system->substitution_pass(0.0, state, true, memory));
  CHECK(system->substitution_pass(0.0, state, false, memory));
  CHECK(fills == 1);
  CHECK(y[0] == 100.0);
  // Without a memory every pass fills.
  CHECK(system->substitution_pass(0.0, state));
  CHECK(fills == 2);

  // Each of the three keys brings the fill back.
  y[0] = -1.0;  // the block
  CHECK(system->substitution_pass(0.0, state, false, memory));
  CHECK(fills == 3);
  CHECK(y[0] == 100.0);
  level = 250.0;  // an inlet
  CHECK(system->substitution_pass(0.0, state, false, memory));
  CHECK(fills == 4);
  CHECK(y[0] == 250.0);
  CHECK(system->substitution_pass(5.0, state, false, memory));  // t
  CHECK(fills == 5);
  CHECK(system->substitution_pass(5.0, state, false, memory));
  CHECK(fills == 5);
  // The outlet follows the block whether or not the fill ran.
  const auto& connections = flowsheet.connections();
  const auto tank_out =
      static_cast<std::size_t>(std::find_if(connections.begin(), connections.end(),
                                            [](const Connection& c) { return c.from.unit == "tank"; }) -
                               connections.begin());
  CHECK(system->stream(tank_out).aqueous_moles.sum() == doctest::Approx(250.0 * 1e-3).epsilon(1e-15));
}
