// tank: a perfectly mixed, constant-volume overflow tank with inventory; the base of every stirred unit
// (continuous leach tank, mixer-settler, crystalliser).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "hydromet/core/units.hpp"
#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet {

/// Typed parameters of a stirred tank.
struct StirredTankParameters {
  struct Solute {
    std::string species;
    MolarConcentration concentration;  ///< initial concentration in the holdup
  };

  Volume volume{1.0 * units::cubic_meter};  ///< liquid volume (aqueous + organic), constant [m3]
  /// Holdup temperature [K]; none: the flow-weighted mixed inlet temperature (as mix_into).
  std::optional<Temperature> temperature;
  /// Initial aqueous content; default solute-free. Solids start empty, and the organic unless given below.
  std::vector<Solute> initial_solution;
  /// Initial organic phase: it fills the fraction `initial_organic_fraction` of the volume at these
  /// concentrations [mol per m3 of organic], and the initial solution the rest. Default: no organic.
  std::vector<Solute> initial_organic;
  double initial_organic_fraction = 0.0;
  std::size_t inlet_count = 1;  ///< 1: port `in`; N > 1: ports `in1`..`inN`
  /// How the holdup carries solids: per size class (the particle size distribution passes through), or one
  /// state per solid whose outflow leaves in the finest size class (a clarified-liquor unit, such as a
  /// mixer-settler, that only sees fines passing a filter; the mass and element balances are unchanged).
  enum class Solids { by_size_class, by_species };
  Solids solids = Solids::by_size_class;
};

/// Perfectly mixed tank of constant liquid volume V, overflowing what comes in.
///
/// States, in this order: moles n_i of every aqueous species, moles of every organic species, moles of
/// every solid in every size class (solid-major; one per solid when held by species) [mol]; then two
/// algebraic rows, the aqueous and organic outflows q_aq, q_org [m3/s]; then, when no temperature is given,
/// the algebraic temperature T [K].
///
///   dn_k/dt = F_k,in − n_k q / V,   q = q_aq + q_org,
///   0 = Σ Q_aq,in − q_aq,   0 = Σ Q_org,in − q_org,   0 = T_mix,in − T,
///
/// so every species of every phase, solids included, leaves with the same residence time τ = V / q: the
/// solids leave at the holdup's solids-to-liquid ratio and the holdup phase ratio equals the flow phase
/// ratio (aqueous holdup V_aq = V q_aq / q; V when nothing flows). The outflows are states (not read from
/// the inlets) because inventory units compute their outlets from their states alone; this makes a tank a
/// DAE of index 1, solved by IDAS, and keeps recycle loops through tanks well posed.
///
/// Derived units (continuous leach tank, mixer-settler, crystalliser) keep this block first, append their
/// own states after holdup_size(), call add_flow_terms() in evaluate() and add their reaction terms.
class StirredTank : public UnitOperation {
 public:
  StirredTank(std::string name, StirredTankParameters parameters);

