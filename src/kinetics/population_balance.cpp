// Population balance numerics: finite-volume growth transport, moments, analytic references, kinetics.
#include "hydromet/kinetics/population_balance.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "hydromet/core/error.hpp"

namespace hydromet {

SizeGrid::SizeGrid(std::vector<double> edges) : edges_(std::move(edges)) {
  if (edges_.size() < 2) {
    throw InputError("size grid: needs at least one cell (two edges)");
  }
  if (!(edges_.front() >= 0.0) || !std::isfinite(edges_.back())) {
    throw InputError("size grid: edges must be finite and >= 0");
  }
  for (std::size_t i = 1; i < edges_.size(); ++i) {
    if (!(edges_[i] > edges_[i - 1])) {
      throw InputError("size grid: edges must increase strictly (edge " + std::to_string(i) + ")");
    }
  }
}

SizeGrid SizeGrid::uniform(double l_min, double l_max, std::size_t cells) {
  if (cells == 0 || !(l_max > l_min)) {
    throw InputError("size grid: needs cells > 0 and l_max > l_min");
  }
  std::vector<double> edges(cells + 1);
  const double width = (l_max - l_min) / static_cast<double>(cells);
  for (std::size_t i = 0; i <= cells; ++i) {
    edges[i] = l_min + width * static_cast<double>(i);
  }
  edges[cells] = l_max;
  return SizeGrid(std::move(edges));
}

SizeGrid SizeGrid::geometric(double l_min, double l_max, std::size_t cells) {
  if (cells == 0 || !(l_min > 0.0) || !(l_max > l_min)) {
    throw InputError("size grid: geometric grid needs cells > 0 and 0 < l_min < l_max");
  }
  std::vector<double> edges(cells + 1);
  const double ratio = std::log(l_max / l_min) / static_cast<double>(cells);
  for (std::size_t i = 0; i <= cells; ++i) {
    edges[i] = l_min * std::exp(ratio * static_cast<double>(i));
  }
  edges[0] = l_min;
  edges[cells] = l_max;
  return SizeGrid(std::move(edges));
}

double SizeGrid::moment_weight(std::size_t i, int k) const {
  const double a = edges_[i];
  const double b = edges_[i + 1];
  if (k == 0) {
    return b - a;
  }
  // (b^(k+1) − a^(k+1))/(k+1) written as a sum to avoid cancellation on narrow cells.
  double sum = 0.0;
  for (int j = 0; j <= k; ++j) {
    sum += std::pow(a, j) * std::pow(b, k - j);
  }
  return (b - a) * sum / static_cast<double>(k + 1);
}

std::size_t SizeGrid::locate(double size) const {
  const auto it = std::upper_bound(edges_.begin(), edges_.end(), size);
  if (it == edges_.begin()) {
    return 0;
  }
  return std::min(static_cast<std::size_t>(it - edges_.begin()) - 1, this->size() - 1);
}

FiniteVolumeGrowth::FiniteVolumeGrowth(SizeGrid grid, FluxLimiter limiter, UpperBoundary upper)
    : grid_(std::move(grid)), limiter_(limiter), upper_(upper), face_growth_(grid_.size() + 1) {}

namespace {

// Limited reconstruction n_up + φ(r)/2 (n_down − n_up); a flat downstream jump falls back to n_up, which is
// the limit of φ(r) (n_down − n_up) for bounded φ.
double reconstruct(FluxLimiter limiter, double upup, double up, double down) {
  const double jump = down - up;
  if (limiter == FluxLimiter::van_albada) {
    // φ(r) (n_down − n_up) with a = n_up − n_upup, b = n_down − n_up: a b (a + b) / (a² + b²), a smooth
    // function of the three values (r = a/b never formed, so no clamp or branch at b = 0).
    const double behind = up - upup;
    const double norm = behind * behind + jump * jump;
    return norm > 0.0 ? up + 0.5 * behind * jump * (behind + jump) / norm : up;
  }
  if (jump == 0.0) {
    return up;
  }
  // Every limiter is constant for large |r|; clamping keeps a tiny jump from turning r into inf (NaN in φ).
  const double r = std::clamp((up - upup) / jump, -1e100, 1e100);
  return up + 0.5 * flux_limiter(limiter, r) * jump;
}

}  // namespace

double FiniteVolumeGrowth::face_value(std::span<const double> n, std::size_t face, double growth,
                                      double boundary_density) const {
  const std::size_t cells = grid_.size();
  if (growth > 0.0) {
    // Upwind cell face−1; its upstream neighbour is the ghost 2 n_b − n_0 for the first cell.
    const std::size_t up = face - 1;
    const double upup = up == 0 ? 2.0 * boundary_density - n[0] : n[up - 1];
    const double down = face < cells ? n[face] : n[up];
    return reconstruct(limiter_, upup, n[up], down);
  }
  // Dissolution: upwind cell is `face`; nothing lies above the grid.
  const std::size_t up = face;
  const double upup = up + 1 < cells ? n[up + 1] : 0.0;
  const double down = face > 0 ? n[face - 1] : n[up];
  return reconstruct(limiter_, upup, n[up], down);
}

void FiniteVolumeGrowth::face_fluxes(std::span<const double> n, std::span<const double> edge_growth,
                                     double nucleation, std::span<double> flux) const {
  const std::size_t cells = grid_.size();
  const double g0 = edge_growth[0];
  const double boundary_density = g0 > 0.0 ? nucleation / g0 : 0.0;
  // Lower edge: nuclei enter; dissolving crystals leave at G n_0.
  flux[0] = nucleation + (g0 < 0.0 ? g0 * n[0] : 0.0);
  for (std::size_t face = 1; face < cells; ++face) {
    const double g = edge_growth[face];
    flux[face] = g != 0.0 ? g * face_value(n, face, g, boundary_density) : 0.0;
  }
  const double top = edge_growth[cells];
  flux[cells] = upper_ == UpperBoundary::open && top > 0.0 ? top * n[cells - 1] : 0.0;
}

void FiniteVolumeGrowth::add_growth(std::span<const double> n, std::span<const double> edge_growth,
                                    double nucleation, std::span<double> dndt) const {
  const std::size_t cells = grid_.size();
  face_flux_.resize(cells + 1);
  face_fluxes(n, edge_growth, nucleation, face_flux_);
  for (std::size_t i = 0; i < cells; ++i) {
    dndt[i] += (face_flux_[i] - face_flux_[i + 1]) / grid_.width(i);
  }
}

void FiniteVolumeGrowth::add_growth(std::span<const double> n, double growth, double nucleation,
                                    std::span<double> dndt) const {
  std::fill(face_growth_.begin(), face_growth_.end(), growth);
  add_growth(n, face_growth_, nucleation, dndt);
}

double distribution_moment(const SizeGrid& grid, std::span<const double> n, int k) {
  double sum = 0.0;
  for (std::size_t i = 0; i < grid.size(); ++i) {
    sum += n[i] * grid.moment_weight(i, k);
  }
  return sum;
}

SizeStatistics size_statistics(const SizeGrid& grid, std::span<const double> n) {
  SizeStatistics stats;
  for (int k = 0; k < 5; ++k) {
    stats.mu[k] = distribution_moment(grid, n, k);
  }
  const auto ratio = [](double a, double b) { return b > 0.0 ? a / b : 0.0; };
  stats.l10 = ratio(stats.mu[1], stats.mu[0]);
  stats.l32 = ratio(stats.mu[3], stats.mu[2]);
  stats.l43 = ratio(stats.mu[4], stats.mu[3]);
  if (stats.mu[3] > 0.0) {
    const double half = 0.5 * stats.mu[3];
    double cumulative = 0.0;
    for (std::size_t i = 0; i < grid.size(); ++i) {
      const double cell = n[i] * grid.moment_weight(i, 3);
      if (cumulative + cell >= half && n[i] > 0.0) {
        const double a = grid.edge(i);
        stats.mass_median = std::pow(std::pow(a, 4) + 4.0 * (half - cumulative) / n[i], 0.25);
        break;
      }
      cumulative += cell;
    }
  }
  return stats;
}

void moment_rates(std::span<const double> mu, double growth, double nucleation, double nuclei_size,
                  double dilution, std::span<const double> mu_in, std::span<double> dmu_dt) {
  for (std::size_t k = 0; k < mu.size(); ++k) {
    const double inflow = mu_in.empty() ? 0.0 : mu_in[k];
    double rate = nucleation * std::pow(nuclei_size, static_cast<double>(k)) + dilution * (inflow - mu[k]);
    if (k > 0) {
      rate += static_cast<double>(k) * growth * mu[k - 1];
    }
    dmu_dt[k] = rate;
  }
}

double msmpr_density(double growth, double nucleation, double residence_time, double size) {
  return nucleation / growth * std::exp(-size / (growth * residence_time));
}

std::vector<double> msmpr_moments(double growth, double nucleation, double residence_time,
                                  std::size_t count) {
  std::vector<double> mu(count);
  const double length = growth * residence_time;
  double value = nucleation / growth * length;  // μ0 = n0 G τ
  for (std::size_t k = 0; k < count; ++k) {
    mu[k] = value;
    value *= static_cast<double>(k + 1) * length;
  }
  return mu;
}

double msmpr_mass_median(double growth, double residence_time) {
  // Cumulative volume fraction of the exponential distribution; monotone, so bisection on [0, 20].
  const auto fraction = [](double x) {
    return 1.0 - std::exp(-x) * (1.0 + x + x * x / 2.0 + x * x * x / 6.0);
  };
  double lo = 0.0;
  double hi = 20.0;
  for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; ++it) {
    const double mid = 0.5 * (lo + hi);
    (fraction(mid) < 0.5 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi) * growth * residence_time;
}

std::vector<double> batch_growth_moments(std::span<const double> mu0, double growth, double time) {
  const double shift = growth * time;
  std::vector<double> mu(mu0.size(), 0.0);
  for (std::size_t k = 0; k < mu0.size(); ++k) {
    double binomial = 1.0;  // C(k, j), built up from j = 0
    for (std::size_t j = 0; j <= k; ++j) {
      mu[k] += binomial * std::pow(shift, static_cast<double>(k - j)) * mu0[j];
      binomial = binomial * static_cast<double>(k - j) / static_cast<double>(j + 1);
    }
  }
  return mu;
}

double NucleationLaw::rate(double saturation_ratio, double suspension_density, double temperature) const {
  if (!(saturation_ratio > 1.0)) {
    return 0.0;
  }
  const double sigma = saturation_ratio - 1.0;
  double rate = 0.0;
  if (primary_rate_constant > 0.0) {
    rate += primary_rate_constant * std::pow(sigma, primary_order);
  }
  if (classical_prefactor > 0.0) {
    const double ln_s = std::log(saturation_ratio);
    rate += classical_prefactor * std::exp(-classical_exponent / (ln_s * ln_s));
  }
  if (secondary_rate_constant > 0.0 && suspension_density > 0.0) {
    rate += secondary_rate_constant * std::pow(sigma, secondary_order) *
            std::pow(suspension_density, suspension_order);
  }
  return rate * arrhenius.factor(temperature);
}

double GrowthLaw::rate(double saturation_ratio, double temperature) const {
  if (saturation_ratio >= 1.0) {
    return rate_constant * std::pow(saturation_ratio - 1.0, order) * arrhenius.factor(temperature);
  }
  return -dissolution_rate_constant * std::pow(1.0 - saturation_ratio, dissolution_order) *
         arrhenius.factor(temperature);
}

double GrowthLaw::size_factor(double size, double growth_rate) const {
  if (!size_dependent() || growth_rate < 0.0) {
    return 1.0;
  }
  return std::pow(1.0 + asl_gamma * size, asl_exponent);
}

}  // namespace hydromet
