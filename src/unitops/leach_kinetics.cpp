// Rate laws of a leach tank's reactions against the tank's solution.
#include "unitops/leach_kinetics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "hydromet/core/error.hpp"

namespace hydromet::detail {

namespace {

// e^(−u) u^a / Γ(a), the common factor of the series and the continued fraction.
double gamma_prefactor(double a, double u) { return std::exp(-u + a * std::log(u) - std::lgamma(a)); }

// Regularised lower incomplete gamma P(a, u) by its power series (converges fast for u < a + 1):
// P = e^(−u) u^a / Γ(a) Σ_k u^k / (a (a + 1) … (a + k)).
double gamma_p_series(double a, double u) {
  if (u <= 0.0) {
    return 0.0;
  }
  double term = 1.0 / a;
  double sum = term;
  for (int k = 1; k < 10000; ++k) {
    term *= u / (a + k);
    sum += term;
    if (std::abs(term) < 1e-17 * std::abs(sum)) {
      break;
    }
  }
  return sum * gamma_prefactor(a, u);
}

// Regularised upper incomplete gamma Q(a, u) by its continued fraction (u >= a + 1), evaluated with the
// modified Lentz method: Γ(a, u) = e^(−u) u^a / (u + 1 − a − 1·(1 − a) / (u + 3 − a − 2 (2 − a) / (u + 5 − a
// − …))).
double gamma_q_fraction(double a, double u) {
  if (std::isinf(u)) {
    return 0.0;
  }
  constexpr double tiny = 1e-300;
  double b = u + 1.0 - a;
  double c = 1.0 / tiny;
  double d = 1.0 / b;
  double fraction = d;
  for (int i = 1; i < 10000; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    d = std::abs(d) < tiny ? tiny : d;
    c = b + an / c;
    c = std::abs(c) < tiny ? tiny : c;
    d = 1.0 / d;
    const double step = d * c;
    fraction *= step;
    if (std::abs(step - 1.0) < 1e-16) {
      break;
    }
  }
  return fraction * gamma_prefactor(a, u);
}

}  // namespace

double regularized_gamma_between(double a, double lower, double upper) {
  // Differences of Q above a + 1 (both tails small: no cancellation against 1), of P below.
  if (lower >= a + 1.0) {
    return gamma_q_fraction(a, lower) - gamma_q_fraction(a, upper);
  }
  const double p_upper = upper < a + 1.0 ? gamma_p_series(a, upper) : 1.0 - gamma_q_fraction(a, upper);
  return p_upper - gamma_p_series(a, lower);
}

void LeachKinetics::bind(const std::vector<LeachReaction>& reactions,
                         const LeachSpeciationParameters& speciation, const ComponentList& components,
                         const std::string& owner) {
  owner_ = owner;
  bound_.clear();
  speciation_.reset();
  activity_species_.clear();
  needs_speciation_ = false;
  has_expression_ = false;
  hydrogen_ = components.find_aqueous("H+");
  std::vector<std::string> aqueous;
  for (std::size_t i = 0; i < components.aqueous_count(); ++i) {
    aqueous.push_back(components.aqueous(i).name);
  }
  if (speciation.system) {
    speciation_ = std::make_unique<TankSpeciation>(speciation.system, speciation.activity_model);
    speciation_->bind(aqueous);
    activity_species_ = speciation.system->species_names();
  } else {
    activity_species_ = aqueous;
  }
  for (const auto& reaction : reactions) {
    const std::string where = owner + ", reaction `" + reaction.name + "`";
    Bound bound;
    bound.reaction = &reaction;
    bound.reagent = components.aqueous_index(reaction.reagent, where);
    if (reaction.form == LeachRateForm::shrinking_core && reaction.order_basis == OrderBasis::activity) {
      if (!speciation_) {
        throw InputError(where +
                         ": `order_basis: activity` needs the tank's `speciation:` (components and "
                         "activity model)");
      }
      bound.reagent_system = speciation.system->find_species(reaction.reagent);
      if (!bound.reagent_system) {
        throw InputError(where + ": the reagent `" + reaction.reagent +
                         "` is not a species of the tank's speciation system");
      }
      needs_speciation_ = true;
    }
    if (reaction.form == LeachRateForm::expression) {
      bound.expression = std::make_unique<RateExpression>(reaction.expression, aqueous, activity_species_);
      const auto located = [&](const std::string& message) {
        return InputError(where + ": " + message, reaction.expression.location);
      };
      // pH needs H+: from the speciation, or the tank's free H+ concentration.
      if (!speciation_ && !hydrogen_ && bound.expression->uses("pH")) {
        throw located("the expression reads `pH`, but the tank has neither H+ nor a `speciation:`");
      }
      if (speciation_ && (bound.expression->uses("pH") || !bound.expression->used_activities().empty())) {
        needs_speciation_ = true;
      }
      has_expression_ = true;
    }
    bound_.push_back(std::move(bound));
  }
}

void LeachKinetics::prepare(const Vector& concentrations, const LeachBulk& bulk) const {
  concentrations_ = concentrations;
  bulk_ = bulk;
  const SpeciationResult* speciated = nullptr;
  if (needs_speciation_) {
    speciated = &speciation_->solve(concentrations, bulk.temperature);
  }
  for (const auto& bound : bound_) {
    if (bound.reagent_system && speciated != nullptr) {
      const double c = concentrations[static_cast<Eigen::Index>(bound.reagent)];
      const double activity = speciated->activity[static_cast<Eigen::Index>(*bound.reagent_system)];
      bound.activity_ratio = c > 0.0 ? 1000.0 * activity / c : 1.0;
    }
    if (bound.reaction->form == LeachRateForm::shrinking_core) {
      bound.conditions = shrinking_core_conditions(bound.reaction->kinetics,
                                                   concentrations[static_cast<Eigen::Index>(bound.reagent)],
                                                   bulk.temperature, bound.activity_ratio);
    }
    if (!bound.expression) {
      continue;
    }
    RateVariables& v = bound.expression->variables();
    for (std::size_t i = 0; i < v.concentration.size(); ++i) {
      v.concentration[i] = concentrations[static_cast<Eigen::Index>(i)] * 1e-3;
    }
    if (speciated != nullptr) {
      for (std::size_t i = 0; i < v.activity.size(); ++i) {
        v.activity[i] = speciated->activity[static_cast<Eigen::Index>(i)];
      }
      v.ph = speciated->ph;
    } else if (!speciation_) {
      // Without speciation: ideal dilute solution, a = m = c [mol/L] / (1 kg/L) (same species, same order).
      std::copy(v.concentration.begin(), v.concentration.end(), v.activity.begin());
      v.ph = hydrogen_ ? -std::log10(concentrations[static_cast<Eigen::Index>(*hydrogen_)] * 1e-3)
                       : std::numeric_limits<double>::quiet_NaN();
    }
    v.temperature = bulk.temperature;
    v.time = bulk.time;
    v.solids = bulk.solids;
    v.solid_fraction = bulk.solid_fraction;
  }
}

double LeachKinetics::avrami_rate_constant(std::size_t b) const {
  const auto& avrami = bound_[b].reaction->avrami;
  return avrami.rate_constant * avrami.temperature.factor(bulk_.temperature);
}

double LeachKinetics::conversion_rate(std::size_t b, double conversion, double radius,
                                      double molar_density) const {
  const Bound& bound = bound_[b];
  const LeachReaction& reaction = *bound.reaction;
  switch (reaction.form) {
    case LeachRateForm::shrinking_core: {
      const double core = radius * std::cbrt(std::clamp(1.0 - conversion, 0.0, 1.0));
      const double flux = shrinking_core_flux(reaction.kinetics, bound.conditions, radius, core);
      return 3.0 * core * core * flux /
             (reaction.kinetics.reagent_stoichiometry * molar_density * radius * radius * radius);
    }
    case LeachRateForm::avrami:
      return avrami_conversion_rate(conversion, avrami_rate_constant(b), reaction.avrami.exponent);
    case LeachRateForm::expression: {
      RateVariables& v = bound.expression->variables();
      v.conversion = conversion;
      v.diameter = 2.0 * radius;
      return std::max(bound.expression->evaluate(owner_ + ", reaction `" + reaction.name + "`"), 0.0);
    }
  }
  return 0.0;
}

std::optional<double> LeachKinetics::uniform_core_speed(std::size_t b, double molar_density) const {
  const Bound& bound = bound_[b];
  const LeachReaction& reaction = *bound.reaction;
  if (reaction.form != LeachRateForm::shrinking_core ||
      reaction.kinetics.control != ShrinkingCoreControl::reaction) {
    return std::nullopt;
  }
  // shrinking_core_flux without transport resistances: 0 without reagent, else the surface reaction flux.
  const double flux = bound.conditions.concentration == 0.0 ? 0.0 : bound.conditions.reaction_flux;
  return flux / (reaction.kinetics.reagent_stoichiometry * molar_density);
}

double LeachKinetics::core_speed(std::size_t b, double radius, double core, double molar_density) const {
  const Bound& bound = bound_[b];
  const LeachReaction& reaction = *bound.reaction;
  if (reaction.form == LeachRateForm::shrinking_core) {
    return shrinking_core_flux(reaction.kinetics, bound.conditions, radius, std::min(core, radius)) /
           (reaction.kinetics.reagent_stoichiometry * molar_density);
  }
  if (!(core > 0.0)) {
    return 0.0;
  }
  const double ratio = std::min(core / radius, 1.0);
  const double conversion = 1.0 - ratio * ratio * ratio;
  return radius * conversion_rate(b, conversion, radius, molar_density) / (3.0 * ratio * ratio);
}

}  // namespace hydromet::detail
