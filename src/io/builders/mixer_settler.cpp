// Builder of `type: mixer_settler`, its extraction reactions and their distribution laws.
#include "hydromet/unitops/mixer_settler.hpp"

#include "io/build_context.hpp"

namespace hydromet::detail {
namespace {

std::shared_ptr<const DistributionLaw> read_law(const BuildContext& context, const YAML::Node& node,
                                                const std::string& where) {
  if (!node.IsMap()) {
    context.fail(node, where + ": `law` must be a map with a `type`");
  }
  const auto type_node = context.require(node, "type", where + " law");
  const std::string type = context.text(type_node, "law type");
  try {
    if (type == "constant") {
      context.check_keys(node, {"type", "D"}, where + " law");
      return std::make_shared<ConstantDistribution>(
          context.number(context.require(node, "D", where + " law"), "D"));
    }
    if (type == "mass_action") {
      context.check_keys(node, {"type", "K"}, where + " law");
      return std::make_shared<MassActionDistribution>(
          context.number(context.require(node, "K", where + " law"), "K"));
    }
    if (type == "isotherm") {
      context.check_keys(node, {"type", "points"}, where + " law");
      const auto points = context.require(node, "points", where + " law");
      if (!points.IsSequence()) {
        context.fail(points, where + ": isotherm `points` must be a list of [c_aq, c_org]");
      }
      std::vector<std::pair<double, double>> table;
      for (const auto& point : points) {
        if (!point.IsSequence() || point.size() != 2) {
          context.fail(point, where + ": an isotherm point is [c_aq, c_org]");
        }
        const auto& unit = context.units().concentration;
        table.emplace_back(context.quantity(point[0], dimension::molar_concentration, unit, "c_aq"),
                           context.quantity(point[1], dimension::molar_concentration, unit, "c_org"));
      }
      return std::make_shared<TabulatedIsotherm>(std::move(table));
    }
    if (type == "expression") {
      context.check_keys(node, {"type", "log10_D"}, where + " law");
      return std::make_shared<ExpressionDistribution>(
          context.text(context.require(node, "log10_D", where + " law"), "log10_D"));
    }
  } catch (const InputError& error) {
    context.fail(node, where + ": " + error.message());
  }
  context.fail(type_node, where + ": unknown law `" + type +
                              "`; expected constant, mass_action, isotherm or expression");
}

std::vector<std::pair<std::string, double>> read_coefficients(const BuildContext& context,
                                                              const YAML::Node& node,
                                                              const std::string& where) {
  if (!node.IsMap()) {
    context.fail(node, where + ": must map species to coefficients");
  }
  std::vector<std::pair<std::string, double>> result;
  for (const auto& entry : node) {
    const std::string species = context.text(entry.first, "species");
    context.track(entry.first, species);
    result.emplace_back(species, context.number(entry.second, "coefficient"));
  }
  return result;
}

}  // namespace

StirredTankParameters::Solids read_stage_solids(const BuildContext& context, const YAML::Node& node,
                                                const std::string& where) {
  // A settler takes clarified liquor: the fines that pass a filter are held per solid, not per size class.
  const auto solids = node["solids"];
  if (!solids) {
    return StirredTankParameters::Solids::by_species;
  }
  const std::string text = context.text(solids, "solids");
  if (text == "by_size_class") {
    return StirredTankParameters::Solids::by_size_class;
  }
  if (text != "by_species") {
    context.fail(solids, where +
                             ": `solids` is `by_species` (one state per solid, leaving in the finest size "
                             "class; the default) or `by_size_class` (the size distribution passes through)");
  }
  return StirredTankParameters::Solids::by_species;
}

std::vector<ExtractionReaction> read_extraction_reactions(const BuildContext& context, const YAML::Node& list,
                                                          const std::string& where) {
  std::vector<ExtractionReaction> reactions;
  if (!list.IsSequence()) {
    context.fail(list, where + ": `extraction` must be a list of reactions");
  }
  for (const auto& item : list) {
    const std::string item_where = where + " extraction";
    context.check_keys(item, {"metal", "complex", "reactants", "products", "law"}, item_where);
    ExtractionReaction reaction;
    const auto metal = context.require(item, "metal", item_where);
    reaction.metal = context.text(metal, "metal");
    if (context.species_at(metal, reaction.metal).phase != Phase::aqueous) {
      context.fail(metal, item_where + ": `" + reaction.metal + "` is not an aqueous species");
    }
    context.track(metal, reaction.metal);
    const auto complex = context.require(item, "complex", item_where);
    reaction.complex = context.text(complex, "complex");
    if (context.species_at(complex, reaction.complex).phase != Phase::organic) {
      context.fail(complex, item_where + ": `" + reaction.complex + "` is not an organic species");
    }
    context.track(complex, reaction.complex);
    if (const auto reactants = item["reactants"]) {
      reaction.reactants = read_coefficients(context, reactants, item_where + " reactants");
    }
    if (const auto products = item["products"]) {
      reaction.products = read_coefficients(context, products, item_where + " products");
    }
    reaction.law = read_law(context, context.require(item, "law", item_where), item_where);
    reactions.push_back(std::move(reaction));
  }
  return reactions;
}

std::unique_ptr<UnitOperation> build_mixer_settler(const BuildContext& context, const std::string& name,
                                                   const YAML::Node& node) {
  const std::string where = "mixer_settler `" + name + "`";
  context.check_keys(node,
                     {"type", "volume", "temperature", "initial_solution", "initial_organic", "mode",
                      "mass_transfer", "efficiency", "entrainment", "extraction", "solids"},
                     where);
  MixerSettlerParameters parameters;
  parameters.tank = read_stirred_tank(context, node, where, false);
  if (const auto organic = node["initial_organic"]) {
    const std::string organic_where = where + " `initial_organic`";
    context.check_keys(organic, {"fraction", "solution"}, organic_where);
    parameters.tank.initial_organic_fraction =
        context.fraction(context.require(organic, "fraction", organic_where), "fraction");
    if (!(parameters.tank.initial_organic_fraction < 1.0)) {
      context.fail(organic["fraction"], organic_where + ": `fraction` must be below 1 (the rest is aqueous)");
    }
    for (const auto& [species, concentration] :
         read_organic(context, context.require(organic, "solution", organic_where), organic_where)) {
      parameters.tank.initial_organic.push_back({species, concentration * units::mole / units::cubic_meter});
    }
  }
  parameters.tank.solids = read_stage_solids(context, node, where);
  if (const auto mode = node["mode"]) {
    const std::string text = context.text(mode, "mode");
    if (text == "equilibrium") {
      parameters.mode = MixerSettlerParameters::Mode::equilibrium;
    } else if (text == "rate") {
      parameters.mode = MixerSettlerParameters::Mode::rate;
    } else {
      context.fail(mode, where + ": `mode` is `equilibrium` or `rate`");
    }
  }
  if (const auto ka = node["mass_transfer"]) {
    parameters.mass_transfer = context.nonnegative(ka, dimension::frequency, "1/s", "mass_transfer", true);
  }
  if (const auto efficiency = node["efficiency"]) {
    parameters.efficiency = context.fraction(efficiency, "efficiency");
  }
  if (const auto entrainment = node["entrainment"]) {
    context.check_keys(entrainment, {"aqueous_in_organic", "organic_in_aqueous"}, where + " entrainment");
    if (const auto a = entrainment["aqueous_in_organic"]) {
      parameters.aqueous_in_organic = context.fraction(a, "aqueous_in_organic");
    }
    if (const auto o = entrainment["organic_in_aqueous"]) {
      parameters.organic_in_aqueous = context.fraction(o, "organic_in_aqueous");
    }
  }
  if (const auto list = node["extraction"]) {
    parameters.reactions = read_extraction_reactions(context, list, where);
  }
  try {
    return std::make_unique<MixerSettler>(name, std::move(parameters));
  } catch (const InputError& error) {
    context.fail(node, error.message());
  }
}

}  // namespace hydromet::detail