  [[nodiscard]] std::string_view type() const override { return "tank"; }
  [[nodiscard]] std::vector<std::string> inlet_ports() const override;
  [[nodiscard]] std::vector<std::string> outlet_ports() const override { return {"out"}; }
  void bind(const ComponentList& components) override;
  [[nodiscard]] std::size_t state_size() const override { return holdup_size(); }
  void initial_state(MutableSpan y) const override;
  [[nodiscard]] std::vector<bool> differential_rows() const override;
  [[nodiscard]] std::string state_name(std::size_t index) const override;
  [[nodiscard]] double state_scale(std::size_t index) const override;
  void compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                       std::span<Stream> outlets) const override;
  void evaluate(double t, ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const override;
  /// The holdup block at the tank's own steady state for these inlets: n = F_in V / q_in, q = Q_in.
  bool fill_from_inlets(double t, std::span<const Stream> inlets, MutableSpan y) const override;
  [[nodiscard]] Vector element_inventory(ConstSpan y) const override;
  /// q, q_aq, q_org [m3/s], τ [s], T [K], c[species] [mol/m3] (aqueous holdup), c_org[species],
  /// solids[mineral] [kg] summed over size classes.
  [[nodiscard]] std::vector<UnitOutput> outputs(double t, ConstSpan y) const override;

  [[nodiscard]] const StirredTankParameters& parameters() const { return parameters_; }

 protected:
  /// Number of states of the holdup block (the base's states). Inline: the crystalliser's rates ask per
  /// class.
  [[nodiscard]] std::size_t holdup_size() const {
    return flow_offset() + 2 + (temperature_is_state() ? 1 : 0);
  }
  [[nodiscard]] std::size_t aqueous_offset() const { return 0; }
  [[nodiscard]] std::size_t organic_offset() const { return aqueous_count_; }
  [[nodiscard]] std::size_t solid_offset() const { return aqueous_count_ + organic_count_; }
  /// State of solid `solid` in size class `size_class`.
  [[nodiscard]] std::size_t solid_state(std::size_t solid, std::size_t size_class) const {
    return solid_offset() + solid * held_class_count_ + size_class;
  }
  /// The held class that size class k of an inflow goes to: k itself, or the one class when held by species.
  [[nodiscard]] std::size_t held_class(std::size_t k) const { return held_class_count_ == 1 ? 0 : k; }
  [[nodiscard]] std::size_t flow_offset() const { return solid_offset() + solid_count_ * held_class_count_; }
  [[nodiscard]] bool temperature_is_state() const { return !parameters_.temperature.has_value(); }

  [[nodiscard]] double volume() const { return parameters_.volume.value(); }
  /// Total liquid outflow q = q_aq + q_org [m3/s].
  [[nodiscard]] double outflow(ConstSpan y) const;
  /// Aqueous holdup volume V q_aq / q (V when nothing flows) [m3].
  [[nodiscard]] double aqueous_volume(ConstSpan y) const;
  /// Organic holdup volume V − aqueous_volume [m3].
  [[nodiscard]] double organic_volume(ConstSpan y) const { return volume() - aqueous_volume(y); }
  /// Holdup temperature [K].
  [[nodiscard]] double temperature(ConstSpan y) const;
  /// Aqueous concentrations in the holdup [mol/m3].
  [[nodiscard]] Vector aqueous_concentrations(ConstSpan y) const;
  /// Organic concentrations in the holdup [mol/m3] (zero without organic holdup).
  [[nodiscard]] Vector organic_concentrations(ConstSpan y) const;
  /// The same into `c`, which keeps its storage when its size fits.
  void aqueous_concentrations(ConstSpan y, Vector& c) const;
  void organic_concentrations(ConstSpan y, Vector& c) const;
  /// Moles of each solid summed over size classes [mol].
  [[nodiscard]] Vector solid_totals(ConstSpan y) const;

  /// Inflow minus outflow of every holdup species into f[0, flow_offset()), and the algebraic rows of the
  /// outflows and the temperature; f is overwritten on the holdup block only.
  void add_flow_terms(ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const;
  /// Stream coupling of the holdup alone: species row i reads inlet scalar i of every port, the outflow rows
  /// the inlet flows, the temperature row the inlet temperatures and flows; outlet scalar i is n_i q / V. The
  /// `coupled` holdup positions (those a derived unit's reactions tie together) read every coupled inlet
  /// scalar and both inlet flows, and each coupled outlet scalar depends on every coupled state.
  [[nodiscard]] StreamCoupling holdup_coupling(const std::vector<std::size_t>& coupled) const;
  /// Own-block pattern to match: row i on n_i and the outflows; coupled rows on every coupled state and T.
  [[nodiscard]] std::vector<std::pair<std::size_t, std::size_t>> holdup_pattern(
      const std::vector<std::size_t>& coupled) const;
  /// The overflow stream at state y.
  void write_outlet(ConstSpan y, Stream& outlet) const;
  /// Element inventory of the holdup [mol].
  [[nodiscard]] Vector holdup_inventory(ConstSpan y) const;
  /// Typical magnitude of holdup state `index`: moles V × max(initial concentration, 1 mol/m3), flows
  /// V / 1 h, temperature 300 K. Only atol depends on it.
  [[nodiscard]] double holdup_scale(std::size_t index) const;
  [[nodiscard]] std::string holdup_state_name(std::size_t index) const;

  std::size_t aqueous_count_ = 0;
  std::size_t organic_count_ = 0;
  std::size_t solid_count_ = 0;
  std::size_t size_class_count_ = 1;
  std::size_t held_class_count_ = 1;  ///< size classes with states: size_class_count_, or 1 by species
  std::size_t finest_class_ = 0;      ///< where solids held by species leave
  Vector initial_aqueous_;            ///< initial moles of each aqueous species [mol]
  Vector initial_organic_;            ///< initial moles of each organic species [mol]

 private:
  StirredTankParameters parameters_;
};

}  // namespace hydromet
