// Internal: what a unit builder sees while the flowsheet loader reads one `equipment:` entry.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/yaml_support.hpp"
#include "hydromet/chemistry/database.hpp"
#include "hydromet/kinetics/leach_reaction.hpp"
#include "hydromet/unitops/mixer_settler.hpp"
#include "hydromet/unitops/stirred_tank.hpp"
#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet::detail {

/// Default units of bare numbers, from the file's `units:` section (SI when absent).
struct DefaultUnits {
  std::string temperature = "K";
  std::string time = "s";
  std::string length = "m";
  std::string volume = "m3";
  std::string mass = "kg";
  std::string concentration = "mol/m3";
  std::string molar_energy = "J/mol";
  std::string flow = "m3/s";
  std::string mass_flow = "kg/s";
};

class BuildContext {
 public:
  BuildContext(const YamlDocument& document, const DefaultUnits& units, const Database& database,
               const std::map<std::string, LeachReaction>& reactions,
               std::function<void(const YAML::Node&, const std::string&)> track)
      : document_(document),
        units_(units),
        database_(database),
        reactions_(reactions),
        track_(std::move(track)) {}

  [[nodiscard]] const YamlDocument& document() const { return document_; }
  [[nodiscard]] const DefaultUnits& units() const { return units_; }
  [[nodiscard]] const Database& database() const { return database_; }
  [[nodiscard]] const std::map<std::string, LeachReaction>& reactions() const { return reactions_; }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    fail_at(document_, node, message);
  }
  void check_keys(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                  std::string_view what) const {
    detail::check_keys(document_, node, allowed, what);
  }
  [[nodiscard]] YAML::Node require(const YAML::Node& map, std::string_view key, std::string_view what) const {
    return detail::require(document_, map, key, what);
  }
  [[nodiscard]] std::string text(const YAML::Node& node, std::string_view what) const {
    return as_string(document_, node, what);
  }
  [[nodiscard]] double number(const YAML::Node& node, std::string_view what) const {
    return as_number(document_, node, what);
  }
  /// A quantity in SI with `expected` dimension; a bare number takes `default_unit`.
  [[nodiscard]] double quantity(const YAML::Node& node, const Dimension& expected,
                                const std::string& default_unit, std::string_view what) const {
    return as_quantity(document_, node, expected, default_unit, what);
  }
  /// Like quantity(), and requires a value >= 0 (or > 0 when `strictly`), failing at the node.
  [[nodiscard]] double nonnegative(const YAML::Node& node, const Dimension& expected,
                                   const std::string& default_unit, std::string_view what,
                                   bool strictly = false) const;
  /// A fraction in [0, 1]: a bare number, or a string with `%`.
  [[nodiscard]] double fraction(const YAML::Node& node, std::string_view what) const;

  /// Registers a species the unit uses, so that streams carry it; fails at `node` for unknown names.
  void track(const YAML::Node& node, const std::string& species) const { track_(node, species); }
  /// The database entry of a species; fails at `node` with a did-you-mean for unknown names.
  [[nodiscard]] const Species& species_at(const YAML::Node& node, const std::string& name) const;

 private:
  const YamlDocument& document_;
  const DefaultUnits& units_;
  const Database& database_;
  const std::map<std::string, LeachReaction>& reactions_;
  std::function<void(const YAML::Node&, const std::string&)> track_;
};

/// The keys every stirred unit shares: `volume` (required), `temperature`, `initial_solution`, and `inlets`
/// when `with_inlets`. Unknown keys are the caller's check.
[[nodiscard]] StirredTankParameters read_stirred_tank(const BuildContext& context, const YAML::Node& node,
                                                      const std::string& where, bool with_inlets);

/// Builds one unit from its `equipment:` entry; `name` is its key.
using UnitBuilder = std::unique_ptr<UnitOperation> (*)(const BuildContext& context, const std::string& name,
                                                       const YAML::Node& node);

/// Every unit type the loader knows, by its `type:` name (the table lives in unit_builders.cpp).
[[nodiscard]] const std::map<std::string, UnitBuilder>& unit_builders();

// One builder per unit type, each in src/io/builders/<type>.cpp.
std::unique_ptr<UnitOperation> build_crystallizer(const BuildContext& context, const std::string& name,
                                                  const YAML::Node& node);
std::unique_ptr<UnitOperation> build_leach_tank(const BuildContext& context, const std::string& name,
                                                const YAML::Node& node);
std::unique_ptr<UnitOperation> build_tank(const BuildContext& context, const std::string& name,
                                          const YAML::Node& node);
std::unique_ptr<UnitOperation> build_feed(const BuildContext& context, const std::string& name,
                                          const YAML::Node& node);
std::unique_ptr<UnitOperation> build_mixer(const BuildContext& context, const std::string& name,
                                           const YAML::Node& node);
std::unique_ptr<UnitOperation> build_mixer_settler(const BuildContext& context, const std::string& name,
                                                   const YAML::Node& node);
std::unique_ptr<UnitOperation> build_sx_cascade(const BuildContext& context, const std::string& name,
                                                const YAML::Node& node);
std::unique_ptr<UnitOperation> build_organic_feed(const BuildContext& context, const std::string& name,
                                                  const YAML::Node& node);
std::unique_ptr<UnitOperation> build_splitter(const BuildContext& context, const std::string& name,
                                              const YAML::Node& node);
std::unique_ptr<UnitOperation> build_solid_liquid_separator(const BuildContext& context,
                                                            const std::string& name, const YAML::Node& node);
std::unique_ptr<UnitOperation> build_evaporator(const BuildContext& context, const std::string& name,
                                                const YAML::Node& node);
std::unique_ptr<UnitOperation> build_reactor(const BuildContext& context, const std::string& name,
                                             const YAML::Node& node);
std::unique_ptr<UnitOperation> build_product(const BuildContext& context, const std::string& name,
                                             const YAML::Node& node);

/// Reads a map of aqueous species to concentrations [mol/m3] (tracking each species), failing at the
/// offending node; shared by the tank and feed builders (defined in builders/feed.cpp).
std::vector<std::pair<std::string, double>> read_solution(const BuildContext& context, const YAML::Node& node,
                                                          const std::string& where);
/// The same for organic species (defined in builders/feed.cpp).
std::vector<std::pair<std::string, double>> read_organic(const BuildContext& context, const YAML::Node& node,
                                                         const std::string& where);
/// `solids: by_species | by_size_class` of a solvent-extraction stage (mixer_settler, sx_cascade); by_species
/// when absent (defined in builders/mixer_settler.cpp).
StirredTankParameters::Solids read_stage_solids(const BuildContext& context, const YAML::Node& node,
                                                const std::string& where);
/// Reads an `extraction:` list of reactions with their distribution laws (defined in
/// builders/mixer_settler.cpp).
std::vector<ExtractionReaction> read_extraction_reactions(const BuildContext& context, const YAML::Node& list,
                                                          const std::string& where);
/// Reads `inlets: N` (N >= 1), or `fallback` when absent (defined in builders/mixer.cpp).
std::size_t read_inlet_count(const BuildContext& context, const YAML::Node& unit, std::size_t fallback,
                             const std::string& where);

}  // namespace hydromet::detail
