// The declared Jacobian pattern covers the Jacobian: every entry that finite differences find at a
// pseudo-random state is in System::jacobian_pattern(), for the reference flowsheets (steady and dynamic
// systems) and for small flowsheets that exercise each unit's options.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/flowsheet/system.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/numerics/jacobian.hpp"
#include "hydromet/numerics/sparsity.hpp"

using namespace hydromet;

namespace {

/// SplitMix64 (Steele, Lea and Flood, OOPSLA 2014): a deterministic generator that needs no library state.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  /// Uniform in [0, 1).
  double uniform() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
    z ^= z >> 31U;
    return static_cast<double>(z >> 11U) * 0x1.0p-53;
  }

 private:
  std::uint64_t state_;
};

/// The initial state, filled from the inlets by a few substitution passes (so that tanks hold what flows
/// in), then perturbed by a relative ±10 %; zero entries get a small share of their scale, so that no entry
/// (and no derivative through a product with it) vanishes by accident.
Vector probe_state(System& system, std::uint64_t seed) {
  Vector y = system.initial_state();
  const std::span<double> view(y.data(), static_cast<std::size_t>(y.size()));
  for (int pass = 0; pass < 4; ++pass) {
    if (!system.substitution_pass(0.0, view)) {
      break;
    }
  }
  const Vector scales = system.state_scales();
  Random random(seed);
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    const double u = random.uniform();
    y[i] = y[i] != 0.0 ? y[i] * (1.0 + 0.2 * (u - 0.5)) : scales[i] * (0.01 + 0.02 * u);
  }
  return y;
}

struct Coverage {
  std::size_t columns = 0;  // probed
  std::size_t found = 0;    // entries the differences show
  std::size_t missing = 0;  // of those, not in the pattern
  std::string first_missing;
  std::string non_finite;
};

/// Probes `columns` of df/dy at y with two forward steps, relative 1e-7 and 1e-5 of max(|y_j|, scale_j). An
/// entry counts as real when both quotients agree to 5 % (round-off does not scale with the step) and the
/// change is above 1e-11 of the row's value; every real entry must be in the pattern.
Coverage probe(System& system, const Vector& y, const std::vector<std::size_t>& columns) {
  const auto pattern = system.jacobian_pattern();
  const auto n = static_cast<Eigen::Index>(system.size());
  const Vector scales = system.state_scales();
  Vector f0(n), f1(n), f2(n);
  const auto evaluate = [&](const Vector& at, Vector& f) {
    system.evaluate(0.0, std::span<const double>(at.data(), static_cast<std::size_t>(n)),
                    std::span<double>(f.data(), static_cast<std::size_t>(n)));
  };
  evaluate(y, f0);
  Coverage result;
  const auto names = system.component_names();
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!std::isfinite(f0[i]) && result.non_finite.empty()) {
      result.non_finite = "f(" + names[static_cast<std::size_t>(i)] + ") is not finite at the probe state";
    }
  }
  Vector shifted = y;
  for (const std::size_t column : columns) {
    const auto j = static_cast<Eigen::Index>(column);
    const double size = std::max(std::abs(y[j]), scales[j]);
    shifted[j] = y[j] + 1e-7 * size;
    const double small_step = shifted[j] - y[j];
    evaluate(shifted, f1);
    shifted[j] = y[j] + 1e-5 * size;
    const double large_step = shifted[j] - y[j];
    evaluate(shifted, f2);
    shifted[j] = y[j];
    ++result.columns;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double change = f1[i] - f0[i];
      if (change == 0.0 || !(std::abs(change) > 1e-11 * std::abs(f0[i]))) {
        continue;
      }
      const double small = change / small_step;
      const double large = (f2[i] - f0[i]) / large_step;
      if (!(std::abs(small - large) <= 0.05 * std::max(std::abs(small), std::abs(large)))) {
        continue;
      }
      ++result.found;
      if (!pattern.contains(static_cast<std::size_t>(i), column)) {
        if (result.missing == 0) {
          std::ostringstream text;
          text << "d f(" << names[static_cast<std::size_t>(i)] << ") / d " << names[column] << " = " << small
               << " is not in the pattern";
          result.first_missing = text.str();
        }
        ++result.missing;
      }
    }
  }
  return result;
}

/// Every column, or `limit` of them drawn without replacement (seeded) when there are more.
std::vector<std::size_t> columns_to_probe(std::size_t n, std::size_t limit, std::uint64_t seed) {
  std::vector<std::size_t> all(n);
  std::iota(all.begin(), all.end(), std::size_t{0});
  if (n <= limit) {
    return all;
  }
  Random random(seed);
  for (std::size_t k = 0; k < limit; ++k) {  // partial Fisher–Yates
    const auto pick = k + static_cast<std::size_t>(random.uniform() * static_cast<double>(n - k));
    std::swap(all[k], all[std::min(pick, n - 1)]);
  }
  all.resize(limit);
  std::sort(all.begin(), all.end());
  return all;
}

