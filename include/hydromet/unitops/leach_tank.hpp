// leach_tank: stirred leach tanks with minerals leached by shrinking-core kinetics, batch (LeachTank) and
// continuous with a population balance over particle size (ContinuousLeachTank).
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "hydromet/core/units.hpp"
#include "hydromet/kinetics/leach_reaction.hpp"
#include "hydromet/kinetics/particle_size.hpp"
#include "hydromet/unitops/stirred_tank.hpp"
#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet {

/// Typed parameters of a leach tank (SI quantities; a wrong dimension does not compile).
struct LeachTankParameters {
  struct Solute {
    std::string species;
    MolarConcentration concentration;  ///< initial concentration
  };
  struct MineralCharge {
    std::string mineral;
    Mass mass;                 ///< mass of the mineral charged
    Length particle_diameter;  ///< monosized particles (when `distribution` is empty)
    /// Size classes of the charge; each class is leached as its own monosized population.
    SizeDistribution distribution;
  };

  Temperature temperature{298.15 * units::kelvin};
  Volume solution_volume{1.0 * units::liter};  ///< constant in batch
  std::vector<Solute> solution;
  std::vector<MineralCharge> solids;
  std::vector<LeachReaction> reactions;
};

/// Batch leach tank. States: moles of every aqueous species, moles of each charged mineral per size class,
/// and moles of every solid (products accumulate there). Each reaction consumes its mineral by the
/// shrinking-core model (kinetics/shrinking_core.hpp) with core radius r = R (n/n0)^(1/3); all other species
/// change by the reaction's stoichiometry, so every element is conserved exactly by construction.
class LeachTank final : public UnitOperation {
 public:
  LeachTank(std::string name, LeachTankParameters parameters);

  [[nodiscard]] std::string_view type() const override { return "leach_tank"; }
  void bind(const ComponentList& components) override;
  [[nodiscard]] std::size_t state_size() const override;
  void initial_state(MutableSpan y) const override;
  [[nodiscard]] std::string state_name(std::size_t index) const override;
  [[nodiscard]] double state_scale(std::size_t index) const override;
  void evaluate(double t, ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const override;
  [[nodiscard]] Vector element_inventory(ConstSpan y) const override;
  [[nodiscard]] std::vector<UnitOutput> outputs(double t, ConstSpan y) const override;

  [[nodiscard]] const LeachTankParameters& parameters() const { return parameters_; }

 private:
  struct Charge {
    std::size_t solid = 0;       // index in the component list
    std::size_t size_class = 0;  // position in the mineral's distribution
    std::size_t classes = 1;     // number of classes of this mineral
    double initial_moles = 0.0;  // [mol]
    double radius = 0.0;         // particle radius [m]
    double molar_density = 0.0;  // [mol/m3]
  };
  struct BoundReaction {
    const LeachReaction* reaction = nullptr;
    std::vector<std::size_t> charges;                   // the charges (size classes) it attacks
    std::size_t reagent = 0;                            // aqueous index
    std::vector<std::pair<bool, std::size_t>> targets;  // (is aqueous, index) for each term
  };

  [[nodiscard]] std::size_t charge_offset() const { return aqueous_count_; }
  [[nodiscard]] std::size_t solid_offset() const { return aqueous_count_ + charges_.size(); }

  LeachTankParameters parameters_;
  std::size_t aqueous_count_ = 0;
  std::size_t solid_count_ = 0;
  std::vector<Charge> charges_;
  std::vector<BoundReaction> bound_;
  Vector initial_aqueous_;
};

/// Typed parameters of a continuous leach tank.
struct ContinuousLeachTankParameters {
  /// How the mineral's conversion is resolved.
  enum class Model {
    segregated,  ///< population balance over the unreacted-core size (segregated flow); the default
    lumped,      ///< every particle at the tank's mean conversion (the rate at X̄, as flowsheet tools do)
  };
  StirredTankParameters tank;  ///< volume, temperature, initial solution, inlets
  Model model = Model::segregated;
  std::vector<LeachReaction> reactions;
  /// Outer particle diameter [m] per mineral, used by the film and product-layer resistances (the core
  /// recedes inside a particle of constant size); a mineral not listed uses the largest size class.
  std::map<std::string, double> particle_diameters;
};

/// Continuous leach tank: the stirred overflow tank (StirredTank) with shrinking-core reactions.
///
/// Segregated model: the flowsheet's size classes d_1 > d_2 > ... > d_K (strictly descending) are classes
/// of the unreacted-core diameter; class k holds cores with radius in (r_{k+1}, r_k], r_k = d_k / 2,
/// r_{K+1} = 0, and its state is the mineral's moles M_k = ∫ ψ(r) m(r) dr, ψ the number density of
/// particles over core radius and m(r) = (4/3) π ρ_B r³. A finite-volume scheme of second order
/// reconstructs ψ linearly in each class (central slopes, a one-sided parabola in the top class, limited only
/// to keep the reconstruction non-negative where it is used) from the class masses; particles cross the
/// lower edge of class k at the number flux v(r_{k+1}) ψ(r_{k+1}⁻), v = J / (a ρ_B) the core recession
/// speed, carrying m(r_{k+1}) each, and the mineral ∫ ψ v m' dr reacts inside the class (two-point
/// Gauss–Legendre). Mass moves between classes or reacts, so elements are conserved to rounding. A particle
/// fed at d_1 thus goes down the classes; streams carry the classes, so trains of tanks pass the population
/// on. Solid products stay in the class they formed in.
///
/// Lumped model: one extra state per leached mineral, the holdup's mineral on an unreacted basis n°
/// (inflow Σ_k n_in,k m(D)/m_k); all particles are at X̄ = 1 − n/n°, core r = R (1 − X̄)^(1/3), and the
/// mineral reacts at 3 n° r² J / (a ρ_B R³), taken from every class in proportion to its moles.
class ContinuousLeachTank final : public StirredTank {
 public:
  ContinuousLeachTank(std::string name, ContinuousLeachTankParameters parameters);

