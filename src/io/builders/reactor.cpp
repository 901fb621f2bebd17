// Builder of `type: reactor`.
#include "hydromet/unitops/reactor.hpp"

#include <cmath>
#include <map>
#include <sstream>

#include "io/build_context.hpp"

namespace hydromet::detail {

namespace {

/// Fails at `node` unless the reaction balances every element and the charge to 1e-9 (relative).
void check_balanced(const BuildContext& context, const YAML::Node& node, const ReactorReaction& reaction,
                    const std::string& where) {
  std::map<std::string, double> net;
  std::map<std::string, double> scale;
  double charge = 0.0;
  double charge_scale = 0.0;
  for (const auto& term : reaction.terms) {
    const Species& species = context.species_at(node, term.species);
    for (const auto& [element, atoms] : species.formula.composition) {
      net[element] += term.coefficient * atoms;
      scale[element] += std::abs(term.coefficient * atoms);
    }
    charge += term.coefficient * species.charge();
    charge_scale += std::abs(term.coefficient * species.charge());
  }
  for (const auto& [element, value] : net) {
    if (std::abs(value) > 1e-9 * scale[element]) {
      std::ostringstream message;
      message << where << ": `" << reaction.equation << "` does not balance " << element << " (net " << value
              << " per unit extent)";
      context.fail(node, message.str());
    }
  }
  if (std::abs(charge) > 1e-9 * std::max(charge_scale, 1.0)) {
    std::ostringstream message;
    message << where << ": `" << reaction.equation << "` does not balance charge (net " << charge << ")";
    context.fail(node, message.str());
  }
}

}  // namespace

std::unique_ptr<UnitOperation> build_reactor(const BuildContext& context, const std::string& name,
                                             const YAML::Node& node) {
  std::string where = "reactor `";
  where.append(name).append("`");
  context.check_keys(node, {"type", "inlets", "temperature", "reactions"}, where);
  ReactorParameters parameters;
  parameters.inlet_count = read_inlet_count(context, node, 1, where);
  if (const auto temperature = node["temperature"]) {
    parameters.temperature = context.nonnegative(temperature, dimension::temperature,
                                                 context.units().temperature, "temperature", true);
  }
  const auto reactions = context.require(node, "reactions", where);
  if (!reactions.IsSequence() || reactions.size() == 0) {
    context.fail(reactions, where + ": `reactions` must be a list of `{equation, conversion, key}`");
  }
  for (const auto& item : reactions) {
    const std::string item_where = where + " reaction";
    if (!item.IsMap()) {
      context.fail(item, item_where + ": expected a map `{equation, conversion, key, source}`");
    }
    context.check_keys(item, {"equation", "conversion", "key", "source"}, item_where);
    ReactorReaction reaction;
    const auto equation = context.require(item, "equation", item_where);
    reaction.equation = context.text(equation, "equation");
    try {
      reaction.terms = parse_reaction_equation(reaction.equation);
    } catch (const InputError& error) {
      context.fail(equation, error.message());
    }
    for (const auto& term : reaction.terms) {
      context.track(equation, term.species);
    }
    check_balanced(context, equation, reaction, where);
    reaction.conversion = context.fraction(context.require(item, "conversion", item_where), "conversion");
    if (const auto key = item["key"]) {
      reaction.key = context.text(key, "key reactant");
      bool is_reactant = false;
      for (const auto& term : reaction.terms) {
        is_reactant = is_reactant || (term.species == *reaction.key && term.coefficient < 0.0);
      }
      if (!is_reactant) {
        context.fail(
            key, where + ": key `" + *reaction.key + "` is not a reactant of `" + reaction.equation + "`");
      }
    }
    parameters.reactions.push_back(std::move(reaction));
  }
  try {
    return std::make_unique<Reactor>(name, std::move(parameters));
  } catch (const InputError& error) {
    context.fail(node, error.message());
  }
}

}  // namespace hydromet::detail
