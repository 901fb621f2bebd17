// The continuous leach tank's reaction totals as Jacobian aggregates (UnitOperation::state_aggregates): the
// finite-difference Jacobian the solvers use, with the totals' rank-one terms assembled by the chain rule,
// equals an uncoloured column-by-column difference of f with the same steps, and its colours do not grow with
// the number of size classes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/flowsheet/system.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/numerics/jacobian.hpp"
#include "hydromet/numerics/sparsity.hpp"

using namespace hydromet;

namespace {

// Two tanks in series, scheelite and quartz on different reagents, on `classes` core-size classes from
// 100 um down; `tank_keys` and `kinetics` (of scheelite) vary the options.
std::string train(std::size_t classes, const std::string& tank_keys, const std::string& kinetics) {
  std::string sizes;
  for (std::size_t k = 0; k < classes; ++k) {
    sizes += (k == 0 ? "" : ", ") +
             std::to_string(100.0 - 95.0 * static_cast<double>(k) / static_cast<double>(classes));
  }
  std::string text = R"(
units: {volume: m3, flow: m3/h, concentration: mol/L, length: um, temperature: degC, mass_flow: kg/h}
size_classes: [)";
  text += sizes;
  text += R"(]
reactions:
  soda:
    equation: scheelite + CO3-2 -> calcite + WO4-2
    mineral: scheelite
    reagent: CO3-2
    kinetics: )";
  text += kinetics;
  text += R"(
  silica:
    equation: quartz + 2 OH- -> H2SiO4-2
    mineral: quartz
    reagent: OH-
    kinetics: {control: reaction, order: 1, rate_constant: 4.0e-8 m/s, activation_energy: 50, reference_temperature: 90}
equipment:
  ore: {type: feed, flow: 0, temperature: 25, solids: {scheelite: 300, quartz: 80, calcite: 20}}
  liquor: {type: feed, flow: 2.0, temperature: 60, solution: {Na+: 3.0, CO3-2: 1.2, OH-: 0.6, H+: 1.0e-9}}
  L1:
    type: leach_tank
    mode: continuous
    inlets: 2
    volume: 3.0
    initial_solution: {Na+: 3.0, CO3-2: 1.2, OH-: 0.6}
    reactions: [soda, silica]
)";
  text += tank_keys;
  text += R"(
  L2:
    type: leach_tank
    mode: continuous
    volume: 2.0
    initial_solution: {Na+: 3.0, CO3-2: 1.0, OH-: 0.5}
    reactions: [soda, silica]
)";
  text += tank_keys;
  text += R"(
  out: {type: product}
connections:
  - ore.out -> L1.in1
  - liquor.out -> L1.in2
  - L1.out -> L2.in
  - L2.out -> out.in
)";
  return text;
}

const std::string reaction_control =
    "{control: reaction, order: 1, rate_constant: 2.0e-7 m/s, activation_energy: 60, reference_temperature: "
    "90}";

/// A state with every class and species populated: the tanks filled from their inlets by substitution
/// passes, then each entry moved by a fixed pseudo-random relative amount within ±10 % (zeros get 1 % of
/// their scale), so that no derivative vanishes by accident.
Vector probe_state(System& system) {
  Vector y = system.initial_state();
  const std::span<double> view(y.data(), static_cast<std::size_t>(y.size()));
  for (int pass = 0; pass < 4 && system.substitution_pass(0.0, view); ++pass) {
  }
  const Vector scales = system.state_scales();
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    const double u = std::fmod(0.6180339887 * static_cast<double>(i + 1), 1.0);  // in [0, 1)
    y[i] = y[i] != 0.0 ? y[i] * (1.0 + 0.2 * (u - 0.5)) : scales[i] * (0.01 + 0.02 * u);
  }
  return y;
}

struct Comparison {
  double worst = 0.0;             // largest |aggregated − plain| relative to the largest entry of its row
  std::size_t compared = 0;       // nonzero plain entries
  std::size_t colours = 0;        // evaluations the aggregated Jacobian makes per colour
  std::size_t plain_colours = 0;  // CPR colours of the full pattern
  std::size_t outside = 0;        // plain entries not in the pattern
  std::string worst_entry;        // d row / d column of the largest difference
  // The same in the energy balances' temperature rows: sums of enthalpy flows far larger than the changes
  // the steps make, so rounding of order u·|terms|/δ shows in both quotients (measured 1.3e-6 of the row
  // at δ = 1e-6, 4.8e-6 at 1e-7, in d T / d q_org: growing as the step shrinks, i.e. rounding).
  double worst_temperature = 0.0;
};

