// Tracer response of stirred tanks in series. A step of tracer (Na+, Cl-) at t = 0 into N equal, initially
// tracer-free, perfectly mixed tanks of residence time tau = V/Q each gives at the outlet of tank N the
// Erlang (gamma) cumulative distribution (Levenspiel, Chemical Reaction Engineering, 3rd ed., 1999, ch. 14,
// tanks-in- series model; Fogler, Elements of Chemical Reaction Engineering, 4th ed., eq. 14-7):
//   c_N / c_in = 1 - exp(-t/tau) sum_{k<N} (t/tau)^k / k!
// N = 1 is the single-tank response 1 - exp(-t/tau). With the feed and product as the plant boundary, the
// inventory change equals the integrated feed minus the integrated product:
//   int_0^t Q c_in = Q c_in t,   int_0^t Q c_N = Q c_in (t - tau sum_{k=1..N} F_k(t/tau)),
// with F_k the k-tank response above.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <string>

#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/unitops/feed.hpp"
#include "hydromet/unitops/product.hpp"
#include "hydromet/unitops/stirred_tank.hpp"

using namespace hydromet;

namespace {

constexpr double flow = 1e-3;   // Q [m3/s]
constexpr double volume = 3.6;  // V [m3] per tank
constexpr double tau = 3600.0;  // V / Q [s]
constexpr double c_in = 100.0;  // [mol/m3] of Na+ and of Cl-

// Erlang response of k tanks at x = t / tau.
double response(int tanks, double x) {
  double sum = 0.0;
  double term = 1.0;
  for (int k = 0; k < tanks; ++k) {
    sum += term;
    term *= x / (k + 1);
  }
  return 1.0 - std::exp(-x) * sum;
}

std::unique_ptr<Flowsheet> chain(int tanks) {
  auto flowsheet = std::make_unique<Flowsheet>(Database::bundled());
  flowsheet->set_components({"Na+", "Cl-"}, {});
  FeedParameters feed;
  feed.flow = flow * units::cubic_meter / units::second;
  feed.solution = {{"Na+", c_in * units::mole / units::cubic_meter},
                   {"Cl-", c_in * units::mole / units::cubic_meter}};
  flowsheet->add_unit(std::make_unique<Feed>("feed", feed));
  std::string upstream = "feed";
  for (int n = 1; n <= tanks; ++n) {
    StirredTankParameters tank;
    tank.volume = volume * units::cubic_meter;
    const std::string name = "tank" + std::to_string(n);
    flowsheet->add_unit(std::make_unique<StirredTank>(name, tank));
    flowsheet->connect({upstream, "out"}, {name, "in"});
    upstream = name;
  }
  flowsheet->add_unit(std::make_unique<Product>("product"));
  flowsheet->connect({upstream, "out"}, {"product", "in"});
  return flowsheet;
}

}  // namespace

TEST_CASE("N = 1, 2, 3, 5 tanks in series follow the Erlang response to 1e-7, and the plant balance closes") {
  for (const int tanks : {1, 2, 3, 5}) {
    auto flowsheet = chain(tanks);
    std::vector<double> times{0.0};
    for (const double x : {0.25, 0.5, 1.0, 2.0, 4.0, 8.0}) {
      times.push_back(x * tau * tanks);
    }
    SimulationOptions options;
    options.relative_tolerance = 1e-11;
    options.absolute_tolerance = 1e-13;
    const auto result = flowsheet->simulate(times, options);
    for (int n = 1; n <= tanks; ++n) {
      const Vector na = result.output("tank" + std::to_string(n) + ".c[Na+]");
      const Vector cl = result.output("tank" + std::to_string(n) + ".c[Cl-]");
      CHECK(na[0] == 0.0);
      for (std::size_t k = 1; k < times.size(); ++k) {
        const double expected = c_in * response(n, times[k] / tau);
        const auto row = static_cast<Eigen::Index>(k);
        INFO(tanks << " tanks, tank " << n << ", t/tau = " << times[k] / tau << ": " << na[row] << " vs "
                   << expected);
        CHECK(std::abs(na[row] / expected - 1.0) < 1e-7);
        CHECK(std::abs(cl[row] / expected - 1.0) < 1e-7);
      }
    }
    // Plant balance of Na over the run.
    const auto& elements = result.balance.elements;
    const auto na_row =
        static_cast<Eigen::Index>(std::find(elements.begin(), elements.end(), "Na") - elements.begin());
    REQUIRE(na_row < static_cast<Eigen::Index>(elements.size()));
    const double t_end = times.back();
    const double x_end = t_end / tau;
    double held = 0.0;
    for (int n = 1; n <= tanks; ++n) {
      held += response(n, x_end);
    }
    const double fed = flow * c_in * t_end;
    const double produced = flow * c_in * (t_end - tau * held);
    const double accumulated = result.balance.final[na_row] - result.balance.initial[na_row];
    INFO(tanks << " tanks: accumulated " << accumulated << ", fed - produced " << fed - produced);
    CHECK(std::abs(accumulated - (fed - produced)) < 1e-7 * (fed - produced));
    // Integrated boundary flows from the flowsheet: against the analytic integrals and closing the balance.
    CHECK(std::abs(result.balance.inflow[na_row] / fed - 1.0) < 1e-10);
    CHECK(std::abs(result.balance.outflow[na_row] / produced - 1.0) < 1e-7);
    CHECK(result.balance.closure() < 1e-10);
  }
}
