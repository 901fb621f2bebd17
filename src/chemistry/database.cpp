// Loading, validating, merging and querying the species database.
#include "hydromet/chemistry/database.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <utility>

#include "common/yaml_support.hpp"
#include "hydromet/core/data_path.hpp"
#include "hydromet/core/quantity.hpp"

namespace hydromet {

namespace {

std::string backticked(std::string_view text) { return "`" + std::string(text) + "`"; }

std::string format_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

/// The species of `names` closest to `name`, or one whose formula reads the same (`WO4[2-]` for `WO4-2`).
std::string suggestion_for(const std::string& name, const std::vector<Species>& species) {
  std::vector<std::string> names;
  names.reserve(species.size());
  for (const Species& candidate : species) {
    names.push_back(candidate.name);
  }
  if (std::string close = closest_match(name, names); !close.empty()) {
    return close;
  }
  try {
    const Formula wanted = parse_formula(name);
    for (const Species& candidate : species) {
      if (candidate.formula.composition == wanted.composition && candidate.formula.charge == wanted.charge) {
        return candidate.name;
      }
    }
  } catch (const InputError&) {
    // not a formula: no suggestion by composition
  }
  return {};
}

std::string did_you_mean(const std::string& name, const std::vector<Species>& species) {
  const std::string suggestion = suggestion_for(name, species);
  return suggestion.empty() ? std::string() : "; did you mean " + backticked(suggestion) + "?";
}

bool same_pair(const SitCoefficient& a, const SitCoefficient& b) {
  return (a.first == b.first && a.second == b.second) || (a.first == b.second && a.second == b.first);
}

}  // namespace

namespace detail {

/// Reads one YAML document into a Database; a friend of Database so that it can keep source locations.
struct DatabaseReader {
  const YamlDocument& document;
  Database database;

  static Database read(const YamlDocument& document) {
    DatabaseReader reader{document, {}};
    reader.read_root();
    return std::move(reader.database);
  }

  void read_root() {
    const YAML::Node& root = document.root;
    check_keys(document, root, {"species", "sit"}, "a species database");
    if (!root["species"] && !root["sit"]) {
      fail_at(document, root, "a species database needs a `species:` list or a `sit:` list");
    }
    if (const YAML::Node list = root["species"]) {
      if (!list.IsSequence()) {
        fail_at(document, list, "expected a list of species entries under `species:`");
      }
      std::map<std::string, std::size_t> first_line;
      for (const YAML::Node& entry : list) {
        Database::Origin origin;
        Species species = read_species(entry, origin);
        const std::size_t line = origin.entry.line;
        if (const auto [it, inserted] = first_line.emplace(species.name, line); !inserted) {
          fail_at(document, require(document, entry, "name", "a species entry"),
                  "duplicate species " + backticked(species.name) + " in this file; first defined at line " +
                      std::to_string(it->second));
        }
        database.add(std::move(species));
        database.origins_[database.species_.back().name] = std::move(origin);
      }
    }
    if (const YAML::Node list = root["sit"]) {
      if (!list.IsSequence()) {
        fail_at(document, list, "expected a list of SIT coefficients under `sit:`");
      }
      const std::size_t first_new = database.sit_.size();
      for (const YAML::Node& entry : list) {
        SitCoefficient coefficient = read_sit(entry);
        for (std::size_t i = first_new; i < database.sit_.size(); ++i) {
          if (same_pair(database.sit_[i], coefficient)) {
            fail_at(document, entry,
                    "duplicate SIT coefficient for (" + backticked(coefficient.first) + ", " +
                        backticked(coefficient.second) + "); first defined at line " +
                        std::to_string(database.sit_origins_[i].line));
          }
        }
        database.add(std::move(coefficient));
        database.sit_origins_.back() = location_of(document, entry);
      }
    }
  }

