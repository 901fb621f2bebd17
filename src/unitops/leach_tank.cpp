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
    if (!(charge.mass.value() >= 0.0) ||
        (charge.distribution.empty() && !(charge.particle_diameter.value() > 0.0))) {
      throw InputError(where + ": mineral `" + charge.mineral +
                       "` needs a mass >= 0 and a particle size > 0");
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
    const double moles = charge.mass.value() / mineral.molar_mass();
    const double molar_density = mineral.density / mineral.molar_mass();
    // Each size class is its own monosized population (no interaction but through the solution).
    const SizeDistribution classes = charge.distribution.empty()
                                         ? SizeDistribution{{charge.particle_diameter.value(), 1.0}}
                                         : charge.distribution;
    for (std::size_t k = 0; k < classes.size(); ++k) {
      charges_.push_back({solid, k, classes.size(), moles * classes[k].mass_fraction,
                          0.5 * classes[k].diameter, molar_density});
    }
  }
  bound_.clear();
  for (const auto& reaction : parameters_.reactions) {
    BoundReaction bound;
    bound.reaction = &reaction;
    const auto solid = components.solid_index(reaction.mineral, where + ", reaction `" + reaction.name + "`");
    for (std::size_t k = 0; k < charges_.size(); ++k) {
      if (charges_[k].solid == solid) {
        bound.charges.push_back(k);
      }
    }
    if (bound.charges.empty()) {
      throw InputError(where + ": reaction `" + reaction.name + "` attacks `" + reaction.mineral +
                       "`, which is not charged to the tank");
    }
    bound.reagent = components.aqueous_index(reaction.reagent, where + ", reaction `" + reaction.name + "`");
    for (const auto& term : reaction.terms) {
      if (auto aqueous = components.find_aqueous(term.species)) {
        bound.targets.emplace_back(true, *aqueous);
      } else {
        bound.targets.emplace_back(
            false, components.solid_index(term.species, where + ", reaction `" + reaction.name + "`"));
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
    const Charge& charge = charges_[index - charge_offset()];
    std::string text = "unreacted[" + components_->solid(charge.solid).name;
    if (charge.classes > 1) {
      text += ',';
      text += std::to_string(charge.size_class);
    }
    return text + "]";
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
    for (const std::size_t index : bound.charges) {
      const Charge& charge = charges_[index];
      const double remaining = std::max(y[charge_offset() + index], 0.0);
      if (charge.initial_moles <= 0.0 || remaining <= 0.0) {
        continue;
      }
      const double core = charge.radius * std::cbrt(remaining / charge.initial_moles);
      const double concentration = y[bound.reagent] / volume;
      const auto& kinetics = bound.reaction->kinetics;
      const double flux = shrinking_core_flux(kinetics, concentration, charge.radius, core, temperature);
      // Moles of mineral reacting per second: particles x core area x flux / a, particles = n0 / (4/3 pi R^3
      // rho).
      const double rate = 3.0 * charge.initial_moles * core * core * flux /
                          (kinetics.reagent_stoichiometry * charge.molar_density * charge.radius *
                           charge.radius * charge.radius);
      f[charge_offset() + index] -= rate;
      for (std::size_t j = 0; j < bound.targets.size(); ++j) {
        const auto [aqueous, target] = bound.targets[j];
        f[(aqueous ? 0 : solid_offset()) + target] += bound.reaction->terms[j].coefficient * rate;
      }
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
  // Conversion of each mineral over all its classes, then per size class when it has several.
  for (std::size_t k = 0; k < charges_.size();) {
    const auto& first = charges_[k];
    double charged_moles = 0.0;
    double left = 0.0;
    for (std::size_t j = k; j < k + first.classes; ++j) {
      charged_moles += charges_[j].initial_moles;
      left += y[charge_offset() + j];
    }
    const std::string mineral = components_->solid(first.solid).name;
    result.push_back(
        {"conversion[" + mineral + "]", charged_moles > 0.0 ? 1.0 - left / charged_moles : 0.0, "-"});
    if (first.classes > 1) {
      for (std::size_t j = k; j < k + first.classes; ++j) {
        const auto& charge = charges_[j];
        const double conversion =
            charge.initial_moles > 0.0 ? 1.0 - y[charge_offset() + j] / charge.initial_moles : 0.0;
        result.push_back(
            {"conversion[" + mineral + "," + std::to_string(charge.size_class) + "]", conversion, "-"});
      }
    }
    k += first.classes;
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
    charged +=
        components_->solid_elements().col(static_cast<Eigen::Index>(charge.solid)) * charge.initial_moles;
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

ContinuousLeachTank::ContinuousLeachTank(std::string name, ContinuousLeachTankParameters parameters)
    : StirredTank(std::move(name), parameters.tank), leach_(std::move(parameters)) {
  for (const auto& [mineral, diameter] : leach_.particle_diameters) {
    if (!(diameter > 0.0) || !std::isfinite(diameter)) {
      throw InputError("leach_tank `" + this->name() + "`: particle size of `" + mineral +
                       "` must be positive");
    }
  }
}

void ContinuousLeachTank::bind(const ComponentList& components) {
  StirredTank::bind(components);
  const std::string where = "leach_tank `" + name() + "`";
  diameters_ = components.size_classes();
  for (std::size_t k = 1; k < diameters_.size(); ++k) {
    if (!(diameters_[k] < diameters_[k - 1])) {
      throw InputError(where +
                       ": a continuous leach tank needs the size classes in strictly descending order");
    }
  }
  minerals_.clear();
  bound_.clear();
  for (const auto& reaction : leach_.reactions) {
    const std::string context = where + ", reaction `" + reaction.name + "`";
    const auto solid = components.solid_index(reaction.mineral, context);
    auto found =
        std::find_if(minerals_.begin(), minerals_.end(), [&](const Mineral& m) { return m.solid == solid; });
    if (found == minerals_.end()) {
      const Species& species = components.solid(solid);
      if (!(species.density > 0.0)) {
        throw InputError(where + ": mineral `" + species.name + "` has no density in the database");
      }
      Mineral mineral;
      mineral.solid = solid;
      mineral.molar_density = species.density / species.molar_mass();
      const auto given = leach_.particle_diameters.find(species.name);
      if (given != leach_.particle_diameters.end()) {
        mineral.radius = 0.5 * given->second;
      } else if (!diameters_.empty()) {
        mineral.radius = 0.5 * diameters_.front();
      } else {
        throw InputError(where + ": mineral `" + species.name +
                         "` needs a particle size (no size classes are defined)");
      }
      const std::vector<double> tops =
          diameters_.empty() ? std::vector<double>{2.0 * mineral.radius} : diameters_;
      for (const double d : tops) {
        mineral.moles_per_particle.push_back(std::numbers::pi / 6.0 * d * d * d * mineral.molar_density);
      }
      mineral.moles_per_particle.push_back(0.0);
      minerals_.push_back(std::move(mineral));
      found = minerals_.end() - 1;
    }
    BoundReaction bound;
    bound.reaction = &reaction;
    bound.mineral = static_cast<std::size_t>(found - minerals_.begin());
    bound.reagent = components.aqueous_index(reaction.reagent, context);
    for (const auto& term : reaction.terms) {
      if (auto aqueous = components.find_aqueous(term.species)) {
        bound.targets.emplace_back(true, *aqueous);
      } else {
        bound.targets.emplace_back(false, components.solid_index(term.species, context));
      }
    }
    bound_.push_back(std::move(bound));
  }
}

std::size_t ContinuousLeachTank::state_size() const {
  return holdup_size() + (lumped() ? minerals_.size() : 0);
}

void ContinuousLeachTank::initial_state(MutableSpan y) const {
  StirredTank::initial_state(y.first(holdup_size()));
  std::fill(y.begin() + static_cast<std::ptrdiff_t>(holdup_size()), y.end(), 0.0);
}

std::vector<bool> ContinuousLeachTank::differential_rows() const {
  auto rows = StirredTank::differential_rows();
  rows.resize(state_size(), true);
  return rows;
}

std::string ContinuousLeachTank::state_name(std::size_t index) const {
  if (index < holdup_size()) {
    return holdup_state_name(index);
  }
  return "unreacted_basis[" + components_->solid(minerals_[index - basis_offset()].solid).name + "]";
}

double ContinuousLeachTank::state_scale(std::size_t index) const {
  // The unreacted-basis states are mineral amounts like the holdup's.
  return holdup_scale(index < holdup_size() ? index : aqueous_offset());
}

double ContinuousLeachTank::basis_inflow(const Mineral& mineral, std::span<const Stream> inlets) const {
  // Particles counted at their class's upper size, each worth a whole particle of the feed size.
  const double whole =
      std::numbers::pi / 6.0 * 8.0 * mineral.radius * mineral.radius * mineral.radius * mineral.molar_density;
  double basis = 0.0;
  for (const auto& inlet : inlets) {
    for (std::size_t k = 0; k < size_class_count_; ++k) {
      basis += inlet.solid_moles(static_cast<Eigen::Index>(mineral.solid), static_cast<Eigen::Index>(k)) *
               whole / mineral.moles_per_particle[k];
    }
  }
  return basis;
}

std::vector<double> ContinuousLeachTank::add_reactions(ConstSpan y, MutableSpan f) const {
  std::vector<double> reacted(bound_.size(), 0.0);
  const Vector c = aqueous_concentrations(y);
  const double temperature_now = temperature(y);
  const auto release = [&](const BoundReaction& bound, std::size_t size_class, double moles) {
    for (std::size_t j = 0; j < bound.targets.size(); ++j) {
      const auto [aqueous, target] = bound.targets[j];
      const std::size_t row = aqueous ? aqueous_offset() + target : solid_state(target, size_class);
      f[row] += bound.reaction->terms[j].coefficient * moles;
    }
  };
  for (std::size_t b = 0; b < bound_.size(); ++b) {
    const BoundReaction& bound = bound_[b];
    const Mineral& mineral = minerals_[bound.mineral];
    const auto& kinetics = bound.reaction->kinetics;
    const double concentration = c[static_cast<Eigen::Index>(bound.reagent)];
    const double a = kinetics.reagent_stoichiometry;
    const double radius = mineral.radius;
    if (lumped()) {
      double unreacted = 0.0;
      for (std::size_t k = 0; k < size_class_count_; ++k) {
        unreacted += std::max(y[solid_state(mineral.solid, k)], 0.0);
      }
      const double basis = y[basis_offset() + bound.mineral];
      if (!(basis > 0.0) || !(unreacted > 0.0)) {
        continue;
      }
      const double core = radius * std::cbrt(std::min(unreacted / basis, 1.0));
      const double flux = shrinking_core_flux(kinetics, concentration, radius, core, temperature_now);
      const double rate =
          3.0 * basis * core * core * flux / (a * mineral.molar_density * radius * radius * radius);
      for (std::size_t k = 0; k < size_class_count_; ++k) {
        const double share = rate * std::max(y[solid_state(mineral.solid, k)], 0.0) / unreacted;
        f[solid_state(mineral.solid, k)] -= share;
        release(bound, k, share);
      }
      reacted[b] = rate;
      continue;
    }
    for (std::size_t k = 0; k < size_class_count_; ++k) {
      const double moles = std::max(y[solid_state(mineral.solid, k)], 0.0);
      if (moles <= 0.0) {
        continue;
      }
      // Time to cross the class: ∫ dr / v with v = J / (a ρ), by two-point Gauss–Legendre.
      const double top = std::min(0.5 * (diameters_.empty() ? 2.0 * radius : diameters_[k]), radius);
      const double bottom = k + 1 < diameters_.size() ? std::min(0.5 * diameters_[k + 1], radius) : 0.0;
      const double half = 0.5 * (top - bottom);
      const double middle = 0.5 * (top + bottom);
      const double offset = half / std::numbers::sqrt3;
      double crossing = 0.0;
      bool moving = true;
      for (const double r : {middle - offset, middle + offset}) {
        const double flux = shrinking_core_flux(kinetics, concentration, radius, r, temperature_now);
        if (!(flux > 0.0)) {
          moving = false;
          break;
        }
        crossing += half * a * mineral.molar_density / flux;
      }
      if (!moving || !(crossing > 0.0)) {
        continue;
      }
      const double particles_per_second = moles / mineral.moles_per_particle[k] / crossing;
      const double lost = particles_per_second * mineral.moles_per_particle[k];
      const double passed = particles_per_second * mineral.moles_per_particle[k + 1];
      f[solid_state(mineral.solid, k)] -= lost;
      if (k + 1 < size_class_count_) {
        f[solid_state(mineral.solid, k + 1)] += passed;
      }
      release(bound, k, lost - passed);
      reacted[b] += lost - passed;
    }
  }
  return reacted;
}

void ContinuousLeachTank::evaluate(double t, ConstSpan y, std::span<const Stream> inlets,
                                   MutableSpan f) const {
  (void)t;
  add_flow_terms(y, inlets, f);
  (void)add_reactions(y, f);
  if (lumped()) {
    const double rate = outflow(y) / volume();
    for (std::size_t m = 0; m < minerals_.size(); ++m) {
      f[basis_offset() + m] = basis_inflow(minerals_[m], inlets) - y[basis_offset() + m] * rate;
    }
  }
}

bool ContinuousLeachTank::fill_from_inlets(double t, std::span<const Stream> inlets, MutableSpan y) const {
  if (!StirredTank::fill_from_inlets(t, inlets, y.first(holdup_size()))) {
    return false;
  }
  if (lumped()) {
    const double residence = volume() / outflow(y);
    for (std::size_t m = 0; m < minerals_.size(); ++m) {
      y[basis_offset() + m] = basis_inflow(minerals_[m], inlets) * residence;
    }
  }
  return true;
}

Vector ContinuousLeachTank::element_inventory(ConstSpan y) const { return holdup_inventory(y); }

std::vector<UnitOutput> ContinuousLeachTank::report(double t, ConstSpan y,
                                                    std::span<const Stream> inlets) const {
  auto result = outputs(t, y);
  const double rate = outflow(y) / volume();
  const auto& elements = components_->elements();
  Vector fed = Vector::Zero(static_cast<Eigen::Index>(elements.size()));
  for (const auto& mineral : minerals_) {
    const std::string name = components_->solid(mineral.solid).name;
    // Stage conversion against the mineral that flows in: particles dissolved upstream carry no basis, so a
    // train's overall conversion is 1 − Π (1 − X_n).
    double inflow = 0.0;
    for (const auto& inlet : inlets) {
      inflow += inlet.solid_moles.row(static_cast<Eigen::Index>(mineral.solid)).sum();
    }
    double unreacted = 0.0;
    for (std::size_t k = 0; k < size_class_count_; ++k) {
      unreacted += y[solid_state(mineral.solid, k)];
    }
    result.push_back({"conversion[" + name + "]", inflow > 0.0 ? 1.0 - unreacted * rate / inflow : 0.0, "-"});
    for (std::size_t k = 0; k < size_class_count_ && size_class_count_ > 1; ++k) {
      result.push_back({"core_fraction[" + name + "," + std::to_string(k) + "]",
                        unreacted > 0.0 ? y[solid_state(mineral.solid, k)] / unreacted : 0.0, "-"});
    }
    fed += components_->solid_elements().col(static_cast<Eigen::Index>(mineral.solid)) * inflow;
  }
  // Element to solution: aqueous outflow minus aqueous inflow, against what the leached minerals brought.
  Vector aqueous_in = Vector::Zero(static_cast<Eigen::Index>(aqueous_count_));
  for (const auto& inlet : inlets) {
    aqueous_in += inlet.aqueous_moles;
  }
  Eigen::Map<const Vector> holdup(y.data() + aqueous_offset(), static_cast<Eigen::Index>(aqueous_count_));
  const Vector dissolved = components_->aqueous_elements() * (holdup * rate - aqueous_in);
  for (std::size_t e = 0; e < elements.size(); ++e) {
    const auto row = static_cast<Eigen::Index>(e);
    if (fed[row] > 0.0 && elements[e] != "O" && elements[e] != "H") {
      result.push_back({"extraction[" + elements[e] + "]", dissolved[row] / fed[row], "-"});
    }
  }
  std::vector<double> scratch(state_size(), 0.0);
  const auto reacted = add_reactions(y, scratch);
  std::vector<std::pair<std::size_t, double>> consumed;
  for (std::size_t b = 0; b < bound_.size(); ++b) {
    const double amount = reacted[b] * bound_[b].reaction->kinetics.reagent_stoichiometry;
    auto found = std::find_if(consumed.begin(), consumed.end(),
                              [&](const auto& p) { return p.first == bound_[b].reagent; });
    if (found == consumed.end()) {
      consumed.emplace_back(bound_[b].reagent, amount);
    } else {
      found->second += amount;
    }
  }
  for (const auto& [reagent, amount] : consumed) {
    result.push_back({"consumed[" + components_->aqueous(reagent).name + "]", amount, "mol/s"});
  }
  return result;
}

}  // namespace hydromet