void check_system(System& system, const std::string& label, std::size_t limit = 100000,
                  std::uint64_t seed = 20261127) {
  const Vector y = probe_state(system, seed);
  const auto coverage = probe(system, y, columns_to_probe(system.size(), limit, seed + 1));
  const auto pattern = system.jacobian_pattern();
  std::vector<std::size_t> row_counts(system.size(), 0);
  for (const auto row : pattern.row_indices()) {
    ++row_counts[row];
  }
  const auto densest =
      static_cast<std::size_t>(std::max_element(row_counts.begin(), row_counts.end()) - row_counts.begin());
  MESSAGE(label << ": n " << system.size() << ", nnz " << pattern.nonzeros() << ", colours "
                << numerics::colour_columns(pattern).colours << ", densest row "
                << system.component_name(densest) << " (" << row_counts[densest] << "); probed "
                << coverage.columns << " columns, " << coverage.found << " entries found, "
                << coverage.missing << " missing");
  INFO(label << ": " << coverage.first_missing);
  CHECK(coverage.non_finite.empty());
  CHECK(coverage.found > 0);
  CHECK(coverage.missing == 0);
}

/// The finite-difference Jacobian the solvers use (aggregates kept out of the colouring: the rank-one terms
/// assembled by the chain rule) against plain CPR differences on the full pattern, same steps, at a probe
/// state. Both are forward differences of f; they differ by rounding in f
/// (u·|f_i|/δ_j, largest in rows that are big sums such as a sink's element flow) and by their O(δ)
/// truncation, while a wrong chain rule, coefficient, row or column of an aggregate would differ by the whole
/// entry. Returns the largest difference relative to the largest plain entry of its row.
double check_aggregated_jacobian(System& system, const std::string& label, std::uint64_t seed = 20261128) {
  const Vector y = probe_state(system, seed);
  const auto n = static_cast<std::size_t>(y.size());
  const Vector scales = system.state_scales();
  std::vector<double> weights(n);
  for (std::size_t j = 0; j < n; ++j) {
    const auto jj = static_cast<Eigen::Index>(j);
    weights[j] = 1.0 / std::max(std::abs(y[jj]), scales[jj]);
  }
  // Steps of 1e-5 of max(|y_j|, scale_j): above the noise of the nested solves (speciation to a tolerance),
  // which at the solvers' √u steps is as large as the entries of some rows for both methods alike.
  const numerics::DifferenceScaling scaling{weights, 1e-5};
  const std::span<const double> at(y.data(), n);
  numerics::FiniteDifferenceJacobian aggregated(system.jacobian_structure());
  numerics::FiniteDifferenceJacobian plain(system.jacobian_pattern());
  const auto& pattern = plain.pattern();
  REQUIRE(aggregated.pattern() == pattern);
  std::vector<double> aggregated_values(pattern.nonzeros()), plain_values(pattern.nonzeros());
  const std::size_t evaluations = aggregated.compute(system, 0.0, at, {}, scaling, aggregated_values);
  CHECK(evaluations == aggregated.colours() + 1);
  (void)plain.compute(system, 0.0, at, {}, scaling, plain_values);

  std::vector<double> row_size(n, 0.0);
  for (std::size_t k = 0; k < plain_values.size(); ++k) {
    const std::size_t i = pattern.row_indices()[k];
    row_size[i] = std::max(row_size[i], std::abs(plain_values[k]));
  }
  double worst = 0.0;
  std::size_t worst_entry = 0;
  std::size_t nonzero_entries = 0;
  for (std::size_t k = 0; k < plain_values.size(); ++k) {
    const double size = row_size[pattern.row_indices()[k]];
    const double difference = std::abs(aggregated_values[k] - plain_values[k]);
    nonzero_entries += aggregated_values[k] != 0.0 ? 1 : 0;
    if (size > 0.0 ? difference > worst * size : difference > 0.0) {
      worst = size > 0.0 ? difference / size : 1.0;
      worst_entry = k;
    }
  }
  std::size_t worst_column = 0;
  while (pattern.column_pointers()[worst_column + 1] <= worst_entry) {
    ++worst_column;
  }
  MESSAGE(label << ": " << evaluations << " evaluations of f (plain CPR " << plain.colours() + 1 << "), "
                << nonzero_entries << " nonzero entries; largest difference " << worst << " of its row, d "
                << system.component_name(pattern.row_indices()[worst_entry]) << " / d "
                << system.component_name(worst_column) << " (" << aggregated_values[worst_entry]
                << " against " << plain_values[worst_entry] << ")");
  CHECK(aggregated.colours() <= plain.colours());
  CHECK(nonzero_entries > 0);
  // What sets the colours: no colouring needs fewer than the longest row of the matrix it colours.
  const auto lengths = system.jacobian_structure().coloured_row_lengths();
  const auto densest =
      static_cast<std::size_t>(std::max_element(lengths.begin(), lengths.end()) - lengths.begin());
  MESSAGE(label << ": " << aggregated.colours() << " colours; densest coloured row "
                << system.component_name(densest) << " (" << lengths[densest] << ")");
  CHECK(aggregated.colours() >= lengths[densest]);
  return worst;
}

