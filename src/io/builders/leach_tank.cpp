// Builder of `type: leach_tank`.
#include "hydromet/unitops/leach_tank.hpp"

#include <algorithm>
#include <cmath>

#include "hydromet/thermo/activity.hpp"
#include "io/build_context.hpp"

namespace hydromet::detail {
namespace {

// `reactions:` of a leach tank: names from the file's `reactions:` section.
std::vector<LeachReaction> read_reactions(const BuildContext& context, const YAML::Node& list,
                                          const std::string& where) {
  std::vector<LeachReaction> reactions;
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
    reactions.push_back(found->second);
  }
  return reactions;
}

// `size_distribution:` of a charged mineral: {sizes, mass_fractions}, {rosin_rammler: {d63, spread}} or
// {log_normal: {d50, sigma_g}}, the generated ones with classes, min and max.
SizeDistribution read_distribution(const BuildContext& context, const YAML::Node& node,
                                   const std::string& where) {
  const auto& units = context.units();
  const auto length = [&](const YAML::Node& value, const char* what) {
    return context.nonnegative(value, dimension::length, units.length, what, true);
  };
  try {
    if (node["sizes"]) {
      context.check_keys(node, {"sizes", "mass_fractions"}, where);
      std::vector<double> sizes;
      std::vector<double> fractions;
      for (const auto& item : node["sizes"]) {
        sizes.push_back(length(item, "size"));
      }
      for (const auto& item : context.require(node, "mass_fractions", where)) {
        fractions.push_back(context.number(item, "mass fraction"));
      }
      return size_distribution(sizes, fractions);
    }
    context.check_keys(node, {"rosin_rammler", "log_normal", "classes", "min", "max"}, where);
    const double classes = context.number(context.require(node, "classes", where), "classes");
    if (!(classes >= 1.0) || classes != std::floor(classes)) {
      context.fail(node["classes"], where + ": `classes` must be a whole number >= 1");
    }
    const double low = length(context.require(node, "min", where), "min");
    const double high = length(context.require(node, "max", where), "max");
    const auto count = static_cast<std::size_t>(classes);
    if (const auto rr = node["rosin_rammler"]) {
      context.check_keys(rr, {"d63", "spread"}, where);
      return rosin_rammler_distribution(length(context.require(rr, "d63", where), "d63"),
                                        context.number(context.require(rr, "spread", where), "spread"), count,
                                        low, high);
    }
    const auto ln = context.require(node, "log_normal", where);
    context.check_keys(ln, {"d50", "sigma_g"}, where);
    return log_normal_distribution(length(context.require(ln, "d50", where), "d50"),
                                   context.number(context.require(ln, "sigma_g", where), "sigma_g"), count,
                                   low, high);
  } catch (const InputError& error) {
    if (error.location().line > 0) {
      throw;
    }
    context.fail(node, error.message());
  }
}

// `speciation: {components: [...], activity_model: davies, species: [...]}`: the tank's activities.
LeachSpeciationParameters read_speciation(const BuildContext& context, const YAML::Node& node,
                                          const std::vector<LeachReaction>& reactions,
                                          const std::string& where) {
  LeachSpeciationParameters speciation;
  const auto block = node["speciation"];
  if (!block) {
    for (std::size_t i = 0; i < reactions.size(); ++i) {
      if (reactions[i].form == LeachRateForm::shrinking_core &&
          reactions[i].order_basis == OrderBasis::activity) {
        context.fail(node["reactions"][i], where + ": reaction `" + reactions[i].name +
                                               "` has `order_basis: activity`, which needs the tank's "
                                               "`speciation: {components: [...], activity_model: ...}`");
      }
    }
    return speciation;
  }
  const std::string what = where + " speciation";
  context.check_keys(block, {"components", "activity_model", "species"}, what);
  const auto names = [&](const YAML::Node& list, const char* key) {
    if (!list.IsSequence()) {
      context.fail(list, what + ": `" + key + "` must be a list of species");
    }
    std::vector<std::string> result;
    for (const auto& item : list) {
      result.push_back(context.text(item, key));
    }
    return result;
  };
  const auto components = names(context.require(block, "components", what), "components");
  std::vector<std::string> species;
  if (const auto list = block["species"]) {
    species = names(list, "species");
  }
  try {
    if (const auto model = block["activity_model"]) {
      speciation.activity_model = parse_activity_model(context.text(model, "activity_model"));
    }
    speciation.system = std::make_shared<const ChemicalSystem>(context.database(), components,
                                                               std::vector<std::string>{}, species);
  } catch (const InputError& error) {
    if (error.location().known()) {
      throw;
    }
    context.fail(block, what + ": " + error.message());
  }
  for (const auto& reaction : reactions) {
    if (reaction.form == LeachRateForm::shrinking_core && reaction.order_basis == OrderBasis::activity &&
        !speciation.system->find_species(reaction.reagent)) {
      context.fail(block, what + ": the reagent `" + reaction.reagent + "` of reaction `" + reaction.name +
                              "` (order_basis: activity) is not a species of this system");
    }
  }
  return speciation;
}

// `energy_balance: {heat_of_reaction: {name: -45 kJ/mol}, heating_duty: 50 kW, heat_capacity: 4 kJ/kg/K,
// heat_loss_ua: 0.5 kW/K, ambient: 25 degC, liquid_density: 1000 kg/m3}`.
std::optional<LeachEnergyBalance> read_energy_balance(const BuildContext& context, const YAML::Node& node,
                                                      const std::vector<LeachReaction>& reactions,
                                                      const std::string& where) {
  const auto block = node["energy_balance"];
  if (!block) {
    return std::nullopt;
  }
  const std::string what = where + " energy_balance";
  context.check_keys(
      block,
      {"heat_of_reaction", "heating_duty", "heat_capacity", "heat_loss_ua", "ambient", "liquid_density"},
      what);
  const auto& units = context.units();
  LeachEnergyBalance energy;
  if (const auto heats = block["heat_of_reaction"]) {
    if (!heats.IsMap()) {
      context.fail(heats, what + ": `heat_of_reaction` must map reaction names to J/mol of mineral");
    }
    for (const auto& entry : heats) {
      const std::string name = context.text(entry.first, "reaction name");
      if (std::none_of(reactions.begin(), reactions.end(), [&](const auto& r) { return r.name == name; })) {
        context.fail(entry.first, what + ": `" + name + "` is not one of the tank's reactions");
      }
      energy.heat_of_reaction[name] =
          context.quantity(entry.second, dimension::molar_energy, units.molar_energy, "heat_of_reaction");
    }
  }
  if (const auto duty = block["heating_duty"]) {
    energy.heating_duty = context.quantity(duty, dimension::power, "W", "heating_duty");
  }
  if (const auto cp = block["heat_capacity"]) {
    energy.heat_capacity = context.nonnegative(
        cp, dimension::energy / dimension::mass / dimension::temperature, "J/kg/K", "heat_capacity", true);
  } else {
    context.fail(block, what + ": `heat_capacity` (of the slurry, e.g. 4 kJ/kg/K) is required");
  }
  if (const auto ua = block["heat_loss_ua"]) {
    energy.heat_loss_ua =
        context.nonnegative(ua, dimension::power / dimension::temperature, "W/K", "heat_loss_ua");
  }
  if (const auto ambient = block["ambient"]) {
    energy.ambient = context.nonnegative(ambient, dimension::temperature, units.temperature, "ambient", true);
  }
  if (const auto rho = block["liquid_density"]) {
    energy.liquid_density = context.nonnegative(rho, dimension::density, "kg/m3", "liquid_density", true);
  }
  return energy;
}

std::unique_ptr<UnitOperation> build_continuous(const BuildContext& context, const std::string& name,
                                                const YAML::Node& node, const std::string& where) {
  const auto& units = context.units();
  context.check_keys(node,
                     {"type", "mode", "model", "temperature", "volume", "initial_solution", "inlets",
                      "particle_size", "reactions", "speciation", "energy_balance", "initial_fill"},
                     where);
  ContinuousLeachTankParameters parameters;
  parameters.tank = read_stirred_tank(context, node, where, true);
  if (const auto model = node["model"]) {
    const auto text = context.text(model, "model");
    if (text == "lumped") {
      parameters.model = ContinuousLeachTankParameters::Model::lumped;
    } else if (text != "segregated") {
      context.fail(model, where + ": unknown model `" + text + "`; expected `segregated` or `lumped`");
    }
  }
  if (const auto fill = node["initial_fill"]) {
    const auto text = context.text(fill, "initial_fill");
    if (text == "feed") {
      parameters.initial_fill = ContinuousLeachTankParameters::InitialFill::feed;
    } else if (text != "solution") {
      context.fail(fill, where + ": unknown initial_fill `" + text + "`; expected `solution` or `feed`");
    }
  }
  if (const auto sizes = node["particle_size"]) {
    if (!sizes.IsMap()) {
      context.fail(sizes, where + ": `particle_size` must map minerals to their particle size");
    }
    for (const auto& entry : sizes) {
      const std::string mineral = context.text(entry.first, "mineral");
      context.track(entry.first, mineral);
      parameters.particle_diameters[mineral] =
          context.nonnegative(entry.second, dimension::length, units.length, "particle_size", true);
    }
  }
  parameters.reactions = read_reactions(context, context.require(node, "reactions", where), where);
  parameters.speciation = read_speciation(context, node, parameters.reactions, where);
  parameters.energy_balance = read_energy_balance(context, node, parameters.reactions, where);
  if (parameters.energy_balance) {
    // The temperature becomes a state; `temperature` gives its initial value.
    if (!parameters.tank.temperature) {
      context.fail(node,
                   where + ": with `energy_balance`, `temperature` (the initial temperature) is required");
    }
    parameters.initial_temperature = parameters.tank.temperature->value();
    parameters.tank.temperature.reset();
  }
  try {
    return std::make_unique<ContinuousLeachTank>(name, std::move(parameters));
  } catch (const InputError& error) {
    context.fail(node, error.message());
  }
}

}  // namespace

