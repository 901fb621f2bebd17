// `kinetics:` of a leach reaction: shrinking core (reaction, product_layer, film, mixed), avrami, expression.
#include "io/builders/leach_kinetics.hpp"

#include <cmath>
#include <map>

namespace hydromet::detail {
namespace {

struct KineticsReader {
  const YamlDocument& document;
  const DefaultUnits& units;

  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    fail_at(document, node, message);
  }
  double quantity(const YAML::Node& node, const Dimension& expected, const std::string& default_unit,
                  const std::string& what) const {
    return as_quantity(document, node, expected, default_unit, what);
  }
  double positive(const YAML::Node& node, const Dimension& expected, const std::string& default_unit,
                  const std::string& what) const {
    const double value = quantity(node, expected, default_unit, what);
    if (!(value > 0.0) || !std::isfinite(value)) {
      fail(node, what + " must be positive");
    }
    return value;
  }
  double reference_temperature(const YAML::Node& node) const {
    if (const auto t_ref = node["reference_temperature"]) {
      return positive(t_ref, dimension::temperature, units.temperature, "reference_temperature");
    }
    return 298.15;
  }

  void shrinking_core(const YAML::Node& node, const std::string& where, ShrinkingCoreControl control,
                      ShrinkingCoreParameters& parameters) const {
    check_keys(document, node,
               {"model", "control", "rate_constant", "order", "order_basis", "activation_energy",
                "reference_temperature", "diffusivity", "diffusion_activation_energy", "film_coefficient"},
               where + " kinetics");
    parameters.control = control;
    if (const auto order = node["order"]) {
      parameters.reaction_order = as_number(document, order, "order");
      if (!(parameters.reaction_order >= 0.0)) {
        fail(order, "reaction order must be >= 0");
      }
    }
    if (const auto k = node["rate_constant"]) {
      // k_s has units (mol/m3)^(1-n) m/s: only n = 1 has a dimension the parser can check.
      parameters.surface_rate_constant = parameters.reaction_order == 1.0
                                             ? quantity(k, dimension::velocity, "m/s", "rate_constant")
                                             : as_number(document, k, "rate_constant (SI)");
      if (!(parameters.surface_rate_constant > 0.0)) {
        fail(k, "rate_constant must be positive");
      }
    }
    if (const auto d = node["diffusivity"]) {
      parameters.effective_diffusivity = positive(d, dimension::diffusivity, "m2/s", "diffusivity");
    }
    if (const auto kf = node["film_coefficient"]) {
      parameters.film_coefficient = positive(kf, dimension::velocity, "m/s", "film_coefficient");
    }
    const double t_ref = reference_temperature(node);
    parameters.surface_temperature.reference_temperature = t_ref;
    parameters.diffusion_temperature.reference_temperature = t_ref;
    if (const auto ea = node["activation_energy"]) {
      parameters.surface_temperature.activation_energy =
          quantity(ea, dimension::molar_energy, units.molar_energy, "activation_energy");
    }
    if (const auto ea = node["diffusion_activation_energy"]) {
      parameters.diffusion_temperature.activation_energy =
          quantity(ea, dimension::molar_energy, units.molar_energy, "diffusion_activation_energy");
    }
    if (control == ShrinkingCoreControl::reaction && parameters.surface_rate_constant == 0.0) {
      fail(node, where + ": reaction control needs `rate_constant`");
    }
    if (control == ShrinkingCoreControl::product_layer && parameters.effective_diffusivity == 0.0) {
      fail(node, where + ": product-layer control needs `diffusivity`");
    }
    if (control == ShrinkingCoreControl::film && parameters.film_coefficient == 0.0) {
      fail(node, where + ": film control needs `film_coefficient`");
    }
    if (control == ShrinkingCoreControl::mixed && parameters.surface_rate_constant == 0.0 &&
        parameters.effective_diffusivity == 0.0 && parameters.film_coefficient == 0.0) {
      fail(node,
           where + ": mixed control needs at least one of rate_constant, diffusivity, film_coefficient");
    }
  }

