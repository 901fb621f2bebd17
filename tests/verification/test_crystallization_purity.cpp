// Co-precipitation of an impurity with synthetic scheelite: MoO4-2 substituting WO4-2 (forming CaMoO4 in
// the crystals) in a batch crystalliser, against the closed forms of the two distribution laws
// (Doerner and Hoskins 1925; the logarithmic form as in Minerals 10 (2020) 712, doi:10.3390/min10080712):
//   homogeneous (Berthelot–Nernst): n_Mo,solid / n_W,solid = D · c_Mo / c_W at every instant, so with the Mo
//       total I0 conserved, n_Mo,solid = D I0 P / (H + D P)  (P product moles, H dissolved W);
//   logarithmic (Doerner–Hoskins): ln(I0 / I) = λ ln(H0 / H) for the dissolved Mo I and W H.
// Both hold whatever the nucleation and growth kinetics, so the kinetics here are arbitrary (assumed).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "hydromet/io/flowsheet_loader.hpp"

using namespace hydromet;

namespace {

std::string batch(const std::string& law, double coefficient) {
  return R"(
units: {volume: m3, flow: m3/h, concentration: mol/m3, length: um, temperature: degC}
species:
  - {name: MoO4-2, formula: MoO4-2, phase: aqueous, source: test impurity ion}
  - {name: powellite, formula: CaMoO4, phase: solid, density: 4250, source: test impurity solid}
equipment:
  liquor: {type: feed, flow: 0, temperature: 25, solution: {Na+: 1}}
  cryst:
    type: crystallizer
    volume: 1
    temperature: 25
    initial_solution: {Ca+2: 2.1, WO4-2: 2, MoO4-2: 0.1, Na+: 4.2, Cl-: 4.2}
    product: scheelite
    components: [Ca+2, WO4-2, MoO4-2, Na+, Cl-, H+]
    grid: {min: 0, max: 200, classes: 40}
    limiter: van_leer
    nucleation: {primary_rate_constant: 1.0e8, primary_order: 2}
    growth: {rate_constant: 1.0e-8 m/s, order: 1}
    impurities:
      - {solid: powellite, ion: MoO4-2, replaces: WO4-2, law: )" +
         law + ", coefficient: " + std::to_string(coefficient) + R"(}
  out: {type: product}
connections:
  - liquor.out -> cryst.in
  - cryst.out -> out.in
simulation: {until: 4 h, outputs: 9, relative_tolerance: 1.0e-10}
)";
}

}  // namespace

TEST_CASE("logarithmic (Doerner-Hoskins) co-precipitation follows ln(I0/I) = lambda ln(H0/H)") {
  for (const double lambda : {0.3, 2.0}) {
    auto flowsheet = load_flowsheet_string(batch("logarithmic", lambda), "purity.yaml");
    const auto result = flowsheet.simulate(flowsheet.run.times(flowsheet.run.until), flowsheet.run.options);
    const Vector mo = result.output("cryst.c[MoO4-2]");
    const Vector w = result.output("cryst.c[WO4-2]");
    const Vector purity = result.output("cryst.purity");
    const auto last = mo.size() - 1;
    std::printf("Doerner-Hoskins lambda %.1f: W left %.4e, Mo left %.6e vs %.6e, purity %.6f, closure %.2e\n",
                lambda, w[last], mo[last], 0.1 * std::pow(w[last] / 2.0, lambda), purity[last],
                result.balance.closure());
    REQUIRE(w[last] < 0.1);  // most of the W has crystallised
    for (Eigen::Index k = 1; k <= last; ++k) {
      CHECK(std::abs(mo[k] / (0.1 * std::pow(w[k] / 2.0, lambda)) - 1.0) < 1e-6);
    }
    CHECK(purity[last] < 1.0);
    CHECK(result.balance.closure() < 1e-12);
  }
}

TEST_CASE(
    "homogeneous (Berthelot-Nernst) co-precipitation keeps the solid in equilibrium with the solution") {
  constexpr double d = 0.5;
  auto flowsheet = load_flowsheet_string(batch("homogeneous", d), "purity.yaml");
  const auto result = flowsheet.simulate(flowsheet.run.times(flowsheet.run.until), flowsheet.run.options);
  const Vector mo = result.output("cryst.c[MoO4-2]");
  const Vector w = result.output("cryst.c[WO4-2]");
  const Vector ratio = result.output("cryst.impurity_ratio[powellite]");
  const Vector crystal_mass = result.output("cryst.product_mass");
  const Vector purity = result.output("cryst.purity");
  const auto& components = flowsheet.components();
  const double scheelite_molar_mass =
      components.solid_molar_masses()[static_cast<Eigen::Index>(components.solid_index("scheelite", "test"))];
  const double powellite_molar_mass =
      components.solid_molar_masses()[static_cast<Eigen::Index>(components.solid_index("powellite", "test"))];
  const auto last = mo.size() - 1;
  for (Eigen::Index k = 1; k <= last; ++k) {
    CAPTURE(k);
    CHECK(std::abs(ratio[k] / (d * mo[k] / w[k]) - 1.0) < 1e-6);
    const double product = crystal_mass[k] / scheelite_molar_mass;
    const double closed_form = d * 0.1 * product / (w[k] + d * product);  // V = 1 m3
    CHECK(std::abs(ratio[k] * product / closed_form - 1.0) < 1e-6);
  }
  const double product = crystal_mass[last] / scheelite_molar_mass;
  const double impurity = ratio[last] * product;
  std::printf("Berthelot-Nernst D %.1f: W left %.4e, Mo in solid %.6e mol, purity %.6f, closure %.2e\n", d,
              w[last], impurity, purity[last], result.balance.closure());
  CHECK(std::abs(purity[last] - product * scheelite_molar_mass /
                                    (product * scheelite_molar_mass + impurity * powellite_molar_mass)) <
        1e-12);
  CHECK(result.balance.closure() < 1e-12);
}

TEST_CASE("an impurity solid that is not the product with one ion replaced is rejected") {
  std::string bad = batch("homogeneous", 0.5);
  bad.replace(bad.find("formula: CaMoO4"), 15, "formula: Na2MoO4");
  CHECK_THROWS_WITH_AS(load_flowsheet_string(bad, "bad.yaml").validate(), doctest::Contains("powellite"),
                       InputError);
}