  Species read_species(const YAML::Node& entry, Database::Origin& origin) {
    if (!entry.IsMap()) {
      fail_at(document, entry, "expected a species entry (a map with `name`, `formula`, `phase`, ...)");
    }
    Species species;
    species.name =
        as_string(document, require(document, entry, "name", "a species entry"), "the species name");
    if (species.name.empty() || species.name.find_first_of(" \t") != std::string::npos) {
      fail_at(document, entry["name"],
              "a species name must be non-empty and without blanks, got " + backticked(species.name));
    }
    const std::string what = "species " + backticked(species.name);
    check_keys(document, entry,
               {"name", "formula", "phase", "density", "ion_size", "formation", "source", "assumed"}, what);
    origin.entry = location_of(document, entry);

    const YAML::Node formula_node = require(document, entry, "formula", what);
    const std::string formula_text = as_string(document, formula_node, "the formula of " + what);
    try {
      species.formula = parse_formula(formula_text);
    } catch (const InputError& error) {
      fail_at(document, formula_node, error.message());
    }
    check_name_charge(species, formula_node);

    const YAML::Node phase_node = require(document, entry, "phase", what);
    const std::string phase_text = as_string(document, phase_node, "the phase of " + what);
    if (const auto phase = phase_from_string(phase_text)) {
      species.phase = *phase;
    } else {
      const std::vector<std::string> phases = {"aqueous", "solvent", "solid", "gas", "organic"};
      const std::string close = closest_match(phase_text, phases);
      fail_at(document, phase_node,
              "unknown phase " + backticked(phase_text) + " of " + what +
                  (close.empty() ? "; expected `aqueous`, `solvent`, `solid`, `gas` or `organic`"
                                 : "; did you mean " + backticked(close) + "?"));
    }
    if (species.charge() != 0.0 &&
        (species.phase == Phase::solid || species.phase == Phase::solvent || species.phase == Phase::gas)) {
      fail_at(document, phase_node,
              what + " is " + to_string(species.phase) + " but its formula has charge " +
                  format_number(species.charge()) + "; only aqueous and organic species may be charged");
    }

    if (const YAML::Node node = entry["density"]) {
      species.density = as_quantity(document, node, dimension::density, "kg/m3", "the density of " + what);
      if (species.density <= 0.0) {
        fail_at(document, node, "the density of " + what + " must be positive");
      }
    }
    if (const YAML::Node node = entry["ion_size"]) {
      species.ion_size = as_quantity(document, node, dimension::length, "m", "the ion size of " + what);
      if (*species.ion_size <= 0.0) {
        fail_at(document, node, "the ion size of " + what + " must be positive");
      }
    }
    if (const YAML::Node node = entry["source"]) {
      species.source = as_string(document, node, "the source of " + what);
    }
    if (const YAML::Node node = entry["assumed"]) {
      species.assumed = as_bool(document, node, "`assumed` of " + what);
    }
    if (const YAML::Node node = entry["formation"]) {
      species.formation = read_formation(node, species.name, origin);
    }
    // Every number in the database carries its citation (or the reason it is assumed).
    if ((entry["density"] || entry["ion_size"] || species.assumed) && species.source.empty()) {
      fail_at(document, entry,
              what + " gives " + (species.assumed ? "`assumed: true`" : "a density or an ion size") +
                  " without a `source:` that cites or explains it");
    }
    return species;
  }

  /// A name that is itself a formula (`WO4-2`) must carry the charge of the formula it is given.
  void check_name_charge(const Species& species, const YAML::Node& formula_node) const {
    Formula by_name;
    try {
      by_name = parse_formula(species.name);
    } catch (const InputError&) {
      return;  // a mineral or trivial name: nothing to compare
    }
    if (by_name.charge != species.formula.charge) {
      fail_at(document, formula_node,
              "the name " + backticked(species.name) + " reads as charge " + format_number(by_name.charge) +
                  " but its formula " + backticked(species.formula.text) + " has charge " +
                  format_number(species.formula.charge));
    }
  }

