// Reaction equations: parsing, normalisation per mole of mineral, and balance checks.
#include "hydromet/kinetics/leach_reaction.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <sstream>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/core/error.hpp"

namespace hydromet {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

void parse_side(std::string_view side, double sign, std::string_view equation,
                std::vector<StoichiometricTerm>& terms) {
  std::size_t start = 0;
  while (start <= side.size()) {
    std::size_t separator = side.find(" + ", start);
    const std::string_view piece =
        trim(side.substr(start, separator == std::string_view::npos ? side.npos : separator - start));
    if (piece.empty()) {
      throw InputError("reaction `" + std::string(equation) + "`: expected a species between `+` signs");
    }
    double coefficient = 1.0;
    std::string_view name = piece;
    if (std::isdigit(static_cast<unsigned char>(piece.front())) || piece.front() == '.') {
      const std::size_t space = piece.find(' ');
      if (space == std::string_view::npos) {
        throw InputError("reaction `" + std::string(equation) + "`: expected `coefficient species` in `" +
                         std::string(piece) + "`");
      }
      const std::string number(piece.substr(0, space));
      std::size_t used = 0;
      try {
        coefficient = std::stod(number, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != number.size() || !(coefficient > 0.0) || !std::isfinite(coefficient)) {
        throw InputError("reaction `" + std::string(equation) + "`: expected a positive coefficient, got `" +
                         number + "`");
      }
      name = trim(piece.substr(space));
    }
    if (name.find_first_of(" \t") != std::string_view::npos) {
      throw InputError("reaction `" + std::string(equation) + "`: expected `[coefficient] species`, got `" +
                       std::string(piece) + "`");
    }
    terms.push_back({std::string(name), sign * coefficient});
    if (separator == std::string_view::npos) {
      break;
    }
    start = separator + 3;
  }
}

}  // namespace

std::vector<StoichiometricTerm> parse_reaction_equation(std::string_view equation) {
  std::size_t arrow = equation.find("->");
  std::size_t arrow_length = 2;
  if (arrow == std::string_view::npos) {
    arrow = equation.find('=');
    arrow_length = 1;
  }
  if (arrow == std::string_view::npos) {
    throw InputError("reaction `" + std::string(equation) + "`: expected `reactants -> products`");
  }
  std::vector<StoichiometricTerm> terms;
  parse_side(trim(equation.substr(0, arrow)), -1.0, equation, terms);
  parse_side(trim(equation.substr(arrow + arrow_length)), 1.0, equation, terms);
  // Merge repeated species so that each appears once.
  std::map<std::string, double> merged;
  std::vector<std::string> order;
  for (const auto& term : terms) {
    if (!merged.contains(term.species)) {
      order.push_back(term.species);
    }
    merged[term.species] += term.coefficient;
  }
  std::vector<StoichiometricTerm> result;
  for (const auto& species : order) {
    result.push_back({species, merged[species]});
  }
  return result;
}

LeachReaction LeachReaction::from_equation(std::string name, std::string_view equation, std::string mineral,
                                           std::string reagent, ShrinkingCoreParameters kinetics,
                                           const Database& database) {
  const auto terms = parse_reaction_equation(equation);
  double mineral_coefficient = 0.0;
  for (const auto& term : terms) {
    if (term.species == mineral) {
      mineral_coefficient = term.coefficient;
    }
  }
  const std::string where = "reaction `" + name + "`";
  if (!(mineral_coefficient < 0.0)) {
    throw InputError(where + ": the mineral `" + mineral + "` must be a reactant of `" +
                     std::string(equation) + "`");
  }
  LeachReaction reaction;
  reaction.name = std::move(name);
  reaction.mineral = mineral;
  reaction.reagent = reagent;
  std::map<std::string, double> element_balance;
  double charge_balance = 0.0;
  bool reagent_found = false;
  for (const auto& term : terms) {
    const Species& species = database.species(term.species);
    const double per_mineral = term.coefficient / -mineral_coefficient;
    for (const auto& [element, count] : species.formula.composition) {
      element_balance[element] += per_mineral * count;
    }
    charge_balance += per_mineral * species.charge();
    if (term.species == mineral) {
      continue;
    }
    if (term.species == reagent) {
      if (!(per_mineral < 0.0)) {
        throw InputError(where + ": the reagent `" + reagent + "` must be a reactant");
      }
      reagent_found = true;
      kinetics.reagent_stoichiometry = -per_mineral;
    }
    reaction.terms.push_back({term.species, per_mineral});
  }
  if (!reagent_found) {
    throw InputError("reaction `" + reaction.name + "`: the reagent `" + reagent + "` does not appear in `" +
                     std::string(equation) + "`");
  }
  std::ostringstream unbalanced;
  for (const auto& [element, net] : element_balance) {
    if (std::abs(net) > 1e-9) {
      unbalanced << ' ' << element << " (" << net << ")";
    }
  }
  if (std::abs(charge_balance) > 1e-9) {
    unbalanced << " charge (" << charge_balance << ")";
  }
  if (!unbalanced.str().empty()) {
    throw InputError("reaction `" + reaction.name +
                     "` is not balanced, products minus reactants per mol of `" + mineral +
                     "`:" + unbalanced.str());
  }
  reaction.kinetics = kinetics;
  return reaction;
}

}  // namespace hydromet
