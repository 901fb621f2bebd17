// Builder of `type: tank`.
#include "hydromet/unitops/stirred_tank.hpp"
#include "io/build_context.hpp"

namespace hydromet::detail {

std::unique_ptr<UnitOperation> build_tank(const BuildContext& context, const std::string& name,
                                          const YAML::Node& node) {
  const std::string where = "tank `" + name + "`";
  const auto& units = context.units();
  context.check_keys(node, {"type", "volume", "temperature", "initial_solution", "inlets"}, where);
  StirredTankParameters parameters;
  parameters.volume = context.nonnegative(context.require(node, "volume", where), dimension::volume,
                                          units.volume, "volume", true) *
                      units::cubic_meter;
  if (const auto temperature = node["temperature"]) {
    parameters.temperature =
        context.nonnegative(temperature, dimension::temperature, units.temperature, "temperature", true) *
        units::kelvin;
  }
  if (const auto solution = node["initial_solution"]) {
    for (const auto& [species, concentration] : read_solution(context, solution, where)) {
      parameters.initial_solution.push_back({species, concentration * units::mole / units::cubic_meter});
    }
  }
  parameters.inlet_count = read_inlet_count(context, node, 1, where);
  try {
    return std::make_unique<StirredTank>(name, std::move(parameters));
  } catch (const InputError& error) {
    context.fail(node, error.message());
  }
}

}  // namespace hydromet::detail