  FormationReaction read_formation(const YAML::Node& node, const std::string& name,
                                   Database::Origin& origin) {
    const std::string what = "the formation of species " + backticked(name);
    check_keys(document, node,
               {"reactants", "log_k", "delta_h", "log_k_coefficients", "t_min", "t_max", "source", "assumed",
                "medium"},
               what);
    FormationReaction reaction;

    const YAML::Node reactants = require(document, node, "reactants", what);
    if (!reactants.IsMap() || reactants.size() == 0) {
      fail_at(document, reactants,
              "expected a map of species to coefficients for the reactants of " + backticked(name) +
                  ", as in `{Ca+2: 1, WO4-2: 1}`");
    }
    for (const auto& pair : reactants) {
      const std::string reactant = as_string(document, pair.first, "a reactant name");
      if (reaction.reactants.count(reactant) > 0) {
        fail_at(document, pair.first, "reactant " + backticked(reactant) + " appears twice in " + what);
      }
      if (reactant == name) {
        fail_at(document, pair.first, what + " uses the species itself as a reactant");
      }
      const double coefficient =
          as_number(document, pair.second, "the coefficient of " + backticked(reactant));
      if (coefficient == 0.0) {
        fail_at(document, pair.second,
                "the coefficient of " + backticked(reactant) + " in " + what + " is zero");
      }
      reaction.reactants[reactant] = coefficient;
      origin.reactants[reactant] = location_of(document, pair.first);
    }

    reaction.log_k_298 =
        as_number(document, require(document, node, "log_k", what), "log_k of " + backticked(name));
    if (const YAML::Node value = node["delta_h"]) {
      reaction.delta_h =
          as_quantity(document, value, dimension::molar_energy, "J/mol", "delta_h of " + backticked(name));
    }
    if (const YAML::Node list = node["log_k_coefficients"]) {
      if (!list.IsSequence() || list.size() == 0 || list.size() > 5) {
        fail_at(document, list,
                "expected 1 to 5 numbers [a, b, c, d, e] for log_k_coefficients of " + backticked(name));
      }
      for (const YAML::Node& value : list) {
        reaction.log_k_coefficients.push_back(
            as_number(document, value, "a log_k coefficient of " + backticked(name)));
      }
      reaction.log_k_coefficients.resize(5, 0.0);  // missing trailing terms are zero
    }
    if (const YAML::Node value = node["t_min"]) {
      reaction.valid_t_min =
          as_quantity(document, value, dimension::temperature, "K", "t_min of " + backticked(name));
    }
    if (const YAML::Node value = node["t_max"]) {
      reaction.valid_t_max =
          as_quantity(document, value, dimension::temperature, "K", "t_max of " + backticked(name));
    }
    if (reaction.valid_t_min <= 0.0 || reaction.valid_t_max <= reaction.valid_t_min) {
      fail_at(document, node,
              "the validity range of " + what + " must satisfy 0 K < t_min < t_max, got " +
                  format_number(reaction.valid_t_min) + " K to " + format_number(reaction.valid_t_max) +
                  " K");
    }
    reaction.source = as_string(document, require(document, node, "source", what), "the source of " + what);
    if (reaction.source.empty()) {
      fail_at(document, node["source"], "the source of " + what + " is empty");
    }
    if (const YAML::Node value = node["assumed"]) {
      reaction.assumed = as_bool(document, value, "`assumed` of " + what);
    }
    if (const YAML::Node medium = node["medium"]) {
      reaction.medium = read_medium(medium, what);
    }
    return reaction;
  }

