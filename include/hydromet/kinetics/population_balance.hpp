// Population balance numerics for crystallisation: size grid, high-resolution finite-volume growth
// transport, method of moments, MSMPR and batch-growth analytic references, nucleation and growth laws.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include "hydromet/kinetics/arrhenius.hpp"

namespace hydromet {

/// Finite volumes on crystal size L [m]: cell i spans [edge(i), edge(i+1)].
class SizeGrid {
 public:
  /// `edges`: strictly increasing cell boundaries [m], at least two, the first >= 0.
  explicit SizeGrid(std::vector<double> edges);
  /// `cells` equal cells on [l_min, l_max] [m].
  static SizeGrid uniform(double l_min, double l_max, std::size_t cells);
  /// `cells` cells on [l_min, l_max] [m] with widths in geometric progression (l_min > 0).
  static SizeGrid geometric(double l_min, double l_max, std::size_t cells);

  [[nodiscard]] std::size_t size() const { return edges_.size() - 1; }
  [[nodiscard]] const std::vector<double>& edges() const { return edges_; }
  [[nodiscard]] double edge(std::size_t i) const { return edges_[i]; }
  [[nodiscard]] double center(std::size_t i) const { return 0.5 * (edges_[i] + edges_[i + 1]); }
  [[nodiscard]] double width(std::size_t i) const { return edges_[i + 1] - edges_[i]; }
  /// ∫ L^k dL over cell i [m^(k+1)]: the exact k-th moment of a unit density constant on the cell.
  [[nodiscard]] double moment_weight(std::size_t i, int k) const;
  /// Index of the cell holding size L [m] (clamped to the first and last cell).
  [[nodiscard]] std::size_t locate(double size) const;

 private:
  std::vector<double> edges_;
};

/// Flux limiters φ(r) of the upwind-biased face reconstruction n_f = n_up + φ(r)/2 (n_down − n_up),
/// r = (n_up − n_upup)/(n_down − n_up) (Sweby, SIAM J. Numer. Anal. 21 (1984) 995; Koren, in Numerical
/// Methods for Advection-Diffusion Problems, Vieweg 1993, 117; van Leer, J. Comput. Phys. 14 (1974) 361;
/// van Albada, van Leer and Roberts, Astron. Astrophys. 108 (1982) 76).
enum class FluxLimiter {
  upwind,    ///< φ = 0: first order
  minmod,    ///< φ = max(0, min(1, r))
  van_leer,  ///< φ = (r + |r|) / (1 + |r|)
  koren,     ///< φ = max(0, min(2r, (1 + 2r)/3, 2)): third-order κ = 1/3 reconstruction where smooth
  /// φ = (r² + r) / (r² + 1): differentiable everywhere (minmod, van Leer and Koren have a kink at r = 0, at
  /// every extremum of n), which implicit integrators need; TVD where n is monotone (r > 0), slightly outside
  /// at extrema (φ ≥ (1 − √2)/2 for r < 0).
  van_albada,
};

/// φ(r) of the limiter. Inline: the finite-volume growth term asks at every face of every evaluation.
[[nodiscard]] inline double flux_limiter(FluxLimiter limiter, double r) {
  switch (limiter) {
    case FluxLimiter::upwind:
      return 0.0;
    case FluxLimiter::minmod:
      return std::max(0.0, std::min(1.0, r));
    case FluxLimiter::van_leer:
      return (r + std::abs(r)) / (1.0 + std::abs(r));
    case FluxLimiter::van_albada:
      return (r * r + r) / (r * r + 1.0);
    case FluxLimiter::koren:
      return std::max(0.0, std::min({2.0 * r, (1.0 + 2.0 * r) / 3.0, 2.0}));
  }
  return 0.0;
}

/// What happens to crystals that grow through the largest size edge.
enum class UpperBoundary {
  closed,  ///< zero flux: crystals stay in the last cell (conserves crystal number and mass)
  open,    ///< outflow at the growth rate: crystals leave the grid
};

/// Finite-volume discretisation of the growth term of the population balance
///   ∂n/∂t + ∂(G n)/∂L = ...,   G n |_{L=edge(0)} = B0 (nucleation as a boundary flux),
/// on cell averages n_i [#/(m m3)]: dn_i/dt += (F_{i−1/2} − F_{i+1/2}) / ΔL_i with the face flux upwinded
/// and reconstructed with a flux limiter. The reconstruction assumes a uniform grid (its order drops on
/// strongly stretched grids). At the lower edge the ghost value is the linear extrapolation through the
/// boundary density B0/G; when G < 0 there (dissolution) crystals leave through it at G n_0.
class FiniteVolumeGrowth {
 public:
  explicit FiniteVolumeGrowth(SizeGrid grid, FluxLimiter limiter = FluxLimiter::koren,
                              UpperBoundary upper = UpperBoundary::closed);

