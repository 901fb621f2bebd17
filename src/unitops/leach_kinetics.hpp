// Internal: the rate laws of a leach tank's reactions evaluated against the tank's solution, shared by the
// batch and the continuous leach tank.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hydromet/kinetics/leach_reaction.hpp"
#include "hydromet/kinetics/shrinking_core.hpp"
#include "hydromet/streams/component_list.hpp"
#include "hydromet/unitops/leach_tank.hpp"

namespace hydromet::detail {

/// ∫_{u_a}^{u_b} u^(a−1) e^(−u) du / Γ(a), the regularised incomplete gamma function between two bounds
/// (a > 0, 0 <= u_a <= u_b, u_b may be +∞): series below a + 1, continued fraction above.
[[nodiscard]] double regularized_gamma_between(double a, double lower, double upper);

/// The tank-wide values a rate law reads, besides the solution.
struct LeachBulk {
  double temperature = 298.15;  ///< [K]
  double time = 0.0;            ///< [s]
  double solids = 0.0;          ///< kg solids per m3 slurry
  double solid_fraction = 0.0;  ///< solids volume fraction [-]
};

/// One tank's view of its reactions: reagents bound to the component list, expressions compiled against
/// the tank's species, and the speciation that gives activities. prepare() once per evaluation, then the
/// rates. Not thread-safe (speciation and expressions keep state).
class LeachKinetics {
 public:
  LeachKinetics() = default;
  /// `owner` names the tank in messages ("leach_tank `L1`").
  void bind(const std::vector<LeachReaction>& reactions, const LeachSpeciationParameters& speciation,
            const ComponentList& components, const std::string& owner);

  /// Speciates (when needed) and sets what every law reads: concentrations [mol/m3] of the tank's
  /// aqueous species, and the bulk values.
  void prepare(const Vector& concentrations, const LeachBulk& bulk) const;

  /// Conversion rate dX/dt [1/s] of reaction b for particles of radius R [m] at conversion X, mineral
  /// molar density [mol/m3]. Shrinking core: 3 r² J / (a ρ R³) with r = R (1 − X)^(1/3); Avrami: the
  /// conversion form n k (1 − X)(−ln(1 − X))^((n−1)/n); expression: its value (negative taken as 0).
  [[nodiscard]] double conversion_rate(std::size_t b, double conversion, double radius,
                                       double molar_density) const;
  /// Core recession speed −dr/dt [m/s] of reaction b at core radius r in a particle of radius R:
  /// J / (a ρ) for the shrinking core (as shrinking_core_flux), R³ (dX/dt) / (3 r²) otherwise, X = 1 −
  /// (r/R)³.
  [[nodiscard]] double core_speed(std::size_t b, double radius, double core, double molar_density) const;
  /// The core recession speed of reaction b [m/s] when it is the same at every core radius r > 0 (shrinking
  /// core under reaction control: J = k_s C^n), as core_speed gives it; nothing otherwise.
  [[nodiscard]] std::optional<double> uniform_core_speed(std::size_t b, double molar_density) const;
  /// Whether a rate law reads the bulk `solids` or `phi` (a rate expression).
  [[nodiscard]] bool reads_solids() const { return has_expression_; }
  /// Avrami rate constant k(T) [1/s] of reaction b at the prepared temperature.
  [[nodiscard]] double avrami_rate_constant(std::size_t b) const;

  [[nodiscard]] std::size_t reagent(std::size_t b) const { return bound_[b].reagent; }
  [[nodiscard]] const LeachReaction& reaction(std::size_t b) const { return *bound_[b].reaction; }
  [[nodiscard]] std::size_t size() const { return bound_.size(); }
  /// The activity ratio φ = 1000 a / C of reaction b's reagent at the last prepare() (1 on a concentration
  /// basis).
  [[nodiscard]] double activity_ratio(std::size_t b) const { return bound_[b].activity_ratio; }

 private:
  struct Bound {
    const LeachReaction* reaction = nullptr;
    std::size_t reagent = 0;                    // tank aqueous index
    std::optional<std::size_t> reagent_system;  // species index in the speciation system
    std::unique_ptr<RateExpression> expression;
    mutable double activity_ratio = 1.0;
    mutable ShrinkingCoreConditions conditions;  // shrinking core: set by prepare(), read by every class
  };
  std::string owner_;
  std::vector<Bound> bound_;
  std::unique_ptr<TankSpeciation> speciation_;
  std::vector<std::string> activity_species_;  // a_<s> names: the system's species, or the tank's
  std::optional<std::size_t> hydrogen_;        // tank index of H+ (pH without speciation)
  bool needs_speciation_ = false;
  bool has_expression_ = false;
  mutable Vector concentrations_;  // of the last prepare() [mol/m3]
  mutable LeachBulk bulk_;
};

}  // namespace hydromet::detail
