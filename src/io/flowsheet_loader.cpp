// The YAML flowsheet loader: defaults, species overrides, reactions, equipment, connections, simulation.
#include "hydromet/io/flowsheet_loader.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "common/yaml_support.hpp"
#include "hydromet/kinetics/leach_reaction.hpp"
#include "io/build_context.hpp"
#include "io/builders/leach_kinetics.hpp"

namespace hydromet {
namespace {

using detail::DefaultUnits;
using detail::YamlDocument;

struct Loader {
  const YamlDocument& document;
  DefaultUnits units;
  std::shared_ptr<const Database> database;  // the bundled one until the file adds species or sit
  std::map<std::string, LeachReaction> reactions;
  std::set<std::string> aqueous;
  std::set<std::string> solids;
  std::set<std::string> organic;
  std::vector<double> size_classes;

  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    detail::fail_at(document, node, message);
  }

  void read_units(const YAML::Node& node) {
    detail::check_keys(document, node,
                       {"temperature", "time", "length", "volume", "mass", "concentration", "molar_energy",
                        "flow", "mass_flow"},
                       "`units`");
    auto take = [&](const char* key, std::string& target, const Dimension& expected) {
      if (const auto value = node[key]) {
        const std::string text = detail::as_string(document, value, std::string("units.") + key);
        Unit unit;
        try {
          unit = parse_unit(text);
        } catch (const InputError& error) {
          fail(value, error.message());
        }
        if (!(unit.dimension == expected)) {
          fail(value, std::string("`units.") + key + "` must be a unit of " + describe(expected) + ", got `" +
                          text + "` (" + describe(unit.dimension) + ")");
        }
        target = text;
      }
    };
    take("temperature", units.temperature, dimension::temperature);
    take("time", units.time, dimension::time);
    take("length", units.length, dimension::length);
    take("volume", units.volume, dimension::volume);
    take("mass", units.mass, dimension::mass);
    take("concentration", units.concentration, dimension::molar_concentration);
    take("molar_energy", units.molar_energy, dimension::molar_energy);
    take("flow", units.flow, dimension::volumetric_flow);
    take("mass_flow", units.mass_flow, dimension::mass_flow);
  }

  // `species:` and `sit:` re-read through the database loader, so that a flowsheet's own entries follow the
  // same schema and checks as data/; an entry already in the database is replaced.
  void merge_database_section(const YAML::Node& node, const char* key, const std::string& expected) {
    if (!node.IsSequence()) {
      fail(node,
           std::string("`") + key + "` must be a list of " + expected + " (see docs/models/database.md)");
    }
    YAML::Emitter emitter;
    YAML::Node wrapper;
    wrapper[key] = node;
    emitter << wrapper;
    try {
      auto merged = std::make_shared<Database>(*database);
      merged->merge(Database::from_string(emitter.c_str(), document.file + " (" + key + ")"));
      database = std::move(merged);
    } catch (const InputError& error) {
      fail(node, error.message());
    }
  }

  const Species& species_at(const YAML::Node& node, const std::string& name) const {
    if (const Species* found = database->find(name)) {
      return *found;
    }
    std::string message = "unknown species `" + name + "`";
    if (auto suggestion = closest_match(name, database->names()); !suggestion.empty()) {
      message += "; did you mean `" + suggestion + "`?";
    }
    fail(node, message);
  }

  void track(const YAML::Node& node, const std::string& name) {
    const Species& species = species_at(node, name);
    if (species.phase == Phase::solid) {
      solids.insert(name);
    } else if (species.phase == Phase::aqueous || species.phase == Phase::solvent) {
      aqueous.insert(name);
    } else if (species.phase == Phase::organic) {
      organic.insert(name);
    } else {
      fail(node, "species `" + name + "` is " + to_string(species.phase) +
                     "; expected an aqueous, organic or solid species");
    }
  }

