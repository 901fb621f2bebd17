// sx_cascade: a solvent-extraction circuit in one unit — extraction, scrub and strip sections of
// mixer-settler stages (a mixer holdup and two settler layers each), counter- or co-current, the organic
// passing through the sections in series and, in a closed loop, returning to extraction with make-up and
// bleed.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hydromet/unitops/mixer_settler.hpp"
#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet {

/// One section of a cascade (extraction, scrub or strip): its stages share the extraction reactions.
struct SxSectionParameters {
  /// An aqueous stream entering the section at stage `stage` (1-based, counted along the aqueous flow).
  struct AqueousFeed {
    std::string port;
    std::size_t stage = 1;
  };
  std::string name;    ///< "extraction", "scrub", "strip" (used in messages)
  std::string prefix;  ///< stage names are prefix + number: E1, E2, ... (unique per cascade)
  std::size_t stages = 0;
  std::vector<ExtractionReaction> reactions;
  std::vector<AqueousFeed> feeds;  ///< at least one
  std::string aqueous_outlet;      ///< port of the aqueous leaving the section
};

/// Typed parameters of a cascade. Volumes [m3], temperature [K], flows [m3/s], concentrations [mol/m3].
struct SxCascadeParameters {
  enum class Flow { counter_current, co_current };
  /// dae: every stage holds its flows and, in equilibrium mode, its complexes as algebraic rows (IDAS).
  /// ode: for cascades whose laws are all linear (constant D, Murphree efficiency 1, equilibrium mode, not a
  /// sealed loop): one differential state per reaction invariant, the phase split computed in closed form,
  /// the stage flows from the inlets' flows; the same model with no algebraic row (CVODES).
  enum class Formulation { dae, ode };
  enum class Loop {
    open,    ///< fresh organic at port `organic_in`, the organic leaving the last section at `organic_out`
    closed,  ///< the organic leaving the last section returns to the first, with `makeup` in and `bleed` out
  };
  std::vector<SxSectionParameters> sections;  ///< in the organic's order (extraction, scrub, strip)
  Flow flow = Flow::counter_current;
  Formulation formulation = Formulation::dae;
  Loop loop = Loop::open;
  double bleed = 0.0;  ///< closed loop: fraction of the returning organic sent to port `bleed`, [0, 1)
  /// Closed loop without bleed: the loop's organic composition (free extractant equivalents) [mol/m3]; with
  /// it the extractant inventory is specified and the loop is well posed (see SxCascade).
  std::vector<std::pair<std::string, double>> loop_organic;
  /// Closed loop without bleed: the circulating organic flow entering the first section [m3/s] (the pump).
  double circulating_flow = 0.0;
  double mixer_volume = 1.0;  ///< per stage
  /// O/A volume ratio held in the mixer; 0: no slip (the holdup phase ratio follows the flows).
  double mixer_phase_ratio = 0.0;
  double settler_aqueous_volume = 0.0;  ///< per stage; 0 with settler_organic_volume = 0: no settler holdup
  double settler_organic_volume = 0.0;
  double temperature = 298.15;
  MixerSettlerParameters::Mode mode = MixerSettlerParameters::Mode::equilibrium;
  double mass_transfer = 0.0;       ///< k·a [1/s], rate mode
  double efficiency = 1.0;          ///< Murphree efficiency on the organic, (0, 1]
  double aqueous_in_organic = 0.0;  ///< fraction of a stage's aqueous outflow leaving with its organic
  double organic_in_aqueous = 0.0;  ///< fraction of a stage's organic outflow leaving with its aqueous
  /// Solids in a stage's mixer: one state per solid, fed by every size class and leaving in the finest (the
  /// fines a clarified feed carries; default), or one per solid and size class.
  StirredTankParameters::Solids solids = StirredTankParameters::Solids::by_species;
  /// Acidity seen by the laws: null, the free H+ concentration of the stage; else a(H+) from speciation.
  std::shared_ptr<SpeciatedAcidity> acidity;
  std::vector<std::pair<std::string, double>> initial_aqueous;  ///< holdups at t = 0 [mol/m3]
  std::vector<std::pair<std::string, double>> initial_organic;  ///< holdups at t = 0 [mol/m3]
};

