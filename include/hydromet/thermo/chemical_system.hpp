// ChemicalSystem: the species, minerals and reactions of one aqueous solution, compiled once from a
// Database into dense stoichiometry and cached log K(T) for the speciation solver.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/core/types.hpp"

namespace hydromet {

/// log10 K at I = 0 and 298.15 K of the formation of `product`. A reaction measured in an ionic medium
/// (reaction.medium) is converted from the molar to the molal scale, then to I = 0 with SIT: the
/// Debye-Hueckel term D(I) of sit_debye_huckel_term, the database's epsilon between each species and the
/// medium ions (0 where none is listed) and a_w of the medium; otherwise returns log_k_298
/// (docs/models/speciation.md).
[[nodiscard]] double infinite_dilution_log_k(const Database& database, const std::string& product,
                                             const FormationReaction& reaction);

/// Every secondary species and mineral is written as its formation from the components (basis
/// species) and water: species_i = sum_j nu_ij component_j + nu_iw H2O, with log K reduced through
/// any intermediate species of the database (e.g. HF2- from HF and F-).
class ChemicalSystem {
 public:
  /// Default ion size a0 [m] for charged species without one in the database (B-dot only).
  static constexpr double default_ion_size = 4.0e-10;

  /// `components`: basis species of the database (entries without `formation`), e.g. {"H+", "Na+",
  /// "WO4-2", "CO3-2"}; H+ is added when absent; water is implicit. `minerals`: solid species whose
  /// formation is written from aqueous species. `species`: aqueous species to include; empty means every
  /// aqueous species of the database that forms from the components. Throws InputError for unknown
  /// names (with a did-you-mean), non-basis components, reactions that need a missing component, and
  /// reactions that do not balance charge or elements.
  ChemicalSystem(const Database& database, std::vector<std::string> components,
                 std::vector<std::string> minerals = {}, std::vector<std::string> species = {});

  [[nodiscard]] std::size_t num_components() const { return components_.size(); }
  [[nodiscard]] std::size_t num_species() const { return species_.size(); }
  [[nodiscard]] std::size_t num_minerals() const { return minerals_.size(); }

  [[nodiscard]] const std::vector<std::string>& component_names() const { return components_; }
  /// Components first (species i < num_components() is component i), then secondary species.
  [[nodiscard]] const std::vector<std::string>& species_names() const { return species_; }
  [[nodiscard]] const std::vector<std::string>& mineral_names() const { return minerals_; }

  /// Index by name; throws InputError with a did-you-mean when absent.
  [[nodiscard]] std::size_t component_index(std::string_view name) const;
  [[nodiscard]] std::size_t species_index(std::string_view name) const;
  [[nodiscard]] std::size_t mineral_index(std::string_view name) const;
  [[nodiscard]] std::optional<std::size_t> find_component(std::string_view name) const;
  [[nodiscard]] std::optional<std::size_t> find_species(std::string_view name) const;
  [[nodiscard]] std::optional<std::size_t> find_mineral(std::string_view name) const;

  /// Charge of each species [-].
  [[nodiscard]] const Vector& charges() const { return charge_; }
  /// Debye-Hueckel ion size a0 of each species [m] (default_ion_size where the database has none).
  [[nodiscard]] const Vector& ion_sizes() const { return ion_size_; }
  /// Species that are charged and had no ion size in the database.
  [[nodiscard]] const std::vector<std::string>& species_with_default_ion_size() const {
    return default_size_species_;
  }
  /// nu_ij: species x components; row i < num_components() is the unit vector e_i.
  [[nodiscard]] const Matrix& stoichiometry() const { return nu_; }
  /// nu_iw: water in each species' formation (e.g. +1 for OH- = H2O - H+).
  [[nodiscard]] const Vector& water_stoichiometry() const { return nu_water_; }
  /// Minerals x components, and water, for the formation of each mineral.
  [[nodiscard]] const Matrix& mineral_stoichiometry() const { return mineral_nu_; }
  [[nodiscard]] const Vector& mineral_water_stoichiometry() const { return mineral_nu_water_; }
  /// Symmetric SIT epsilon(i, k) [kg/mol] between the system's species (0 where none is known).
  [[nodiscard]] const Matrix& sit_epsilon() const { return sit_epsilon_; }
  /// Non-zero stoichiometric entries of species i as (component, nu) pairs.
  [[nodiscard]] const std::vector<std::pair<std::size_t, double>>& species_terms(std::size_t i) const {
    return terms_[i];
  }

  /// ln K [-] of every species' formation (0 for components) and of every mineral's formation at
  /// temperature [K]. Throws InputError when the temperature is outside a reaction's valid range,
  /// unless `allow_extrapolation`.
  void ln_k(double temperature, Vector& species_ln_k, Vector& mineral_ln_k,
            bool allow_extrapolation = false) const;

  /// log10 K of one species' formation from the components at temperature [K] (0 for components).
  [[nodiscard]] double species_log_k(std::size_t species, double temperature) const;

  /// Component totals [mol/kg water] in system order from a name -> value map (absent names are 0);
  /// throws InputError for a name that is not a component.
  [[nodiscard]] Vector totals(const std::map<std::string, double>& by_name) const;

 private:
  // log K of a reduced reaction = sum over the database reactions it was built from.
  struct ReducedLogK {
    std::vector<std::pair<FormationReaction, double>> parts;
    double t_min = 0.0;
    double t_max = 1e9;
    std::string name;
  };
  [[nodiscard]] static double evaluate(const ReducedLogK& k, double temperature);

  std::vector<std::string> components_;
  std::vector<std::string> species_;
  std::vector<std::string> minerals_;
  std::map<std::string, std::size_t, std::less<>> species_lookup_;
  Vector charge_;
  Vector ion_size_;
  std::vector<std::string> default_size_species_;
  Matrix nu_;
  Vector nu_water_;
  Matrix mineral_nu_;
  Vector mineral_nu_water_;
  Matrix sit_epsilon_;
  std::vector<std::vector<std::pair<std::size_t, double>>> terms_;
  std::vector<ReducedLogK> species_k_;
  std::vector<ReducedLogK> mineral_k_;
};

}  // namespace hydromet
