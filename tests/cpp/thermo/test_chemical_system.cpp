// ChemicalSystem: reduction of reactions to components, species selection, validation of the database.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <string>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/core/error.hpp"
#include "hydromet/thermo/activity.hpp"
#include "hydromet/thermo/chemical_system.hpp"
#include "hydromet/thermo/water.hpp"
#include "thermo_test_data.hpp"

using namespace hydromet;

namespace {
// SIT ln a_w of m mol/kg NaCl written out (docs/models/activity.md): -M_w [2m - (2/3) ln10 A I^1.5 sigma(1.5
// sqrt I)
// + ln10 eps m^2] with eps(Na+, Cl-) = 0.03 kg/mol.
double sit_ln_aw_nacl(double m) {
  const double a = debye_huckel_parameters(298.15).a;
  const double s = std::sqrt(m);
  return -water_molar_mass * (2.0 * m - 2.0 / 3.0 * std::numbers::ln10 * a * m * s * osmotic_sigma(1.5 * s) +
                              std::numbers::ln10 * 0.03 * m * m);
}
}  // namespace

TEST_CASE("the bundled aqueous data load and every reaction balances") {
  const Database& db = thermo_test::database();
  // Every aqueous species of data/aqueous.yaml with all its basis species as components.
  std::vector<std::string> basis;
  for (const Species& s : db.all_species()) {
    if (s.phase == Phase::aqueous && !s.formation) {
      basis.push_back(s.name);
    }
  }
  const ChemicalSystem all(db, basis);
  CHECK(all.num_species() > 90);
  CHECK(all.find_species("H2W12O42-10").has_value());
  // HF2- is written from HF in no way here, but CaHPO4 is from HPO4-2: reduced to PO4-3 + H+.
  const std::size_t i = all.species_index("CaHPO4");
  CHECK(all.stoichiometry()(static_cast<Eigen::Index>(i),
                            static_cast<Eigen::Index>(all.component_index("PO4-3"))) == 1.0);
  CHECK(all.stoichiometry()(static_cast<Eigen::Index>(i),
                            static_cast<Eigen::Index>(all.component_index("H+"))) == 1.0);
  // log K of the reduced reaction is the sum: 2.739 + 12.346 at 25 degC (no analytic for either).
  CHECK(all.species_log_k(i, 298.15) == doctest::Approx(2.739 + 12.346).epsilon(1e-12));
}

TEST_CASE("species are selected from the components, H+ is implicit, errors name what is wrong") {
  const Database& db = thermo_test::database();
  const ChemicalSystem sys(db, {"Na+", "CO3-2"});
  CHECK(sys.component_names().front() == "H+");
  CHECK(sys.find_species("NaHCO3").has_value());
  CHECK(sys.find_species("OH-").has_value());
  CHECK_FALSE(sys.find_species("CaCO3(aq)").has_value());
  // NaHCO3 = Na+ + CO3-2 + H+ with log K = -0.25 + log K(HCO3-), water 0.
  const auto k = static_cast<Eigen::Index>(sys.species_index("NaHCO3"));
  CHECK(sys.water_stoichiometry()[k] == 0.0);
  CHECK_THROWS_WITH_AS(ChemicalSystem(db, {"Na+", "HCO3-"}), doctest::Contains("not a basis species"),
                       InputError);
  CHECK_THROWS_WITH_AS(ChemicalSystem(db, {"Sodium+"}), doctest::Contains("unknown component"), InputError);
  CHECK_THROWS_WITH_AS(ChemicalSystem(db, {"Na+"}, {}, {"CaSO4"}), doctest::Contains("not a component"),
                       InputError);
  // A reaction that loses charge is rejected.
  Database broken = db;
  Species bad = db.species("NaSO4-");
  bad.formation->reactants = {{"Na+", 2.0}, {"SO4-2", 1.0}};
  broken.add(bad);
  CHECK_THROWS_WITH_AS(ChemicalSystem(broken, {"Na+", "SO4-2"}), doctest::Contains("does not balance"),
                       InputError);
}