/// A cascade of mixer-settler stages. Each stage holds a mixer of volume V_m (both phases, no slip: the
/// phase ratio of the holdup is that of the flows; extraction happens here, as in MixerSettler: equilibrium
/// rows on reaction invariants or a k·a rate toward the Murphree target) and, when given, a settler with an
/// aqueous layer V_sa and an organic layer V_so, each a perfectly mixed holdup without reaction:
///   dn_m/dt = F_in − n_m q/V_m (+ reaction),  dn_sa/dt = n_m,aq q/V_m − n_sa q_aq/V_sa,  (organic alike),
///   0 = Q_aq,in − q_aq,  0 = Q_org,in − q_org.
/// Solids stay in the mixer and leave with the stage's aqueous. Entrainment mixes the settler outflows.
///
/// Stages are numbered along the aqueous flow within a section (E1 receives the extraction feed). Counter-
/// current: the organic enters a section at its last stage and leaves at stage 1; co-current: enters at 1.
/// The organic passes the sections in their order; a closed loop sends (1 − bleed) of the organic leaving the
/// last section, plus port `makeup`, to the first section.
///
/// A closed loop without bleed (and without organic entrainment) is sealed: it conserves its organic, so the
/// steady balances fix neither the circulating flow nor the organic moieties. Then `circulating_flow` (the
/// pump: it replaces the flow row of the first organic stage), `loop_organic` and `mixer_phase_ratio` (fixed
/// organic volumes) are required; for every organic species k that is not a complex, the moiety
/// m_k = n_k + Σ_C w_kC n_C (free plus bound in complexes C) has its balance in the first organic stage's
/// mixer replaced by the inventory constraint Σ_holdups m_k = c_k,loop V_org,loop.
///
/// State block: stage after stage, each [mixer aqueous, mixer organic, mixer solids, settler aqueous,
/// settler organic, q_aq, q_org] (settler parts only with a settler); in equilibrium mode the participant
/// entries of the mixer are reaction invariants. A sealed loop puts the loop total T_k of each moiety in the
/// first organic stage's slot of k (row T_k − X_k = 0) and appends one running sum R_k,s per moiety and stage
/// (algebraic rows R_k,s = R_k,s−1 + m_k,s), so that the mixer moiety there, T_k − R_k,N, costs no dense row.
class SxCascade final : public UnitOperation {
 public:
  SxCascade(std::string name, SxCascadeParameters parameters);