void check_flowsheet(Flowsheet& flowsheet, const std::string& label, std::size_t limit = 100000) {
  {
    auto steady = flowsheet.steady_system();
    check_system(*steady, label + " (steady)", limit);
  }
  auto dynamic = flowsheet.dynamic_system();
  check_system(*dynamic, label + " (dynamic)", limit);
}

// Two leach tanks in series on six core-size classes, two minerals on different reagents; `tank_keys` and
// `kinetics` vary the options. The second tank takes the mixed inlet temperature unless `tank_keys` set one.
std::string leach_train(const std::string& tank_keys, const std::string& scheelite_kinetics,
                        const std::string& extra_reactions = "", const std::string& extra_names = "") {
  return R"(
units: {volume: m3, flow: m3/h, concentration: mol/L, length: um, temperature: degC, mass_flow: kg/h}
size_classes: [100, 85, 70, 55, 40, 25]
reactions:
  soda:
    equation: scheelite + CO3-2 -> calcite + WO4-2
    mineral: scheelite
    reagent: CO3-2
    kinetics: )" +
         scheelite_kinetics + R"(
  silica:
    equation: quartz + 2 OH- -> H2SiO4-2
    mineral: quartz
    reagent: OH-
    kinetics: {control: reaction, order: 1, rate_constant: 4.0e-8 m/s, activation_energy: 50, reference_temperature: 90}
)" + extra_reactions +
         R"(equipment:
  ore:
    type: feed
    flow: 0
    temperature: 25
    solids: {scheelite: 300, quartz: 80, calcite: 20}
  liquor:
    type: feed
    flow: 2.0
    temperature: 60
    solution: {Na+: 3.0, CO3-2: 1.2, OH-: 0.6, H+: 1.0e-9}
  L1:
    type: leach_tank
    mode: continuous
    inlets: 2
    volume: 3.0
    initial_solution: {Na+: 3.0, CO3-2: 1.2, OH-: 0.6}
    reactions: [soda, silica)" +
         extra_names + R"(]
)" + tank_keys +
         R"(
  L2:
    type: leach_tank
    mode: continuous
    volume: 2.0
    initial_solution: {Na+: 3.0, CO3-2: 1.0, OH-: 0.5}
    reactions: [soda, silica)" +
         extra_names + R"(]
)" + tank_keys +
         R"(
  out: {type: product}
connections:
  - ore.out -> L1.in1
  - liquor.out -> L1.in2
  - L1.out -> L2.in
  - L2.out -> out.in
)";
}

const std::string shrinking_core =
    "{control: reaction, order: 1, rate_constant: 2.0e-7 m/s, activation_energy: 60, reference_temperature: "
    "90}";

}  // namespace

TEST_CASE("leach tanks: the declared pattern covers the Jacobian (segregated, lumped, energy balance)") {
  SUBCASE("segregated, fixed temperature") {
    auto flowsheet =
        load_flowsheet_string(leach_train("    temperature: 90\n", shrinking_core), "leach.yaml");
    check_flowsheet(flowsheet, "segregated");
  }
  SUBCASE("segregated, mixed inlet temperature") {
    auto flowsheet = load_flowsheet_string(leach_train("", shrinking_core), "leach.yaml");
    check_flowsheet(flowsheet, "segregated, mixed T");
  }
  SUBCASE("segregated, particles smaller than the top classes (empty classes above the particle size)") {
    auto flowsheet = load_flowsheet_string(
        leach_train("    temperature: 90\n    particle_size: {scheelite: 80, quartz: 60}\n", shrinking_core),
        "leach.yaml");
    check_flowsheet(flowsheet, "segregated, empty top classes");
  }
  SUBCASE("lumped") {
    auto flowsheet = load_flowsheet_string(
        leach_train("    temperature: 90\n    model: lumped\n", shrinking_core), "leach.yaml");
    check_flowsheet(flowsheet, "lumped");
  }
  SUBCASE("energy balance, segregated and lumped") {
    const std::string energy =
        "    temperature: 80\n    energy_balance: {heat_of_reaction: {soda: -45, silica: 30}, heating_duty: "
        "20 kW, "
        "heat_capacity: 3.5 kJ/kg/K, heat_loss_ua: 0.5 kW/K, ambient: 20}\n";
    auto segregated = load_flowsheet_string(leach_train(energy, shrinking_core), "leach.yaml");
    check_flowsheet(segregated, "energy balance");
    auto lumped =
        load_flowsheet_string(leach_train(energy + "    model: lumped\n", shrinking_core), "leach.yaml");
    check_flowsheet(lumped, "energy balance, lumped");
  }
}

