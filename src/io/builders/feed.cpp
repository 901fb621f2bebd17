// Builder of `type: feed`, with its schedule of steps and ramps.
#include "hydromet/unitops/feed.hpp"

#include "io/build_context.hpp"

namespace hydromet::detail {
namespace {

std::vector<FeedParameters::Solute> solutes(const BuildContext& context, const YAML::Node& node,
                                            const std::string& where) {
  std::vector<FeedParameters::Solute> result;
  for (const auto& [species, concentration] : read_solution(context, node, where)) {
    result.push_back({species, concentration * units::mole / units::cubic_meter});
  }
  return result;
}

std::vector<FeedParameters::Solid> solids(const BuildContext& context, const YAML::Node& node,
                                          const std::string& where) {
  if (!node.IsMap()) {
    context.fail(node, where + ": `solids` must map minerals to mass flows");
  }
  std::vector<FeedParameters::Solid> result;
  for (const auto& entry : node) {
    const std::string mineral = context.text(entry.first, "mineral");
    if (context.species_at(entry.first, mineral).phase != Phase::solid) {
      context.fail(entry.first, where + ": `" + mineral + "` is not a solid");
    }
    context.track(entry.first, mineral);
    const double flow = context.nonnegative(entry.second, dimension::mass_flow, context.units().mass_flow,
                                            "solids mass flow");
    result.push_back({mineral, flow * units::kilogram / units::second});
  }
  return result;
}

}  // namespace

namespace {

// Species of one liquid phase mapped to concentrations [mol/m3], each species tracked.
std::vector<std::pair<std::string, double>> read_phase_solution(const BuildContext& context,
                                                                const YAML::Node& node,
                                                                const std::string& where, bool organic) {
  if (!node.IsMap()) {
    context.fail(node, where + (organic ? ": must map organic species to concentrations"
                                        : ": a solution must map species to concentrations"));
  }
  std::vector<std::pair<std::string, double>> result;
  for (const auto& entry : node) {
    const std::string species = context.text(entry.first, "species");
    const Phase phase = context.species_at(entry.first, species).phase;
    const bool accepted =
        organic ? phase == Phase::organic : (phase == Phase::aqueous || phase == Phase::solvent);
    if (!accepted) {
      context.fail(entry.first,
                   where + ": `" + species +
                       (organic ? "` is not an organic species" : "` is not an aqueous species"));
    }
    context.track(entry.first, species);
    const double c = context.nonnegative(entry.second, dimension::molar_concentration,
                                         context.units().concentration, "concentration");
    result.emplace_back(species, c);
  }
  return result;
}

}  // namespace

std::vector<std::pair<std::string, double>> read_solution(const BuildContext& context, const YAML::Node& node,
                                                          const std::string& where) {
  return read_phase_solution(context, node, where, false);
}

std::vector<std::pair<std::string, double>> read_organic(const BuildContext& context, const YAML::Node& node,
                                                         const std::string& where) {
  return read_phase_solution(context, node, where, true);
}

std::unique_ptr<UnitOperation> build_feed(const BuildContext& context, const std::string& name,
                                          const YAML::Node& node) {
  const std::string where = "feed `" + name + "`";
  const auto& units = context.units();
  context.check_keys(node, {"type", "temperature", "flow", "solution", "solids", "schedule"}, where);
  FeedParameters parameters;
  if (const auto temperature = node["temperature"]) {
    parameters.temperature =
        context.nonnegative(temperature, dimension::temperature, units.temperature, "temperature", true) *
        units::kelvin;
  }
  parameters.flow = context.nonnegative(context.require(node, "flow", where), dimension::volumetric_flow,
                                        units.flow, "flow") *
                    units::cubic_meter / units::second;
  if (const auto solution = node["solution"]) {
    parameters.solution = solutes(context, solution, where);
  }
  if (const auto list = node["solids"]) {
    parameters.solids = solids(context, list, where);
  }
  if (const auto schedule = node["schedule"]) {
    if (!schedule.IsSequence()) {
      context.fail(schedule, where + ": `schedule` must be a list of `{at: time, flow: ..., ramp: ...}`");
    }
    double previous_at = -1.0;
    double previous_end = 0.0;
    for (const auto& item : schedule) {
      const std::string step_where = where + " schedule step";
      context.check_keys(item, {"at", "ramp", "flow", "temperature", "solution", "solids"}, step_where);
      FeedParameters::Step step;
      const auto at_node = context.require(item, "at", step_where);
      const double at = context.nonnegative(at_node, dimension::time, units.time, "at");
      if (!(at > previous_at)) {
        context.fail(at_node, step_where + ": times must be strictly increasing");
      }
      if (at < previous_end) {
        context.fail(at_node, step_where + ": starts before the previous ramp ends");
      }
      step.at = at * units::second;
      if (const auto ramp = item["ramp"]) {
        step.ramp = context.nonnegative(ramp, dimension::time, units.time, "ramp") * units::second;
      }
      if (const auto flow = item["flow"]) {
        step.flow = context.nonnegative(flow, dimension::volumetric_flow, units.flow, "flow") *
                    units::cubic_meter / units::second;
      }
      if (const auto temperature = item["temperature"]) {
        step.temperature =
            context.nonnegative(temperature, dimension::temperature, units.temperature, "temperature", true) *
            units::kelvin;
      }
      if (const auto solution = item["solution"]) {
        step.solution = solutes(context, solution, step_where);
      }
      if (const auto list = item["solids"]) {
        step.solids = solids(context, list, step_where);
      }
      if (!step.flow && !step.temperature && step.solution.empty() && step.solids.empty()) {
        context.fail(item, step_where + ": changes nothing; give flow, temperature, solution or solids");
      }
      previous_at = at;
      previous_end = at + step.ramp.value();
      parameters.schedule.push_back(std::move(step));
    }
  }
  try {
    return std::make_unique<Feed>(name, std::move(parameters));
  } catch (const InputError& error) {
    context.fail(node, error.message());
  }
}

}  // namespace hydromet::detail
