// Builder of `type: crystallizer`.
#include "hydromet/unitops/crystallizer.hpp"

#include <map>

#include "hydromet/thermo/composition.hpp"
#include "io/build_context.hpp"

namespace hydromet::detail {

namespace {

Arrhenius read_arrhenius(const BuildContext& context, const YAML::Node& node) {
  Arrhenius arrhenius;
  if (const auto ea = node["activation_energy"]) {
    arrhenius.activation_energy =
        context.quantity(ea, dimension::molar_energy, context.units().molar_energy, "activation_energy");
  }
  if (const auto t_ref = node["reference_temperature"]) {
    arrhenius.reference_temperature = context.nonnegative(
        t_ref, dimension::temperature, context.units().temperature, "reference_temperature", true);
  }
  return arrhenius;
}

}  // namespace

std::unique_ptr<UnitOperation> build_crystallizer(const BuildContext& context, const std::string& name,
                                                  const YAML::Node& node) {
  const std::string where = "crystallizer `" + name + "`";
  const auto& units = context.units();
  context.check_keys(node,
                     {"type", "volume", "temperature", "initial_solution", "inlets", "product", "components",
                      "activity_model", "density", "shape_factor", "grid", "limiter", "nucleation", "growth",
                      "evaporation_rate", "concentration_factor", "temperature_programme", "impurities"},
                     where);
  CrystallizerParameters parameters;
  parameters.tank = read_stirred_tank(context, node, where, true);

  const auto product_node = context.require(node, "product", where);
  parameters.product = context.text(product_node, "product");
  const Species& product = context.species_at(product_node, parameters.product);
  if (product.phase != Phase::solid) {
    context.fail(product_node, where + ": product `" + parameters.product + "` is not a solid");
  }
  context.track(product_node, parameters.product);
  parameters.density = product.density;
  if (const auto density = node["density"]) {
    parameters.density = context.nonnegative(density, dimension::density, "kg/m3", "density", true);
  }
  if (!(parameters.density > 0.0)) {
    context.fail(product_node, where + ": `" + parameters.product + "` has no density; give `density`");
  }
  if (const auto shape = node["shape_factor"]) {
    parameters.shape_factor = context.nonnegative(shape, dimension::dimensionless, "", "shape_factor", true);
  }

  // Speciation components: given, or the basis species of the product plus H+ for the charge balance.
  std::vector<std::string> components;
  if (const auto list = node["components"]) {
    if (!list.IsSequence()) {
      context.fail(list, where + ": `components` must be a list of basis species");
    }
    for (const auto& item : list) {
      components.push_back(context.text(item, "component"));
      context.track(item, components.back());
    }
  } else {
    try {
      for (const auto& [basis, coefficient] : basis_composition(context.database(), parameters.product)) {
        if (basis != "H2O") {
          components.push_back(basis);
          context.track(product_node, basis);
        }
      }
    } catch (const InputError& error) {
      context.fail(product_node, error.message());
    }
    if (std::find(components.begin(), components.end(), "H+") == components.end()) {
      components.push_back("H+");
      context.track(product_node, "H+");
    }
  }
  try {
    parameters.chemistry = std::make_shared<const ChemicalSystem>(
        context.database(), components, std::vector<std::string>{parameters.product});
    if (const auto model = node["activity_model"]) {
      parameters.speciation.activity_model = parse_activity_model(context.text(model, "activity_model"));
    }
  } catch (const InputError& error) {
    context.fail(node, where + ": " + error.message());
  }

  if (const auto grid = node["grid"]) {
    context.check_keys(grid, {"min", "max", "classes", "spacing"}, where + " grid");
    const double l_min =
        grid["min"] ? context.nonnegative(grid["min"], dimension::length, units.length, "grid.min") : 0.0;
    const double l_max = context.nonnegative(context.require(grid, "max", "grid"), dimension::length,
                                             units.length, "grid.max", true);
    const long classes =
        as_count(context.document(), context.require(grid, "classes", "grid"), "grid.classes");
    if (!(l_max > l_min) || classes < 2 || classes > 100000) {
      context.fail(grid, where + ": grid needs max > min and 2 to 100000 classes");
    }
    const std::string spacing = grid["spacing"] ? context.text(grid["spacing"], "spacing") : "uniform";
    if (spacing != "uniform" && spacing != "geometric") {
      context.fail(grid["spacing"], where + ": spacing must be `uniform` or `geometric`");
    }
    if (spacing == "geometric" && !(l_min > 0.0)) {
      context.fail(grid, where + ": a geometric grid needs min > 0");
    }
    parameters.grid = spacing == "uniform"
                          ? SizeGrid::uniform(l_min, l_max, static_cast<std::size_t>(classes))
                          : SizeGrid::geometric(l_min, l_max, static_cast<std::size_t>(classes));
  }
  if (const auto limiter = node["limiter"]) {
    static const std::map<std::string, FluxLimiter> limiters{{"upwind", FluxLimiter::upwind},
                                                             {"minmod", FluxLimiter::minmod},
                                                             {"van_leer", FluxLimiter::van_leer},
                                                             {"koren", FluxLimiter::koren},
                                                             {"van_albada", FluxLimiter::van_albada}};
    const std::string text = context.text(limiter, "limiter");
    if (!limiters.contains(text)) {
      context.fail(limiter, where + ": limiter must be upwind, minmod, van_leer, koren or van_albada");
    }
    parameters.limiter = limiters.at(text);
  }
  const auto nucleation = context.require(node, "nucleation", where);
  context.check_keys(nucleation,
                     {"primary_rate_constant", "primary_order", "classical_prefactor", "classical_exponent",
                      "secondary_rate_constant", "secondary_order", "suspension_order", "activation_energy",
                      "reference_temperature"},
                     where + " nucleation");
  auto number_or = [&](const YAML::Node& map, const char* key, double fallback) {
    return map[key] ? context.number(map[key], key) : fallback;
  };
  parameters.nucleation.primary_rate_constant = number_or(nucleation, "primary_rate_constant", 0.0);
  parameters.nucleation.primary_order = number_or(nucleation, "primary_order", 0.0);
  parameters.nucleation.classical_prefactor = number_or(nucleation, "classical_prefactor", 0.0);
  parameters.nucleation.classical_exponent = number_or(nucleation, "classical_exponent", 0.0);
  parameters.nucleation.secondary_rate_constant = number_or(nucleation, "secondary_rate_constant", 0.0);
  parameters.nucleation.secondary_order = number_or(nucleation, "secondary_order", 0.0);
  parameters.nucleation.suspension_order = number_or(nucleation, "suspension_order", 1.0);
  parameters.nucleation.arrhenius = read_arrhenius(context, nucleation);
  const auto growth = context.require(node, "growth", where);
  context.check_keys(growth,
                     {"rate_constant", "order", "dissolution_rate_constant", "dissolution_order", "asl_gamma",
                      "asl_exponent", "activation_energy", "reference_temperature"},
                     where + " growth");
  parameters.growth.rate_constant = context.nonnegative(context.require(growth, "rate_constant", "growth"),
                                                        dimension::velocity, "m/s", "rate_constant");
  parameters.growth.order = number_or(growth, "order", 1.0);
  if (growth["dissolution_rate_constant"]) {
    parameters.growth.dissolution_rate_constant = context.nonnegative(
        growth["dissolution_rate_constant"], dimension::velocity, "m/s", "dissolution_rate_constant");
  }
  parameters.growth.dissolution_order = number_or(growth, "dissolution_order", 1.0);
  parameters.growth.asl_gamma = number_or(growth, "asl_gamma", 0.0);
  parameters.growth.asl_exponent = number_or(growth, "asl_exponent", 0.0);
  parameters.growth.arrhenius = read_arrhenius(context, growth);
  if (const auto evaporation = node["evaporation_rate"]) {
    parameters.evaporation_rate =
        context.nonnegative(evaporation, dimension::volumetric_flow, units.flow, "evaporation_rate");
  }
  if (const auto factor = node["concentration_factor"]) {
    parameters.concentration_factor =
        context.nonnegative(factor, dimension::dimensionless, "", "concentration_factor", true);
    if (parameters.concentration_factor < 1.0 || node["evaporation_rate"]) {
      context.fail(factor, where + ": concentration_factor must be >= 1 and excludes evaporation_rate");
    }
  }
  if (const auto programme = node["temperature_programme"]) {
    // A list of [time, temperature] pairs, e.g. [[0 h, 80 degC], [2 h, 25 degC]].
    if (!programme.IsSequence() || programme.size() == 0) {
      context.fail(programme, where + ": temperature_programme must be a list of [time, temperature]");
    }
    for (const auto& point : programme) {
      if (!point.IsSequence() || point.size() != 2) {
        context.fail(point, where + ": each programme point is [time, temperature]");
      }
      const double time = context.nonnegative(point[0], dimension::time, units.time, "programme time");
      const double temperature = context.nonnegative(point[1], dimension::temperature, units.temperature,
                                                     "programme temperature", true);
      if (!parameters.temperature_programme.empty() &&
          !(time > parameters.temperature_programme.back().first)) {
        context.fail(point, where + ": programme times must increase");
      }
      parameters.temperature_programme.emplace_back(time, temperature);
    }
  }
  if (const auto impurities = node["impurities"]) {
    if (!impurities.IsSequence()) {
      context.fail(impurities,
                   where + ": `impurities` must be a list of {solid, ion, replaces, law, coefficient}");
    }
    for (const auto& item : impurities) {
      context.check_keys(item, {"solid", "ion", "replaces", "law", "coefficient"}, where + " impurity");
      CoPrecipitation impurity;
      for (auto [key, field] : {std::pair{"solid", &impurity.solid}, std::pair{"ion", &impurity.ion},
                                std::pair{"replaces", &impurity.replaces}}) {
        const auto value = context.require(item, key, where + " impurity");
        *field = context.text(value, key);
        (void)context.species_at(value, *field);  // unknown species: located error with a did-you-mean
        context.track(value, *field);
      }
      const auto law = context.require(item, "law", where + " impurity");
      const std::string law_name = context.text(law, "law");
      if (law_name == "homogeneous") {
        impurity.law = CoPrecipitation::Law::homogeneous;
      } else if (law_name == "logarithmic") {
        impurity.law = CoPrecipitation::Law::logarithmic;
      } else {
        context.fail(law, where +
                              ": impurity law must be `homogeneous` (Berthelot-Nernst) or `logarithmic` "
                              "(Doerner-Hoskins)");
      }
      impurity.coefficient = context.nonnegative(context.require(item, "coefficient", where + " impurity"),
                                                 dimension::dimensionless, "", "coefficient");
      parameters.impurities.push_back(std::move(impurity));
    }
  }
  try {
    return std::make_unique<Crystallizer>(name, std::move(parameters));
  } catch (const InputError& error) {
    context.fail(node, error.message());
  }
}

}  // namespace hydromet::detail
