// Species: a named substance in one phase, with its formula-derived properties and sourced data.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hydromet/chemistry/formula.hpp"

namespace hydromet {

enum class Phase { aqueous, solvent, solid, gas, organic };

[[nodiscard]] const char* to_string(Phase phase);
/// The phase spelled as to_string writes it ("aqueous", "solid", ...), or nullopt.
[[nodiscard]] std::optional<Phase> phase_from_string(std::string_view text);

/// The background electrolyte in which a conditional constant was measured, e.g. 1.0 M NaCl.
struct IonicMedium {
  std::string cation;              ///< e.g. "Na+"
  std::string anion;               ///< e.g. "Cl-"
  double molality = 0.0;           ///< of the salt [mol/kg water]
  std::optional<double> molarity;  ///< of the salt [mol/L] when log K is on the molar scale; absent: molal
};

/// A reaction written as the formation of one species from others: sum(coefficient * reactant) -> product,
/// e.g. HWO4- from {WO4-2: 1, H+: 1}; a mineral's entry is its dissolution products with signs
/// (CaWO4(s) -> Ca+2 + WO4-2 written as formation of the mineral from {Ca+2: 1, WO4-2: 1}).
/// log K is for the formation as written, at 298.15 K.
struct FormationReaction {
  std::map<std::string, double> reactants;  ///< species name -> stoichiometric coefficient
  double log_k_298 = 0.0;                   ///< log10 K at 298.15 K
  std::optional<double> delta_h;            ///< reaction enthalpy [J/mol], for van 't Hoff
  std::vector<double> log_k_coefficients;   ///< analytic log K(T) = a + bT + c/T + d log10 T + e/T^2 (T in K)
  double valid_t_min = 273.15;              ///< [K]
  double valid_t_max = 373.15;              ///< [K]
  std::string source;                       ///< citation
  bool assumed = false;                     ///< true where no published value was found
  /// Set when log_k_298 (and delta_h) are conditional constants of this medium rather than values at I = 0;
  /// thermo converts them to I = 0 (docs/models/speciation.md).
  std::optional<IonicMedium> medium;
};

struct Species {
  std::string name;  ///< unique key, e.g. "WO4-2", "scheelite", "H2O"
  Formula formula;   ///< composition, charge and molar mass
  Phase phase = Phase::aqueous;
  double density = 0.0;                        ///< solids: [kg/m3]; 0 when not given
  std::optional<double> ion_size;              ///< aqueous ions: Debye-Hueckel size parameter a0 [m]
  std::optional<FormationReaction> formation;  ///< absent for master (basis) species
  std::string source;                          ///< citation for density, ion size and identity
  bool assumed = false;                        ///< true where a number is an assumption

  [[nodiscard]] double charge() const { return formula.charge; }
  [[nodiscard]] double molar_mass() const { return formula.molar_mass; }
};

}  // namespace hydromet
