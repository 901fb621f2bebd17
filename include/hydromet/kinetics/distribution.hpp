// Distribution laws of solvent extraction: the organic concentration of an extracted complex in equilibrium
// with an aqueous phase (constant D, mass action, tabulated isotherm, user expression for log10 D).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hydromet/core/types.hpp"
#include "hydromet/thermo/speciation.hpp"
#include "hydromet/thermo/unit_speciation.hpp"

namespace hydromet {

/// What a distribution law may read from a stage. Concentrations in mol/m3 (= mmol/L).
struct DistributionState {
  /// One participant of an extraction reaction other than the metal and its complex.
  struct Participant {
    double concentration = 0.0;  ///< in its own phase [mol/m3]
    double exponent = 0.0;  ///< −ν: +n for a reactant consumed n times, −z for a product released z times
  };
  double metal = 0.0;       ///< aqueous metal species [mol/m3]
  double hydrogen = 0.0;    ///< aqueous H+ [mol/m3]; pH = −log10(c_H / 1000 mol/m3) (concentration scale)
  double extractant = 0.0;  ///< free extractant, the first organic reactant [mol/m3]
  double temperature = 298.15;  ///< [K]
  std::vector<Participant> participants;
};

/// An equilibrium law  c_org* = f(state)  for one metal/complex pair.
class DistributionLaw {
 public:
  DistributionLaw() = default;
  virtual ~DistributionLaw() = default;
  DistributionLaw(const DistributionLaw&) = delete;
  DistributionLaw& operator=(const DistributionLaw&) = delete;

  /// Organic concentration of the complex in equilibrium with `state` [mol/m3].
  [[nodiscard]] virtual double equilibrium_organic(const DistributionState& state) const = 0;
  /// Short description for reports ("constant D = 5").
  [[nodiscard]] virtual std::string describe() const = 0;
};

/// c_org* = D c_aq.
class ConstantDistribution final : public DistributionLaw {
 public:
  explicit ConstantDistribution(double ratio);
  [[nodiscard]] double equilibrium_organic(const DistributionState& state) const override;
  [[nodiscard]] std::string describe() const override;

 private:
  double ratio_;
};

/// Mass action for  M + Σ n_k R_k ⇌ C + Σ z_k P_k  (R, P in either phase):
///   c_C* = K c_M Π_k c_k^(−ν_k),  concentrations in mol/L (ideal phases; activities = concentrations).
/// Cation exchange M^z+ + n HA(org) ⇌ MA_n(org) + z H+ gives D = K [HA]^n / [H+]^z; amine anion exchange
/// (R3NH)2SO4(org) + WO4^2− ⇌ (R3NH)2WO4(org) + SO4^2− gives D = K [(R3NH)2SO4] / [SO4^2−]; solvation
/// H2TaF7 + 3 TBP ⇌ H2TaF7·3TBP gives D = K [TBP]^3. Concentrations under a negative exponent are bounded
/// below by 1e-12 mol/L so that a stage emptied of H+ gives a large, finite D.
class MassActionDistribution final : public DistributionLaw {
 public:
  /// `constant`: K in (mol/L)^(Σ ν of the other participants).
  explicit MassActionDistribution(double constant);
  [[nodiscard]] double equilibrium_organic(const DistributionState& state) const override;
  [[nodiscard]] std::string describe() const override;

 private:
  double constant_;
};

/// Equilibrium isotherm c_org*(c_aq) from measured points, interpolated linearly; above the last point the
/// organic is at the last value (loading plateau). Points must start at c_aq >= 0, strictly increasing.
class TabulatedIsotherm final : public DistributionLaw {
 public:
  /// (c_aq, c_org) pairs [mol/m3]; a point (0, 0) is added when the table does not start at 0.
  explicit TabulatedIsotherm(std::vector<std::pair<double, double>> points);
  [[nodiscard]] double equilibrium_organic(const DistributionState& state) const override;
  [[nodiscard]] std::string describe() const override;

 private:
  std::vector<std::pair<double, double>> points_;
};

/// log10 D from a muparser expression of `pH`, `E` (free extractant [mol/L]), `T` [K] and `c` (aqueous
/// metal [mol/L]); c_org* = D c_aq. Evaluation is not thread-safe for one instance (muparser keeps state).
class ExpressionDistribution final : public DistributionLaw {
 public:
  /// Throws InputError with muparser's message when the expression does not parse or names other variables.
  explicit ExpressionDistribution(std::string log10_ratio);
  ~ExpressionDistribution() override;
  ExpressionDistribution(const ExpressionDistribution&) = delete;
  ExpressionDistribution& operator=(const ExpressionDistribution&) = delete;
  [[nodiscard]] double equilibrium_organic(const DistributionState& state) const override;
  [[nodiscard]] std::string describe() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Acidity of a stage from the speciation solver (TankSpeciation) instead of the free H+ concentration: the
/// stage's aqueous species are decomposed into the components of a ChemicalSystem, speciated (the H+ total
/// kept, no charge balance imposed), and a(H+) returned as a concentration, 1000 a(H+) mol/m3. Molality is
/// taken as c [mol/L] / (1 kg/L) (dilute solutions). Aqueous species that are not in the system are left out
/// of the speciation. Not thread-safe (the solver keeps its warm start).
class SpeciatedAcidity {
 public:
  SpeciatedAcidity(std::shared_ptr<const ChemicalSystem> system, ActivityModel model);
  /// Maps the stage's aqueous species (names, in stream order) onto the system's components.
  void bind(const std::vector<std::string>& aqueous_species) { speciation_.bind(aqueous_species); }
  /// 1000 a(H+) [mol/m3] of an aqueous phase with these concentrations [mol/m3] at temperature [K].
  [[nodiscard]] double hydrogen(const Vector& aqueous_concentrations, double temperature) const;
  [[nodiscard]] const ChemicalSystem& system() const { return speciation_.system(); }

 private:
  TankSpeciation speciation_;
};

}  // namespace hydromet
