// Expressing species and salt formulas in basis (master) species, for component totals.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "hydromet/chemistry/database.hpp"

namespace hydromet {

/// Moles of each basis species (database entries without `formation`) in one mole of `name`. `name` is a
/// database species (its formation applied recursively: OH- = H2O - H+) or a formula that is not in the
/// database, such as a salt `Na2CO3` or `Na2WO4:2H2O`, solved from its element composition and charge
/// against the aqueous basis species built from its elements (plus H+ and H2O). Water appears under "H2O".
/// Throws InputError when the formula has no unique expression in basis species.
[[nodiscard]] std::map<std::string, double> basis_composition(const Database& database,
                                                              std::string_view name);

}  // namespace hydromet
