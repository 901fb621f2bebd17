// Stream: flows of aqueous species, organic species and solids between units; mixing and element totals.
#pragma once

#include <cstddef>

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

/// Positions of a stream's scalars in one flat list, for structural (sparsity) bookkeeping: temperature,
/// aqueous flow, organic flow, the aqueous species, the organic species, then each solid's size classes.
/// A StirredTank-style holdup (aqueous, organic, solids by class) maps onto it at holdup_offset.
class StreamLayout {
 public:
  static constexpr std::size_t temperature = 0;
  static constexpr std::size_t aqueous_flow = 1;
  static constexpr std::size_t organic_flow = 2;
  static constexpr std::size_t holdup_offset = 3;

  explicit StreamLayout(const ComponentList& components);
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::size_t aqueous(std::size_t species) const { return holdup_offset + species; }
  [[nodiscard]] std::size_t organic(std::size_t species) const {
    return holdup_offset + aqueous_count_ + species;
  }
  [[nodiscard]] std::size_t solid(std::size_t solid, std::size_t size_class) const {
    return holdup_offset + aqueous_count_ + organic_count_ + solid * size_class_count_ + size_class;
  }
  [[nodiscard]] std::size_t solids_begin() const { return solid(0, 0); }

 private:
  std::size_t aqueous_count_ = 0;
  std::size_t organic_count_ = 0;
  std::size_t size_class_count_ = 1;
  std::size_t size_ = 0;
};

/// Adds `other` into `into`: flows add; temperature is the aqueous-flow-weighted mean (equal volumetric
/// heat capacities, until energy balances land), or the other's when `into` carries no flow.
void mix_into(Stream& into, const Stream& other);

}  // namespace hydromet
