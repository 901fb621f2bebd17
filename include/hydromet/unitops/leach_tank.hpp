// leach_tank: stirred leach tanks with minerals leached by shrinking-core kinetics, batch (LeachTank) and
// continuous with a population balance over particle size (ContinuousLeachTank).
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hydromet/core/units.hpp"
#include "hydromet/kinetics/leach_reaction.hpp"
#include "hydromet/kinetics/particle_size.hpp"
#include "hydromet/thermo/chemical_system.hpp"
#include "hydromet/unitops/stirred_tank.hpp"
#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet {

namespace detail {
class LeachKinetics;
}

/// The tank's speciation, for reaction orders in activity and the `a_<species>` and `pH` of rate
/// expressions. No system: none (concentration basis only; expressions read a = c [mol/L]).
struct LeachSpeciationParameters {
  std::shared_ptr<const ChemicalSystem> system;
  ActivityModel activity_model = ActivityModel::davies;
};

/// Optional energy balance of a leach tank (constant heat capacity per kg of slurry):
///   m c_p dT/dt = Σ_in ṁ_in c_p (T_in − T) + Σ_r (−ΔH_r) ξ_r + Q − UA (T − T_amb),
/// ξ_r the moles of mineral reacted per second by reaction r, m the slurry mass in the tank
/// (liquid_density × liquid volume + solids), ṁ_in the slurry mass flow of each inlet.
struct LeachEnergyBalance {
  std::map<std::string, double> heat_of_reaction;  ///< ΔH_r [J per mol of mineral reacted], by reaction name
  double heating_duty = 0.0;                       ///< Q [W]
  double heat_capacity = 4000.0;                   ///< c_p of the slurry [J/(kg K)]
  double heat_loss_ua = 0.0;                       ///< UA [W/K]
  double ambient = 298.15;                         ///< T_amb [K]
  double liquid_density = 1000.0;                  ///< [kg/m3], assumed water-like unless given
};

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

  Temperature temperature{298.15 * units::kelvin};  ///< constant, or the initial one with an energy balance
  Volume solution_volume{1.0 * units::liter};       ///< constant in batch
  std::vector<Solute> solution;
  std::vector<MineralCharge> solids;
  std::vector<LeachReaction> reactions;
  LeachSpeciationParameters speciation;
  std::optional<LeachEnergyBalance> energy_balance;
};

/// Batch leach tank. States: moles of every aqueous species, moles of each charged mineral per size class,
/// and moles of every solid (products accumulate there); then the kinetic age θ = ∫ k(T) dt of every Avrami
/// reaction, and the temperature with an energy balance. Each reaction consumes its mineral at n0 dX/dt
/// (shrinking core with core radius r = R (n/n0)^(1/3), or a user expression at X = 1 − n/n0); an Avrami
/// reaction at the hazard n k θ^(n−1) times the unreacted moles, so that n = n0 exp(−θ^n). All other species
/// change by the reaction's stoichiometry, so every element is conserved exactly by construction.
class LeachTank final : public UnitOperation {
 public:
  LeachTank(std::string name, LeachTankParameters parameters);
  ~LeachTank() override;
  LeachTank(const LeachTank&) = delete;
  LeachTank& operator=(const LeachTank&) = delete;

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
  [[nodiscard]] std::size_t age_offset() const { return solid_offset() + solid_count_; }
  [[nodiscard]] std::size_t temperature_offset() const { return age_offset() + age_count_; }
  [[nodiscard]] double temperature(ConstSpan y) const;
  /// Adds the reaction terms (and the ages' rates) to f; returns the mineral reacted per reaction [mol/s].
  std::vector<double> add_reactions(double t, ConstSpan y, MutableSpan f) const;

  LeachTankParameters parameters_;
  std::size_t aqueous_count_ = 0;
  std::size_t solid_count_ = 0;
  std::size_t age_count_ = 0;
  std::vector<Charge> charges_;
  std::vector<BoundReaction> bound_;
  std::vector<std::size_t> age_index_;  // per reaction: its age state (Avrami), or npos
  Vector initial_aqueous_;
  double slurry_mass_ = 0.0;  // [kg], constant (mass is conserved in batch)
  std::unique_ptr<detail::LeachKinetics> kinetics_;
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
  LeachSpeciationParameters speciation;
  /// With an energy balance the tank temperature is a state (tank.temperature must be empty) that starts
  /// at initial_temperature.
  std::optional<LeachEnergyBalance> energy_balance;
  double initial_temperature = 298.15;  ///< [K]
  /// What the tank holds at t = 0 in a dynamic run.
  enum class InitialFill {
    solution,  ///< its initial solution (tank.initial_solution) and no solids; the default
    feed,      ///< the slurry flowing in at t = 0, unreacted (holdup = inflow × V/q, every size class)
  };
  InitialFill initial_fill = InitialFill::solution;
};

