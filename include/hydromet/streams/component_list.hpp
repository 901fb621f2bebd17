// The species a flowsheet tracks, by phase, with their database entries and element composition.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/core/types.hpp"

namespace hydromet {

/// Ordered lists of the aqueous species and the solids (minerals and solid products) of a flowsheet.
/// Indices into these lists are the positions in every Stream and unit state.
class ComponentList {
 public:
  ComponentList() = default;
  /// Looks every name up in `database` (InputError with did-you-mean for unknown names).
  ComponentList(const Database& database, std::vector<std::string> aqueous, std::vector<std::string> solids);

  [[nodiscard]] std::size_t aqueous_count() const { return aqueous_.size(); }
  [[nodiscard]] std::size_t solid_count() const { return solids_.size(); }
  [[nodiscard]] const Species& aqueous(std::size_t index) const { return aqueous_[index]; }
  [[nodiscard]] const Species& solid(std::size_t index) const { return solids_[index]; }
  [[nodiscard]] std::optional<std::size_t> find_aqueous(std::string_view name) const;
  [[nodiscard]] std::optional<std::size_t> find_solid(std::string_view name) const;
  /// Index of an aqueous species / solid; throws InputError naming `context` when absent.
  [[nodiscard]] std::size_t aqueous_index(std::string_view name, std::string_view context) const;
  [[nodiscard]] std::size_t solid_index(std::string_view name, std::string_view context) const;

  /// Elements present in any tracked species, sorted.
  [[nodiscard]] const std::vector<std::string>& elements() const { return elements_; }
  /// Atoms of each element per mol of each aqueous species: elements x aqueous.
  [[nodiscard]] const Matrix& aqueous_elements() const { return aqueous_elements_; }
  /// Atoms of each element per mol of each solid: elements x solids.
  [[nodiscard]] const Matrix& solid_elements() const { return solid_elements_; }

 private:
  std::vector<Species> aqueous_;
  std::vector<Species> solids_;
  std::vector<std::string> elements_;
  Matrix aqueous_elements_;
  Matrix solid_elements_;
};

}  // namespace hydromet
