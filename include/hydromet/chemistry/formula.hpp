// Chemical formula parsing: element composition, charge and molar mass.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace hydromet {

/// A parsed formula. Composition maps element symbol to (possibly fractional) count.
struct Formula {
  std::string text;                           ///< the formula as written
  std::map<std::string, double> composition;  ///< element -> atoms per formula unit
  double charge = 0.0;                        ///< in elementary charges
  double molar_mass = 0.0;                    ///< [kg/mol]
};

/// Parses `CaWO4`, `Fe0.5Mn0.5WO4`, `(NH4)10H2W12O42:4H2O` (hydrate water after `:` or `*` or `·`,
/// with an optional leading count), and charges written `WO4-2`, `WO4[2-]`, `H+`, `Fe+3`, `Fe[3+]`.
/// A phase suffix `(aq)`, `(s)`, `(l)`, `(g)`, `(org)` (also `(cr)`, `(am)`) is accepted and ignored.
/// Groups nest with `(...)` and `[...]`; `Fe++` means `Fe+2`; a sign alone is a charge of one, so `Fe3+` is
/// Fe3 with charge +1 (write `Fe+3`). `e-` is the electron (no atoms, charge -1).
/// molar_mass sums IUPAC atomic weights; the mass of the electrons an ion gained or lost is neglected.
/// Throws InputError (no location; callers add it) naming the character position and what was expected.
[[nodiscard]] Formula parse_formula(std::string_view text);

}  // namespace hydromet
