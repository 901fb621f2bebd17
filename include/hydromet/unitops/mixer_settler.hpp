// mixer_settler: one solvent-extraction stage with aqueous and organic holdups, extraction reactions toward a
// distribution law (equilibrium as algebraic rows, or a k·a rate), Murphree efficiency and entrainment.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hydromet/kinetics/distribution.hpp"
#include "hydromet/unitops/stirred_tank.hpp"

namespace hydromet {

/// One extraction reaction  M(aq) + Σ n_k R_k ⇌ C(org) + Σ z_k P_k,  metal and complex with coefficient 1.
struct ExtractionReaction {
  std::string metal;    ///< aqueous species extracted
  std::string complex;  ///< organic species formed (distinct for every reaction of a stage)
  std::vector<std::pair<std::string, double>> reactants;  ///< other species consumed per complex formed (> 0)
  std::vector<std::pair<std::string, double>> products;   ///< other species released per complex formed (> 0)
  std::shared_ptr<const DistributionLaw> law;
};

/// Typed parameters of a mixer-settler.
struct MixerSettlerParameters {
  enum class Mode {
    equilibrium,  ///< the Murphree relation holds at every instant (algebraic rows, IDAS)
    rate,         ///< the organic approaches the Murphree target at rate k·a
  };
  StirredTankParameters tank;  ///< liquid volume (mixer + settler) [m3], temperature, initial aqueous
  std::vector<ExtractionReaction> reactions;
  Mode mode = Mode::equilibrium;
  double mass_transfer = 0.0;       ///< k·a [1/s], rate mode
  double efficiency = 1.0;          ///< Murphree efficiency on the organic phase, (0, 1]
  double aqueous_in_organic = 0.0;  ///< fraction of the aqueous outflow leaving with the organic outlet
  double organic_in_aqueous = 0.0;  ///< fraction of the organic outflow leaving with the aqueous outlet
};

/// A solvent-extraction stage: the holdup of StirredTank (both phases overflow with one residence time, so
/// the holdup phase ratio equals the flow phase ratio) with extraction reactions j between the phases.
///
/// Murphree target of reaction j, on the organic phase:
///   c_C,j^target = c_C,in + E_M (c_C*(holdup) − c_C,in),   c_C* from the distribution law,
/// with c_C,in the complex concentration of the organic inflow. Equilibrium mode imposes
///   0 = n_C − V_org c_C^target   (algebraic, in moles so that it stays regular when V_org = 0),
/// with the other balances written for the reaction invariants x_k = n_k − Σ_j ν_kj n_C,j, which the
/// reactions do not change:  dx_k/dt = F_k − Σ_j ν_kj F_C,j − x_k q/V  (index-1 DAE). Rate mode keeps every
/// n_k differential and adds ν_kj r_j with r_j = k·a V_org (c_C^target − c_C) [mol/s]. As k·a → ∞ the rate
/// mode tends to the equilibrium mode.
///
/// Ports: inlets `aqueous_in`, `organic_in`; outlets `aqueous_out` (aqueous phase less the entrained share,
/// plus the entrained organic) and `organic_out` (the converse).
class MixerSettler final : public StirredTank {
 public:
  MixerSettler(std::string name, MixerSettlerParameters parameters);

