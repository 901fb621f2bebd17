// Builder of `type: mixer`.
#include "hydromet/unitops/mixer.hpp"

#include "io/build_context.hpp"

namespace hydromet::detail {

std::size_t read_inlet_count(const BuildContext& context, const YAML::Node& unit, std::size_t fallback,
                             const std::string& where) {
  const auto node = unit["inlets"];
  if (!node) {
    return fallback;
  }
  const long count = as_count(context.document(), node, "inlets");
  if (count < 1 || count > 1000) {
    context.fail(node, where + ": `inlets` must be a count from 1 to 1000");
  }
  return static_cast<std::size_t>(count);
}

std::unique_ptr<UnitOperation> build_mixer(const BuildContext& context, const std::string& name,
                                           const YAML::Node& node) {
  const std::string where = "mixer `" + name + "`";
  context.check_keys(node, {"type", "inlets"}, where);
  MixerParameters parameters;
  parameters.inlet_count = read_inlet_count(context, node, 2, where);
  return std::make_unique<Mixer>(name, parameters);
}

}  // namespace hydromet::detail