  double quantity(const YAML::Node& node, const Dimension& expected, const std::string& default_unit,
                  const std::string& what) const {
    return detail::as_quantity(document, node, expected, default_unit, what);
  }

  void read_reactions(const YAML::Node& node) {
    if (!node.IsMap()) {
      fail(node, "`reactions` must be a map from reaction name to its definition");
    }
    for (const auto& entry : node) {
      const std::string name = detail::as_string(document, entry.first, "reaction name");
      const std::string where = "reaction `" + name + "`";
      const YAML::Node& body = entry.second;
      detail::check_keys(document, body, {"equation", "mineral", "reagent", "kinetics", "source"}, where);
      const auto equation_node = detail::require(document, body, "equation", where);
      const std::string equation = detail::as_string(document, equation_node, "equation");
      const auto mineral_node = detail::require(document, body, "mineral", where);
      const std::string mineral = detail::as_string(document, mineral_node, "mineral");
      const auto reagent_node = detail::require(document, body, "reagent", where);
      const std::string reagent = detail::as_string(document, reagent_node, "reagent");
      LeachReaction law;  // the kinetics, before the stoichiometry sets the reagent's coefficient
      detail::read_leach_kinetics(
          document, units, *database, detail::require(document, body, "kinetics", where), where, law,
          [&](const YAML::Node& at, const std::string& species) { track(at, species); });
      try {
        for (const auto& term : parse_reaction_equation(equation)) {
          track(equation_node, term.species);
        }
      } catch (const InputError& error) {
        if (error.location().known()) {
          throw;
        }
        fail(equation_node, error.message());
      }
      try {
        auto reaction =
            LeachReaction::from_equation(name, equation, mineral, reagent, law.kinetics, *database);
        reaction.form = law.form;
        reaction.order_basis = law.order_basis;
        reaction.avrami = law.avrami;
        reaction.expression = law.expression;
        if (const auto source = body["source"]) {
          reaction.source = detail::as_string(document, source, "source");
        }
        if (!reactions.emplace(name, std::move(reaction)).second) {
          fail(entry.first, "duplicate reaction `" + name + "`");
        }
      } catch (const InputError& error) {
        if (error.location().known()) {
          throw;
        }
        fail(equation_node, error.message());
      }
    }
  }

  void read_simulation(const YAML::Node& node, RunSettings& run) {
    detail::check_keys(document, node,
                       {"until", "outputs", "relative_tolerance", "absolute_tolerance", "matrix_cj_change",
                        "max_steps", "start"},
                       "`simulation`");
    if (const auto until = node["until"]) {
      run.until = quantity(until, dimension::time, units.time, "until");
      if (!(run.until > 0.0)) {
        fail(until, "`simulation.until` must be positive");
      }
    }
    if (const auto outputs = node["outputs"]) {
      if (outputs.IsSequence()) {
        for (const auto& item : outputs) {
          const double t = quantity(item, dimension::time, units.time, "output time");
          if (t < 0.0 || (!run.output_times.empty() && t <= run.output_times.back())) {
            fail(item, "output times must be >= 0 and strictly increasing");
          }
          run.output_times.push_back(t);
        }
      } else {
        const long count = detail::as_count(document, outputs, "outputs");
        if (count < 2 || count > 1000000) {
          fail(outputs, "`simulation.outputs` must be a count from 2 to 1000000, or a list of times");
        }
        run.output_count = static_cast<std::size_t>(count);
      }
    }
    if (const auto rtol = node["relative_tolerance"]) {
      run.options.relative_tolerance = detail::as_number(document, rtol, "relative_tolerance");
      if (!(run.options.relative_tolerance > 0.0 && run.options.relative_tolerance < 1.0)) {
        fail(rtol, "relative_tolerance must be in (0, 1)");
      }
    }
    if (const auto atol = node["absolute_tolerance"]) {
      run.options.absolute_tolerance = detail::as_number(document, atol, "absolute_tolerance");
      if (!(run.options.absolute_tolerance > 0.0 && run.options.absolute_tolerance < 1.0)) {
        fail(atol, "absolute_tolerance must be in (0, 1)");
      }
    }
    if (const auto change = node["matrix_cj_change"]) {
      run.options.matrix_cj_change = detail::as_number(document, change, "matrix_cj_change");
      if (!(run.options.matrix_cj_change > 0.0 && run.options.matrix_cj_change < 1.0)) {
        fail(change, "matrix_cj_change must be in (0, 1)");
      }
    }
    if (const auto steps = node["max_steps"]) {
      run.options.max_steps = detail::as_count(document, steps, "max_steps");
    }
    if (const auto start = node["start"]) {
      const std::string text = start.IsScalar() ? start.Scalar() : std::string();
      if (text == "steady") {
        run.options.start_from_steady_state = true;
      } else if (text != "initial") {
        fail(start,
             "`simulation.start` is `initial` (the units' initial states) or `steady` (the steady state)");
      }
    }
  }