  // k(T) = k_ref exp(−Ea/R (1/T − 1/T_ref)), from `rate_constant` at T_ref or a pre-exponential factor A
  // (k = A exp(−Ea/(R T)), so k_ref = A exp(−Ea/(R T_ref))).
  void avrami(const YAML::Node& node, const std::string& where, AvramiParameters& parameters) const {
    check_keys(document, node,
               {"model", "control", "rate_constant", "pre_exponential", "exponent", "activation_energy",
                "reference_temperature"},
               where + " kinetics");
    const auto exponent = require(document, node, "exponent", where + " avrami kinetics");
    parameters.exponent = as_number(document, exponent, "exponent");
    if (!(parameters.exponent > 0.0) || !std::isfinite(parameters.exponent)) {
      fail(exponent, "Avrami exponent must be positive");
    }
    parameters.temperature.reference_temperature = reference_temperature(node);
    if (const auto ea = node["activation_energy"]) {
      parameters.temperature.activation_energy =
          quantity(ea, dimension::molar_energy, units.molar_energy, "activation_energy");
    }
    const auto k = node["rate_constant"];
    const auto a = node["pre_exponential"];
    if (static_cast<bool>(k) == static_cast<bool>(a)) {
      fail(node, where +
                     ": avrami kinetics needs one of `rate_constant` (at reference_temperature) or "
                     "`pre_exponential` (with activation_energy)");
    }
    if (k) {
      parameters.rate_constant = positive(k, dimension::frequency, "1/s", "rate_constant");
    } else {
      const double pre_exponential = positive(a, dimension::frequency, "1/s", "pre_exponential");
      parameters.rate_constant =
          pre_exponential * std::exp(-parameters.temperature.activation_energy /
                                     (gas_constant * parameters.temperature.reference_temperature));
      if (!(parameters.rate_constant > 0.0)) {
        fail(a, where +
                    ": the rate constant from pre_exponential underflows at reference_temperature; give "
                    "a reference_temperature near the operating one");
      }
    }
  }

  void expression(const YAML::Node& node, const std::string& where, const Database& database,
                  RateExpressionSpec& spec,
                  const std::function<void(const YAML::Node&, const std::string&)>& track) const {
    check_keys(document, node, {"model", "control", "rate", "parameters"}, where + " kinetics");
    const auto rate = require(document, node, "rate", where + " expression kinetics");
    spec.text = as_string(document, rate, "rate");
    spec.location = location_of(document, rate);
    if (const auto parameters = node["parameters"]) {
      if (!parameters.IsMap()) {
        fail(parameters, where + ": `parameters` must map names to numbers");
      }
      for (const auto& entry : parameters) {
        spec.parameters.emplace_back(as_string(document, entry.first, "parameter name"),
                                     as_number(document, entry.second, "parameter value"));
      }
    }
    // Checked against every aqueous species of the database now (the tank checks its own at bind).
    std::vector<std::string> aqueous;
    for (const auto& name : database.names()) {
      const Phase phase = database.species(name).phase;
      if (phase == Phase::aqueous || phase == Phase::solvent) {
        aqueous.push_back(name);
      }
    }
    const RateExpression compiled(spec, aqueous, aqueous);
    for (const auto& species : compiled.used_concentrations()) {
      track(rate, species);
    }
  }
};

}  // namespace

void read_leach_kinetics(const YamlDocument& document, const DefaultUnits& units, const Database& database,
                         const YAML::Node& node, const std::string& where, LeachReaction& reaction,
                         const std::function<void(const YAML::Node&, const std::string&)>& track) {
  const KineticsReader reader{document, units};
  if (!node.IsMap()) {
    fail_at(document, node, where + ": `kinetics` must be a map");
  }
  const auto control_node = require(document, node, "control", where + " kinetics");
  const std::string control = as_string(document, control_node, "control");
  static const std::map<std::string, ShrinkingCoreControl> shrinking_core{
      {"reaction", ShrinkingCoreControl::reaction},
      {"product_layer", ShrinkingCoreControl::product_layer},
      {"film", ShrinkingCoreControl::film},
      {"mixed", ShrinkingCoreControl::mixed}};
  std::string expected_model = "shrinking_core";
  if (control == "avrami" || control == "expression") {
    expected_model = control;
  } else if (!shrinking_core.contains(control)) {
    fail_at(document, control_node,
            "unknown control `" + control +
                "`; expected reaction, product_layer, film, mixed (shrinking core), avrami or expression");
  }
  if (const auto model_node = node["model"]) {
    const auto model = as_string(document, model_node, "kinetics model");
    if (model != "shrinking_core" && model != "avrami" && model != "expression") {
      fail_at(document, model_node,
              "unknown kinetics model `" + model + "`; expected `shrinking_core`, `avrami` or `expression`");
    }
    if (model != expected_model) {
      fail_at(document, model_node,
              "kinetics model `" + model + "` does not go with control `" + control + "`; expected `" +
                  expected_model + "` (or leave `model` out)");
    }
  }
  if (const auto basis = node["order_basis"]) {
    const std::string text = as_string(document, basis, "order_basis");
    if (text == "activity") {
      reaction.order_basis = OrderBasis::activity;
    } else if (text != "concentration") {
      fail_at(document, basis, "unknown order_basis `" + text + "`; expected `concentration` or `activity`");
    }
  }
  if (control == "avrami") {
    reaction.form = LeachRateForm::avrami;
    reader.avrami(node, where, reaction.avrami);
  } else if (control == "expression") {
    reaction.form = LeachRateForm::expression;
    reader.expression(node, where, database, reaction.expression, track);
  } else {
    reaction.form = LeachRateForm::shrinking_core;
    reader.shrinking_core(node, where, shrinking_core.at(control), reaction.kinetics);
  }
}

}  // namespace hydromet::detail