  [[nodiscard]] std::string_view type() const override { return "sx_cascade"; }
  [[nodiscard]] std::vector<std::string> inlet_ports() const override;
  [[nodiscard]] std::vector<std::string> outlet_ports() const override;
  void bind(const ComponentList& components) override;
  [[nodiscard]] std::size_t state_size() const override;
  void initial_state(MutableSpan y) const override;
  [[nodiscard]] std::vector<bool> differential_rows() const override;
  [[nodiscard]] std::string state_name(std::size_t index) const override;
  [[nodiscard]] double state_scale(std::size_t index) const override;
  /// Each stage's rows read the states of their own stage that their equations use and the outlet scalars of
  /// the stages feeding it (through those stages' states); see structure().
  [[nodiscard]] std::vector<std::pair<std::size_t, std::size_t>> state_pattern() const override;
  /// Feed rows read the inlet scalars they balance; outlets read the exit stage's holdups and flows.
  [[nodiscard]] std::optional<StreamCoupling> stream_coupling() const override;
  void compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                       std::span<Stream> outlets) const override;
  void evaluate(double t, ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const override;
  bool fill_from_inlets(double t, std::span<const Stream> inlets, MutableSpan y) const override;
  [[nodiscard]] Vector element_inventory(ConstSpan y) const override;
  /// Stage profiles, section streams and McCabe–Thiele data; names in docs/models/solvent_extraction.md.
  [[nodiscard]] std::vector<UnitOutput> report(double t, ConstSpan y,
                                               std::span<const Stream> inlets) const override;
  /// report() appended with `prefix`, each name built once.
  void append_report(double t, ConstSpan y, std::span<const Stream> inlets, std::string_view prefix,
                     ReportColumns& columns) const override;
  /// report()'s values without building their names.
  void report_values(double t, ConstSpan y, std::span<const Stream> inlets,
                     std::vector<double>& values) const override;

  [[nodiscard]] std::size_t stage_count() const { return stages_.size(); }
  [[nodiscard]] const SxCascadeParameters& parameters() const { return parameters_; }

 private:
  static constexpr std::size_t none = static_cast<std::size_t>(-1);

  struct Bound {
    std::size_t complex = 0;  ///< mixer position of the complex
    std::size_t metal = 0;    ///< mixer position of the metal
    /// Mixer position and ν (< 0 consumed, > 0 released) of every participant but the complex.
    std::vector<std::pair<std::size_t, double>> stoichiometry;
    std::size_t extractant = 0;
    bool has_extractant = false;
    const DistributionLaw* law = nullptr;
  };
  struct Stage {
    std::string name;                     ///< E1, W2, S3, ...
    std::size_t section = 0;              ///< index into sections
    std::size_t number = 1;               ///< 1-based within the section, along the aqueous flow
    std::size_t aqueous_from = none;      ///< stage whose aqueous outlet feeds this one
    std::size_t organic_from = none;      ///< stage whose organic outlet feeds this one (none: section inlet)
    std::vector<std::size_t> feed_ports;  ///< inlet ports entering here
  };
  struct Section {
    std::vector<Bound> bound;
    std::size_t first = 0;          ///< global index of stage 1
    std::size_t organic_entry = 0;  ///< global stage where the organic enters
    std::size_t organic_exit = 0;   ///< global stage where the organic leaves
    std::size_t aqueous_exit = 0;   ///< global stage where the aqueous leaves
    std::size_t outlet_port = 0;
    /// State of each stage position (mixer, settler layers, flows, as laid out below) as an offset in the
    /// stage's block; none where the formulation keeps no state (ode: complexes and flows).
    std::vector<std::size_t> slot;
    std::size_t block_size = 0;  ///< states per stage
    std::vector<double> ratio;   ///< ode: D of each reaction (bound)
    /// ode: (position, slot) of every position of the stage block that holds a state, in position order.
    std::vector<std::pair<std::size_t, std::size_t>> held;
  };
  /// ode: one stage's rates at its flows (set with its phases): the mixer's outflow per mole held, the
  /// settler layers' [1/s], each held phase's share of its outflow into the aqueous and organic outlets
  /// (entrainment), and the split n_C = split_j x_M of each reaction j (at ode_split_[s × reactions + j]).
  struct OdeRates {
    double mixer_aqueous = 0.0, mixer_organic = 0.0, settler_aqueous = 0.0, settler_organic = 0.0;
    double aqueous_to_aqueous = 0.0, aqueous_to_organic = 0.0, organic_to_aqueous = 0.0,
           organic_to_organic = 0.0;
  };

  [[nodiscard]] bool equilibrium() const {
    return parameters_.mode == MixerSettlerParameters::Mode::equilibrium;
  }
  [[nodiscard]] bool sealed() const;
  [[nodiscard]] bool has_settler() const { return parameters_.settler_aqueous_volume > 0.0; }
  [[nodiscard]] bool ode() const { return parameters_.formulation == SxCascadeParameters::Formulation::ode; }
  // Positions of one stage (the dae block: mixer, settler layers, q_aq, q_org); state_of maps them to y.
  [[nodiscard]] std::size_t mixer_size() const { return aqueous_ + organic_ + solids_; }
  [[nodiscard]] std::size_t settler_aqueous_at() const { return mixer_size(); }
  [[nodiscard]] std::size_t settler_organic_at() const { return mixer_size() + aqueous_; }
  [[nodiscard]] std::size_t flow_at() const {
    return mixer_size() + (has_settler() ? aqueous_ + organic_ : 0);
  }
  [[nodiscard]] std::size_t stage_size() const { return flow_at() + 2; }
  /// State index of position p of stage s, or none.
  [[nodiscard]] std::size_t state_of(std::size_t s, std::size_t p) const {
    const std::size_t slot = sections_[stages_[s].section].slot[p];
    return slot == none ? none : stage_offset_[s] + slot;
  }
  [[nodiscard]] std::size_t sums_offset() const { return stage_offset_.back(); }
  /// Stage s's flows (q_aq, q_org) [m3/s]: its states (dae) or stage_flows_ (ode, set by update_flows).
  [[nodiscard]] std::pair<double, double> flows_of(std::size_t s, ConstSpan y) const;
  /// ode: every stage's flows from the inlets' flows (flow_response_), into stage_flows_; false when the
  /// inlets' flows are those of the last call (nothing recomputed).
  bool update_flows(std::span<const Stream> inlets) const;
  /// Steady flows of every stage for inlet ports carrying `port_flows` (aqueous, organic per port) [m3/s].
  void sweep_flows(const std::vector<std::pair<double, double>>& port_flows, std::vector<double>& q_aq,
                   std::vector<double>& q_org) const;
  /// ode: the phases (stage_phases_), rates (ode_rates_) and splits (ode_split_) of every stage at
  /// stage_flows_.
  void refresh_phases() const;
  /// ode: stage s's mixer moles n and outlet moles (aqueous, organic outlet), all in the mixer's positions,
  /// from its block states x.
  void ode_stage_moles(std::size_t s, const double* x, double* n, double* aqueous, double* organic) const;
  /// ode: stage s's rows (its block) from its inflow moles, mixer moles n and block states x (null: zero;
  /// x is read only with n).
  void ode_stage_rows(std::size_t s, const double* inflow, const double* n, const double* x,
                      double* rows) const;
  /// ode: the rows' matrix in the states at stage_flows_ (ode_row_start_ ..), by the two functions above.
  void build_ode_matrix() const;
  /// ode: `out` as stage s's aqueous (aqueous_outlet) or organic outlet carrying `moles` (mixer positions).
  void ode_outlet(std::size_t s, const double* moles, bool aqueous_outlet, Stream& out) const;
  /// ode: the inlet's moles added into `into` (mixer positions).
  void add_inlet_moles(const Stream& inlet, double* into) const;
  /// compute_outlets() of the ode formulation (the exit stages' outlets by ode_stage_moles).
  void compute_outlets_ode(ConstSpan y, std::span<const Stream> inlets, std::span<Stream> outlets) const;
  /// evaluate() of the ode formulation: at fixed flows the rows are linear in the states, f = A y + inlets'.
  void evaluate_ode(ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const;
  /// (stage, position) of state `index` (below sums_offset()).
  [[nodiscard]] std::pair<std::size_t, std::size_t> position_of(std::size_t index) const;
  /// The states a position's value reads through the flows: q_aq, q_org (dae) or none (ode: inlet flows).
  [[nodiscard]] std::vector<std::size_t> flow_states(std::size_t s) const;

  /// Mixer phase volumes [m3] and outflow rates per mole held [1/s] at stage flows q_aq, q_org.
  struct MixerPhases {
    double aqueous_volume = 0.0, organic_volume = 0.0, aqueous_rate = 0.0, organic_rate = 0.0;
  };
  [[nodiscard]] MixerPhases mixer_phases(double q_aq, double q_org) const;
  /// Mixer moles of stage s at phase volumes `phases` into n (invariants undone: by the complexes' states in
  /// dae, by the closed-form split in ode; the sealed loop's moieties resolved).
  void mixer_moles(std::size_t s, ConstSpan y, const MixerPhases& phases, Vector& n) const;
  /// Moiety of conserved species c in stage s: in the settler's organic layer only, or also in the mixer.
  [[nodiscard]] double stage_moiety(std::size_t s, std::size_t c, ConstSpan y, bool with_mixer) const;
  /// Outlets of stage s whose mixer holds moles n (mixer_moles) at `phases` (mixer_phases of its flows).
  void stage_outlets(std::size_t s, ConstSpan y, const Vector& n, const MixerPhases& phases, Stream& aqueous,
                     Stream& organic) const;
  /// fill_from_inlets without its memory of the last fill: every state of the block from the inlets.
  bool fill_from(std::span<const Stream> inlets, MutableSpan y) const;
  /// fill_from for constant laws: every stage's mixer moles at its Murphree equilibrium with what flows in,
  /// by one direct solve of the linear cascade (block tridiagonal in the organic's order, plus a closed
  /// loop's corner), into `held`; false when a block is singular or a holdup would be negative (the sweeps'
  /// bracket keeps them >= 0), and then fill_from sweeps.
  /// `ratios`: each stage's D of each reaction (stage-major, reactions_ per stage) instead of the laws'.
  bool fill_linear(std::span<const Stream> inlets, const std::vector<double>& q_aq,
                   const std::vector<double>& q_org, std::vector<Vector>& held,
                   const std::vector<double>* ratios = nullptr) const;
  /// Other laws: fill_linear at each stage's secant D of its law, repeated to the fixed point; false (held
  /// unchanged) when it does not get there.
  bool secant_fill(std::span<const Stream> inlets, const std::vector<double>& q_aq,
                   const std::vector<double>& q_org, std::vector<Vector>& held) const;
  /// Steady outlets of a stage whose mixer holds moles n at flows q_aq, q_org (steady-state guess).
  void guess_outlets(const Vector& n, double q_aq, double q_org, Stream& aqueous, Stream& organic) const;
  /// Mixer moles of stage s at its own (Murphree) equilibrium with inflow `in` into n (steady-state guess).
  void stage_equilibrium(std::size_t s, const Stream& in, double q_aq, double q_org, Vector& n) const;
  /// How many outputs report() gives.
  [[nodiscard]] std::size_t report_size() const;
  /// report()'s outputs in order, each as emit(name, value, unit), where name() builds the output's name.
  template <typename Emit>
  void emit_report(ConstSpan y, std::span<const Stream> inlets, Emit&& emit) const;
  /// Every stage's mixer moles and phases (stage_moles_, stage_phases_), outlets and (with `inflows`: the
  /// report reads none) inflow at state y, and the organic returning in a closed loop.
  void route(ConstSpan y, std::span<const Stream> inlets, bool inflows = true) const;
  /// Law equilibrium organic c_C* [mol/m3] of every reaction of stage s at mixer moles n, into `result`.
  void equilibrium_organic(std::size_t s, const Vector& n, const MixerPhases& phases, Vector& result) const;
  /// c_C* [mol/m3] of reaction b at mixer moles n, with H+ as the laws see it [mol/m3].
  [[nodiscard]] double reaction_equilibrium(const Bound& b, const Vector& n, const MixerPhases& phases,
                                            double hydrogen) const;
  /// H+ the laws see [mol/m3]: the free concentration, or 1000 a(H+) from speciation.
  [[nodiscard]] double acidity(const Vector& n, const MixerPhases& phases) const;
  [[nodiscard]] std::size_t sum_state(std::size_t c, std::size_t s) const {
    return sums_offset() + c * stages_.size() + s;
  }
  /// Sealed loop: the conserved organic moieties (left null space of the reactions' organic stoichiometry,
  /// one pivot species each, preferably not a complex) and their inventories.
  void find_moieties(const std::vector<Vector>& organic_columns, const std::vector<bool>& is_complex);
  /// Organic volume of the loop, mixers and settlers [m3] (sealed loops, whose mixer ratio is fixed).
  [[nodiscard]] double loop_organic_volume() const;
  // Structural Jacobian (state_pattern, stream_coupling); each mirrors the function named.
  using StateLists = std::vector<std::vector<std::size_t>>;
  /// States each mixer position's moles read (mixer_moles), into `inputs`.
  void mixer_inputs(std::size_t s, StateLists& inputs) const;
  /// States each StreamLayout scalar of stage s's aqueous and organic outlet reads, given its mixer_inputs,
  /// into `aqueous` and `organic` (one list per scalar).
  void outlet_inputs(std::size_t s, const StateLists& mixer, StateLists& aqueous, StateLists& organic) const;
  /// The own-block pattern (into `entries`, unless null) and the stream coupling together (evaluate, route,
  /// compute_outlets).
  void structure(std::vector<std::pair<std::size_t, std::size_t>>* entries, StreamCoupling& coupling) const;
  struct Structure {
    std::vector<std::pair<std::size_t, std::size_t>> entries;
    StreamCoupling coupling;
  };
  /// structure(), built once per bind() (state_pattern and stream_coupling both read it).
  [[nodiscard]] const Structure& cached_structure() const;

  SxCascadeParameters parameters_;
  std::vector<Stage> stages_;
  std::vector<Section> sections_;
  std::vector<std::string> inlet_ports_;
  std::vector<std::string> outlet_ports_;
  std::size_t organic_inlet_port_ = none;   ///< organic_in (open) or makeup (closed)
  std::size_t organic_outlet_port_ = none;  ///< organic_out (open) or bleed (closed with bleed)
  std::size_t aqueous_ = 0, organic_ = 0, solids_ = 0;
  std::size_t size_classes_ = 1;  ///< the streams' size classes
  std::size_t held_classes_ = 1;  ///< size classes with a state per solid: size_classes_, or 1 by species
  std::size_t finest_class_ = 0;  ///< where solids held by species leave
  /// Inflow of solid position i (a solid in a size class, or a solid over all classes) in a stream.
  [[nodiscard]] double stream_solid(const Stream& stream, std::size_t i) const;
  /// Writes solid position i's outflow into a stream (every other size class of it zero by species).
  void set_stream_solid(Stream& stream, std::size_t i, double value) const;
  /// The stream scalars (StreamLayout) solid position i reads, and the one it leaves in.
  [[nodiscard]] std::vector<std::size_t> solid_inflow_scalars(std::size_t i) const;
  [[nodiscard]] std::size_t solid_outflow_scalar(std::size_t i) const;
  std::vector<std::size_t> stage_offset_;  ///< first state of each stage, then the end of the stages
  /// ode: flow_response_[s] = (aqueous, organic flow of stage s per unit aqueous and organic flow of each
  /// inlet port, port-major): the flows are linear in the inlets' flows.
  std::vector<std::vector<std::pair<double, double>>> flow_response_;
  mutable std::vector<std::pair<double, double>> stage_flows_;  ///< ode: (q_aq, q_org) of every stage
  mutable std::vector<double> known_port_flows_;  ///< ode: the inlets' flows stage_flows_ belong to
  mutable bool flows_known_ = false;              ///< ode: stage_flows_ holds known_port_flows_'
  mutable bool phases_known_ = false;             ///< ode: stage_phases_ holds the phases of stage_flows_
  std::size_t hydrogen_ = none;                   ///< aqueous position of H+
  Vector initial_aqueous_, initial_organic_;      ///< [mol/m3]
  // Sealed loop: the first organic stage, the conserved organic species (not complexes), the weight of each
  // organic species in their moiety, and the specified inventories X_k [mol].
  std::size_t first_organic_stage_ = 0;
  std::vector<std::size_t> conserved_;
  std::vector<Vector> moiety_weights_;
  std::vector<double> inventory_;
  // Buffers of route(), reused between evaluations: each stage's outlets, inflow, mixer moles and phases.
  mutable std::vector<Stream> aqueous_out_, organic_out_, inflow_;
  mutable std::vector<Vector> stage_moles_;
  mutable std::vector<MixerPhases> stage_phases_;
  mutable Vector moles_, trial_, extent_base_, equilibrium_values_;
  mutable std::vector<std::vector<double>> report_equilibrium_;  ///< each stage's c_C* in emit_report
  mutable std::vector<double> position_rates_;  ///< ode: one stage's rows in the dae block's positions
  // ode (evaluate_ode): per stage, its rates and splits (refresh_phases).
  mutable std::vector<OdeRates> ode_rates_;
  mutable std::vector<double> ode_split_;
  /// ode: the rows' matrix A in the states (compressed rows: row r's entries are ode_row_start_[r] ..
  /// ode_row_start_[r + 1] of ode_columns_, ode_values_).
  mutable std::vector<std::size_t> ode_row_start_, ode_columns_;
  mutable std::vector<double> ode_values_, ode_inflow_, ode_rows_, ode_scratch_;
  /// ode: every stage's mixer moles, aqueous and organic outlet (3 mixer_size() each) for the direct rows.
  mutable std::vector<double> ode_stage_values_;
  mutable std::size_t ode_evaluations_at_flows_ = 0;  ///< ode: evaluations since the flows last changed
  std::vector<std::size_t> ode_fed_stages_;           ///< ode: the stages an inlet port enters
  std::size_t reactions_ = 0;                         ///< the most reactions of any section
  bool constant_laws_ = false;  ///< every law of every section is constant (c* = D c_M): fill_linear applies
  mutable DistributionState law_state_;
  mutable Stream returned_;
  mutable Stream report_organic_in_, report_aqueous_in_;  ///< emit_report's section inflows
  mutable std::optional<Structure> structure_;
  std::vector<std::string> bound_components_;  ///< names of the components of the last bind(), per phase
  // The inlets and the block of the last fill_from_inlets.
  mutable std::vector<Stream> filled_inlets_;
  mutable std::vector<double> filled_state_;
};

}  // namespace hydromet
