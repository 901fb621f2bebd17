// Stream: flows of aqueous species and solids between units, with mixing and element totals.
#pragma once

#include "hydromet/core/types.hpp"
#include "hydromet/streams/component_list.hpp"

namespace hydromet {

/// A process stream. Flows are per second; positions follow the flowsheet's ComponentList.
struct Stream {
  double temperature = 298.15;  ///< [K]
  double aqueous_flow = 0.0;    ///< volumetric flow of solution [m3/s]
  Vector aqueous_moles;         ///< molar flow of each aqueous species [mol/s]
  Vector solid_moles;           ///< molar flow of each solid [mol/s]

  /// A zero stream shaped for `components`.
  static Stream empty(const ComponentList& components);

  /// Concentration of aqueous species `index` [mol/m3] (0 for a dry stream).
  [[nodiscard]] double concentration(Eigen::Index index) const;
  /// Element flows [mol/s], ordered as components.elements().
  [[nodiscard]] Vector element_flows(const ComponentList& components) const;
  /// Mass flow of solids [kg/s].
  [[nodiscard]] double solid_mass_flow(const ComponentList& components) const;
};

/// Adds `other` into `into`: flows add, temperature is the heat-capacity-free flow-weighted mean.
void mix_into(Stream& into, const Stream& other);

}  // namespace hydromet