/// Continuous leach tank: the stirred overflow tank (StirredTank) with leach reactions (shrinking core;
/// Avrami and rate expressions through their conversion rate, the core radius standing for X = 1 − (r/R)³ and
/// v = R³ (dX/dt) / (3 r²)), and an optional energy balance on the tank temperature. A mineral attacked only
/// by one Avrami reaction with n ≠ 1 is resolved over kinetic age instead (AgeClass), its classes read as
/// conversion classes. No states beyond StirredTank's, except the lumped model's unreacted basis per mineral
/// (basis_offset()).
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
  ~ContinuousLeachTank() override;
  ContinuousLeachTank(const ContinuousLeachTank&) = delete;
  ContinuousLeachTank& operator=(const ContinuousLeachTank&) = delete;

  [[nodiscard]] std::string_view type() const override { return "leach_tank"; }
  void bind(const ComponentList& components) override;
  [[nodiscard]] std::size_t state_size() const override;
  void initial_state(MutableSpan y) const override;
  [[nodiscard]] std::vector<bool> differential_rows() const override;
  [[nodiscard]] std::string state_name(std::size_t index) const override;
  [[nodiscard]] double state_scale(std::size_t index) const override;
  void evaluate(double t, ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const override;
  /// evaluate() with each reaction's total Σ_k r_k over the classes as an aggregate (state_aggregates): the
  /// per-class amounts reacted are the intermediates, the totals are held at `held` when it is not empty.
  void evaluate_aggregated(double t, ConstSpan y, std::span<const Stream> inlets,
                           std::span<const double> held, MutableSpan f, MutableSpan intermediates,
                           MutableSpan aggregates) const override;
  bool fill_from_inlets(double t, std::span<const Stream> inlets, MutableSpan y) const override;
  /// With `initial_fill: feed`: the tank full of the slurry flowing in at t = 0, unreacted (solution and
  /// every solid size class at inflow × V/q, outflow = inflow; the temperature stays the initial one).
  bool initial_state_from_inlets(double t, std::span<const Stream> inlets, MutableSpan y) const override;
  [[nodiscard]] Vector element_inventory(ConstSpan y) const override;
  /// The tank's outputs (StirredTank::outputs) and, per leached mineral: conversion[mineral] = 1 − outflow /
  /// inflow (stage conversion: particles dissolved upstream leave no trace in the stream); the unreacted-core
  /// size distribution core_fraction[mineral,k] (mass fractions of the unreacted mineral per class);
  /// extraction[element] to solution against the element flowing in with the leached minerals;
  /// consumed[reagent] [mol/s] by the reactions.
  [[nodiscard]] std::vector<UnitOutput> report(double t, ConstSpan y,
                                               std::span<const Stream> inlets) const override;
  /// The structural Jacobian with the reaction totals held, built at bind (build_state_pattern).
  [[nodiscard]] std::vector<std::pair<std::size_t, std::size_t>> state_pattern() const override {
    return pattern_;
  }
  /// Segregated model: one aggregate per reaction, its total Σ_k r_k [mol/s] over the classes, read by the
  /// solution rows it changes (and the energy balance); the intermediates are the amounts reacted in each
  /// class, each reading the class's reconstruction stencil and what the rate law reads. So the solution
  /// rows, which read every class, cost the finite-difference Jacobian one colour per reaction. None for the
  /// lumped model (its class rows read every class anyway).
  [[nodiscard]] StateAggregates state_aggregates() const override { return reaction_totals_; }
  [[nodiscard]] std::optional<StreamCoupling> stream_coupling() const override;

  [[nodiscard]] const ContinuousLeachTankParameters& leach_parameters() const { return leach_; }

 private:
  /// One class of the unreacted-core radius: [bottom, top] with the integrals the reconstruction needs.
  struct CoreClass {
    double top = 0.0;                      // [m]
    double bottom = 0.0;                   // [m]
    double centre = 0.0;                   // [m]
    double width = 0.0;                    // [m]
    double mass_integral = 0.0;            // ∫ m dr [mol m]
    double mass_moment = 0.0;              // ∫ (r − centre) m dr [mol m2]
    double bottom_moles = 0.0;             // m(bottom) [mol per particle]
    std::array<double, 2> nodes{};         // Gauss–Legendre radii [m]
    std::array<double, 2> node_offsets{};  // node − centre [m]
    std::array<double, 2> node_weights{};  // ½ width m'(node) [mol/m]: ∫ ψ v m' dr ≈ Σ weight ψ(node) v(node)
  };
  /// A class of kinetic age θ = ∫ k dt, for a mineral leached by a single Avrami reaction with n ≠ 1: core
  /// class k read as the conversion class X = 1 − (r/R)³, i.e. θ = (3 ln(R/r))^(1/n); a particle of age θ
  /// holds m₀ e^(−θⁿ), m₀ the moles of a whole particle.
  struct AgeClass {
    double lower = 0.0;           // θ at the class's top core radius
    double upper = 0.0;           // θ at its bottom core radius (+∞ in the last class)
    double centre = 0.0;          // (lower + upper) / 2 (finite classes)
    double width = 0.0;           // upper − lower (finite classes)
    double mass_integral = 0.0;   // ∫ e^(−θⁿ) dθ
    double mass_moment = 0.0;     // ∫ (θ − centre) e^(−θⁿ) dθ (finite classes)
    double lower_fraction = 0.0;  // e^(−lowerⁿ)
    double upper_fraction = 0.0;  // e^(−upperⁿ)
  };
  /// The slope of a class's linear reconstruction as weights on the class means: the one stencil rule of
  /// both schemes and of the Jacobian pattern (slope_stencil).
  struct SlopeStencil {
    std::array<std::size_t, 3> classes{};
    std::array<double, 3> weights{};
    std::size_t terms = 0;  // 0: slope 0
  };
  /// What the reconstruction of one class needs, fixed at bind (both schemes: x is the core radius or the
  /// kinetic age, m the moles of a particle at x).
  struct ReconstructionClass {
    double integral = 0.0;          // ∫ m dx over the class; 0 for an empty class (mean and slope 0)
    double inverse_integral = 0.0;  // 1 / integral
    double moment = 0.0;            // ∫ (x − centre) m dx
    double positivity_width = 0.0;  // width of the smooth positive part of the mean [1/(unit of x)]
    double rising_bound = 0.0;      // a slope s > 0 is limited to rising_bound ψ̄⁺
    double falling_bound = 0.0;     // a slope s < 0 to −falling_bound ψ̄⁺
    SlopeStencil stencil;
  };
  /// What the limiter reads besides the plan: it runs over every class of a mineral at once (vectorised).
  struct LimiterArrays {
    Eigen::ArrayXd positivity_width_squared;
    std::vector<std::size_t> unsloped;  // classes without a stencil: slope 0 whatever the limiter gives
  };
  /// Linear number density ψ = mean + slope (x − centre) in each class [1/m, 1/m2].
  struct Reconstruction {
    Eigen::ArrayXd mean;
    Eigen::ArrayXd slope;
    Eigen::ArrayXd raw_slope;    // scratch: the stencil's slope before the limiter
    Eigen::ArrayXd coefficient;  // scratch: the bound's coefficient on the raw slope's side
    Eigen::ArrayXd bound;        // scratch: the limiter's bound
  };
  struct Mineral {
    std::size_t solid = 0;
    double molar_density = 0.0;              // [mol/m3]
    double radius = 0.0;                     // outer particle radius R [m]
    std::vector<double> moles_per_particle;  // m_k at each class's upper diameter, then 0
    std::vector<CoreClass> classes;          // descending core radius
    /// The Avrami reaction (index in bound_) whose kinetic age is the class coordinate, when the mineral has
    /// only that reaction, n ≠ 1 and at least 3 classes (see age_classes); otherwise the core-radius scheme.
    std::optional<std::size_t> age_reaction;
    std::vector<AgeClass> ages;
    double whole_moles = 0.0;  // m₀ [mol per particle]
    /// The reconstruction's constants per class of the scheme in use (core or age classes).
    std::vector<ReconstructionClass> plan;
    LimiterArrays limiter;
    mutable Reconstruction psi;  // the last reconstruction (storage reused by every evaluation)
  };
  /// Slope stencil of class k among classes with these centres and widths: the parabola through the first
  /// three means in the top class, one-sided at the bottom and above an empty class, central elsewhere;
  /// none in a class of zero width or when there is a single class.
  [[nodiscard]] static SlopeStencil slope_stencil(std::size_t k, std::span<const double> centres,
                                                  std::span<const double> widths);
  /// The reconstruction's constants of a mineral's core classes or, with age_reaction, its age classes.
  [[nodiscard]] std::vector<ReconstructionClass> reconstruction_plan(const Mineral& mineral) const;
  /// Linear ψ over the mineral's classes from the class masses in y (into mineral.psi): means of a
  /// piecewise-constant ψ, slopes, the means of the linear ψ that hold the class masses, slopes again.
  const Reconstruction& reconstruct(const Mineral& mineral, ConstSpan y) const;
  /// Width of the smooth positive part of the class means, as a fraction of the class's state scale (of
  /// the order of the integrator's absolute tolerance, so that it is invisible in the results).
  static constexpr double positivity_width = 1e-10;
  [[nodiscard]] static std::vector<CoreClass> core_classes(const std::vector<double>& tops, double radius,
                                                           double molar_density);
  /// The age classes of a mineral's core classes for Avrami exponent n.
  [[nodiscard]] static std::vector<AgeClass> age_classes(const std::vector<CoreClass>& classes, double radius,
                                                         double exponent);
  struct BoundReaction {
    const LeachReaction* reaction = nullptr;
    std::size_t mineral = 0;  // index in minerals_
    std::size_t reagent = 0;
    std::vector<std::pair<bool, std::size_t>> targets;
    std::vector<std::pair<std::size_t, double>> solution_terms;  // (aqueous index, coefficient)
    std::vector<std::pair<std::size_t, double>> solid_terms;     // (solid index, coefficient): in the class
  };
  /// Which states each row reads with the reaction totals held (leach_tank_pattern.cpp): flow terms, the
  /// reconstruction's stencils and what each rate law reads; and the reaction totals as aggregates over the
  /// per-class amounts reacted (segregated model). Sets pattern_, reaction_totals_ and rate_intermediates_.
  void build_state_pattern();
  [[nodiscard]] std::size_t basis_offset() const { return holdup_size(); }
  [[nodiscard]] bool lumped() const { return leach_.model == ContinuousLeachTankParameters::Model::lumped; }
  /// Adds the reaction terms to f and returns the moles of mineral reacted by each reaction [mol/s] (valid
  /// until the next call). With `rates` non-empty (segregated model), the amount reacted in each class goes
  /// to rates[rate_intermediates_[b][k]]; with `held` non-empty, the solution (and the result) take the
  /// totals held there instead of the sums over the classes.
  const std::vector<double>& add_reactions(double t, ConstSpan y, MutableSpan f, MutableSpan rates = {},
                                           std::span<const double> held = {}) const;
  /// Prepares the kinetics at the tank's state.
  void prepare_kinetics(double t, ConstSpan y) const;
  /// Core recession speed of reaction b at core radius r [m/s].
  [[nodiscard]] double speed(std::size_t b, double core) const;
  /// Slurry mass in the tank [kg] and slurry mass flow of the inlets [kg/s].
  [[nodiscard]] double slurry_mass(ConstSpan y) const;
  [[nodiscard]] double inlet_mass_flow(const Stream& inlet) const;
  /// The energy balance's right-hand side m c_p dT/dt [W]; `reacted` from add_reactions.
  [[nodiscard]] double heat_rate(ConstSpan y, std::span<const Stream> inlets,
                                 const std::vector<double>& reacted) const;
  /// Mineral inflow on an unreacted basis [mol/s].
  [[nodiscard]] double basis_inflow(const Mineral& mineral, std::span<const Stream> inlets) const;
  /// Lumped model: each basis state at its inflow times the residence time of the holdup y (filled holdup).
  void fill_basis(std::span<const Stream> inlets, MutableSpan y) const;

  ContinuousLeachTankParameters leach_;
  std::vector<double> diameters_;  // class upper diameters [m], descending
  std::vector<Mineral> minerals_;
  std::vector<BoundReaction> bound_;
  std::unique_ptr<detail::LeachKinetics> kinetics_;
  std::vector<std::pair<std::size_t, std::size_t>> pattern_;
  StateAggregates reaction_totals_;                           // empty for the lumped model
  std::vector<std::vector<std::size_t>> rate_intermediates_;  // [reaction][class]: intermediate, or npos
  mutable std::vector<double> reacted_;                       // add_reactions' result
  mutable Vector concentrations_;                             // prepare_kinetics' scratch [mol/m3]
};

}  // namespace hydromet