TEST_CASE("a flowsheet's own entries override or extend the database without touching data/") {
  // What the flowsheet loader does with a `species:` list: Database::from_string + merge into a copy.
  Database db = thermo_test::database();
  db.merge(Database::from_string(R"yaml(
species:
  - name: W7O24-6
    formula: W7O24-6
    phase: aqueous
    formation:
      reactants: {WO4-2: 7, H+: 8, H2O: -4}
      log_k: 64.5
      source: "override for this flowsheet (test)"
  - name: NaWO4-
    formula: NaWO4-
    phase: aqueous
    formation:
      reactants: {Na+: 1, WO4-2: 1}
      log_k: 0.3
      assumed: true
      source: "a new ion pair for this flowsheet (test)"
  - name: HW7O24-5
    formula: HW7O24-5
    phase: aqueous
    formation:
      reactants: {WO4-2: 7, H+: 9, H2O: -4}
      log_k: 69.96
      medium: {cation: Na+, anion: Cl-, molality: 3.2}
      source: "a conditional constant in another medium (test)"
sit:
  - {first: Na+, second: NaWO4-, epsilon: 0.05, source: "test"}
)yaml",
                                 "flowsheet.yaml (species)"));
  db.check_references();
  const ChemicalSystem sys(db, {"H+", "Na+", "Cl-", "WO4-2"});
  CHECK(sys.species_log_k(sys.species_index("W7O24-6"), 298.15) == doctest::Approx(64.5).epsilon(1e-14));
  CHECK(sys.species_log_k(sys.species_index("NaWO4-"), 298.15) == doctest::Approx(0.3).epsilon(1e-14));
  // A molal constant in 3.2 mol/kg NaCl (no molar-scale term): the SIT conversion uses the new medium,
  // dz2 = 25 - 28 - 9 = -12, eps(Na+, HW7O24-5) = 0 (data/sit.yaml), eps(H+, Cl-) = 0.12.
  const double a = debye_huckel_parameters(298.15).a;
  const double d = a * std::sqrt(3.2) / (1.0 + 1.5 * std::sqrt(3.2));
  CHECK(sys.species_log_k(sys.species_index("HW7O24-5"), 298.15) ==
        doctest::Approx(69.96 + 12.0 * d - 9.0 * 0.12 * 3.2 + 4.0 * sit_ln_aw_nacl(3.2) / std::numbers::ln10)
            .epsilon(1e-12));
  CHECK(sys.sit_epsilon()(static_cast<Eigen::Index>(sys.species_index("Na+")),
                          static_cast<Eigen::Index>(sys.species_index("NaWO4-"))) == 0.05);
  // A 1:2 salt medium on the molar scale: 0.5 mol/kg Na2SO4 holds 1.0 Na+ and 0.5 SO4-2, I = 1.5;
  // eps(Na+, SO4-2) = -0.12 (data/sit.yaml), the other pairs 0. Molar term (1 - 16) log10(0.5 / 0.48).
  FormationReaction in_sulfate = db.species("HW7O24-5").formation.value();
  in_sulfate.medium = IonicMedium{"Na+", "SO4-2", 0.5, 0.48};
  const double s15 = std::sqrt(1.5);
  const double d15 = a * s15 / (1.0 + 1.5 * s15);
  const double ln_aw_sulfate =
      -water_molar_mass * (1.5 - 2.0 / 3.0 * std::numbers::ln10 * a * 1.5 * s15 * osmotic_sigma(1.5 * s15) +
                           std::numbers::ln10 * -0.12 * 1.0 * 0.5);
  CHECK(infinite_dilution_log_k(db, "HW7O24-5", in_sulfate) ==
        doctest::Approx(69.96 + 12.0 * d15 + 4.0 * ln_aw_sulfate / std::numbers::ln10 -
                        15.0 * std::log10(0.5 / 0.48))
            .epsilon(1e-12));
  // The bundled database is untouched.
  const ChemicalSystem bundled(thermo_test::database(), {"H+", "Na+", "Cl-", "WO4-2"});
  CHECK_FALSE(bundled.find_species("NaWO4-").has_value());
  CHECK(std::abs(bundled.species_log_k(bundled.species_index("W7O24-6"), 298.15) - 64.5) > 0.1);

  // A malformed medium is an InputError at its line and column.
  try {
    (void)Database::from_string(R"yaml(
species:
  - name: X-
    formula: Cl-
    phase: aqueous
    formation:
      reactants: {Cl-: 1}
      log_k: 0
      medium: {cation: Na+, anion: Cl-, molality: -1}
      source: "test"
)yaml",
                                "bad.yaml");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("bad.yaml:9") != std::string::npos);
    CHECK(std::string(e.what()).find("molality") != std::string::npos);
  }
}
