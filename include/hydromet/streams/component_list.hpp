// The species a flowsheet tracks, by phase, with their database entries, element composition and size
// classes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/core/types.hpp"

namespace hydromet {

/// Ordered lists of the aqueous species, organic species and solids (minerals and solid products) of a
/// flowsheet, and the particle size classes solids are split into. Indices into these lists are the
/// positions in every Stream and unit state.
class ComponentList {
 public:
  ComponentList() = default;
  /// Looks every name up in `database` (InputError with did-you-mean for unknown names).
  /// `size_classes`: representative diameters [m] of the solids' size classes; empty means one class.
  ComponentList(const Database& database, std::vector<std::string> aqueous, std::vector<std::string> solids,
                std::vector<std::string> organic = {}, std::vector<double> size_classes = {});

  [[nodiscard]] std::size_t aqueous_count() const { return aqueous_.size(); }
  [[nodiscard]] std::size_t organic_count() const { return organic_.size(); }
  [[nodiscard]] std::size_t solid_count() const { return solids_.size(); }
  /// Number of particle size classes (at least one).
  [[nodiscard]] std::size_t size_class_count() const {
    return std::max<std::size_t>(size_classes_.size(), 1);
  }
  /// Representative diameters of the size classes [m]; empty when solids are not classified by size.
  [[nodiscard]] const std::vector<double>& size_classes() const { return size_classes_; }
  /// Index of the size class of the smallest diameter (0 without size classes).
  [[nodiscard]] std::size_t finest_size_class() const;
  [[nodiscard]] const Species& aqueous(std::size_t index) const { return aqueous_[index]; }
  [[nodiscard]] const Species& organic(std::size_t index) const { return organic_[index]; }
  [[nodiscard]] const Species& solid(std::size_t index) const { return solids_[index]; }
  [[nodiscard]] std::optional<std::size_t> find_aqueous(std::string_view name) const;
  [[nodiscard]] std::optional<std::size_t> find_organic(std::string_view name) const;
  [[nodiscard]] std::optional<std::size_t> find_solid(std::string_view name) const;
  /// Index of a species; throws InputError naming `context` when absent.
  [[nodiscard]] std::size_t aqueous_index(std::string_view name, std::string_view context) const;
  [[nodiscard]] std::size_t organic_index(std::string_view name, std::string_view context) const;
  [[nodiscard]] std::size_t solid_index(std::string_view name, std::string_view context) const;

  /// Elements present in any tracked species, sorted.
  [[nodiscard]] const std::vector<std::string>& elements() const { return elements_; }
  /// Atoms of each element per mol of each species: elements x species of that phase.
  [[nodiscard]] const Matrix& aqueous_elements() const { return aqueous_elements_; }
  [[nodiscard]] const Matrix& organic_elements() const { return organic_elements_; }
  [[nodiscard]] const Matrix& solid_elements() const { return solid_elements_; }
  /// Molar masses [kg/mol] of the solids, in order.
  [[nodiscard]] const Vector& solid_molar_masses() const { return solid_molar_masses_; }
  [[nodiscard]] const Vector& aqueous_molar_masses() const { return aqueous_molar_masses_; }

 private:
  std::vector<Species> aqueous_;
  std::vector<Species> organic_;
  std::vector<Species> solids_;
  std::vector<double> size_classes_;
  std::vector<std::string> elements_;
  Matrix aqueous_elements_;
  Matrix organic_elements_;
  Matrix solid_elements_;
  Vector solid_molar_masses_;
  Vector aqueous_molar_masses_;
};

}  // namespace hydromet
