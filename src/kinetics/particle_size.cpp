// Particle size distributions.
#include "hydromet/kinetics/particle_size.hpp"

#include <cmath>
#include <functional>
#include <numbers>
#include <string>

#include "hydromet/core/error.hpp"

namespace hydromet {
namespace {

SizeDistribution from_passing(const std::function<double(double)>& passing, std::size_t classes, double d_min,
                              double d_max, const char* what) {
  if (classes == 0 || !(d_min > 0.0) || !(d_max > d_min) || !std::isfinite(d_max)) {
    throw InputError(std::string(what) + ": needs at least one class and 0 < d_min < d_max");
  }
  const double ratio = std::pow(d_max / d_min, 1.0 / static_cast<double>(classes));
  SizeDistribution result;
  double lower = d_min;
  const double total = passing(d_max) - passing(d_min);
  if (!(total > 0.0)) {
    throw InputError(std::string(what) + ": no mass between d_min and d_max");
  }
  for (std::size_t k = 0; k < classes; ++k) {
    // The last edge is d_max exactly, not a product of rounded ratios.
    const double upper = k + 1 == classes ? d_max : lower * ratio;
    result.push_back({std::sqrt(lower * upper), (passing(upper) - passing(lower)) / total});
    lower = upper;
  }
  return result;
}

}  // namespace

SizeDistribution size_distribution(const std::vector<double>& diameters,
                                   const std::vector<double>& mass_fractions) {
  if (diameters.size() != mass_fractions.size() || diameters.empty()) {
    throw InputError("size distribution: needs as many mass fractions as diameters, at least one");
  }
  double total = 0.0;
  for (std::size_t k = 0; k < diameters.size(); ++k) {
    if (!(diameters[k] > 0.0) || !std::isfinite(diameters[k])) {
      throw InputError("size distribution: diameters must be positive");
    }
    if (!(mass_fractions[k] >= 0.0) || !std::isfinite(mass_fractions[k])) {
      throw InputError("size distribution: mass fractions must be >= 0");
    }
    total += mass_fractions[k];
  }
  if (!(total > 0.0)) {
    throw InputError("size distribution: mass fractions sum to zero");
  }
  SizeDistribution result;
  for (std::size_t k = 0; k < diameters.size(); ++k) {
    result.push_back({diameters[k], mass_fractions[k] / total});
  }
  return result;
}

double rosin_rammler_passing(double diameter, double d63, double spread) {
  return -std::expm1(-std::pow(diameter / d63, spread));
}

double log_normal_passing(double diameter, double d50, double sigma_g) {
  return 0.5 * std::erfc(-std::log(diameter / d50) / (std::numbers::sqrt2 * std::log(sigma_g)));
}

SizeDistribution rosin_rammler_distribution(double d63, double spread, std::size_t classes, double d_min,
                                            double d_max) {
  if (!(d63 > 0.0) || !(spread > 0.0)) {
    throw InputError("Rosin-Rammler distribution: d63 and the spread must be positive");
  }
  return from_passing([=](double d) { return rosin_rammler_passing(d, d63, spread); }, classes, d_min, d_max,
                      "Rosin-Rammler distribution");
}

SizeDistribution log_normal_distribution(double d50, double sigma_g, std::size_t classes, double d_min,
                                         double d_max) {
  if (!(d50 > 0.0) || !(sigma_g > 1.0)) {
    throw InputError("log-normal distribution: needs d50 > 0 and sigma_g > 1");
  }
  return from_passing([=](double d) { return log_normal_passing(d, d50, sigma_g); }, classes, d_min, d_max,
                      "log-normal distribution");
}

double mass_mean_diameter(const SizeDistribution& distribution) {
  double mean = 0.0;
  for (const auto& fraction : distribution) {
    mean += fraction.mass_fraction * fraction.diameter;
  }
  return mean;
}

}  // namespace hydromet
