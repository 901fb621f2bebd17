// Particle size distributions: size classes with mass fractions, given or generated from Rosin–Rammler or
// log-normal parameters.
#pragma once

#include <cstddef>
#include <vector>

namespace hydromet {

/// One size class: representative diameter [m] and the mass fraction of the solid in it [-].
struct SizeFraction {
  double diameter = 0.0;
  double mass_fraction = 0.0;
};

/// Size classes whose mass fractions sum to 1.
using SizeDistribution = std::vector<SizeFraction>;

/// Classes from diameters and mass fractions (normalised to sum 1). Throws InputError on mismatched lengths,
/// non-positive diameters, negative fractions or an all-zero distribution.
[[nodiscard]] SizeDistribution size_distribution(const std::vector<double>& diameters,
                                                 const std::vector<double>& mass_fractions);

/// Rosin–Rammler (Weibull) cumulative mass passing F(d) = 1 − exp(−(d/d63)^n), d63 the size [m] with 63.2 %
/// passing and n the spread (Rosin & Rammler, J. Inst. Fuel 7 (1933) 29).
[[nodiscard]] double rosin_rammler_passing(double diameter, double d63, double spread);

/// Log-normal cumulative mass passing F(d) = Φ(ln(d/d50) / ln σ_g), d50 the mass median size [m], σ_g > 1 the
/// geometric standard deviation.
[[nodiscard]] double log_normal_passing(double diameter, double d50, double sigma_g);

/// `classes` classes on geometric edges from d_min to d_max [m]: the mass fraction of a class is
/// F(upper) − F(lower), renormalised over [d_min, d_max] (the tails are folded into the end classes); the
/// representative diameter is the geometric mean of the class edges.
[[nodiscard]] SizeDistribution rosin_rammler_distribution(double d63, double spread, std::size_t classes,
                                                          double d_min, double d_max);
[[nodiscard]] SizeDistribution log_normal_distribution(double d50, double sigma_g, std::size_t classes,
                                                       double d_min, double d_max);

/// Mass-weighted mean diameter Σ w_k d_k [m].
[[nodiscard]] double mass_mean_diameter(const SizeDistribution& distribution);

}  // namespace hydromet
