// Chemical formula parsing: element composition, charge and molar mass.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace hydromet {

/// A parsed formula. Composition maps element symbol to (possibly fractional) count.
struct Formula {
  std::string text;                       ///< the formula as written
  std::map<std::string, double> composition;  ///< element -> atoms per formula unit
  double charge = 0.0;                    ///< in elementary charges
  double molar_mass = 0.0;                ///< [kg/mol]
};

/// Parses `CaWO4`, `Fe0.5Mn0.5WO4`, `(NH4)10H2W12O42:4H2O` (hydrate water after `:` or `*` or `·`,
/// with an optional leading count), and charges written `WO4-2`, `WO4[2-]`, `H+`, `Fe+3`, `Fe[3+]`.
/// A phase suffix `(aq)`, `(s)`, `(l)`, `(g)`, `(org)` is accepted and ignored.
/// Throws InputError (no location; callers add it) naming the position and what was expected.
[[nodiscard]] Formula parse_formula(std::string_view text);

}  // namespace hydromet
