// Builder of `type: splitter`.
#include "hydromet/unitops/splitter.hpp"

#include <cmath>
#include <sstream>

#include "io/build_context.hpp"

namespace hydromet::detail {

std::unique_ptr<UnitOperation> build_splitter(const BuildContext& context, const std::string& name,
                                              const YAML::Node& node) {
  const std::string where = "splitter `" + name + "`";
  context.check_keys(node, {"type", "fractions", "set_point", "outlets"}, where);
  const auto fractions = node["fractions"];
  const auto set_point = node["set_point"];
  if (fractions && set_point) {
    context.fail(set_point, where + ": give either `fractions` or `set_point`, not both");
  }
  if (!fractions && !set_point) {
    context.fail(node, where +
                           ": needs `fractions: {outlet: fraction, ...}` or `set_point: {outlet, flow}` with "
                           "`outlets: [a, b]`");
  }
  SplitterParameters parameters;
  if (fractions) {
    if (const auto outlets = node["outlets"]) {
      context.fail(outlets,
                   where + ": `outlets` goes with `set_point`; with `fractions` the outlets are its keys");
    }
    if (!fractions.IsMap() || fractions.size() < 2) {
      context.fail(fractions, where + ": `fractions` must map at least two outlet names to fractions");
    }
    double sum = 0.0;
    for (const auto& entry : fractions) {
      const std::string outlet = context.text(entry.first, "outlet name");
      for (const auto& known : parameters.fractions) {
        if (known.outlet == outlet) {
          context.fail(entry.first, where + ": outlet `" + outlet + "` is listed twice");
        }
      }
      const double value = context.fraction(entry.second, "split fraction");
      parameters.fractions.push_back({outlet, value});
      sum += value;
    }
    if (!(std::abs(sum - 1.0) <= 1e-12)) {
      std::ostringstream message;
      message.precision(15);
      message << where << ": split fractions add up to " << sum << ", not 1 (within 1e-12)";
      context.fail(fractions, message.str());
    }
  } else {
    context.check_keys(set_point, {"outlet", "flow"}, where + " set_point");
    const auto outlet_node = context.require(set_point, "outlet", where + " set_point");
    const std::string outlet = context.text(outlet_node, "set-point outlet");
    const double flow =
        context.nonnegative(context.require(set_point, "flow", where + " set_point"),
                            dimension::volumetric_flow, context.units().flow, "set-point flow");
    const auto outlets = context.require(node, "outlets", where + " (with `set_point`)");
    if (!outlets.IsSequence() || outlets.size() != 2) {
      context.fail(outlets, where + ": `outlets` must list the two outlet names, e.g. [to_tank, bleed]");
    }
    const std::string first = context.text(outlets[0], "outlet name");
    const std::string second = context.text(outlets[1], "outlet name");
    if (first == second) {
      context.fail(outlets, where + ": the two outlets must have different names");
    }
    if (outlet != first && outlet != second) {
      context.fail(outlet_node, where + ": set-point outlet `" + outlet + "` is not in `outlets` (`" + first +
                                    "`, `" + second + "`)");
    }
    parameters.set_point = SplitterParameters::SetPoint{outlet, flow * units::cubic_meter / units::second,
                                                        outlet == first ? second : first};
  }
  try {
    return std::make_unique<Splitter>(name, std::move(parameters));
  } catch (const InputError& error) {
    context.fail(node, error.message());
  }
}

}  // namespace hydromet::detail
