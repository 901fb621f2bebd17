// A leaching reaction: a mineral attacked by an aqueous reagent, with stoichiometry and kinetics.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hydromet/kinetics/leach_rate.hpp"
#include "hydromet/kinetics/shrinking_core.hpp"

namespace hydromet {

class Database;

/// One term of a reaction equation: species name and signed coefficient (reactants negative).
struct StoichiometricTerm {
  std::string species;
  double coefficient = 0.0;
};

/// Parses "scheelite + CO3-2 -> calcite + WO4-2" or "2 NaOH + ferberite -> ...": terms separated by " + "
/// (spaces required, so that `H+` and `Na+` read as names), sides by "->" or "=". Throws InputError
/// (without location) on malformed text.
[[nodiscard]] std::vector<StoichiometricTerm> parse_reaction_equation(std::string_view equation);

/// B(s) + a A(aq) -> products, written per mole of the mineral B.
struct LeachReaction {
  std::string name;
  std::string mineral;                    ///< the reacting solid (database name)
  std::string reagent;                    ///< the aqueous species whose concentration drives the rate
  std::vector<StoichiometricTerm> terms;  ///< every species except the mineral, per mol of mineral
  ShrinkingCoreParameters kinetics;       ///< reagent_stoichiometry = -(coefficient of the reagent)
  std::string source;                     ///< citation of the kinetic data
  LeachRateForm form = LeachRateForm::shrinking_core;  ///< which law gives the rate
  /// Shrinking core: the reaction order applies to the reagent's concentration or its activity.
  OrderBasis order_basis = OrderBasis::concentration;
  AvramiParameters avrami;        ///< form avrami
  RateExpressionSpec expression;  ///< form expression: dX/dt [1/s]

  /// Builds the reaction from an equation; the mineral must appear with coefficient -1 after scaling, and
  /// the reagent among the reactants. Checks element and charge balance against `database` (1e-9).
  static LeachReaction from_equation(std::string name, std::string_view equation, std::string mineral,
                                     std::string reagent, ShrinkingCoreParameters kinetics,
                                     const Database& database);
};

}  // namespace hydromet
