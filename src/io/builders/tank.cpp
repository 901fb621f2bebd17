// Builder of `type: tank`.
#include "hydromet/unitops/stirred_tank.hpp"
#include "io/build_context.hpp"

namespace hydromet::detail {

std::unique_ptr<UnitOperation> build_tank(const BuildContext& context, const std::string& name,
                                          const YAML::Node& node) {
  const std::string where = "tank `" + name + "`";
  context.check_keys(node, {"type", "volume", "temperature", "initial_solution", "inlets"}, where);
  StirredTankParameters parameters = read_stirred_tank(context, node, where, true);
  try {
    return std::make_unique<StirredTank>(name, std::move(parameters));
  } catch (const InputError& error) {
    context.fail(node, error.message());
  }
}

}  // namespace hydromet::detail
