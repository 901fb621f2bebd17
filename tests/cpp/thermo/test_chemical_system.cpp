// ChemicalSystem: reduction of reactions to components, species selection, validation of the database.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/core/error.hpp"
#include "hydromet/thermo/chemical_system.hpp"
#include "thermo_test_data.hpp"

using namespace hydromet;

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
