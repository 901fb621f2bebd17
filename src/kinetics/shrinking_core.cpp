// Shrinking-core fluxes for reaction, product-layer, film and mixed control.
#include "hydromet/kinetics/shrinking_core.hpp"

#include <algorithm>
#include <cmath>

#include "hydromet/core/error.hpp"

namespace hydromet {
namespace {

bool uses_reaction(const ShrinkingCoreParameters& p) {
  return p.control == ShrinkingCoreControl::reaction ||
         (p.control == ShrinkingCoreControl::mixed && p.surface_rate_constant > 0.0);
}
bool uses_product_layer(const ShrinkingCoreParameters& p) {
  return p.control == ShrinkingCoreControl::product_layer ||
         (p.control == ShrinkingCoreControl::mixed && p.effective_diffusivity > 0.0);
}
bool uses_film(const ShrinkingCoreParameters& p) {
  return p.control == ShrinkingCoreControl::film ||
         (p.control == ShrinkingCoreControl::mixed && p.film_coefficient > 0.0);
}

// Transport resistance (film + product layer) per unit core area [s/m], zero when neither acts.
double transport_resistance(const ShrinkingCoreParameters& p, double radius, double core,
                            double diffusivity) {
  double resistance = 0.0;
  if (uses_film(p)) {
    const double ratio = core / radius;
    resistance += ratio * ratio / p.film_coefficient;
  }
  if (uses_product_layer(p)) {
    const double layer = std::max(radius - core, minimum_product_layer_fraction * radius);
    resistance += core * layer / (radius * diffusivity);
  }
  return resistance;
}

}  // namespace

ShrinkingCoreConditions shrinking_core_conditions(const ShrinkingCoreParameters& p, double concentration,
                                                  double temperature, double activity_ratio) {
  ShrinkingCoreConditions conditions;
  conditions.concentration = std::max(concentration, 0.0);
  if (uses_product_layer(p)) {
    conditions.diffusivity = p.effective_diffusivity * p.diffusion_temperature.factor(temperature);
  }
  if (uses_reaction(p)) {
    const double n = p.reaction_order;
    // k_s (φ C_s)^n = (k_s φ^n) C_s^n: the activity ratio scales the rate constant.
    conditions.surface_rate_constant = p.surface_rate_constant * p.surface_temperature.factor(temperature) *
                                       (activity_ratio == 1.0 ? 1.0 : std::pow(activity_ratio, n));
    conditions.reaction_resistance = 1.0 / conditions.surface_rate_constant;
    conditions.reaction_flux = conditions.surface_rate_constant *
                               (n == 1.0 ? conditions.concentration : std::pow(conditions.concentration, n));
  }
  return conditions;
}

double shrinking_core_flux(const ShrinkingCoreParameters& p, const ShrinkingCoreConditions& conditions,
                           double radius, double core) {
  const double c = conditions.concentration;
  if (c == 0.0 || core <= 0.0) {
    return 0.0;
  }
  const double transport = transport_resistance(p, radius, core, conditions.diffusivity);
  if (!uses_reaction(p)) {
    return c / transport;
  }
  if (transport == 0.0) {
    return conditions.reaction_flux;
  }
  const double n = p.reaction_order;
  const double ks = conditions.surface_rate_constant;
  if (n == 1.0) {
    return c / (transport + conditions.reaction_resistance);
  }
  // Surface concentration cs in (0, c]: ks cs^n = (c - cs) / transport. The left side rises and the
  // right side falls with cs, so bisection on the bracket always converges; 200 halvings reach eps.
  double low = 0.0;
  double high = c;
  for (int iteration = 0; iteration < 200 && high - low > 1e-15 * c; ++iteration) {
    const double mid = 0.5 * (low + high);
    if (ks * std::pow(mid, n) > (c - mid) / transport) {
      high = mid;
    } else {
      low = mid;
    }
  }
  return ks * std::pow(0.5 * (low + high), n);
}

double shrinking_core_flux(const ShrinkingCoreParameters& p, double concentration, double radius, double core,
                           double temperature, double activity_ratio) {
  return shrinking_core_flux(p, shrinking_core_conditions(p, concentration, temperature, activity_ratio),
                             radius, core);
}

double core_recession_rate(const ShrinkingCoreParameters& p, double concentration, double radius, double core,
                           double temperature, double molar_density, double activity_ratio) {
  return shrinking_core_flux(p, concentration, radius, core, temperature, activity_ratio) /
         (p.reagent_stoichiometry * molar_density);
}

double complete_conversion_time(const ShrinkingCoreParameters& p, double concentration, double radius,
                                double temperature, double molar_density) {
  const double a_rho = p.reagent_stoichiometry * molar_density;
  switch (p.control) {
    case ShrinkingCoreControl::reaction:
      return a_rho * radius /
             (p.surface_rate_constant * p.surface_temperature.factor(temperature) *
              std::pow(concentration, p.reaction_order));
    case ShrinkingCoreControl::product_layer:
      return a_rho * radius * radius /
             (6.0 * p.effective_diffusivity * p.diffusion_temperature.factor(temperature) * concentration);
    case ShrinkingCoreControl::film:
      return a_rho * radius / (3.0 * p.film_coefficient * concentration);
    case ShrinkingCoreControl::mixed:
      break;
  }
  throw Error("complete_conversion_time: mixed control has no single time constant");
}

double shrinking_core_time_fraction(ShrinkingCoreControl control, double conversion) {
  const double remaining = 1.0 - conversion;
  switch (control) {
    case ShrinkingCoreControl::reaction:
      return 1.0 - std::cbrt(remaining);
    case ShrinkingCoreControl::product_layer:
      return 1.0 - 3.0 * std::pow(remaining, 2.0 / 3.0) + 2.0 * remaining;
    case ShrinkingCoreControl::film:
      return conversion;
    case ShrinkingCoreControl::mixed:
      break;
  }
  throw Error("shrinking_core_time_fraction: mixed control has no single integrated form");
}

}  // namespace hydromet