/// The solvers' finite-difference Jacobian (aggregates) against one column at a time, same steps
/// δ_j = 1e-7 max(|y_j|, scale_j). Both are forward differences of the same f with the same steps: the
/// aggregated one sums the per-class differences through the chain rule, the plain one differences the
/// sum. Where f is linear in the totals with constant coefficients (the solution rows) they agree to
/// rounding; the energy balance divides the heat of reaction by the slurry mass, which reads the solids, so
/// there they differ by the O(δ) cross term ∂²f/∂a∂y δ (measured: 1.3e-6 of the row at δ = 1e-6, 1.3e-7 at
/// 1e-7). A missing class, a wrong row or coefficient differs by the whole entry.
Comparison compare(System& system) {
  const Vector y = probe_state(system);
  const auto n = static_cast<std::size_t>(y.size());
  const Vector scales = system.state_scales();
  std::vector<double> weights(n);
  for (std::size_t j = 0; j < n; ++j) {
    const auto jj = static_cast<Eigen::Index>(j);
    weights[j] = 1.0 / std::max(std::abs(y[jj]), scales[jj]);
  }
  const double relative_step = 1e-7;
  const numerics::DifferenceScaling scaling{weights, relative_step};
  numerics::FiniteDifferenceJacobian aggregated(system.jacobian_structure());
  const auto& pattern = aggregated.pattern();
  std::vector<double> values(pattern.nonzeros());
  const std::span<const double> at(y.data(), n);
  aggregated.compute(system, 0.0, at, {}, scaling, values);

  std::vector<double> f0(n), f1(n), shifted(at.begin(), at.end());
  system.evaluate(0.0, at, f0);
  std::vector<std::vector<double>> plain(n);  // plain[j] = column j
  for (std::size_t j = 0; j < n; ++j) {
    shifted[j] = y[static_cast<Eigen::Index>(j)] + std::max(relative_step / weights[j], 0.0);
    const double step = shifted[j] - y[static_cast<Eigen::Index>(j)];
    system.evaluate(0.0, shifted, f1);
    shifted[j] = y[static_cast<Eigen::Index>(j)];
    plain[j].resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      plain[j][i] = (f1[i] - f0[i]) / step;
    }
  }
  std::vector<double> row_size(n, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t i = 0; i < n; ++i) {
      row_size[i] = std::max(row_size[i], std::abs(plain[j][i]));
    }
  }
  Comparison result;
  result.colours = aggregated.colours();
  result.plain_colours = numerics::colour_columns(pattern).colours;
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t position = pattern.find(i, j);
      const double value = position == numerics::SparsityPattern::npos ? 0.0 : values[position];
      if (plain[j][i] != 0.0) {
        ++result.compared;
        result.outside += position == numerics::SparsityPattern::npos ? 1 : 0;
      }
      if (!(row_size[i] > 0.0)) {
        continue;
      }
      const double difference = std::abs(value - plain[j][i]) / row_size[i];
      if (system.component_name(i).ends_with(".T")) {
        result.worst_temperature = std::max(result.worst_temperature, difference);
      } else if (difference > result.worst) {
        result.worst = difference;
        result.worst_entry = "d " + system.component_name(i) + " / d " + system.component_name(j);
      }
    }
  }
  return result;
}

void check_variant(const std::string& label, const std::string& tank_keys, const std::string& kinetics) {
  auto flowsheet = load_flowsheet_string(train(6, tank_keys, kinetics), "leach.yaml");
  for (const bool dynamic : {false, true}) {
    auto system = dynamic ? flowsheet.dynamic_system() : flowsheet.steady_system();
    const Comparison result = compare(*system);
    const std::string name = label + (dynamic ? std::string(" (dynamic)") : std::string(" (steady)"));
    MESSAGE(name << ": n " << system->size() << ", colours " << result.colours << " (plain CPR "
                 << result.plain_colours << "), " << result.compared
                 << " entries compared, largest difference " << result.worst << " of its row ("
                 << result.worst_entry << "), in temperature rows " << result.worst_temperature);
    CHECK(result.compared > 0);
    CHECK(result.outside == 0);
    CHECK(result.worst < 1e-6);
    CHECK(result.worst_temperature < 1e-4);
    CHECK(result.colours <= result.plain_colours);
  }
}

}  // namespace

TEST_CASE("leach tank: the aggregated finite-difference Jacobian equals column-by-column differences") {
  SUBCASE("reaction control, fixed temperature") {
    check_variant("reaction control", "    temperature: 90\n", reaction_control);
  }
  SUBCASE("mixed control, particles smaller than the top classes, mixed inlet temperature") {
    check_variant("mixed control", "    particle_size: {scheelite: 80, quartz: 60}\n",
                  "{control: mixed, rate_constant: 8e-8 m/s, diffusivity: 1e-11 m2/s}");
  }
  SUBCASE("Avrami n = 2, scheelite resolved over kinetic age") {
    check_variant("Avrami over age", "    temperature: 90\n",
                  "{control: avrami, rate_constant: 2.0e-4, exponent: 2, activation_energy: 40, "
                  "reference_temperature: 90}");
  }
  SUBCASE("energy balance with heats of reaction (the temperature row reads the totals)") {
    check_variant("energy balance",
                  "    temperature: 80\n    energy_balance: {heat_of_reaction: {soda: -45, silica: 30}, "
                  "heating_duty: 20 kW, heat_capacity: 3.5 kJ/kg/K, heat_loss_ua: 0.5 kW/K, ambient: 20}\n",
                  reaction_control);
  }
}

TEST_CASE("leach tank: the Jacobian's colours do not grow with the number of size classes") {
  std::vector<std::size_t> colours;
  std::vector<std::size_t> plain;
  for (const std::size_t classes : {12U, 48U}) {
    auto flowsheet =
        load_flowsheet_string(train(classes, "    temperature: 90\n", reaction_control), "leach.yaml");
    auto system = flowsheet.dynamic_system();
    const numerics::FiniteDifferenceJacobian jacobian(system->jacobian_structure());
    colours.push_back(jacobian.colours());
    plain.push_back(numerics::colour_columns(jacobian.pattern()).colours);
    MESSAGE(classes << " classes: " << jacobian.colours() << " colours (plain CPR " << plain.back() << ")");
  }
  CHECK(colours[1] == colours[0]);
  CHECK(plain[1] >= 48);  // the solution rows read every class of a mineral
}