TEST_CASE(
    "a stoichiometric reactor between leach tanks: the pattern covers the Jacobian, and products stay out") {
  // Reactions in series: a solid reactant taken from every class, a solid product put in the finest class, a
  // keyed precipitation and a neutralisation making the solvent. Each extent reads its reactants only, so
  // what a product holds in its inlet (calcite's coarse classes) reaches no other outlet scalar.
  std::string text = leach_train("    temperature: 90\n", shrinking_core);
  const std::string reactor = R"(  convert:
    type: reactor
    temperature: 70
    reactions:
      - {equation: scheelite + CO3-2 -> calcite + WO4-2, conversion: 0.3}
      - {equation: Ca+2 + CO3-2 -> calcite, conversion: 0.5, key: Ca+2}
      - {equation: H+ + OH- -> H2O, conversion: 1}
  out: {type: product})";
  const auto replace = [&text](const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  };
  replace("  out: {type: product}", reactor);
  replace("  - L1.out -> L2.in", "  - L1.out -> convert.in\n  - convert.out -> L2.in");
  auto flowsheet = load_flowsheet_string(text, "reactor.yaml");
  check_flowsheet(flowsheet, "leach tank, reactor, leach tank");

  auto system = flowsheet.dynamic_system();
  const auto pattern = system->jacobian_pattern();
  const auto names = system->component_names();
  const auto index = [&names](const std::string& name) {
    const auto at = std::find(names.begin(), names.end(), name);
    REQUIRE(at != names.end());
    return static_cast<std::size_t>(at - names.begin());
  };
  // Dissolved tungstate follows the scheelite taken, not the calcite made.
  CHECK(pattern.contains(index("L2.n[WO4-2]"), index("L1.n_solid[scheelite,0]")));
  CHECK_FALSE(pattern.contains(index("L2.n[WO4-2]"), index("L1.n_solid[calcite,0]")));
  // Calcite's coarse class passes through; the finest gets the new precipitate, from both reactions.
  CHECK_FALSE(pattern.contains(index("L2.n_solid[calcite,0]"), index("L1.n_solid[scheelite,0]")));
  CHECK(pattern.contains(index("L2.n_solid[calcite,5]"), index("L1.n_solid[scheelite,0]")));
  CHECK(pattern.contains(index("L2.n_solid[calcite,5]"), index("L1.n[Ca+2]")));
  // The water made reads the neutralisation's reactants; no extent reads the water.
  CHECK(pattern.contains(index("L2.n[H2O]"), index("L1.n[OH-]")));
  CHECK_FALSE(pattern.contains(index("L2.n[OH-]"), index("L1.n[H2O]")));
}

TEST_CASE("leach tanks: the declared pattern covers the Jacobian (Avrami, expressions, activity orders)") {
  SUBCASE("Avrami") {
    const std::string avrami =
        "{control: avrami, rate_constant: 2.0e-4, exponent: 1, activation_energy: 40, "
        "reference_temperature: 90}";
    auto segregated = load_flowsheet_string(leach_train("    temperature: 90\n", avrami), "leach.yaml");
    check_flowsheet(segregated, "Avrami");
    auto lumped = load_flowsheet_string(leach_train("    model: lumped\n", avrami), "leach.yaml");
    check_flowsheet(lumped, "Avrami, lumped, mixed T");
  }
  SUBCASE("Avrami with n != 1: scheelite resolved over kinetic age (the age classes' own stencils)") {
    for (const std::string exponent : {"2", "0.5"}) {
      const std::string avrami = "{control: avrami, rate_constant: 2.0e-4, exponent: " + exponent +
                                 ", activation_energy: 40, reference_temperature: 90}";
      auto segregated = load_flowsheet_string(leach_train("    temperature: 90\n", avrami), "leach.yaml");
      check_flowsheet(segregated, "Avrami over age, n = " + exponent);
    }
  }
  SUBCASE("rate expression reading concentrations, pH, T and the solids") {
    const std::string expression =
        "{control: expression, rate: "
        "\"k0*c_CO3m2^0.8*(1+c_OHm)*(1-X)^(2/3)*exp(-3000/T)*(1+0.01*pH)*(1+solids/1e4)\", "
        "parameters: {k0: 5.0}}";
    auto segregated = load_flowsheet_string(leach_train("    temperature: 90\n", expression), "leach.yaml");
    check_flowsheet(segregated, "expression");
    auto lumped = load_flowsheet_string(leach_train("    model: lumped\n", expression), "leach.yaml");
    check_flowsheet(lumped, "expression, lumped, mixed T");
  }
  SUBCASE("order in activity with speciation") {
    const std::string activity =
        "{control: reaction, order: 0.8, order_basis: activity, rate_constant: 2.0e-7, "
        "activation_energy: 60, reference_temperature: 90}";
    const std::string speciation =
        "    temperature: 90\n    speciation: {components: [Na+, CO3-2, WO4-2, H+], activity_model: "
        "davies}\n";
    auto flowsheet = load_flowsheet_string(leach_train(speciation, activity), "leach.yaml");
    check_flowsheet(flowsheet, "activity order");
    const std::string expression =
        "{control: expression, rate: \"k0*a_CO3m2^0.5*(15-pH)*(1-X)^(2/3)\", parameters: {k0: 1.0e-4}}";
    auto speciated = load_flowsheet_string(leach_train(speciation, expression), "leach.yaml");
    check_flowsheet(speciated, "expression on activities and pH, speciated");
  }
}

