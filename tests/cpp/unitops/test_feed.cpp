// Feed: constant values, steps and ramps as exact functions of time, discontinuities.
#include <doctest/doctest.h>

#include "hydromet/unitops/feed.hpp"
#include "unitops_test_support.hpp"

using namespace hydromet;
using namespace unitops_test;

namespace {

std::unique_ptr<Feed> make_feed() {
  FeedParameters p;
  p.temperature = 300.0 * units::kelvin;
  p.flow = 1e-3 * units::cubic_meter / units::second;
  p.solution = {{"Na+", 100.0 * units::mole / units::cubic_meter}};
  p.solids = {{"scheelite", 0.01 * units::kilogram / units::second}};
  FeedParameters::Step step1;
  step1.at = 100.0 * units::second;
  step1.ramp = 50.0 * units::second;
  step1.solution = {{"Na+", 200.0 * units::mole / units::cubic_meter}};
  FeedParameters::Step step2;
  step2.at = 150.0 * units::second;
  step2.flow = 2e-3 * units::cubic_meter / units::second;
  step2.temperature = 320.0 * units::kelvin;
  step2.solids = {{"scheelite", 0.0 * units::kilogram / units::second}};
  p.schedule = {step1, step2};
  auto feed = std::make_unique<Feed>("f", p);
  feed->bind(components());
  return feed;
}

}  // namespace

TEST_CASE("feed is a source with outlet `out` and restarts at step times and ramp ends") {
  const auto feed = make_feed();
  CHECK(feed->boundary() == Boundary::source);
  CHECK(feed->outlet_ports() == std::vector<std::string>{"out"});
  CHECK(feed->inlet_ports().empty());
  CHECK(feed->state_size() == 0);
  CHECK(feed->discontinuities() == std::vector<double>{100.0, 150.0});
  // A schedule makes the outlet a function of t; without one the flowsheet computes it once.
  CHECK_FALSE(feed->outlets_constant());
  FeedParameters constant = feed->parameters();
  constant.schedule.clear();
  const Feed unscheduled("g", constant);
  CHECK(unscheduled.outlets_constant());
}

TEST_CASE("feed values follow steps and linear ramps exactly") {
  const auto feed = make_feed();
  const double m_scheelite = components().solid_molar_masses()[0];
  const Stream s0 = feed->stream_at(0.0);
  CHECK(s0.aqueous_flow == 1e-3);
  CHECK(s0.temperature == 300.0);
  CHECK(s0.aqueous_moles[1] == doctest::Approx(0.1).epsilon(1e-15));
  CHECK(s0.aqueous_moles[2] == 0.0);
  CHECK(s0.solid_moles(0, 0) == doctest::Approx(0.01 / m_scheelite).epsilon(1e-15));
  CHECK(s0.solid_moles(0, 1) == 0.0);
  // Halfway up the ramp: 150 mol/m3 at the old flow.
  const Stream s125 = feed->stream_at(125.0);
  CHECK(s125.concentration(1) == doctest::Approx(150.0).epsilon(1e-14));
  CHECK(s125.aqueous_flow == 1e-3);
  CHECK(feed->stream_at(110.0).concentration(1) == doctest::Approx(120.0).epsilon(1e-14));
  // The step at 150 s: flow and temperature jump, solids stop; the ramp has ended at 200 mol/m3.
  CHECK(feed->stream_at(149.999).aqueous_flow == 1e-3);
  const Stream s150 = feed->stream_at(150.0);
  CHECK(s150.aqueous_flow == 2e-3);
  CHECK(s150.temperature == 320.0);
  CHECK(s150.aqueous_moles[1] == doctest::Approx(0.4).epsilon(1e-15));
  CHECK(s150.solid_moles.sum() == 0.0);
  const auto outputs = feed->outputs(125.0, {});
  CHECK(outputs[0].name == "flow");
  CHECK(outputs[3].name == "c[Na+]");
  CHECK(outputs[3].value == doctest::Approx(150.0));
  CHECK(outputs[6].name == "solids[scheelite]");
  CHECK(outputs[6].value == doctest::Approx(0.01));
  CHECK(feed->outputs(500.0, {}).size() == outputs.size());
}

TEST_CASE("feed rejects negative values and unordered schedules") {
  FeedParameters p;
  p.flow = -1.0 * units::cubic_meter / units::second;
  CHECK_THROWS_AS(Feed("f", p), InputError);
  p.flow = 1.0 * units::cubic_meter / units::second;
  FeedParameters::Step a;
  a.at = 10.0 * units::second;
  a.ramp = 10.0 * units::second;
  a.flow = p.flow;
  FeedParameters::Step b = a;
  b.at = 15.0 * units::second;
  p.schedule = {a, b};
  CHECK_THROWS_AS(Feed("f", p), InputError);
  p.schedule = {b, a};
  CHECK_THROWS_AS(Feed("f", p), InputError);
}
