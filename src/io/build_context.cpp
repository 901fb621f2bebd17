// BuildContext helpers and the table of unit builders.
#include "io/build_context.hpp"

namespace hydromet::detail {

double BuildContext::nonnegative(const YAML::Node& node, const Dimension& expected,
                                 const std::string& default_unit, std::string_view what,
                                 bool strictly) const {
  const double value = quantity(node, expected, default_unit, what);
  if (strictly ? !(value > 0.0) : !(value >= 0.0)) {
    fail(node, std::string(what) + (strictly ? " must be positive" : " must be >= 0"));
  }
  return value;
}

double BuildContext::fraction(const YAML::Node& node, std::string_view what) const {
  const double value = quantity(node, dimension::dimensionless, "", what);
  if (!(value >= 0.0 && value <= 1.0)) {
    fail(node, std::string(what) + " must be a fraction from 0 to 1 (or 0 % to 100 %)");
  }
  return value;
}

const Species& BuildContext::species_at(const YAML::Node& node, const std::string& name) const {
  if (const Species* found = database_.find(name)) {
    return *found;
  }
  std::string message = "unknown species `" + name + "`";
  if (auto suggestion = closest_match(name, database_.names()); !suggestion.empty()) {
    message += "; did you mean `" + suggestion + "`?";
  }
  fail(node, message);
}

StirredTankParameters read_stirred_tank(const BuildContext& context, const YAML::Node& node,
                                        const std::string& where, bool with_inlets) {
  const auto& units = context.units();
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
  if (with_inlets) {
    parameters.inlet_count = read_inlet_count(context, node, 1, where);
  }
  return parameters;
}

const std::map<std::string, UnitBuilder>& unit_builders() {
  static const std::map<std::string, UnitBuilder> table{
      {"evaporator", &build_evaporator},
      {"feed", &build_feed},
      {"crystallizer", &build_crystallizer},
      {"leach_tank", &build_leach_tank},
      {"mixer", &build_mixer},
      {"mixer_settler", &build_mixer_settler},
      {"organic_feed", &build_organic_feed},
      {"product", &build_product},
      {"reactor", &build_reactor},
      {"solid_liquid_separator", &build_solid_liquid_separator},
      {"splitter", &build_splitter},
      {"sx_cascade", &build_sx_cascade},
      {"tank", &build_tank},
  };
  return table;
}

}  // namespace hydromet::detail