TEST_CASE("solvent extraction: the declared pattern covers the Jacobian (cascades and single stages)") {
  SUBCASE("sx_cascade, mass action, closed sealed loop, extraction and strip; settlers, acidity") {
    const auto sealed = [](const std::string& keys) {
      return R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: FeA3, formula: Fe(C16H34O4P)3, phase: organic, source: "Fe(III)-D2EHPA complex, test"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {Fe+3: 10, H+: 50, SO4-2: 40}}
  acid: {type: feed, flow: 0.5e-3, solution: {H+: 1500, SO4-2: 750}}
  raffinate: {type: product}
  liquor: {type: product}
  sx:
    type: sx_cascade
    mixer_volume: 2.0
    extraction:
      - {metal: Fe+3, complex: FeA3, reactants: {D2EHPA: 3}, products: {H+: 3}, law: {type: mass_action, K: 2.0}}
    sections: {extraction: {stages: 4}, strip: {stages: 3}}
    loop: closed
    circulating_flow: 1.0e-3
    mixer_phase_ratio: 1.0
    loop_organic: {D2EHPA: 200}
)" + keys + R"(connections:
  - feed.out -> sx.feed
  - acid.out -> sx.strip_feed
  - sx.raffinate -> raffinate.in
  - sx.strip_out -> liquor.in
)";
    };
    auto settled =
        load_flowsheet_string(sealed("    settler: {aqueous_volume: 1.0, organic_volume: 1.0}\n"), "sx.yaml");
    check_flowsheet(settled, "sx_cascade sealed loop, settlers");
    auto mixers = load_flowsheet_string(sealed(""), "sx.yaml");
    check_flowsheet(mixers, "sx_cascade sealed loop, mixers only");
    auto acidity = load_flowsheet_string(
        sealed("    acidity: {components: [H+, SO4-2], activity_model: ideal}\n"), "sx.yaml");
    check_flowsheet(acidity, "sx_cascade sealed loop, speciated acidity");
  }
  SUBCASE("sx_cascade, closed loop with make-up and bleed, co-current, rate mode with settlers") {
    auto flowsheet = load_flowsheet_string(R"(
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
    flow: co_current
    mode: rate
    mass_transfer: 0.1
    extraction:
      - {metal: Fe+3, complex: FeA3, reactants: {D2EHPA: 3}, products: {H+: 3}, law: {type: mass_action, K: 2.0}}
    sections: {extraction: {stages: 3}, strip: {stages: 2}}
    loop: closed
    bleed: 0.01
connections:
  - feed.out -> sx.feed
  - acid.out -> sx.strip_feed
  - makeup.out -> sx.makeup
  - sx.raffinate -> raffinate.in
  - sx.strip_out -> liquor.in
  - sx.bleed -> bleed.in
)",
                                           "sx.yaml");
    check_flowsheet(flowsheet, "sx_cascade closed loop with bleed, co-current, rate");
  }
  SUBCASE("sx_cascade, constant laws, open loop with scrub and entrainment, rate mode") {
    const std::string body = R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: WO4(org), formula: WO4, phase: organic, source: "test"}
  - {name: PO4(org), formula: PO4, phase: organic, source: "test"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {WO4-2: 20, PO4-3: 2, Na+: 46}}
  scrub: {type: feed, flow: 0.2e-3, solution: {Na+: 10, Cl-: 10}}
  strip: {type: feed, flow: 0.3e-3, solution: {NH3: 100}}
  solvent: {type: organic_feed, flow: 1.0e-3}
  raffinate: {type: product}
  scrubbed: {type: product}
  stripped: {type: product}
  barren: {type: product}
  sx:
    type: sx_cascade
    mixer_volume: 1.0
    entrainment: {aqueous_in_organic: 0.002, organic_in_aqueous: 0.001}
)";
    const std::string tail = R"(    extraction:
      - {metal: WO4-2, complex: WO4(org), law: {type: constant, D: 8}}
      - {metal: PO4-3, complex: PO4(org), law: {type: constant, D: 0.5}}
    sections:
      extraction: {stages: 3}
      scrub: {stages: 2}
      strip:
        stages: 2
        extraction:
          - {metal: WO4-2, complex: WO4(org), law: {type: constant, D: 0.1}}
          - {metal: PO4-3, complex: PO4(org), law: {type: constant, D: 0.05}}