  [[nodiscard]] std::string_view type() const override { return "mixer_settler"; }
  [[nodiscard]] std::vector<std::string> inlet_ports() const override { return {"aqueous_in", "organic_in"}; }
  [[nodiscard]] std::vector<std::string> outlet_ports() const override {
    return {"aqueous_out", "organic_out"};
  }
  void bind(const ComponentList& components) override;
  /// The holdup block, then in equilibrium mode the free amount of each extracted metal (algebraic).
  [[nodiscard]] std::size_t state_size() const override { return holdup_size() + free_metals_.size(); }
  [[nodiscard]] std::vector<bool> differential_rows() const override;
  [[nodiscard]] std::vector<bool> phase_split_states() const override;
  /// Equilibrium mode: the complexes at their Murphree equilibrium for the stage's invariants and inlets
  /// (the steady guess's bracketed solve, to 1e-14 of the bracket), the free metals from their invariants.
  bool settle_phase_split(std::span<const Stream> inlets, MutableSpan y) const override;
  [[nodiscard]] std::string state_name(std::size_t index) const override;
  [[nodiscard]] double state_scale(std::size_t index) const override;
  /// The holdup's pattern with every species of the extraction reactions (and H+) coupled.
  [[nodiscard]] std::vector<std::pair<std::size_t, std::size_t>> state_pattern() const override;
  [[nodiscard]] std::optional<StreamCoupling> stream_coupling() const override;
  void compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                       std::span<Stream> outlets) const override;
  void evaluate(double t, ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const override;
  void initial_state(MutableSpan y) const override;
  /// The tank's fill (the holdup at its own steady state for these inlets without reaction), then in
  /// equilibrium mode every reaction at its Murphree equilibrium, as the steady state of the stage has it.
  bool fill_from_inlets(double t, std::span<const Stream> inlets, MutableSpan y) const override;
  [[nodiscard]] Vector element_inventory(ConstSpan y) const override;
  /// The tank's outputs (c[...] aqueous and c_org[...] organic holdup concentrations: the stage profile and
  /// McCabe–Thiele points), then for each reaction D[complex] = c_org/c_aq [-] and c_eq[complex], the
  /// law's equilibrium organic concentration at the holdup [mol/m3]; pH (concentration scale) when H+ is
  /// tracked.
  [[nodiscard]] std::vector<UnitOutput> outputs(double t, ConstSpan y) const override;

  [[nodiscard]] const MixerSettlerParameters& settler_parameters() const { return settler_; }

 private:
  /// Holdup moles to the unit's states, in place (equilibrium mode: reaction invariants).
  void moles_to_states(MutableSpan y) const;
  /// Reacts holdup moles n (flows set) to the Murphree equilibrium of every reaction for these inlets, the
  /// extents bracketed by every participant staying >= 0 (the steady guess's fill).
  void equilibrate(std::span<const Stream> inlets, MutableSpan n) const;
  struct Bound {
    std::size_t complex = 0;  ///< holdup position of the complex
    std::size_t metal = 0;    ///< holdup position of the metal
    /// Holdup position and ν (< 0 consumed, > 0 released) of every participant but the complex (metal: −1).
    std::vector<std::pair<std::size_t, double>> stoichiometry;
    std::size_t extractant = 0;
    bool has_extractant = false;
    const DistributionLaw* law = nullptr;
  };

  [[nodiscard]] bool equilibrium() const {
    return settler_.mode == MixerSettlerParameters::Mode::equilibrium;
  }
  /// Holdup positions the extraction reactions tie together: complexes, participants, extractants, H+.
  [[nodiscard]] std::vector<std::size_t> reacting_positions() const;
  /// Holdup block with moles n_k at every species position (undoes the invariant change of equilibrium mode).
  /// The result is the unit's scratch, valid until the next call.
  [[nodiscard]] const Vector& moles(ConstSpan y) const;
  /// The law's equilibrium organic concentration c_C* of each reaction [mol/m3] at holdup moles n (scratch,
  /// valid until the next call).
  [[nodiscard]] const Vector& equilibrium_organic(ConstSpan n) const;
  /// Murphree target concentrations c_C^target of each reaction [mol/m3] at holdup moles n (scratch, valid
  /// until the next call).
  [[nodiscard]] const Vector& targets(ConstSpan n, std::span<const Stream> inlets) const;
  /// start + Σ_j ν_Mj n_Cj over the complexes of free metal k at state y: with start x_M it is the free
  /// amount n_M, with start x_M − n_M the residual of its algebraic row [mol].
  [[nodiscard]] double with_complexes_of(std::size_t k, ConstSpan y, double start) const;
  /// Concentration in its own phase of the species at holdup position `position` [mol/m3].
  [[nodiscard]] static double concentration_at(std::size_t position, std::size_t organic_offset,
                                               const Vector& aqueous, const Vector& organic);

  MixerSettlerParameters settler_;
  std::vector<Bound> bound_;
  /// Equilibrium mode: holdup position of each extracted metal whose free amount n_M is a state of its own
  /// (at holdup_size() + k), tied by 0 = x_M − n_M − Σ n_C. Read as x_M − Σ n_C instead, n_M would carry the
  /// Newton error of the complexes, amplified D·V_org/V_aq-fold (1e4 in a loaded amine stage).
  std::vector<std::size_t> free_metals_;
  std::size_t hydrogen_ = 0;
  bool has_hydrogen_ = false;
  // Scratch of the residual's hot paths, so that an evaluation allocates nothing (a unit is evaluated by one
  // thread at a time).
  mutable Vector moles_, aqueous_scratch_, organic_scratch_, equilibrium_, targets_;
  mutable DistributionState distribution_state_;
};

}  // namespace hydromet