  // `medium: {cation: Na+, anion: Cl-, molality: 1.021, molarity: 1.0}` of a conditional constant.
  IonicMedium read_medium(const YAML::Node& node, const std::string& what) {
    const std::string of = "the medium of " + what;
    if (!node.IsMap()) {
      fail_at(document, node,
              "expected " + of + " as a map like `{cation: Na+, anion: Cl-, molality: 1.021}`");
    }
    check_keys(document, node, {"cation", "anion", "molality", "molarity"}, of);
    IonicMedium medium;
    medium.cation = as_string(document, require(document, node, "cation", of), "the cation of " + of);
    medium.anion = as_string(document, require(document, node, "anion", of), "the anion of " + of);
    const YAML::Node molality = require(document, node, "molality", of);
    medium.molality = as_number(document, molality, "the molality of " + of);
    if (!(medium.molality > 0.0)) {
      fail_at(document, molality, "the molality of " + of + " must be > 0 mol/kg");
    }
    if (const YAML::Node molarity = node["molarity"]) {
      medium.molarity = as_number(document, molarity, "the molarity of " + of);
      if (!(*medium.molarity > 0.0)) {
        fail_at(document, molarity, "the molarity of " + of + " must be > 0 mol/L");
      }
    }
    return medium;
  }

  SitCoefficient read_sit(const YAML::Node& entry) {
    check_keys(document, entry, {"first", "second", "epsilon", "source", "assumed"}, "an SIT coefficient");
    SitCoefficient coefficient;
    coefficient.first =
        as_string(document, require(document, entry, "first", "an SIT coefficient"), "`first`");
    coefficient.second =
        as_string(document, require(document, entry, "second", "an SIT coefficient"), "`second`");
    const std::string what =
        "the SIT coefficient (" + backticked(coefficient.first) + ", " + backticked(coefficient.second) + ")";
    coefficient.epsilon = as_quantity(document, require(document, entry, "epsilon", what),
                                      dimension::mass / dimension::amount, "kg/mol", "epsilon of " + what);
    coefficient.source =
        as_string(document, require(document, entry, "source", what), "the source of " + what);
    if (coefficient.source.empty()) {
      fail_at(document, entry["source"], "the source of " + what + " is empty");
    }
    if (const YAML::Node value = entry["assumed"]) {
      coefficient.assumed = as_bool(document, value, "`assumed` of " + what);
    }
    return coefficient;
  }
};

}  // namespace detail

Database Database::from_file(const std::string& path) {
  return detail::DatabaseReader::read(detail::load_yaml_file(path));
}

Database Database::from_string(const std::string& yaml_text, const std::string& origin) {
  return detail::DatabaseReader::read(detail::load_yaml_string(yaml_text, origin));
}

Database Database::from_index(const std::string& index_path) {
  const std::filesystem::path directory = std::filesystem::path(index_path).parent_path();
  const detail::YamlDocument index = detail::load_yaml_file(index_path);
  detail::check_keys(index, index.root, {"files"}, "the database index");
  const YAML::Node files = detail::require(index, index.root, "files", "the database index");
  if (!files.IsSequence() || files.size() == 0) {
    detail::fail_at(index, files, "expected a list of database files under `files:`");
  }
  Database database;
  for (const YAML::Node& file : files) {
    const std::string name = detail::as_string(index, file, "a database file name");
    const std::filesystem::path path = directory / name;
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
      detail::fail_at(
          index, file,
          "database file " + backticked(name) + " does not exist in " + backticked(directory.string()));
    }
    database.merge(Database::from_file(path.string()));
  }
  database.check_references();
  return database;
}

const std::shared_ptr<const Database>& Database::bundled_shared() {
  // A function-local static is initialised once and thread-safely (C++11); if loading throws, the next call
  // tries again.
  static const std::shared_ptr<const Database> database = std::make_shared<const Database>(
      from_index((std::filesystem::path(data_directory()) / "index.yaml").string()));
  return database;
}

const Database& Database::bundled() { return *bundled_shared(); }

void Database::merge(const Database& other) {
  for (const Species& species : other.species_) {
    add(species);
    if (const auto it = other.origins_.find(species.name); it != other.origins_.end()) {
      origins_[species.name] = it->second;
    }
  }
  for (std::size_t i = 0; i < other.sit_.size(); ++i) {
    add(other.sit_[i]);
    for (std::size_t k = 0; k < sit_.size(); ++k) {
      if (same_pair(sit_[k], other.sit_[i])) {
        sit_origins_[k] = i < other.sit_origins_.size() ? other.sit_origins_[i] : SourceLocation{};
      }
    }
  }
}