connections:
  - feed.out -> sx.feed
  - scrub.out -> sx.scrub_feed
  - strip.out -> sx.strip_feed
  - solvent.out -> sx.organic_in
  - sx.raffinate -> raffinate.in
  - sx.scrub_out -> scrubbed.in
  - sx.strip_out -> stripped.in
  - sx.organic_out -> barren.in
)";
    auto equilibrium = load_flowsheet_string(body + tail, "sx.yaml");
    check_flowsheet(equilibrium, "sx_cascade open, equilibrium");
    auto rate = load_flowsheet_string(body + "    mode: rate\n    mass_transfer: 0.05\n" + tail, "sx.yaml");
    check_flowsheet(rate, "sx_cascade open, rate");
    auto ode = load_flowsheet_string(body + "    formulation: ode\n" + tail, "sx.yaml");
    check_flowsheet(ode, "sx_cascade open, formulation: ode");
    // The feed through a tank: the cascade's flows (ode: read from its inlets) then depend on the tank's
    // states.
    std::string buffered = body + "    formulation: ode\n" + tail;
    buffered.replace(buffered.find("  sx:\n"), 0, "  buffer: {type: tank, volume: 0.5}\n");
    buffered.replace(buffered.find("  - feed.out -> sx.feed"), 23,
                     "  - feed.out -> buffer.in\n  - buffer.out -> sx.feed");
    auto through_tank = load_flowsheet_string(buffered, "sx.yaml");
    check_flowsheet(through_tank, "sx_cascade open, formulation: ode, fed through a tank");
  }
  SUBCASE("mixer_settler stages and a reactor") {
    auto flowsheet = load_flowsheet_string(R"(
units: {volume: m3, flow: m3/h, concentration: mol/L, temperature: degC}
species:
  - {name: WO4(org), formula: WO4, phase: organic, source: "test"}
equipment:
  feed: {type: feed, flow: 2.0, temperature: 30, solution: {WO4-2: 0.2, Na+: 0.6, OH-: 0.2}}
  acid: {type: feed, flow: 0.2, temperature: 25, solution: {H+: 2.0, Cl-: 2.0}}
  neutral:
    type: reactor
    inlets: 2
    temperature: 40
    reactions:
      - {equation: H+ + OH- -> H2O, conversion: 1}
  solvent: {type: organic_feed, flow: 2.0}
  E1: &stage
    type: mixer_settler
    volume: 3.0
    temperature: 40
    entrainment: {aqueous_in_organic: 0.002, organic_in_aqueous: 0.0005}
    extraction:
      - {metal: WO4-2, complex: WO4(org), law: {type: constant, D: 5}}
  E2: *stage
  raffinate: {type: product}
  loaded: {type: product}
connections:
  - feed.out -> neutral.in1
  - acid.out -> neutral.in2
  - neutral.out -> E1.aqueous_in
  - E1.aqueous_out -> E2.aqueous_in
  - E2.organic_out -> E1.organic_in
  - solvent.out -> E2.organic_in
  - E2.aqueous_out -> raffinate.in
  - E1.organic_out -> loaded.in
)",
                                           "stages.yaml");
    check_flowsheet(flowsheet, "mixer_settler + reactor");
  }
}

TEST_CASE("crystalliser: the declared pattern covers the Jacobian") {
  auto flowsheet = load_flowsheet_string(R"(
units: {volume: m3, flow: m3/h, concentration: mol/m3, length: um, temperature: degC}
equipment:
  liquor:
    type: feed
    flow: 1
    temperature: 25
    solution: {Ca+2: 2, WO4-2: 2, Na+: 4, Cl-: 4}
  cryst:
    type: crystallizer
    volume: 1
    temperature: 25
    product: scheelite
    components: [Ca+2, WO4-2, Na+, Cl-, H+]
    grid: {min: 0, max: 200, classes: 12}
    limiter: van_leer
    nucleation: {primary_rate_constant: 1.0e8, primary_order: 2}
    growth: {rate_constant: 1.0e-8 m/s, order: 1}
  settle: {type: tank, volume: 0.5}
  out: {type: product}
connections:
  - liquor.out -> cryst.in
  - cryst.out -> settle.in
  - settle.out -> out.in
)",
                                         "cryst.yaml");
  check_flowsheet(flowsheet, "crystallizer");
}

