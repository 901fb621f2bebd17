// Batch leach tank with shrinking-core reactions.
#include "hydromet/unitops/leach_tank.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "hydromet/core/error.hpp"

namespace hydromet {

LeachTank::LeachTank(std::string name, LeachTankParameters parameters)
    : UnitOperation(std::move(name)), parameters_(std::move(parameters)) {
  const std::string where = "leach_tank `" + this->name() + "`";
  if (!(parameters_.temperature.value() > 0.0)) {
    throw InputError(where + ": temperature must be above 0 K");
  }
  if (!(parameters_.solution_volume.value() > 0.0)) {
    throw InputError(where + ": solution volume must be positive");
  }
  for (const auto& charge : parameters_.solids) {
    if (!(charge.mass.value() >= 0.0) || !(charge.particle_diameter.value() > 0.0)) {
      throw InputError(where + ": mineral `" + charge.mineral + "` needs a mass >= 0 and a particle size > 0");
    }
  }
  for (const auto& solute : parameters_.solution) {
    if (!(solute.concentration.value() >= 0.0)) {
      throw InputError(where + ": concentration of `" + solute.species + "` must be >= 0");
    }
  }
}

void LeachTank::bind(const ComponentList& components) {
  components_ = &components;
  const std::string where = "leach_tank `" + name() + "`";
  aqueous_count_ = components.aqueous_count();
  solid_count_ = components.solid_count();
  initial_aqueous_ = Vector::Zero(static_cast<Eigen::Index>(aqueous_count_));
  for (const auto& solute : parameters_.solution) {
    const auto index = components.aqueous_index(solute.species, where);
    initial_aqueous_[static_cast<Eigen::Index>(index)] +=
        solute.concentration.value() * parameters_.solution_volume.value();
  }
  charges_.clear();
  for (const auto& charge : parameters_.solids) {
    const auto solid = components.solid_index(charge.mineral, where);
    const Species& mineral = components.solid(solid);
    if (!(mineral.density > 0.0)) {
      throw InputError(where + ": mineral `" + mineral.name + "` has no density in the database");
    }
    charges_.push_back({solid, charge.mass.value() / mineral.molar_mass(), 0.5 * charge.particle_diameter.value(),
                        mineral.density / mineral.molar_mass()});
  }
  bound_.clear();
  for (const auto& reaction : parameters_.reactions) {
    BoundReaction bound;
    bound.reaction = &reaction;
    const auto solid = components.solid_index(reaction.mineral, where + ", reaction `" + reaction.name + "`");
    const auto charge = std::find_if(charges_.begin(), charges_.end(), [&](const Charge& c) { return c.solid == solid; });
    if (charge == charges_.end()) {
      throw InputError(where + ": reaction `" + reaction.name + "` attacks `" + reaction.mineral +
                       "`, which is not charged to the tank");
    }
    bound.charge = static_cast<std::size_t>(charge - charges_.begin());
    bound.reagent = components.aqueous_index(reaction.reagent, where + ", reaction `" + reaction.name + "`");
    for (const auto& term : reaction.terms) {
      if (auto aqueous = components.find_aqueous(term.species)) {
        bound.targets.emplace_back(true, *aqueous);
      } else {
        bound.targets.emplace_back(false, components.solid_index(term.species, where + ", reaction `" +
                                                                                    reaction.name + "`"));
      }
    }
    bound_.push_back(std::move(bound));
  }
}

std::size_t LeachTank::state_size() const { return aqueous_count_ + charges_.size() + solid_count_; }

void LeachTank::initial_state(MutableSpan y) const {
  std::fill(y.begin(), y.end(), 0.0);
  for (std::size_t i = 0; i < aqueous_count_; ++i) {
    y[i] = initial_aqueous_[static_cast<Eigen::Index>(i)];
  }
  for (std::size_t k = 0; k < charges_.size(); ++k) {
    y[charge_offset() + k] = charges_[k].initial_moles;
  }
}

std::string LeachTank::state_name(std::size_t index) const {
  if (index < aqueous_count_) {
    return "n[" + components_->aqueous(index).name + "]";
  }
  if (index < solid_offset()) {
    return "unreacted[" + components_->solid(charges_[index - charge_offset()].solid).name + "]";
  }
  return "n_solid[" + components_->solid(index - solid_offset()).name + "]";
}

double LeachTank::state_scale(std::size_t index) const {
  if (index >= charge_offset() && index < solid_offset()) {
    return std::max(charges_[index - charge_offset()].initial_moles, 1e-30);
  }
  double largest = 0.0;
  for (const auto& charge : charges_) {
    largest = std::max(largest, charge.initial_moles);
  }
  if (index < aqueous_count_) {
    largest = std::max(largest, initial_aqueous_[static_cast<Eigen::Index>(index)]);
  }
  return largest > 0.0 ? largest : 1.0;
}

void LeachTank::evaluate(double t, ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const {
  (void)t;
  (void)inlets;
  std::fill(f.begin(), f.end(), 0.0);
  const double volume = parameters_.solution_volume.value();
  const double temperature = parameters_.temperature.value();
  for (const auto& bound : bound_) {
    const Charge& charge = charges_[bound.charge];
    const double remaining = std::max(y[charge_offset() + bound.charge], 0.0);
    if (charge.initial_moles <= 0.0 || remaining <= 0.0) {
      continue;
    }
    const double core = charge.radius * std::cbrt(remaining / charge.initial_moles);
    const double concentration = y[bound.reagent] / volume;
    const auto& kinetics = bound.reaction->kinetics;
    const double flux = shrinking_core_flux(kinetics, concentration, charge.radius, core, temperature);
    // Moles of mineral reacting per second: particles x core area x flux / a, particles = n0 / (4/3 pi R^3 rho).
    const double rate = 3.0 * charge.initial_moles * core * core * flux /
                        (kinetics.reagent_stoichiometry * charge.molar_density * charge.radius * charge.radius *
                         charge.radius);
    f[charge_offset() + bound.charge] -= rate;
    for (std::size_t j = 0; j < bound.targets.size(); ++j) {
      const auto [aqueous, index] = bound.targets[j];
      f[(aqueous ? 0 : solid_offset()) + index] += bound.reaction->terms[j].coefficient * rate;
    }
  }
}

Vector LeachTank::element_inventory(ConstSpan y) const {
  const auto aqueous_count = static_cast<Eigen::Index>(aqueous_count_);
  const auto solid_count = static_cast<Eigen::Index>(solid_count_);
  Eigen::Map<const Vector> aqueous(y.data(), aqueous_count);
  Eigen::Map<const Vector> solids(y.data() + solid_offset(), solid_count);
  Vector inventory = components_->aqueous_elements() * aqueous + components_->solid_elements() * solids;
  for (std::size_t k = 0; k < charges_.size(); ++k) {
    inventory += components_->solid_elements().col(static_cast<Eigen::Index>(charges_[k].solid)) *
                 y[charge_offset() + k];
  }
  return inventory;
}

std::vector<UnitOutput> LeachTank::outputs(double t, ConstSpan y) const {
  (void)t;
  std::vector<UnitOutput> result;
  const double volume = parameters_.solution_volume.value();
  for (std::size_t k = 0; k < charges_.size(); ++k) {
    const auto& charge = charges_[k];
    const double conversion = charge.initial_moles > 0.0 ? 1.0 - y[charge_offset() + k] / charge.initial_moles : 0.0;
    result.push_back({"conversion[" + components_->solid(charge.solid).name + "]", conversion, "-"});
  }
  for (std::size_t i = 0; i < aqueous_count_; ++i) {
    result.push_back({"c[" + components_->aqueous(i).name + "]", y[i] / volume, "mol/m3"});
  }
  // Reagent consumed, for every species that is some reaction's reagent (a fixed list for all states).
  std::vector<std::size_t> reagents;
  for (const auto& bound : bound_) {
    if (std::find(reagents.begin(), reagents.end(), bound.reagent) == reagents.end()) {
      reagents.push_back(bound.reagent);
    }
  }
  for (const auto i : reagents) {
    const double consumed = initial_aqueous_[static_cast<Eigen::Index>(i)] - y[i];
    result.push_back({"consumed[" + components_->aqueous(i).name + "]", consumed, "mol"});
  }
  // Extraction of each element of the charged minerals to solution, against what the charge held.
  const auto& elements = components_->elements();
  Vector charged = Vector::Zero(static_cast<Eigen::Index>(elements.size()));
  for (const auto& charge : charges_) {
    charged += components_->solid_elements().col(static_cast<Eigen::Index>(charge.solid)) * charge.initial_moles;
  }
  Eigen::Map<const Vector> aqueous(y.data(), static_cast<Eigen::Index>(aqueous_count_));
  const Vector dissolved = components_->aqueous_elements() * (aqueous - initial_aqueous_);
  for (std::size_t e = 0; e < elements.size(); ++e) {
    const auto row = static_cast<Eigen::Index>(e);
    if (charged[row] > 0.0 && elements[e] != "O" && elements[e] != "H") {
      result.push_back({"extraction[" + elements[e] + "]", dissolved[row] / charged[row], "-"});
    }
  }
  return result;
}

}  // namespace hydromet