  void read_steady(const YAML::Node& node, SteadyStateOptions& steady) {
    detail::check_keys(document, node,
                       {"tolerance", "max_iterations", "max_pseudo_steps", "pseudo_transient"},
                       "`steady_state`");
    if (const auto tolerance = node["tolerance"]) {
      steady.tolerance = detail::as_number(document, tolerance, "tolerance");
      if (!(steady.tolerance > 0.0 && steady.tolerance < 1.0)) {
        fail(tolerance, "`steady_state.tolerance` must be in (0, 1)");
      }
    }
    if (const auto iterations = node["max_iterations"]) {
      steady.max_iterations = detail::as_count(document, iterations, "max_iterations");
    }
    if (const auto steps = node["max_pseudo_steps"]) {
      steady.max_pseudo_steps = detail::as_count(document, steps, "max_pseudo_steps");
    }
    if (const auto pseudo = node["pseudo_transient"]) {
      steady.force_pseudo_transient = detail::as_bool(document, pseudo, "pseudo_transient");
    }
  }

  void read_kpis(const YAML::Node& node, Flowsheet& flowsheet) {
    if (!node.IsSequence()) {
      fail(node, "`kpis` must be a list of {name, type, ...}");
    }
    auto unit_of = [&](const YAML::Node& item, const std::string& name, Boundary expected) {
      const UnitOperation* unit = flowsheet.find_unit(name);
      if (unit == nullptr) {
        std::vector<std::string> names;
        for (std::size_t i = 0; i < flowsheet.unit_count(); ++i) {
          names.push_back(flowsheet.unit(i).name());
        }
        std::string message = "unknown unit `" + name + "`";
        if (auto suggestion = closest_match(name, names); !suggestion.empty()) {
          message += "; did you mean `" + suggestion + "`?";
        }
        fail(item, message);
      }
      if (unit->boundary() != expected) {
        fail(item, "unit `" + name + "` is a " + std::string(unit->type()) + "; expected " +
                       (expected == Boundary::source ? "a feed" : "a product"));
      }
      return name;
    };
    auto element_of = [&](const YAML::Node& item) {
      const std::string element = detail::as_string(document, item, "element");
      const auto& elements = flowsheet.components().elements();
      if (std::find(elements.begin(), elements.end(), element) == elements.end()) {
        fail(item, "element `" + element + "` is in no species of this flowsheet");
      }
      return element;
    };
    for (const auto& item : node) {
      detail::check_keys(document, item,
                         {"name", "type", "element", "product", "feeds", "reagent", "species", "per"},
                         "a KPI");
      KpiDefinition kpi;
      kpi.location = detail::location_of(document, item);
      kpi.name = detail::as_string(document, detail::require(document, item, "name", "a KPI"), "name");
      const auto type_node = detail::require(document, item, "type", "KPI `" + kpi.name + "`");
      const std::string type = detail::as_string(document, type_node, "type");
      const std::string where = "KPI `" + kpi.name + "`";
      if (type == "recovery" || type == "grade") {
        kpi.kind = type == "recovery" ? KpiDefinition::Kind::recovery : KpiDefinition::Kind::grade;
        kpi.element = element_of(detail::require(document, item, "element", where));
        const auto product = detail::require(document, item, "product", where);
        kpi.product = unit_of(product, detail::as_string(document, product, "product"), Boundary::sink);
        if (const auto feeds = item["feeds"]) {
          if (!feeds.IsSequence()) {
            fail(feeds, "`feeds` must be a list of feed names");
          }
          for (const auto& feed : feeds) {
            kpi.feeds.push_back(unit_of(feed, detail::as_string(document, feed, "feed"), Boundary::source));
          }
        }
      } else if (type == "reagent_consumption") {
        kpi.kind = KpiDefinition::Kind::reagent_consumption;
        const auto reagent = detail::require(document, item, "reagent", where);
        kpi.reagent_feed =
            unit_of(reagent, detail::as_string(document, reagent, "reagent"), Boundary::source);
        const auto species = detail::require(document, item, "species", where);
        kpi.reagent_species = detail::as_string(document, species, "species");
        if (!flowsheet.components().find_aqueous(kpi.reagent_species)) {
          fail(species, "`" + kpi.reagent_species + "` is not an aqueous species of this flowsheet");
        }
        const auto per = detail::require(document, item, "per", where);
        kpi.basis_feed = unit_of(per, detail::as_string(document, per, "per"), Boundary::source);
      } else {
        std::string message = "unknown KPI type `" + type + "`";
        if (auto suggestion = closest_match(type, {"recovery", "grade", "reagent_consumption"});
            !suggestion.empty()) {
          message += "; did you mean `" + suggestion + "`?";
        }
        fail(type_node, message + " (expected recovery, grade or reagent_consumption)");
      }
      flowsheet.kpis.push_back(std::move(kpi));
    }
  }