  [[nodiscard]] std::string_view type() const override { return "leach_tank"; }
  void bind(const ComponentList& components) override;
  [[nodiscard]] std::size_t state_size() const override;
  void initial_state(MutableSpan y) const override;
  [[nodiscard]] std::vector<bool> differential_rows() const override;
  [[nodiscard]] std::string state_name(std::size_t index) const override;
  [[nodiscard]] double state_scale(std::size_t index) const override;
  void evaluate(double t, ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const override;
  bool fill_from_inlets(double t, std::span<const Stream> inlets, MutableSpan y) const override;
  [[nodiscard]] Vector element_inventory(ConstSpan y) const override;
  /// The tank's outputs (StirredTank::outputs) and, per leached mineral: conversion[mineral] = 1 − outflow /
  /// inflow (stage conversion: particles dissolved upstream leave no trace in the stream); the unreacted-core
  /// size distribution core_fraction[mineral,k] (mass fractions of the unreacted mineral per class);
  /// extraction[element] to solution against the element flowing in with the leached minerals;
  /// consumed[reagent] [mol/s] by the reactions.
  [[nodiscard]] std::vector<UnitOutput> report(double t, ConstSpan y,
                                               std::span<const Stream> inlets) const override;

  [[nodiscard]] const ContinuousLeachTankParameters& leach_parameters() const { return leach_; }

 private:
  /// One class of the unreacted-core radius: [bottom, top] with the integrals the reconstruction needs.
  struct CoreClass {
    double top = 0.0;               // [m]
    double bottom = 0.0;            // [m]
    double centre = 0.0;            // [m]
    double width = 0.0;             // [m]
    double mass_integral = 0.0;     // ∫ m dr [mol m]
    double mass_moment = 0.0;       // ∫ (r − centre) m dr [mol m2]
    double bottom_moles = 0.0;      // m(bottom) [mol per particle]
    std::array<double, 2> nodes{};  // Gauss–Legendre radii [m]
  };
  struct Mineral {
    std::size_t solid = 0;
    double molar_density = 0.0;              // [mol/m3]
    double radius = 0.0;                     // outer particle radius R [m]
    std::vector<double> moles_per_particle;  // m_k at each class's upper diameter, then 0
    std::vector<CoreClass> classes;          // descending core radius
  };
  /// Linear number density ψ = mean + slope (r − centre) in each class [1/m, 1/m2].
  struct Reconstruction {
    std::vector<double> mean;
    std::vector<double> slope;
  };
  [[nodiscard]] Reconstruction reconstruct(const Mineral& mineral, ConstSpan y) const;
  [[nodiscard]] static std::vector<CoreClass> core_classes(const std::vector<double>& tops, double radius,
                                                           double molar_density);
  struct BoundReaction {
    const LeachReaction* reaction = nullptr;
    std::size_t mineral = 0;  // index in minerals_
    std::size_t reagent = 0;
    std::vector<std::pair<bool, std::size_t>> targets;
  };
  [[nodiscard]] std::size_t basis_offset() const { return holdup_size(); }
  [[nodiscard]] bool lumped() const { return leach_.model == ContinuousLeachTankParameters::Model::lumped; }
  /// Adds the reaction terms to f and returns the moles of mineral reacted by each reaction [mol/s].
  std::vector<double> add_reactions(ConstSpan y, MutableSpan f) const;
  /// Mineral inflow on an unreacted basis [mol/s].
  [[nodiscard]] double basis_inflow(const Mineral& mineral, std::span<const Stream> inlets) const;

  ContinuousLeachTankParameters leach_;
  std::vector<double> diameters_;  // class upper diameters [m], descending
  std::vector<Mineral> minerals_;
  std::vector<BoundReaction> bound_;
};

}  // namespace hydromet
