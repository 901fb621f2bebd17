// Basis decomposition of species and salts.
#include "hydromet/thermo/composition.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <set>
#include <vector>

#include "hydromet/core/error.hpp"
#include "hydromet/core/types.hpp"

namespace hydromet {
namespace {

void expand(const Database& database, const Species& species, double amount,
            std::map<std::string, double>& into, int depth) {
  if (depth > 32) {
    throw InputError("the formation of `" + species.name + "` refers back to itself");
  }
  if (!species.formation) {
    into[species.name] += amount;
    return;
  }
  for (const auto& [reactant, coefficient] : species.formation->reactants) {
    expand(database, database.species(reactant), amount * coefficient, into, depth + 1);
  }
}

}  // namespace

std::map<std::string, double> basis_composition(const Database& database, std::string_view name) {
  std::map<std::string, double> result;
  if (const Species* species = database.find(name); species && species->phase != Phase::solid) {
    expand(database, *species, 1.0, result, 0);
    return result;
  }
  const Species* solid = database.find(name);
  const Formula formula = solid ? solid->formula : parse_formula(name);
  std::set<std::string> elements;
  for (const auto& [element, count] : formula.composition) {
    elements.insert(element);
  }
  elements.insert("H");
  elements.insert("O");
  // Candidate basis species: aqueous or solvent basis species made only of the formula's elements.
  std::vector<const Species*> candidates;
  for (const auto& species : database.all_species()) {
    if (species.formation || (species.phase != Phase::aqueous && species.phase != Phase::solvent)) {
      continue;
    }
    bool inside = !species.formula.composition.empty();
    for (const auto& [element, count] : species.formula.composition) {
      inside = inside && elements.contains(element);
    }
    if (inside) {
      candidates.push_back(&species);
    }
  }
  const std::vector<std::string> rows(elements.begin(), elements.end());
  Matrix matrix =
      Matrix::Zero(static_cast<Eigen::Index>(rows.size() + 1), static_cast<Eigen::Index>(candidates.size()));
  Vector target = Vector::Zero(matrix.rows());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto found = formula.composition.find(rows[r]);
    target[static_cast<Eigen::Index>(r)] = found == formula.composition.end() ? 0.0 : found->second;
    for (std::size_t c = 0; c < candidates.size(); ++c) {
      const auto& composition = candidates[c]->formula.composition;
      const auto count = composition.find(rows[r]);
      matrix(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) =
          count == composition.end() ? 0.0 : count->second;
    }
  }
  const auto charge_row = static_cast<Eigen::Index>(rows.size());
  target[charge_row] = formula.charge;
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    matrix(charge_row, static_cast<Eigen::Index>(c)) = candidates[c]->charge();
  }
  const Eigen::CompleteOrthogonalDecomposition<Matrix> decomposition(matrix);
  const Vector amounts = decomposition.solve(target);
  const bool exact = (matrix * amounts - target).norm() <= 1e-9 * std::max(1.0, target.norm());
  if (candidates.empty() || !exact || decomposition.rank() < static_cast<Eigen::Index>(candidates.size())) {
    throw InputError(
        "cannot express `" + std::string(name) +
        "` in basis species of the database; give the totals of basis species such as `Na+`, `WO4-2`");
  }
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    const double amount = amounts[static_cast<Eigen::Index>(c)];
    if (std::abs(amount) > 1e-12) {
      result[candidates[c]->name] = std::round(amount * 1e9) / 1e9;
    }
  }
  return result;
}

}  // namespace hydromet