  [[nodiscard]] const SizeGrid& grid() const { return grid_; }
  [[nodiscard]] FluxLimiter limiter() const { return limiter_; }

  /// Adds the growth transport to dndt, with G [m/s] given at every edge (grid().size() + 1 values) and the
  /// nucleation rate B0 [#/(m3 s)] entering at the lower edge.
  void add_growth(std::span<const double> n, std::span<const double> edge_growth, double nucleation,
                  std::span<double> dndt) const;
  /// Same with a size-independent growth rate G [m/s].
  void add_growth(std::span<const double> n, double growth, double nucleation, std::span<double> dndt) const;
  /// The number fluxes F = G n_f [#/(m3 s)] through every edge (grid().size() + 1 values): the lower edge's
  /// is B0 (less the crystals that dissolve through it), the upper edge's zero when closed. add_growth adds
  /// (F_i − F_{i+1}) / ΔL_i to cell i.
  void face_fluxes(std::span<const double> n, std::span<const double> edge_growth, double nucleation,
                   std::span<double> flux) const;

 private:
  [[nodiscard]] double face_value(std::span<const double> n, std::size_t face, double growth,
                                  double boundary_density) const;

  SizeGrid grid_;
  FluxLimiter limiter_;
  UpperBoundary upper_;
  mutable std::vector<double> face_growth_;  // work array for the size-independent overload
  mutable std::vector<double> face_flux_;    // work array of add_growth
};

/// k-th moment μ_k = ∫ L^k n dL [m^(k−3)] of a piecewise-constant density n on the grid.
[[nodiscard]] double distribution_moment(const SizeGrid& grid, std::span<const double> n, int k);

/// Size statistics of a distribution.
struct SizeStatistics {
  double mu[5] = {0.0, 0.0, 0.0, 0.0, 0.0};  ///< μ0..μ4 [m^(k−3)]
  double l10 = 0.0;                          ///< number mean μ1/μ0 [m]
  double l32 = 0.0;                          ///< Sauter mean μ3/μ2 [m]
  double l43 = 0.0;                          ///< volume (mass) mean μ4/μ3 [m]
  double mass_median = 0.0;                  ///< size below which half the crystal volume lies [m]
};

/// Moments, mean sizes and mass median of a piecewise-constant density n on the grid (the median is
/// exact for that density: within a cell the cumulative volume grows as L^4).
[[nodiscard]] SizeStatistics size_statistics(const SizeGrid& grid, std::span<const double> n);

/// Method of moments for size-independent growth G with nuclei of size L0 [m] and a well-mixed vessel:
///   dμ_k/dt = k G μ_{k−1} + B0 L0^k + D (μ_k,in − μ_k),   D = q/V [1/s] (0 for a batch).
/// Writes dμ/dt for k = 0 .. mu.size()−1; mu_in may be empty (crystal-free feed).
void moment_rates(std::span<const double> mu, double growth, double nucleation, double nuclei_size,
                  double dilution, std::span<const double> mu_in, std::span<double> dmu_dt);

/// MSMPR steady state (Randolph and Larson, Theory of Particulate Processes, 2nd ed., 1988, ch. 3):
/// n(L) = n0 exp(−L/(G τ)), n0 = B0/G.
[[nodiscard]] double msmpr_density(double growth, double nucleation, double residence_time, double size);
/// Its moments μ_k = k! n0 (G τ)^(k+1), k = 0 .. count−1.
[[nodiscard]] std::vector<double> msmpr_moments(double growth, double nucleation, double residence_time,
                                                std::size_t count);
/// Its mass median size [m]: x G τ with 1 − e^(−x)(1 + x + x²/2 + x³/6) = 1/2, x = 3.6721.
[[nodiscard]] double msmpr_mass_median(double growth, double residence_time);

/// Batch growth at constant G without nucleation shifts n(L) by G t, so
/// μ_k(t) = Σ_j C(k, j) (G t)^(k−j) μ_j(0)  (binomial expansion of ∫ (L + G t)^k n0(L) dL).
[[nodiscard]] std::vector<double> batch_growth_moments(std::span<const double> mu0, double growth,
                                                       double time);

/// Nucleation rate [#/(m3 s)] at saturation ratio S (S = (IAP/Ksp)^(1/ν), ν ions per formula unit),
/// suspension density M_T [kg/m3] and temperature T [K]; zero when S <= 1. The terms add:
///   primary (power law)   B1 = k_p (S − 1)^p                       (Mullin, Crystallization, 4th ed.,
///   2001, 5.3) primary (classical)   B1 = A exp(−B / ln² S)                   (classical nucleation theory,
///   Mullin 5.1) secondary             B2 = k_b (S − 1)^b M_T^j                  (Randolph and Larson 1988,
///   ch. 6)
/// each multiplied by the Arrhenius factor.
struct NucleationLaw {
  double primary_rate_constant = 0.0;    ///< k_p [#/(m3 s)]
  double primary_order = 0.0;            ///< p [-]
  double classical_prefactor = 0.0;      ///< A [#/(m3 s)]
  double classical_exponent = 0.0;       ///< B [-] = 16 π γ³ v_m² / (3 (k T)³ ν²)
  double secondary_rate_constant = 0.0;  ///< k_b [#/(m3 s) (kg/m3)^-j]
  double secondary_order = 0.0;          ///< b [-]
  double suspension_order = 1.0;         ///< j [-]
  Arrhenius arrhenius;

