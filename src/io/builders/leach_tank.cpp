// Builder of `type: leach_tank`.
#include "hydromet/unitops/leach_tank.hpp"

#include <algorithm>

#include "io/build_context.hpp"

namespace hydromet::detail {

std::unique_ptr<UnitOperation> build_leach_tank(const BuildContext& context, const std::string& name,
                                                const YAML::Node& node) {
  const std::string where = "leach_tank `" + name + "`";
  const auto& units = context.units();
  context.check_keys(node, {"type", "mode", "temperature", "volume", "solution", "solids", "reactions"}, where);
  if (const auto mode = node["mode"]) {
    if (const auto text = context.text(mode, "mode"); text != "batch") {
      context.fail(mode, where + ": mode `" + text + "` is not available yet; expected `batch`");
    }
  }
  LeachTankParameters parameters;
  parameters.temperature = context.nonnegative(context.require(node, "temperature", where), dimension::temperature,
                                               units.temperature, "temperature", true) *
                           units::kelvin;
  parameters.solution_volume =
      context.nonnegative(context.require(node, "volume", where), dimension::volume, units.volume, "volume", true) *
      units::cubic_meter;
  if (const auto solution = node["solution"]) {
    if (!solution.IsMap()) {
      context.fail(solution, where + ": `solution` must map species to concentrations");
    }
    for (const auto& entry : solution) {
      const std::string species = context.text(entry.first, "species");
      if (context.species_at(entry.first, species).phase != Phase::aqueous) {
        context.fail(entry.first, where + ": `" + species + "` is not an aqueous species");
      }
      context.track(entry.first, species);
      const double c = context.nonnegative(entry.second, dimension::molar_concentration, units.concentration,
                                           "concentration");
      parameters.solution.push_back({species, c * units::mole / units::cubic_meter});
    }
  }
  const auto solids_node = context.require(node, "solids", where);
  if (!solids_node.IsMap()) {
    context.fail(solids_node, where + ": `solids` must map minerals to {mass, particle_size}");
  }
  for (const auto& entry : solids_node) {
    const std::string mineral = context.text(entry.first, "mineral");
    if (context.species_at(entry.first, mineral).phase != Phase::solid) {
      context.fail(entry.first, where + ": `" + mineral + "` is not a solid");
    }
    context.track(entry.first, mineral);
    context.check_keys(entry.second, {"mass", "particle_size"}, where + " solid `" + mineral + "`");
    const double mass =
        context.nonnegative(context.require(entry.second, "mass", mineral), dimension::mass, units.mass, "mass");
    const double size = context.nonnegative(context.require(entry.second, "particle_size", mineral),
                                            dimension::length, units.length, "particle_size", true);
    parameters.solids.push_back({mineral, mass * units::kilogram, size * units::meter});
  }
  if (const auto list = node["reactions"]) {
    if (!list.IsSequence()) {
      context.fail(list, where + ": `reactions` must be a list of reaction names");
    }
    for (const auto& item : list) {
      const std::string reaction = context.text(item, "reaction name");
      const auto found = context.reactions().find(reaction);
      if (found == context.reactions().end()) {
        std::vector<std::string> known;
        for (const auto& [key, value] : context.reactions()) {
          known.push_back(key);
        }
        std::string message = where + ": unknown reaction `" + reaction + "`";
        if (auto suggestion = closest_match(reaction, known); !suggestion.empty()) {
          message += "; did you mean `" + suggestion + "`?";
        }
        context.fail(item, message);
      }
      const bool charged = std::any_of(parameters.solids.begin(), parameters.solids.end(),
                                       [&](const auto& c) { return c.mineral == found->second.mineral; });
      if (!charged) {
        context.fail(item, where + ": reaction `" + reaction + "` attacks `" + found->second.mineral +
                               "`, which is not in `solids`");
      }
      parameters.reactions.push_back(found->second);
    }
  }
  try {
    return std::make_unique<LeachTank>(name, std::move(parameters));
  } catch (const InputError& error) {
    context.fail(node, error.message());
  }
}

}  // namespace hydromet::detail
