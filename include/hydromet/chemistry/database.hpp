// Database: species, minerals and their sourced constants, loaded from YAML.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hydromet/chemistry/species.hpp"

namespace hydromet {

/// An SIT interaction coefficient epsilon(i, j) [kg/mol] between a cation and an anion.
struct SitCoefficient {
  std::string first;
  std::string second;
  double epsilon = 0.0;
  std::string source;
};

class Database {
 public:
  Database() = default;

  /// Loads one YAML file (schema: docs/models/database.md). Errors are InputErrors with file:line:column.
  static Database from_file(const std::string& path);
  /// Loads YAML text; `origin` names it in error messages.
  static Database from_string(const std::string& yaml_text, const std::string& origin = "<string>");
  /// The bundled database: every data/*.yaml file listed in data/index.yaml.
  static const Database& bundled();

  /// Adds or replaces entries from another database (a flowsheet's own species overrides).
  void merge(const Database& other);
  void add(Species species);
  void add(SitCoefficient coefficient);

  [[nodiscard]] bool contains(std::string_view name) const;
  /// The species with this name; throws InputError with a did-you-mean when absent.
  [[nodiscard]] const Species& species(std::string_view name) const;
  [[nodiscard]] const Species* find(std::string_view name) const;
  [[nodiscard]] const std::vector<Species>& all_species() const { return species_; }
  [[nodiscard]] std::vector<std::string> names() const;
  [[nodiscard]] const std::vector<SitCoefficient>& sit_coefficients() const { return sit_; }

 private:
  std::vector<Species> species_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<SitCoefficient> sit_;
};

}  // namespace hydromet
