// Avrami kinetics, user rate expressions and tank speciation for leaching.
#include "hydromet/kinetics/leach_rate.hpp"

#include <muParser.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>

namespace hydromet {
namespace {

constexpr double per_litre = 1e-3;  // mol/m3 -> mol/L

// The location of character `offset` of the expression: the YAML scalar may start with a quote.
SourceLocation located_at(const SourceLocation& location, std::size_t offset) {
  SourceLocation at = location;
  if (!at.known()) {
    return at;
  }
  const std::size_t first = at.column - 1;
  const bool quoted =
      first < at.line_text.size() && (at.line_text[first] == '"' || at.line_text[first] == '\'');
  at.column += offset + (quoted ? 1 : 0);
  return at;
}

}  // namespace

double avrami_conversion(double age, double exponent) {
  return -std::expm1(-std::pow(std::max(age, 0.0), exponent));
}

double avrami_conversion_rate(double conversion, double rate_constant, double exponent) {
  if (!(conversion < 1.0)) {
    return 0.0;
  }
  const double remaining = 1.0 - std::max(conversion, 0.0);
  const double log_term = -std::log1p(-std::max(conversion, 0.0));  // −ln(1 − X) = θ^n
  if (exponent == 1.0) {
    return rate_constant * remaining;
  }
  return exponent * rate_constant * remaining * std::pow(log_term, (exponent - 1.0) / exponent);
}

std::string expression_species_name(std::string_view species) {
  std::string name;
  for (const char ch : species) {
    if (ch == '+') {
      name += 'p';
    } else if (ch == '-') {
      name += 'm';
    } else if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_') {
      name += ch;
    } else {
      name += '_';
    }
  }
  return name;
}

struct RateExpression::Impl {
  std::string text;
  SourceLocation location;
  mu::Parser parser;
  RateVariables variables;
  std::vector<std::string> concentration_species;
  std::vector<std::string> activity_species;
  std::vector<std::pair<std::string, const double*>> used;  // variables the expression reads
};

RateExpression::RateExpression(const RateExpressionSpec& spec,
                               const std::vector<std::string>& concentration_species,
                               const std::vector<std::string>& activity_species)
    : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.text = spec.text;
  impl.location = spec.location;
  impl.concentration_species = concentration_species;
  impl.activity_species = activity_species;
  impl.variables.concentration.assign(concentration_species.size(), 0.0);
  impl.variables.activity.assign(activity_species.size(), 0.0);
  const std::string where = "rate expression `" + spec.text + "`";
  std::map<std::string, std::string> taken;  // variable name -> what it stands for
  const auto define = [&](const std::string& name, double* address, const std::string& meaning) {
    if (const auto found = taken.find(name); found != taken.end()) {
      throw InputError(where + ": `" + name + "` would name both " + found->second + " and " + meaning,
                       impl.location);
    }
    taken.emplace(name, meaning);
    impl.parser.DefineVar(name, address);
  };
  try {
    define("pH", &impl.variables.ph, "pH");
    define("T", &impl.variables.temperature, "the temperature");
    define("X", &impl.variables.conversion, "the conversion");
    define("d", &impl.variables.diameter, "the particle diameter");
    define("solids", &impl.variables.solids, "the solids concentration");
    define("phi", &impl.variables.solid_fraction, "the solids volume fraction");
    define("t", &impl.variables.time, "the time");
    taken.emplace("R", "the gas constant");
    impl.parser.DefineConst("R", gas_constant);
    for (std::size_t i = 0; i < concentration_species.size(); ++i) {
      define("c_" + expression_species_name(concentration_species[i]), &impl.variables.concentration[i],
             "the concentration of `" + concentration_species[i] + "`");
    }
    for (std::size_t i = 0; i < activity_species.size(); ++i) {
      define("a_" + expression_species_name(activity_species[i]), &impl.variables.activity[i],
             "the activity of `" + activity_species[i] + "`");
    }
    for (const auto& [name, value] : spec.parameters) {
      if (taken.contains(name)) {
        throw InputError(where + ": parameter `" + name + "` shadows " + taken.at(name), impl.location);
      }
      if (!std::isfinite(value)) {
        throw InputError(where + ": parameter `" + name + "` must be finite", impl.location);
      }
      taken.emplace(name, "parameter `" + name + "`");
      impl.parser.DefineConst(name, value);
    }
    impl.parser.SetExpr(impl.text);
    for (const auto& [name, address] : impl.parser.GetUsedVar()) {  // parses once, here
      impl.used.emplace_back(name, address);
    }
    (void)impl.parser.Eval();  // compiles the bytecode now, so that no call parses
  } catch (const mu::Parser::exception_type& error) {
    std::string message = where + ": " + std::string(error.GetMsg());
    if (error.GetCode() == mu::ecUNASSIGNABLE_TOKEN || error.GetCode() == mu::ecUNEXPECTED_VAR) {
      message +=
          " (variables: c_<species> [mol/L], a_<species>, pH, T [K], X, d [m], solids [kg/m3], phi, "
          "t [s], R and the reaction's `parameters`; species names with + as p, - as m)";
    }
    const auto position = static_cast<std::size_t>(std::max(error.GetPos(), 0));
    throw InputError(message, located_at(impl.location, position));
  }
}

RateExpression::~RateExpression() = default;

RateVariables& RateExpression::variables() { return impl_->variables; }

const std::string& RateExpression::text() const { return impl_->text; }

bool RateExpression::uses(std::string_view name) const {
  return std::any_of(impl_->used.begin(), impl_->used.end(), [&](const auto& u) { return u.first == name; });
}

double RateExpression::evaluate(const std::string& where) const {
  double value = std::numeric_limits<double>::quiet_NaN();
  std::string failure;
  try {
    value = impl_->parser.Eval();
  } catch (const mu::Parser::exception_type& error) {
    failure = error.GetMsg();
  }
  if (std::isfinite(value)) {
    return value;
  }
  std::ostringstream message;
  message.precision(9);
  message << where << ": rate expression `" << impl_->text << "` gave " << value;
  if (!failure.empty()) {
    message << " (" << failure << ")";
  }
  message << " at";
  for (const auto& [name, address] : impl_->used) {
    message << ' ' << name << " = " << *address;
  }
  message << "; write it so that it is finite over the tank's range";
  throw SolverError(message.str(),
                    SolverError::Details{"leach rate expression", "NOT_FINITE", impl_->variables.time, {}});
}

std::vector<std::string> RateExpression::used_concentrations() const {
  std::vector<std::string> result;
  for (const auto& species : impl_->concentration_species) {
    const std::string name = "c_" + expression_species_name(species);
    if (std::any_of(impl_->used.begin(), impl_->used.end(), [&](const auto& u) { return u.first == name; })) {
      result.push_back(species);
    }
  }
  return result;
}

std::vector<std::string> RateExpression::used_activities() const {
  std::vector<std::string> result;
  for (const auto& species : impl_->activity_species) {
    const std::string name = "a_" + expression_species_name(species);
    if (std::any_of(impl_->used.begin(), impl_->used.end(), [&](const auto& u) { return u.first == name; })) {
      result.push_back(species);
    }
  }
  return result;
}

}  // namespace hydromet