std::unique_ptr<UnitOperation> build_leach_tank(const BuildContext& context, const std::string& name,
                                                const YAML::Node& node) {
  const std::string where = "leach_tank `" + name + "`";
  const auto& units = context.units();
  if (const auto mode = node["mode"]) {
    if (const auto text = context.text(mode, "mode"); text == "continuous") {
      return build_continuous(context, name, node, where);
    } else if (text != "batch") {
      context.fail(mode, where + ": unknown mode `" + text + "`; expected `batch` or `continuous`");
    }
  }
  context.check_keys(node,
                     {"type", "mode", "temperature", "volume", "solution", "solids", "reactions",
                      "speciation", "energy_balance"},
                     where);
  LeachTankParameters parameters;
  parameters.temperature =
      context.nonnegative(context.require(node, "temperature", where), dimension::temperature,
                          units.temperature, "temperature", true) *
      units::kelvin;
  parameters.solution_volume = context.nonnegative(context.require(node, "volume", where), dimension::volume,
                                                   units.volume, "volume", true) *
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
    const std::string what = where + " solid `" + mineral + "`";
    context.check_keys(entry.second, {"mass", "particle_size", "size_distribution"}, what);
    const double mass = context.nonnegative(context.require(entry.second, "mass", mineral), dimension::mass,
                                            units.mass, "mass");
    LeachTankParameters::MineralCharge charge{mineral, mass * units::kilogram, 0.0 * units::meter, {}};
    if (const auto distribution = entry.second["size_distribution"]) {
      if (entry.second["particle_size"]) {
        context.fail(entry.second, what + ": give `particle_size` or `size_distribution`, not both");
      }
      charge.distribution = read_distribution(context, distribution, what);
    } else {
      charge.particle_diameter = context.nonnegative(context.require(entry.second, "particle_size", mineral),
                                                     dimension::length, units.length, "particle_size", true) *
                                 units::meter;
    }
    parameters.solids.push_back(std::move(charge));
  }
  if (const auto list = node["reactions"]) {
    parameters.reactions = read_reactions(context, list, where);
    for (std::size_t i = 0; i < parameters.reactions.size(); ++i) {
      const auto& reaction = parameters.reactions[i];
      const bool charged = std::any_of(parameters.solids.begin(), parameters.solids.end(),
                                       [&](const auto& c) { return c.mineral == reaction.mineral; });
      if (!charged) {
        context.fail(list[i], where + ": reaction `" + reaction.name + "` attacks `" + reaction.mineral +
                                  "`, which is not in `solids`");
      }
    }
  }
  parameters.speciation = read_speciation(context, node, parameters.reactions, where);
  parameters.energy_balance = read_energy_balance(context, node, parameters.reactions, where);
  try {
    return std::make_unique<LeachTank>(name, std::move(parameters));
  } catch (const InputError& error) {
    context.fail(node, error.message());
  }
}

}  // namespace hydromet::detail
