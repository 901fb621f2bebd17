// Builder of `type: solid_liquid_separator`.
#include "hydromet/unitops/solid_liquid_separator.hpp"

#include "io/build_context.hpp"

namespace hydromet::detail {

std::unique_ptr<UnitOperation> build_solid_liquid_separator(const BuildContext& context,
                                                            const std::string& name, const YAML::Node& node) {
  const std::string where = "solid_liquid_separator `" + name + "`";
  context.check_keys(
      node, {"type", "solids_recovery", "cake_moisture", "liquor_density", "wash", "wash_efficiency"}, where);
  SolidLiquidSeparatorParameters parameters;
  parameters.solids_recovery =
      context.fraction(context.require(node, "solids_recovery", where), "solids_recovery");
  const auto moisture = context.require(node, "cake_moisture", where);
  parameters.cake_moisture = context.fraction(moisture, "cake_moisture");
  if (!(parameters.cake_moisture < 1.0)) {
    context.fail(moisture,
                 where + ": cake_moisture is the mass fraction of liquor in the wet cake and must be < 1");
  }
  if (const auto density = node["liquor_density"]) {
    parameters.liquor_density =
        context.nonnegative(density, dimension::density, "kg/m3", "liquor_density", true) * units::kilogram /
        units::cubic_meter;
  }
  if (const auto wash = node["wash"]) {
    parameters.wash = as_bool(context.document(), wash, "wash");
  }
  const auto efficiency = node["wash_efficiency"];
  if (parameters.wash) {
    parameters.wash_efficiency = context.fraction(
        context.require(node, "wash_efficiency", where + " (with `wash: true`)"), "wash_efficiency");
  } else if (efficiency) {
    context.fail(efficiency, where + ": `wash_efficiency` needs `wash: true` (which adds the `wash` inlet)");
  }
  return std::make_unique<SolidLiquidSeparator>(name, parameters);
}

}  // namespace hydromet::detail