TEST_CASE(
    "crystalliser with seed crystals fed, secondary nucleation, size-dependent growth, evaporation, "
    "co-precipitation: the declared pattern covers the Jacobian") {
  for (const std::string law : {"homogeneous", "logarithmic"}) {
    auto flowsheet = load_flowsheet_string(R"(
units: {volume: m3, flow: m3/h, concentration: mol/m3, length: um, temperature: degC, mass_flow: kg/h}
species:
  - {name: MoO4-2, formula: MoO4-2, phase: aqueous, source: test impurity ion}
  - {name: powellite, formula: CaMoO4, phase: solid, density: 4250, source: test impurity solid}
size_classes: [150, 100, 50]
equipment:
  liquor:
    type: feed
    flow: 1
    temperature: 25
    solution: {Ca+2: 2.1, WO4-2: 2, MoO4-2: 0.1, Na+: 4.2, Cl-: 4.2}
  seed: {type: feed, flow: 0.1, temperature: 25, solution: {Na+: 1, Cl-: 1}, solids: {scheelite: 0.5, powellite: 0.01}}
  cryst:
    type: crystallizer
    inlets: 2
    volume: 1
    temperature: 25
    product: scheelite
    components: [Ca+2, WO4-2, MoO4-2, Na+, Cl-, H+]
    grid: {min: 0, max: 200, classes: 12}
    limiter: koren
    nucleation: {primary_rate_constant: 1.0e8, primary_order: 2, secondary_rate_constant: 1.0e6, secondary_order: 1}
    growth: {rate_constant: 1.0e-8 m/s, order: 1, asl_gamma: 1.0e4, asl_exponent: 0.5}
    concentration_factor: 1.5
    impurities:
      - {solid: powellite, ion: MoO4-2, replaces: WO4-2, law: )" +
                                               law + R"(, coefficient: 0.5}
  out: {type: product}
connections:
  - liquor.out -> cryst.in1
  - seed.out -> cryst.in2
  - cryst.out -> out.in
)",
                                           "cryst.yaml");
    check_flowsheet(flowsheet, "crystallizer, " + law + " co-precipitation");
  }
}

TEST_CASE("reference flowsheets: the declared pattern covers the Jacobian (every column)") {
  const std::filesystem::path directory = std::filesystem::path(HYDROMET_SOURCE_DIR) / "flowsheets";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().extension() == ".yaml") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  CHECK(files.size() >= 4);
  for (const auto& file : files) {
    auto flowsheet = load_flowsheet(file.string());
    check_flowsheet(flowsheet, file.filename().string());
  }
}

TEST_CASE("sx_cascade of 50 and 500 stages: the pattern grows linearly and the colours stay") {
  const auto cascade = [](int stages) {
    return R"(
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: FeA3, formula: Fe(C16H34O4P)3, phase: organic, source: "Fe(III)-D2EHPA complex, test"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {Fe+3: 60, H+: 5, SO4-2: 93}}
  solvent: {type: organic_feed, flow: 1.0e-3, composition: {D2EHPA: 200}}
  raffinate: {type: product}
  loaded: {type: product}
  sx:
    type: sx_cascade
    mixer_volume: 2.0
    settler: {aqueous_volume: 1.0, organic_volume: 1.0}
    extraction:
      - {metal: Fe+3, complex: FeA3, reactants: {D2EHPA: 3}, products: {H+: 3}, law: {type: mass_action, K: 2.0}}
    sections: {extraction: {stages: )" +
           std::to_string(stages) + R"(}}
connections:
  - feed.out -> sx.feed
  - solvent.out -> sx.organic_in
  - sx.raffinate -> raffinate.in
  - sx.organic_out -> loaded.in
)";
  };
  std::vector<std::size_t> nonzeros;
  std::vector<std::size_t> colours;
  for (const int stages : {50, 500}) {
    auto flowsheet = load_flowsheet_string(cascade(stages), "sx.yaml");
    for (const bool dynamic : {false, true}) {
      auto system = dynamic ? flowsheet.dynamic_system() : flowsheet.steady_system();
      const auto pattern = system->jacobian_pattern();
      nonzeros.push_back(pattern.nonzeros());
      colours.push_back(numerics::colour_columns(pattern).colours);
      check_system(*system, std::to_string(stages) + " stages" + (dynamic ? " (dynamic)" : " (steady)"), 150);
    }
  }
  // Interior stages all look alike, so 450 more stages add 450 times one stage's entries, fewer than one
  // dense stage block (the dense cascade had three per stage); the colours do not grow.
  const std::size_t stage_size = 12;  // 2 x (Fe+3, H+, SO4-2) + 2 x (D2EHPA, FeA3) + 2 flows
  for (const std::size_t steady_or_dynamic : {0U, 1U}) {
    const std::size_t added = nonzeros[2 + steady_or_dynamic] - nonzeros[steady_or_dynamic];
    CHECK(added % 450 == 0);
    CHECK(added / 450 < stage_size * stage_size);
    CHECK(colours[2 + steady_or_dynamic] == colours[steady_or_dynamic]);
  }
}

namespace {

// The steady and the dynamic system of each continuous reference plant.
template <typename Check>
void for_each_reference_system(Check check) {
  const std::filesystem::path directory = std::filesystem::path(HYDROMET_SOURCE_DIR) / "flowsheets";
  for (const std::string name :
       {"w_wolframite_to_apt", "w_scheelite_soda", "nbta_hf_sx", "tailings_w_byproduct"}) {
    auto flowsheet = load_flowsheet((directory / (name + ".yaml")).string());
    for (const bool dynamic : {false, true}) {
      auto system = dynamic ? flowsheet.dynamic_system() : flowsheet.steady_system();
      check(*system, name, dynamic);
    }
  }
}

}  // namespace

