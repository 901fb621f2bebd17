// TankSpeciation: speciation of a process unit's aqueous phase, given in the unit's own species list.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "hydromet/core/types.hpp"
#include "hydromet/thermo/activity.hpp"
#include "hydromet/thermo/chemical_system.hpp"
#include "hydromet/thermo/speciation.hpp"

namespace hydromet {

/// Speciation of a unit's aqueous phase (a leach tank, an SX stage): the unit's species are decomposed into
/// the system's components and speciated with the component totals conserved (no charge balance is imposed:
/// the unit's balances keep the totals, H+ included), molality taken as c [mol/L] / (1 kg/L). Species that
/// are not in the system are left out. Not thread-safe (warm-started solver).
class TankSpeciation {
 public:
  TankSpeciation(std::shared_ptr<const ChemicalSystem> system, ActivityModel model);
  /// Maps the unit's aqueous species (stream order) onto the system's components.
  void bind(const std::vector<std::string>& aqueous_species);
  /// Speciates concentrations [mol/m3] at temperature [K]; the result stays valid until the next call.
  const SpeciationResult& solve(const Vector& concentrations, double temperature) const;
  [[nodiscard]] const ChemicalSystem& system() const { return *system_; }

 private:
  std::shared_ptr<const ChemicalSystem> system_;
  Matrix decomposition_;  ///< components x unit aqueous species
  mutable SpeciationSolver solver_;
  mutable SpeciationResult state_;
  mutable bool warm_ = false;
};

}  // namespace hydromet
