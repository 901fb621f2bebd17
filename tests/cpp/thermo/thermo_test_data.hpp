// Test helper: the aqueous and SIT data files of the source tree, plus minerals defined for the tests.
#pragma once

#include <string>

#include "hydromet/chemistry/database.hpp"

namespace thermo_test {

/// data/aqueous.yaml + data/sit.yaml of the source tree (independent of data/minerals.yaml), with calcite:
/// log Ksp = -171.9065 - 0.077993 T + 2839.319/T + 71.595 log10 T (Plummer & Busenberg, GCA 46 (1982) 1011).
inline const hydromet::Database& database() {
  static const hydromet::Database db = [] {
    const std::string dir = std::string(HYDROMET_SOURCE_DIR) + "/data/";
    hydromet::Database d = hydromet::Database::from_file(dir + "aqueous.yaml");
    d.merge(hydromet::Database::from_file(dir + "sit.yaml"));
    hydromet::Species calcite;
    calcite.name = "calcite_test";
    calcite.formula = hydromet::parse_formula("CaCO3");
    calcite.phase = hydromet::Phase::solid;
    hydromet::FormationReaction r;
    r.reactants = {{"Ca+2", 1.0}, {"CO3-2", 1.0}};
    r.log_k_298 = 8.48;
    r.log_k_coefficients = {171.9065, 0.077993, -2839.319, -71.595, 0.0};
    r.source = "Plummer & Busenberg (1982), formation = -log Ksp";
    calcite.formation = r;
    d.add(calcite);
    d.check_references();
    return d;
  }();
  return db;
}

}  // namespace thermo_test
