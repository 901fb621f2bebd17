// Builder of `type: evaporator`.
#include "hydromet/unitops/evaporator.hpp"

#include "io/build_context.hpp"

namespace hydromet::detail {

std::unique_ptr<UnitOperation> build_evaporator(const BuildContext& context, const std::string& name,
                                                const YAML::Node& node) {
  const std::string where = "evaporator `" + name + "`";
  context.check_keys(node, {"type", "water_removal", "concentration_factor", "volatiles"}, where);
  const auto rate = node["water_removal"];
  const auto factor = node["concentration_factor"];
  if (rate && factor) {
    context.fail(factor, where + ": give either `water_removal` or `concentration_factor`, not both");
  }
  if (!rate && !factor) {
    context.fail(node, where + ": needs `water_removal` (a volumetric rate) or `concentration_factor`");
  }
  EvaporatorParameters parameters;
  if (rate) {
    parameters.water_removal =
        context.nonnegative(rate, dimension::volumetric_flow, context.units().flow, "water_removal") *
        units::cubic_meter / units::second;
  } else {
    const double value = context.quantity(factor, dimension::dimensionless, "", "concentration_factor");
    if (!(value >= 1.0)) {
      context.fail(factor, where + ": concentration_factor (inlet volume / concentrate volume) must be >= 1");
    }
    parameters.concentration_factor = value;
  }
  if (const auto volatiles = node["volatiles"]) {
    if (!volatiles.IsMap()) {
      context.fail(volatiles,
                   where + ": `volatiles` must map solutes to the fraction leaving with the vapour");
    }
    for (const auto& entry : volatiles) {
      const std::string species = context.text(entry.first, "volatile species");
      context.track(entry.first, species);
      if (context.species_at(entry.first, species).phase != Phase::aqueous) {
        context.fail(entry.first, where + ": volatile `" + species + "` must be an aqueous solute");
      }
      parameters.volatiles.emplace_back(species, context.fraction(entry.second, "volatile fraction"));
    }
  }
  try {
    return std::make_unique<Evaporator>(name, parameters);
  } catch (const InputError& error) {
    context.fail(node, error.message());
  }
}

}  // namespace hydromet::detail