void Database::add(Species species) {
  if (species.name.empty()) {
    throw InputError("a species needs a name");
  }
  origins_.erase(species.name);  // an entry added in code has no place in a file
  if (const auto it = index_.find(species.name); it != index_.end()) {
    species_[it->second] = std::move(species);
    return;
  }
  index_.emplace(species.name, species_.size());
  species_.push_back(std::move(species));
}

void Database::add(SitCoefficient coefficient) {
  for (std::size_t i = 0; i < sit_.size(); ++i) {
    if (same_pair(sit_[i], coefficient)) {
      sit_[i] = std::move(coefficient);
      sit_origins_[i] = SourceLocation{};
      return;
    }
  }
  sit_.push_back(std::move(coefficient));
  sit_origins_.emplace_back();
}

bool Database::contains(std::string_view name) const { return index_.count(std::string(name)) > 0; }

const Species* Database::find(std::string_view name) const {
  const auto it = index_.find(std::string(name));
  return it == index_.end() ? nullptr : &species_[it->second];
}

const Species& Database::species(std::string_view name) const {
  if (const Species* found = find(name)) {
    return *found;
  }
  throw InputError("unknown species " + backticked(name) + did_you_mean(std::string(name), species_));
}

std::vector<std::string> Database::names() const {
  std::vector<std::string> result;
  result.reserve(species_.size());
  for (const Species& species : species_) {
    result.push_back(species.name);
  }
  return result;
}

std::vector<std::string> Database::missing_references() const {
  std::set<std::string> missing;
  for (const Species& species : species_) {
    if (species.formation) {
      for (const auto& [reactant, coefficient] : species.formation->reactants) {
        if (!contains(reactant)) {
          missing.insert(reactant);
        }
      }
    }
  }
  for (const SitCoefficient& coefficient : sit_) {
    for (const std::string& name : {coefficient.first, coefficient.second}) {
      if (!contains(name)) {
        missing.insert(name);
      }
    }
  }
  return {missing.begin(), missing.end()};
}

void Database::check_references() const {
  const std::vector<std::string> missing = missing_references();
  if (missing.empty()) {
    return;
  }
  std::string others;
  if (missing.size() > 1) {
    others = " (" + std::to_string(missing.size()) + " unknown names in all: ";
    for (std::size_t i = 0; i < missing.size(); ++i) {
      others += (i > 0 ? ", " : "") + backticked(missing[i]);
    }
    others += ")";
  }
  for (const Species& species : species_) {
    if (!species.formation) {
      continue;
    }
    for (const auto& [reactant, coefficient] : species.formation->reactants) {
      if (contains(reactant)) {
        continue;
      }
      SourceLocation where;
      if (const auto it = origins_.find(species.name); it != origins_.end()) {
        const auto at = it->second.reactants.find(reactant);
        where = at != it->second.reactants.end() ? at->second : it->second.entry;
      }
      throw InputError("the formation of species " + backticked(species.name) + " uses unknown species " +
                           backticked(reactant) + did_you_mean(reactant, species_) + others,
                       where);
    }
  }
  for (std::size_t i = 0; i < sit_.size(); ++i) {
    for (const std::string& name : {sit_[i].first, sit_[i].second}) {
      if (!contains(name)) {
        throw InputError("the SIT coefficient (" + backticked(sit_[i].first) + ", " +
                             backticked(sit_[i].second) + ") names unknown species " + backticked(name) +
                             did_you_mean(name, species_) + others,
                         sit_origins_[i]);
      }
    }
  }
}

SourceLocation Database::location(std::string_view name) const {
  const auto it = origins_.find(std::string(name));
  return it == origins_.end() ? SourceLocation{} : it->second.entry;
}

}  // namespace hydromet