TEST_CASE(
    "reference flowsheets: the aggregated finite-difference Jacobian agrees with plain CPR differences") {
  // Measured with steps of 1e-5: at most 1.6e-4 of the row (d mother_liquor.cumulative[Ca] / d
  // autoclave3.q_org in w_scheelite_soda, where the two differ by their O(δ) truncation and the
  // crystalliser's nested speciation noise; a step sweep puts the true value between them), below 2e-5
  // elsewhere. A missing or wrong rank-one term would differ by the whole entry, 1.
  for_each_reference_system([](System& system, const std::string& name, bool dynamic) {
    CHECK(check_aggregated_jacobian(system, name + (dynamic ? " (dynamic)" : " (steady)")) < 1e-3);
  });
}

namespace {

// The System seen only through the generic interface: its column groups are evaluated in full
// (SemiExplicitSystem's default evaluate_aggregated_near).
class FullEvaluations : public numerics::SemiExplicitSystem {
 public:
  explicit FullEvaluations(System& system) : system_(system) {}
  std::size_t size() const override { return system_.size(); }
  void evaluate(double t, std::span<const double> y, std::span<double> f) override {
    system_.evaluate(t, y, f);
  }
  std::vector<bool> differential_rows() const override { return system_.differential_rows(); }
  numerics::SparsityPattern jacobian_pattern() const override { return system_.jacobian_pattern(); }
  numerics::JacobianStructure jacobian_structure() const override { return system_.jacobian_structure(); }
  void evaluate_aggregated(double t, std::span<const double> y, std::span<const double> held,
                           std::span<double> f, std::span<double> intermediates,
                           std::span<double> aggregates) override {
    system_.evaluate_aggregated(t, y, held, f, intermediates, aggregates);
  }

 private:
  System& system_;
};

}  // namespace

TEST_CASE(
    "reference flowsheets: column groups evaluated from the previous evaluation give the full ones' bits") {
  // System::evaluate_aggregated_near re-evaluates only the units a group's columns and held aggregates reach
  // (in the W plant most of its 62 groups touch one to four units). The Jacobian must be the same to the bit
  // as with every group evaluated in full, at a probe state and at the initial state.
  for_each_reference_system([](System& system, const std::string& name, bool dynamic) {
    CAPTURE(name);
    CAPTURE(dynamic);
    const Vector probe = probe_state(system, 20261129);
    for (const Vector& y : {probe, Vector(system.initial_state())}) {
      const auto n = static_cast<std::size_t>(y.size());
      const Vector scales = system.state_scales();
      std::vector<double> weights(n);
      for (std::size_t j = 0; j < n; ++j) {
        weights[j] = 1.0 / (1e-8 * std::abs(y[static_cast<Eigen::Index>(j)]) +
                            1e-12 * scales[static_cast<Eigen::Index>(j)]);
      }
      const numerics::DifferenceScaling scaling{weights, 1.0};
      const std::span<const double> at(y.data(), n);
      numerics::FiniteDifferenceJacobian near(system.jacobian_structure());
      numerics::FiniteDifferenceJacobian full(system.jacobian_structure());
      std::vector<double> near_values(near.pattern().nonzeros()), full_values(full.pattern().nonzeros());
      FullEvaluations generic(system);
      (void)full.compute(generic, 0.0, at, {}, scaling, full_values);
      (void)near.compute(system, 0.0, at, {}, scaling, near_values);
      std::size_t differing = 0;
      std::size_t nonzero = 0;
      for (std::size_t k = 0; k < near_values.size(); ++k) {
        differing += near_values[k] != full_values[k] ? 1 : 0;
        nonzero += full_values[k] != 0.0 ? 1 : 0;
      }
      CHECK(nonzero > 0);
      CHECK(differing == 0);
    }
    // A plain evaluation in between changes the streams: the next group starts afresh, same bits.
    const Vector y = probe;
    const auto n = static_cast<std::size_t>(y.size());
    const auto structure = system.jacobian_structure();
    std::vector<double> f(n), f_full(n), z(structure.intermediates.size()), a(structure.aggregates.size());
    std::vector<double> z_full(z.size()), a_full(a.size());
    system.evaluate_aggregated(0.0, std::span<const double>(y.data(), n), {}, f, z, a);
    const std::vector<double> held = a;
    Vector moved = y * 1.01;
    system.evaluate(0.0, std::span<const double>(moved.data(), n), f);
    Vector shifted = y;
    shifted[0] *= 1.001;
    const auto near =
        system.evaluate_aggregated_near(0.0, std::span<const double>(shifted.data(), n), held, f, z, a);
    // (the views are valid until the next evaluation)
    const std::vector<double> f_near(near.f.begin(), near.f.end());
    const std::vector<double> z_near(near.intermediates.begin(), near.intermediates.end());
    const std::vector<double> a_near(near.aggregates.begin(), near.aggregates.end());
    system.evaluate_aggregated(0.0, std::span<const double>(shifted.data(), n), held, f_full, z_full, a_full);
    CHECK(f_near == f_full);
    CHECK(z_near == z_full);
    CHECK(a_near == a_full);
  });
}
