// evaporator: removes water from a stream, by a volumetric rate or a concentration factor.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hydromet/core/units.hpp"
#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet {

/// Typed parameters of an evaporator: exactly one of the two.
struct EvaporatorParameters {
  std::optional<VolumetricFlow> water_removal;  ///< volume of water evaporated per second [m3/s]
  std::optional<double> concentration_factor;   ///< inlet volume / concentrate volume, >= 1 [-]
  /// Volatile solutes (NH3, CO2(aq), HF): fraction of each species' inflow leaving with the vapour, [0, 1].
  std::vector<std::pair<std::string, double>> volatiles;
};

/// Inlet `in`, outlets `concentrate` and `vapour`, no inventory. The removed volume is
///   Q_v = min(R, Q_in)            (rate R; a rate above the inlet flow evaporates it to dryness), or
///   Q_v = Q_in (1 − 1/F)          (concentration factor F).
/// The concentrate keeps every solute, the solids and the organic phase at volume Q_in − Q_v; the vapour
/// carries the volume Q_v only. When the solvent (a species of phase `solvent`, H2O) is tracked, its moles
/// split with the volume (Q_v / Q_in to the vapour), so elements are conserved exactly. Volumes are
/// additive; no energy balance: both outlets leave at the inlet temperature. A volatile solute leaves with
/// the vapour at its given fraction of the inflow (a stripping yield, not a vapour-liquid equilibrium).
class Evaporator final : public StreamReportingUnit {
 public:
  Evaporator(std::string name, EvaporatorParameters parameters);

  [[nodiscard]] std::string_view type() const override { return "evaporator"; }
  [[nodiscard]] std::vector<std::string> inlet_ports() const override { return {"in"}; }
  [[nodiscard]] std::vector<std::string> outlet_ports() const override { return {"concentrate", "vapour"}; }
  void bind(const ComponentList& components) override;
  void compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                       std::span<Stream> outlets) const override;
  /// water_removed [m3/s], then the concentrate as report_stream gives it, prefixed `concentrate.`.
  [[nodiscard]] std::optional<StreamCoupling> stream_coupling() const override;
  [[nodiscard]] std::vector<UnitOutput> stream_outputs(double t,
                                                       std::span<const Stream> inlets) const override;

  /// Evaporated volume [m3/s] for an inlet aqueous flow [m3/s].
  [[nodiscard]] double removed_volume(double inlet_flow) const;
  [[nodiscard]] const EvaporatorParameters& parameters() const { return parameters_; }

 private:
  EvaporatorParameters parameters_;
  std::vector<Eigen::Index> solvents_;                      // aqueous indices of solvent species
  std::vector<std::pair<Eigen::Index, double>> volatiles_;  // aqueous index, fraction to the vapour
};

}  // namespace hydromet
