// leach_tank: a stirred leach tank (batch) with minerals leached by shrinking-core kinetics.
#pragma once

#include <string>
#include <vector>

#include "hydromet/core/units.hpp"
#include "hydromet/kinetics/leach_reaction.hpp"
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
    Length particle_diameter;  ///< monosized particles
  };

  Temperature temperature{298.15 * units::kelvin};
  Volume solution_volume{1.0 * units::liter};  ///< constant in batch
  std::vector<Solute> solution;
  std::vector<MineralCharge> solids;
  std::vector<LeachReaction> reactions;
};

/// Batch leach tank. States: moles of every aqueous species, moles of each charged mineral, and moles of
/// every solid (products accumulate there). Each reaction consumes its mineral by the shrinking-core model
/// (kinetics/shrinking_core.hpp) with core radius r = R (n/n0)^(1/3); all other species change by the
/// reaction's stoichiometry, so every element is conserved exactly by construction.
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
    double initial_moles = 0.0;  // [mol]
    double radius = 0.0;         // particle radius [m]
    double molar_density = 0.0;  // [mol/m3]
  };
  struct BoundReaction {
    const LeachReaction* reaction = nullptr;
    std::size_t charge = 0;                             // which charge it attacks
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

}  // namespace hydromet