  Flowsheet load() {
    const YAML::Node& root = document.root;
    if (!root.IsMap()) {
      fail(root,
           "a flowsheet file must be a map with `equipment:` (and optionally name, units, reactions, ...)");
    }
    detail::check_keys(document, root,
                       {"name", "description", "units", "species", "reactions", "equipment", "connections",
                        "simulation", "steady_state", "kpis", "size_classes", "sit"},
                       "the flowsheet");
    if (const auto node = root["units"]) {
      read_units(node);
    }
    if (const auto node = root["species"]) {
      merge_database_section(node, "species", "species entries");
    }
    if (const auto node = root["sit"]) {
      merge_database_section(node, "sit", "`{first, second, epsilon, source}` entries");
    }
    if (const auto node = root["reactions"]) {
      read_reactions(node);
    }
    if (const auto node = root["size_classes"]; node && !node.IsSequence()) {
      fail(node, "`size_classes` must be a list of particle diameters, largest first, e.g. [75, 50, 25]");
    }
    for (const auto& item : root["size_classes"]) {  // particle diameters of the solids' size classes
      size_classes.push_back(
          detail::as_quantity(document, item, dimension::length, units.length, "size class"));
    }
    const auto equipment = detail::require(document, root, "equipment", "the flowsheet");
    if (!equipment.IsMap() || equipment.size() == 0) {
      fail(equipment, "`equipment` must map unit names to their definitions (at least one)");
    }
    std::vector<std::pair<std::unique_ptr<UnitOperation>, SourceLocation>> built;
    std::vector<std::string> types;
    for (const auto& [type, builder] : detail::unit_builders()) {
      types.push_back(type);
    }
    const detail::BuildContext context(
        document, units, *database, reactions,
        [this](const YAML::Node& node, const std::string& species) { track(node, species); });
    for (const auto& entry : equipment) {
      const std::string name = detail::as_string(document, entry.first, "unit name");
      if (name.empty() || name.find('.') != std::string::npos) {
        fail(entry.first, "unit name `" + name + "` must be non-empty and contain no `.`");
      }
      const YAML::Node& body = entry.second;
      if (!body.IsMap()) {
        fail(body, "unit `" + name + "` must be a map with a `type:`");
      }
      const auto type_node = detail::require(document, body, "type", "unit `" + name + "`");
      const std::string type = detail::as_string(document, type_node, "type");
      const auto builder = detail::unit_builders().find(type);
      if (builder == detail::unit_builders().end()) {
        std::string message = "unknown unit type `" + type + "`";
        if (auto suggestion = closest_match(type, types); !suggestion.empty()) {
          message += "; did you mean `" + suggestion + "`?";
        }
        fail(type_node, message);
      }
      built.emplace_back(builder->second(context, name, body), detail::location_of(document, entry.first));
    }
    Flowsheet flowsheet(std::move(database));
    if (const auto node = root["name"]) {
      flowsheet.name = detail::as_string(document, node, "name");
    }
    if (const auto node = root["description"]) {
      flowsheet.description = detail::as_string(document, node, "description");
    }
    flowsheet.source_file = document.file;
    for (const auto& line : document.lines) {
      flowsheet.source_text.append(line).append("\n");
    }
    flowsheet.set_components({aqueous.begin(), aqueous.end()}, {solids.begin(), solids.end()},
                             {organic.begin(), organic.end()}, size_classes);
    for (auto& [unit, location] : built) {
      flowsheet.add_unit(std::move(unit), location);
    }
    if (const auto node = root["connections"]) {
      if (!node.IsSequence()) {
        fail(node, "`connections` must be a list of `unit.port -> unit.port`");
      }
      for (const auto& item : node) {
        const std::string text = detail::as_string(document, item, "connection");
        const auto arrow = text.find("->");
        auto split = [&](std::string side) {
          side.erase(0, side.find_first_not_of(' '));
          side.erase(side.find_last_not_of(' ') + 1);
          const auto dot = side.find('.');
          if (dot == std::string::npos || dot == 0 || dot + 1 == side.size()) {
            fail(item, "expected `unit.port -> unit.port`, got `" + text + "`");
          }
          return PortRef{side.substr(0, dot), side.substr(dot + 1)};
        };
        if (arrow == std::string::npos) {
          fail(item, "expected `unit.port -> unit.port`, got `" + text + "`");
        }
        flowsheet.connect(split(text.substr(0, arrow)), split(text.substr(arrow + 2)),
                          detail::location_of(document, item));
      }
    }
    if (const auto node = root["simulation"]) {
      read_simulation(node, flowsheet.run);
    }
    if (const auto node = root["steady_state"]) {
      read_steady(node, flowsheet.steady);
    }
    flowsheet.validate();
    if (const auto node = root["kpis"]) {
      read_kpis(node, flowsheet);
    }
    return flowsheet;
  }
};

}  // namespace

Flowsheet load_flowsheet(const std::string& path) {
  const auto document = detail::load_yaml_file(path);
  return Loader{document, {}, Database::bundled_shared(), {}, {}, {}, {}, {}}.load();
}

Flowsheet load_flowsheet_string(const std::string& yaml_text, const std::string& origin) {
  const auto document = detail::load_yaml_string(yaml_text, origin);
  return Loader{document, {}, Database::bundled_shared(), {}, {}, {}, {}, {}}.load();
}

Flowsheet load_flowsheet_document(const detail::YamlDocument& document) {
  return Loader{document, {}, Database::bundled_shared(), {}, {}, {}, {}, {}}.load();
}

std::vector<std::string> unit_types() {
  std::vector<std::string> types;
  for (const auto& [type, builder] : detail::unit_builders()) {
    types.push_back(type);
  }
  return types;
}

}  // namespace hydromet