  [[nodiscard]] double rate(double saturation_ratio, double suspension_density, double temperature) const;
};

/// Growth rate [m/s]:
///   S >= 1:  G = k_g (S − 1)^g  f_T(T) (1 + γ L)^a        (power law; ASL size dependence, Abegg,
///            Stevens and Larson, AIChE J. 14 (1968) 118, with a < 1)
///   S <  1:  G = −k_d (1 − S)^d f_T(T)                    (dissolution, size-independent)
struct GrowthLaw {
  double rate_constant = 0.0;              ///< k_g [m/s]
  double order = 1.0;                      ///< g [-]
  double dissolution_rate_constant = 0.0;  ///< k_d [m/s]
  double dissolution_order = 1.0;          ///< d [-]
  double asl_gamma = 0.0;                  ///< γ [1/m]; 0: size-independent
  double asl_exponent = 0.0;               ///< a [-]
  Arrhenius arrhenius;

  /// Size-independent part G(S, T) [m/s] (the rate at L = 0).
  [[nodiscard]] double rate(double saturation_ratio, double temperature) const;
  /// (1 + γ L)^a for growth, 1 for dissolution (growth_rate < 0).
  [[nodiscard]] double size_factor(double size, double growth_rate) const;
  [[nodiscard]] bool size_dependent() const { return asl_gamma != 0.0 && asl_exponent != 0.0; }
};

}  // namespace hydromet
