// Shrinking-core kinetics of a dense spherical particle: reaction, product-layer, film and mixed control.
#pragma once

#include "hydromet/kinetics/arrhenius.hpp"

namespace hydromet {

/// Which resistances act. `mixed` puts every resistance with a positive coefficient in series.
enum class ShrinkingCoreControl { reaction, product_layer, film, mixed };

/// Parameters of the shrinking-core model for  B(s) + a A(aq) -> products  (Levenspiel, Chemical Reaction
/// Engineering, 3rd ed., ch. 25). The flux of reagent A per unit core area is
///   J = C / ( (r/R)^2 / k_f + r (R - r) / (R D_e) + 1 / k_s )           (first order in A),
/// and the core shrinks as  -dr/dt = J / (a rho_B),  rho_B the molar density of B [mol/m3].
/// For reaction order n != 1 the surface concentration C_s solves  k_s C_s^n = transport flux, which
/// reduces to the series sum above for n = 1.
struct ShrinkingCoreParameters {
  ShrinkingCoreControl control = ShrinkingCoreControl::reaction;
  double surface_rate_constant = 0.0;  ///< k_s at T_ref [m/s for n = 1; (mol/m3)^(1-n) m/s in general]
  double reaction_order = 1.0;         ///< n, order in the reagent concentration [-]
  double effective_diffusivity = 0.0;  ///< D_e at T_ref, through the product layer [m2/s]
  double film_coefficient = 0.0;       ///< k_f, liquid-film mass-transfer coefficient [m/s]
  Arrhenius surface_temperature{};     ///< temperature dependence of k_s
  Arrhenius diffusion_temperature{};   ///< temperature dependence of D_e
  double reagent_stoichiometry = 1.0;  ///< a, mol of reagent per mol of mineral [-]
};

/// Smallest product-layer thickness as a fraction of R. It regularises the infinite initial rate of pure
/// product-layer control; the time it shifts is below 3 (1e-9)^2 tau, far under any solver tolerance.
inline constexpr double minimum_product_layer_fraction = 1e-9;

/// Reagent flux J per unit core area [mol/(m2 s)] at reagent concentration [mol/m3] (negative values are
/// treated as zero), particle radius R [m], core radius r [m] and temperature [K]. `activity_ratio` φ puts
/// the surface reaction on an activity basis: it reads k_s (φ C_s)^n, φ = 1000 a / C the activity
/// concentration per unit concentration of the reagent (taken equal at the surface and in the bulk),
/// while film and product-layer transport stay driven by the concentration; φ = 1 is the concentration
/// basis.
[[nodiscard]] double shrinking_core_flux(const ShrinkingCoreParameters& parameters, double concentration,
                                         double particle_radius, double core_radius, double temperature,
                                         double activity_ratio = 1.0);

/// What the flux reads that does not depend on the particle or core radius, for one reagent concentration,
/// temperature and activity ratio: evaluated once per state, it spares every size class the powers and
/// Arrhenius exponentials (shrinking_core_flux below gives the same value as the one-call form).
struct ShrinkingCoreConditions {
  double concentration = 0.0;          ///< C [mol/m3], negative taken as zero
  double surface_rate_constant = 0.0;  ///< k_s(T) φ^n
  double reaction_flux = 0.0;          ///< k_s(T) (φ C)^n, the flux with no transport resistance
  double reaction_resistance = 0.0;    ///< 1 / (k_s(T) φ^n), in series with transport for n = 1
  double diffusivity = 0.0;            ///< D_e(T) [m2/s]
};
[[nodiscard]] ShrinkingCoreConditions shrinking_core_conditions(const ShrinkingCoreParameters& parameters,
                                                                double concentration, double temperature,
                                                                double activity_ratio = 1.0);
[[nodiscard]] double shrinking_core_flux(const ShrinkingCoreParameters& parameters,
                                         const ShrinkingCoreConditions& conditions, double particle_radius,
                                         double core_radius);

/// Core recession speed -dr/dt [m/s] for a mineral of molar density rho_B [mol/m3].
[[nodiscard]] double core_recession_rate(const ShrinkingCoreParameters& parameters, double concentration,
                                         double particle_radius, double core_radius, double temperature,
                                         double molar_density, double activity_ratio = 1.0);

/// Time for complete conversion at constant concentration [s], for a single controlling resistance:
/// reaction a rho R / (k_s C^n); product layer a rho R^2 / (6 D_e C); film a rho R / (3 k_f C).
[[nodiscard]] double complete_conversion_time(const ShrinkingCoreParameters& parameters, double concentration,
                                              double particle_radius, double temperature,
                                              double molar_density);

/// The integrated forms g(X) = t/tau for a single controlling resistance (Levenspiel):
/// reaction 1 - (1-X)^(1/3); product layer 1 - 3(1-X)^(2/3) + 2(1-X); film X.
[[nodiscard]] double shrinking_core_time_fraction(ShrinkingCoreControl control, double conversion);

}  // namespace hydromet
