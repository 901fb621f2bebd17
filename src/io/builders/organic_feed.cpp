// Builder of `type: organic_feed`.
#include "hydromet/unitops/organic_feed.hpp"

#include "io/build_context.hpp"

namespace hydromet::detail {

std::unique_ptr<UnitOperation> build_organic_feed(const BuildContext& context, const std::string& name,
                                                  const YAML::Node& node) {
  const std::string where = "organic_feed `" + name + "`";
  const auto& units = context.units();
  context.check_keys(node, {"type", "flow", "temperature", "composition"}, where);
  OrganicFeedParameters parameters;
  parameters.flow = context.nonnegative(context.require(node, "flow", where), dimension::volumetric_flow,
                                        units.flow, "flow");
  if (const auto temperature = node["temperature"]) {
    parameters.temperature =
        context.nonnegative(temperature, dimension::temperature, units.temperature, "temperature", true);
  }
  if (const auto composition = node["composition"]) {
    if (!composition.IsMap()) {
      context.fail(composition, where + ": `composition` must map organic species to concentrations");
    }
    for (const auto& entry : composition) {
      const std::string species = context.text(entry.first, "species");
      if (context.species_at(entry.first, species).phase != Phase::organic) {
        context.fail(entry.first, where + ": `" + species + "` is not an organic species");
      }
      context.track(entry.first, species);
      parameters.composition.emplace_back(
          species, context.nonnegative(entry.second, dimension::molar_concentration, units.concentration,
                                       "concentration"));
    }
  }
  try {
    return std::make_unique<OrganicFeed>(name, std::move(parameters));
  } catch (const InputError& error) {
    context.fail(node, error.message());
  }
}

}  // namespace hydromet::detail
