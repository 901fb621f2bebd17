// Stream: flows of aqueous species, organic species and solids between units; mixing and element totals.
#pragma once

#include "hydromet/core/types.hpp"
#include "hydromet/streams/component_list.hpp"

namespace hydromet {

/// A process stream. Flows are per second; positions follow the flowsheet's ComponentList.
struct Stream {
  double temperature = 298.15;  ///< [K]
  double aqueous_flow = 0.0;    ///< volumetric flow of the aqueous phase [m3/s]
  Vector aqueous_moles;         ///< molar flow of each aqueous species [mol/s]
  double organic_flow = 0.0;    ///< volumetric flow of the organic phase [m3/s]
  Vector organic_moles;         ///< molar flow of each organic species [mol/s]
  Matrix solid_moles;           ///< molar flow of each solid (rows) in each size class (columns) [mol/s]

  /// A zero stream shaped for `components`.
  static Stream empty(const ComponentList& components);

  /// Aqueous concentration of species `index` [mol/m3] (0 for a stream without solution).
  [[nodiscard]] double concentration(Eigen::Index index) const;
  /// Organic concentration of species `index` [mol/m3].
  [[nodiscard]] double organic_concentration(Eigen::Index index) const;
  /// Molar flow of each solid summed over size classes [mol/s].
  [[nodiscard]] Vector solid_totals() const { return solid_moles.rowwise().sum(); }
  /// Element flows [mol/s], ordered as components.elements().
  [[nodiscard]] Vector element_flows(const ComponentList& components) const;
  /// Mass flow of solids [kg/s].
  [[nodiscard]] double solid_mass_flow(const ComponentList& components) const;
  /// Mass flow of solutes in the aqueous phase [kg/s] (water excluded unless tracked as a species).
  [[nodiscard]] double solute_mass_flow(const ComponentList& components) const;

  /// Multiplies every flow by `factor` (temperature unchanged).
  void scale(double factor);
};

/// Adds `other` into `into`: flows add; temperature is the aqueous-flow-weighted mean (equal volumetric
/// heat capacities, until energy balances land), or the other's when `into` carries no flow.
void mix_into(Stream& into, const Stream& other);

}  // namespace hydromet
