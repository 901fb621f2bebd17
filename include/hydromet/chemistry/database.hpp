// Database: species, minerals and their sourced constants, loaded from YAML.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hydromet/chemistry/species.hpp"
#include "hydromet/core/error.hpp"

namespace hydromet {

namespace detail {
struct DatabaseReader;
}  // namespace detail

/// An SIT interaction coefficient epsilon(i, j) [kg/mol] between a cation and an anion.
struct SitCoefficient {
  std::string first;
  std::string second;
  double epsilon = 0.0;
  std::string source;
  bool assumed = false;  ///< true where epsilon is an assumption, not a published value
};

class Database {
 public:
  Database() = default;

  /// Loads one YAML file (schema and validation rules: docs/models/database.md). Errors are InputErrors
  /// with file:line:column. Formation reactants may name species of other files: call check_references()
  /// once every file is merged.
  static Database from_file(const std::string& path);
  /// Loads YAML text; `origin` names it in error messages.
  static Database from_string(const std::string& yaml_text, const std::string& origin = "<string>");
  /// Loads every file listed under `files:` of an index YAML (paths relative to the index's folder), merges
  /// them in order (a later entry replaces an earlier one of the same name) and runs check_references().
  static Database from_index(const std::string& index_path);
  /// The bundled database: from_index(data_directory() + "/index.yaml"). Loaded once (thread-safe); a failed
  /// load throws and is retried by the next call.
  static const Database& bundled();
  /// The same database, shared: flowsheets that add no species hold it without a copy.
  static const std::shared_ptr<const Database>& bundled_shared();

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

  /// Throws InputError, located at the reactant in its file where known, for the first formation reactant
  /// or SIT species that names no species of this database; the message lists the other missing names.
  void check_references() const;
  /// Names used by formations or SIT entries that no species of this database defines, sorted, unique.
  [[nodiscard]] std::vector<std::string> missing_references() const;
  /// Where the entry of species `name` was read (file:line:column), unknown when added in code or absent.
  [[nodiscard]] SourceLocation location(std::string_view name) const;

 private:
  friend struct detail::DatabaseReader;

  /// Source locations kept from the YAML so that errors found after loading can point into the file.
  struct Origin {
    SourceLocation entry;
    std::map<std::string, SourceLocation> reactants;
  };

  std::vector<Species> species_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<SitCoefficient> sit_;
  std::unordered_map<std::string, Origin> origins_;  ///< by species name
  std::vector<SourceLocation> sit_origins_;          ///< parallel to sit_
};

}  // namespace hydromet
