// Batch and continuous leach tanks: shrinking-core, Avrami and expression kinetics, optional energy balance.
#include "hydromet/unitops/leach_tank.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>

#include "hydromet/core/error.hpp"
#include "unitops/leach_kinetics.hpp"

namespace hydromet {

namespace {

// Moles in a particle of core radius r: (4/3) π ρ r³.
double particle_moles(double radius, double molar_density) {
  return 4.0 / 3.0 * std::numbers::pi * molar_density * radius * radius * radius;
}

constexpr std::size_t no_age = std::numeric_limits<std::size_t>::max();

// Kinetic age at t = 0 of an Avrami reaction. For n < 1 the hazard n k θ^(n−1) is infinite at θ = 0 (an
// integrable singularity no step-size control can start from), so the charge starts at the exact state of
// age θ_0 = 1e-12, i.e. 1e-12/k seconds into the reaction, with X_0 = 1 − exp(−θ_0^n) already reacted.
double avrami_initial_age(double exponent) { return exponent < 1.0 ? 1e-12 : 0.0; }

// Avrami hazard −d ln(1 − X)/dt = n k θ^(n−1) at kinetic age θ.
double avrami_hazard(double age, double rate_constant, double exponent) {
  if (exponent == 1.0) {
    return rate_constant;
  }
  const double theta = std::max(age, avrami_initial_age(exponent));
  return exponent * rate_constant * std::pow(theta, exponent - 1.0);
}

// Smooth positivity guards of the continuous tank's reconstruction. A clamp of the slopes that switches on
// and off as the classes fill puts kinks in the right-hand side, and a dynamic run then crawls (error-test
// failures, a new Jacobian at almost every step).

// Positive part of x smoothed over a width w > 0: ½ (x + √(x² + w²)) > 0, within w/2 of max(x, 0). On arrays
// (every class at once: Eigen's packet square root and division vectorise, and round as the scalar ones).
template <typename X, typename W>
auto smooth_positive_part(const Eigen::ArrayBase<X>& x, const Eigen::ArrayBase<W>& w_squared) {
  return 0.5 * (x + (x.square() + w_squared).sqrt());
}

// Slope s limited to |s| < b, b > 0 the bound on s's side: s b / √(b² + s²) = s (1 − s²/(2b²) + …), so the
// O(h) slopes of a smooth profile (|s| / b = O(h)) change by a relative O(h²) and the scheme stays second
// order. Analytic in s and b; at s = 0, where b switches sides, value, first and second derivatives agree.
// (A limiter that is the identity up to b/2 and then saturates keeps smooth profiles exactly but took 30 %
// more steps on a start-up and was erratic in the order on a 4-tank train.)
template <typename S, typename B>
auto smooth_slope_limit(const Eigen::ArrayBase<S>& s, const Eigen::ArrayBase<B>& b) {
  return s * b / (b.square() + s.square()).sqrt();
}

void check_energy_balance(const LeachEnergyBalance& energy, const std::vector<LeachReaction>& reactions,
                          const std::string& where) {
  if (!(energy.heat_capacity > 0.0) || !(energy.liquid_density > 0.0) || !(energy.heat_loss_ua >= 0.0) ||
      !(energy.ambient > 0.0) || !std::isfinite(energy.heating_duty)) {
    throw InputError(where +
                     ": the energy balance needs heat_capacity > 0, liquid density > 0, "
                     "heat_loss_ua >= 0, ambient > 0 K and a finite heating_duty");
  }
  for (const auto& [reaction, enthalpy] : energy.heat_of_reaction) {
    // A named copy for the lambda: clang before 16 cannot capture a structured binding.
    const std::string& named = reaction;
    if (std::none_of(reactions.begin(), reactions.end(), [&](const auto& r) { return r.name == named; })) {
      throw InputError(where + ": heat_of_reaction names `" + reaction +
                       "`, which is not a reaction of the tank");
    }
    if (!std::isfinite(enthalpy)) {
      throw InputError(where + ": heat_of_reaction of `" + reaction + "` must be finite");
    }
  }
}

double reaction_enthalpy(const LeachEnergyBalance& energy, const std::string& reaction) {
  const auto found = energy.heat_of_reaction.find(reaction);
  return found == energy.heat_of_reaction.end() ? 0.0 : found->second;
}

}  // namespace

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
  if (parameters_.energy_balance) {
    check_energy_balance(*parameters_.energy_balance, parameters_.reactions, where);
  }
}

LeachTank::~LeachTank() = default;

double LeachTank::temperature(ConstSpan y) const {
  return parameters_.energy_balance ? y[temperature_offset()] : parameters_.temperature.value();
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
  kinetics_ = std::make_unique<detail::LeachKinetics>();
  kinetics_->bind(parameters_.reactions, parameters_.speciation, components, where);
  age_count_ = 0;
  age_index_.assign(parameters_.reactions.size(), no_age);
  for (std::size_t b = 0; b < parameters_.reactions.size(); ++b) {
    if (parameters_.reactions[b].form == LeachRateForm::avrami) {
      age_index_[b] = age_count_++;
    }
  }
  // The reactions conserve mass, so the slurry mass is the solution's plus the charge's at all times.
  slurry_mass_ = parameters_.solution_volume.value() *
                 (parameters_.energy_balance ? parameters_.energy_balance->liquid_density : 1000.0);
  for (const auto& charge : parameters_.solids) {
    slurry_mass_ += charge.mass.value();
  }
}

std::size_t LeachTank::state_size() const {
  return aqueous_count_ + charges_.size() + solid_count_ + age_count_ + (parameters_.energy_balance ? 1 : 0);
}

void LeachTank::initial_state(MutableSpan y) const {
  std::fill(y.begin(), y.end(), 0.0);
  for (std::size_t i = 0; i < aqueous_count_; ++i) {
    y[i] = initial_aqueous_[static_cast<Eigen::Index>(i)];
  }
  for (std::size_t k = 0; k < charges_.size(); ++k) {
    y[charge_offset() + k] = charges_[k].initial_moles;
  }
  // Avrami reactions with n < 1 start at a small age θ_0 (avrami_initial_age): their charges have reacted
  // X_0 = 1 − exp(−θ_0^n), with the products released.
  for (std::size_t b = 0; b < bound_.size(); ++b) {
    if (age_index_[b] == no_age) {
      continue;
    }
    const LeachReaction& reaction = *bound_[b].reaction;
    const double age = avrami_initial_age(reaction.avrami.exponent);
    y[age_offset() + age_index_[b]] = age;
    const double converted = avrami_conversion(age, reaction.avrami.exponent);
    for (const std::size_t index : bound_[b].charges) {
      const double moles = converted * y[charge_offset() + index];
      y[charge_offset() + index] -= moles;
      for (std::size_t j = 0; j < bound_[b].targets.size(); ++j) {
        const auto [aqueous, target] = bound_[b].targets[j];
        y[(aqueous ? 0 : solid_offset()) + target] += reaction.terms[j].coefficient * moles;
      }
    }
  }
  if (parameters_.energy_balance) {
    y[temperature_offset()] = parameters_.temperature.value();
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
  if (index < age_offset()) {
    return "n_solid[" + components_->solid(index - solid_offset()).name + "]";
  }
  if (index < temperature_offset()) {
    for (std::size_t b = 0; b < age_index_.size(); ++b) {
      if (age_index_[b] == index - age_offset()) {
        return "age[" + parameters_.reactions[b].name + "]";
      }
    }
  }
  return "T";
}

double LeachTank::state_scale(std::size_t index) const {
  if (index >= age_offset()) {
    return index < temperature_offset() ? 1.0 : 300.0;  // ages of order 1; the temperature in K
  }
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

std::vector<double> LeachTank::add_reactions(double t, ConstSpan y, MutableSpan f) const {
  const double volume = parameters_.solution_volume.value();
  const double temperature_now = temperature(y);
  // Solids per m3 of slurry and their volume fraction, for rate expressions.
  double solids_mass = 0.0;
  double solids_volume = 0.0;
  const auto add_solid = [&](std::size_t solid, double moles) {
    const Species& species = components_->solid(solid);
    const double mass = std::max(moles, 0.0) * species.molar_mass();
    solids_mass += mass;
    solids_volume += species.density > 0.0 ? mass / species.density : 0.0;
  };
  for (std::size_t k = 0; k < charges_.size(); ++k) {
    add_solid(charges_[k].solid, y[charge_offset() + k]);
  }
  for (std::size_t s = 0; s < solid_count_; ++s) {
    add_solid(s, y[solid_offset() + s]);
  }
  const Vector c = Eigen::Map<const Vector>(y.data(), static_cast<Eigen::Index>(aqueous_count_)) / volume;
  kinetics_->prepare(c, {temperature_now, t, solids_mass / (volume + solids_volume),
                         solids_volume / (volume + solids_volume)});
  std::vector<double> reacted(bound_.size(), 0.0);
  for (std::size_t b = 0; b < bound_.size(); ++b) {
    const BoundReaction& bound = bound_[b];
    const LeachReaction& reaction = *bound.reaction;
    double hazard = 0.0;
    if (reaction.form == LeachRateForm::avrami) {
      const double k = kinetics_->avrami_rate_constant(b);
      f[age_offset() + age_index_[b]] = k;
      hazard = avrami_hazard(y[age_offset() + age_index_[b]], k, reaction.avrami.exponent);
    }
    for (const std::size_t index : bound.charges) {
      const Charge& charge = charges_[index];
      const double remaining = std::max(y[charge_offset() + index], 0.0);
      if (charge.initial_moles <= 0.0 || remaining <= 0.0) {
        continue;
      }
      // Moles of mineral reacting per second: n0 dX/dt, X = 1 − n/n0 (the Avrami hazard acts on n).
      const double rate =
          reaction.form == LeachRateForm::avrami
              ? hazard * remaining
              : charge.initial_moles * kinetics_->conversion_rate(b, 1.0 - remaining / charge.initial_moles,
                                                                  charge.radius, charge.molar_density);
      f[charge_offset() + index] -= rate;
      reacted[b] += rate;
      for (std::size_t j = 0; j < bound.targets.size(); ++j) {
        const auto [aqueous, target] = bound.targets[j];
        f[(aqueous ? 0 : solid_offset()) + target] += reaction.terms[j].coefficient * rate;
      }
    }
  }
  return reacted;
}

void LeachTank::evaluate(double t, ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const {
  (void)inlets;
  std::fill(f.begin(), f.end(), 0.0);
  const auto reacted = add_reactions(t, y, f);
  if (const auto& energy = parameters_.energy_balance) {
    // Adiabatic batch: m c_p dT/dt = Σ (−ΔH_r) ξ_r + Q − UA (T − T_amb).
    double power = energy->heating_duty - energy->heat_loss_ua * (temperature(y) - energy->ambient);
    for (std::size_t b = 0; b < bound_.size(); ++b) {
      power -= reaction_enthalpy(*energy, bound_[b].reaction->name) * reacted[b];
    }
    f[temperature_offset()] = power / (slurry_mass_ * energy->heat_capacity);
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
  if (parameters_.energy_balance) {
    result.push_back({"T", temperature(y), "K"});
  }
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
  if (leach_.energy_balance) {
    const std::string where = "leach_tank `" + this->name() + "`";
    check_energy_balance(*leach_.energy_balance, leach_.reactions, where);
    if (!temperature_is_state()) {
      throw InputError(where +
                       ": with an energy balance the temperature is a state; give it as the initial "
                       "temperature, not as the tank's fixed temperature");
    }
    if (!(leach_.initial_temperature > 0.0)) {
      throw InputError(where + ": the initial temperature must be above 0 K");
    }
  }
}

ContinuousLeachTank::~ContinuousLeachTank() = default;

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
      mineral.classes = core_classes(tops, mineral.radius, mineral.molar_density);
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
        bound.solution_terms.emplace_back(*aqueous, term.coefficient);
      } else {
        bound.targets.emplace_back(false, components.solid_index(term.species, context));
        bound.solid_terms.emplace_back(bound.targets.back().second, term.coefficient);
      }
    }
    bound_.push_back(std::move(bound));
  }
  kinetics_ = std::make_unique<detail::LeachKinetics>();
  kinetics_->bind(leach_.reactions, leach_.speciation, components, where);
  // A mineral leached only by one Avrami reaction with n ≠ 1 is resolved over kinetic age (the core-radius
  // speed is 0 or infinite at r = R for n ≠ 1, which the core scheme converges to slowly).
  for (std::size_t m = 0; m < minerals_.size() && !lumped(); ++m) {
    Mineral& mineral = minerals_[m];
    std::vector<std::size_t> attacking;
    for (std::size_t b = 0; b < bound_.size(); ++b) {
      if (bound_[b].mineral == m) {
        attacking.push_back(b);
      }
    }
    const LeachReaction& reaction = *bound_[attacking.front()].reaction;
    const bool all_classes = std::all_of(mineral.classes.begin(), mineral.classes.end(),
                                         [](const CoreClass& c) { return c.width > 0.0; });
    // (n >= 0.05 keeps Γ(2/n) finite.)
    if (attacking.size() == 1 && reaction.form == LeachRateForm::avrami && reaction.avrami.exponent != 1.0 &&
        reaction.avrami.exponent >= 0.05 && mineral.classes.size() >= 3 && all_classes) {
      mineral.age_reaction = attacking.front();
      mineral.ages = age_classes(mineral.classes, mineral.radius, reaction.avrami.exponent);
      mineral.whole_moles = particle_moles(mineral.radius, mineral.molar_density);
    }
  }
  for (Mineral& mineral : minerals_) {
    mineral.plan = lumped() ? std::vector<ReconstructionClass>{} : reconstruction_plan(mineral);
    const auto count = static_cast<Eigen::Index>(mineral.plan.size());
    LimiterArrays& limiter = mineral.limiter;
    limiter.positivity_width_squared.resize(count);
    limiter.unsloped.clear();
    for (Eigen::Index k = 0; k < count; ++k) {
      const ReconstructionClass& c = mineral.plan[static_cast<std::size_t>(k)];
      limiter.positivity_width_squared[k] = c.positivity_width * c.positivity_width;
      if (c.stencil.terms == 0) {  // (an empty class would give 0/0)
        limiter.unsloped.push_back(static_cast<std::size_t>(k));
      }
    }
  }
  reacted_.assign(bound_.size(), 0.0);
  build_state_pattern();
}

std::size_t ContinuousLeachTank::state_size() const {
  return holdup_size() + (lumped() ? minerals_.size() : 0);
}

void ContinuousLeachTank::initial_state(MutableSpan y) const {
  StirredTank::initial_state(y.first(holdup_size()));
  std::fill(y.begin() + static_cast<std::ptrdiff_t>(holdup_size()), y.end(), 0.0);
  if (leach_.energy_balance) {
    y[flow_offset() + 2] = leach_.initial_temperature;
  }
}

std::vector<bool> ContinuousLeachTank::differential_rows() const {
  auto rows = StirredTank::differential_rows();
  rows.resize(state_size(), true);
  if (leach_.energy_balance) {
    rows[flow_offset() + 2] = true;  // the temperature: m c_p dT/dt
  }
  return rows;
}

void ContinuousLeachTank::prepare_kinetics(double t, ConstSpan y) const {
  const double liquid = volume();
  double solids_volume = 0.0;
  double solids_mass = 0.0;
  if (kinetics_->reads_solids()) {  // only rate expressions read `solids` and `phi`
    const Vector solids = solid_totals(y);
    for (std::size_t s = 0; s < solid_count_; ++s) {
      const Species& species = components_->solid(s);
      const double mass = std::max(solids[static_cast<Eigen::Index>(s)], 0.0) * species.molar_mass();
      solids_mass += mass;
      solids_volume += species.density > 0.0 ? mass / species.density : 0.0;
    }
  }
  aqueous_concentrations(y, concentrations_);  // into storage kept between calls
  kinetics_->prepare(concentrations_, {temperature(y), t, solids_mass / (liquid + solids_volume),
                                       solids_volume / (liquid + solids_volume)});
}

double ContinuousLeachTank::speed(std::size_t b, double core) const {
  const Mineral& mineral = minerals_[bound_[b].mineral];
  return kinetics_->core_speed(b, mineral.radius, core, mineral.molar_density);
}

double ContinuousLeachTank::slurry_mass(ConstSpan y) const {
  double mass = leach_.energy_balance->liquid_density * volume();
  const Vector solids = solid_totals(y);
  for (std::size_t s = 0; s < solid_count_; ++s) {
    mass += std::max(solids[static_cast<Eigen::Index>(s)], 0.0) * components_->solid(s).molar_mass();
  }
  return mass;
}

double ContinuousLeachTank::inlet_mass_flow(const Stream& inlet) const {
  double mass = leach_.energy_balance->liquid_density * (inlet.aqueous_flow + inlet.organic_flow);
  for (std::size_t s = 0; s < solid_count_; ++s) {
    mass += inlet.solid_moles.row(static_cast<Eigen::Index>(s)).sum() * components_->solid(s).molar_mass();
  }
  return mass;
}

double ContinuousLeachTank::heat_rate(ConstSpan y, std::span<const Stream> inlets,
                                      const std::vector<double>& reacted) const {
  const LeachEnergyBalance& energy = *leach_.energy_balance;
  const double t_now = temperature(y);
  double power = energy.heating_duty - energy.heat_loss_ua * (t_now - energy.ambient);
  for (const auto& inlet : inlets) {
    power += inlet_mass_flow(inlet) * energy.heat_capacity * (inlet.temperature - t_now);
  }
  for (std::size_t b = 0; b < bound_.size(); ++b) {
    power -= reaction_enthalpy(energy, bound_[b].reaction->name) * reacted[b];
  }
  return power;
}

std::string ContinuousLeachTank::state_name(std::size_t index) const {
  if (index < holdup_size()) {
    return holdup_state_name(index);
  }
  return "unreacted_basis[" + components_->solid(minerals_[index - basis_offset()].solid).name + "]";
}

double ContinuousLeachTank::state_scale(std::size_t index) const {
  // The unreacted-basis states are mineral amounts like the holdup's.
  if (index >= holdup_size()) {
    return holdup_scale(aqueous_offset());
  }
  // A leached mineral is spread over the core-size classes: each class typically holds 1/K of it, and the
  // finite-difference increments and tolerances of the population balance follow that share. Its typical
  // amount is 10 mol/m3 of slurry, ten times the holdup's dissolved-species scale (assumption: between a
  // tailings slurry's few mol/m3 of scheelite and a concentrate leach's hundreds of mol/m3 of wolframite).
  // At 1 mol/m3 the start-ups resolved classes of 1e-9 of the mineral to rtol (W plant: 1 871 steps against
  // 1 593 now, as close to an rtol 1e-10 run); 100 mol/m3 cost a through-the-step run half as many steps
  // again (docs/models/leaching.md).
  constexpr double typical_mineral_concentration = 10.0;  // [mol/m3], against holdup_scale's 1 mol/m3
  if (!lumped() && index >= solid_offset() && index < flow_offset()) {
    const std::size_t solid = (index - solid_offset()) / size_class_count_;
    const bool leached =
        std::any_of(minerals_.begin(), minerals_.end(), [&](const Mineral& m) { return m.solid == solid; });
    if (leached) {
      return typical_mineral_concentration * holdup_scale(index) / static_cast<double>(size_class_count_);
    }
  }
  return holdup_scale(index);
}

// Classes of the core radius from the class upper diameters (descending), cut at the particle radius.
std::vector<ContinuousLeachTank::CoreClass> ContinuousLeachTank::core_classes(const std::vector<double>& tops,
                                                                              double radius,
                                                                              double molar_density) {
  std::vector<CoreClass> classes;
  const double node = 0.5 / std::numbers::sqrt3;
  const double quartic = std::numbers::pi * molar_density / 3.0;  // ∫ m dr = quartic (top⁴ − bottom⁴)
  for (std::size_t k = 0; k < tops.size(); ++k) {
    CoreClass c;
    c.top = std::min(0.5 * tops[k], radius);
    c.bottom = k + 1 < tops.size() ? std::min(0.5 * tops[k + 1], radius) : 0.0;
    c.centre = 0.5 * (c.top + c.bottom);
    c.width = c.top - c.bottom;
    const auto power = [&](int n) { return std::pow(c.top, n) - std::pow(c.bottom, n); };
    c.mass_integral = quartic * power(4);
    // ∫ (r − centre) (4/3) π ρ r³ dr = (4/3) π ρ (Δr⁵ / 5) − centre ∫ m dr.
    c.mass_moment =
        4.0 / 3.0 * std::numbers::pi * molar_density * power(5) / 5.0 - c.centre * c.mass_integral;
    c.bottom_moles = particle_moles(c.bottom, molar_density);
    c.nodes = {c.centre + node * c.width, c.centre - node * c.width};
    for (std::size_t i = 0; i < c.nodes.size(); ++i) {
      c.node_offsets[i] = c.nodes[i] - c.centre;
      c.node_weights[i] = 0.5 * c.width * 4.0 * std::numbers::pi * molar_density * c.nodes[i] * c.nodes[i];
    }
    classes.push_back(c);
  }
  return classes;
}

std::vector<ContinuousLeachTank::AgeClass> ContinuousLeachTank::age_classes(
    const std::vector<CoreClass>& classes, double radius, double exponent) {
  // θ(r) = (3 ln(R/r))^(1/n): 0 at r = R, +∞ at r = 0. With u = θⁿ, ∫ e^(−θⁿ) dθ = Γ(1/n)/n ∫ u^(1/n−1)
  // e^(−u) du / Γ(1/n) and ∫ θ e^(−θⁿ) dθ = Γ(2/n)/n ∫ u^(2/n−1) e^(−u) du / Γ(2/n).
  const auto age = [&](double core) {
    if (!(core > 0.0)) {
      return std::numeric_limits<double>::infinity();
    }
    return core >= radius ? 0.0 : std::pow(3.0 * std::log(radius / core), 1.0 / exponent);
  };
  const double first = 1.0 / exponent;
  const double second = 2.0 / exponent;
  std::vector<AgeClass> ages;
  for (const CoreClass& c : classes) {
    AgeClass a;
    a.lower = age(c.top);
    a.upper = age(c.bottom);
    const double u_lower = std::pow(a.lower, exponent);
    const double u_upper = std::isinf(a.upper) ? a.upper : std::pow(a.upper, exponent);
    a.lower_fraction = std::exp(-u_lower);
    a.upper_fraction = std::exp(-u_upper);
    a.mass_integral =
        std::tgamma(first) / exponent * detail::regularized_gamma_between(first, u_lower, u_upper);
    if (!std::isinf(a.upper)) {
      a.centre = 0.5 * (a.lower + a.upper);
      a.width = a.upper - a.lower;
      const double first_moment =
          std::tgamma(second) / exponent * detail::regularized_gamma_between(second, u_lower, u_upper);
      a.mass_moment = first_moment - a.centre * a.mass_integral;
    }
    ages.push_back(a);
  }
  return ages;
}

ContinuousLeachTank::SlopeStencil ContinuousLeachTank::slope_stencil(std::size_t k,
                                                                     std::span<const double> centres,
                                                                     std::span<const double> widths) {
  // Slopes dψ/dx from the class means: in the top class the derivative of the parabola through the first
  // three means (a one-sided difference would cost the boundary an order); one-sided in the bottom class
  // (core scheme: its mass is O(h⁴) of the total) and above an empty class; central elsewhere.
  const std::size_t count = widths.size();
  SlopeStencil stencil;
  const auto two_point = [&](std::size_t upper, std::size_t lower) {
    const double inverse = 1.0 / (centres[upper] - centres[lower]);
    stencil.classes = {upper, lower, 0};
    stencil.weights = {inverse, -inverse, 0.0};
    stencil.terms = 2;
  };
  if (count == 1 || !(widths[k] > 0.0)) {
    return stencil;
  }
  if (k == 0 && count >= 3 && widths[2] > 0.0) {
    const double x0 = centres[0];
    const double x1 = centres[1];
    const double x2 = centres[2];
    stencil.classes = {0, 1, 2};
    stencil.weights = {(2.0 * x0 - x1 - x2) / ((x0 - x1) * (x0 - x2)), (x0 - x2) / ((x1 - x0) * (x1 - x2)),
                       (x0 - x1) / ((x2 - x0) * (x2 - x1))};
    stencil.terms = 3;
  } else if (k == 0) {
    two_point(0, 1);
  } else if (k + 1 == count || !(widths[k + 1] > 0.0)) {
    two_point(k - 1, k);
  } else {
    two_point(k - 1, k + 1);
  }
  return stencil;
}

std::vector<ContinuousLeachTank::ReconstructionClass> ContinuousLeachTank::reconstruction_plan(
    const Mineral& mineral) const {
  // The positivity guards: ψ ≥ 0 where it is used, each bound a fixed multiple of the smooth positive part
  // ψ̄⁺ of the mean (width positivity_width × the class's state scale, of the order of the integrator's
  // absolute tolerance, so that it is invisible in the results).
  std::vector<double> centres;
  std::vector<double> widths;
  std::vector<ReconstructionClass> plan;
  const auto scale = [&](std::size_t k) { return state_scale(solid_state(mineral.solid, k)); };
  if (mineral.age_reaction) {
    // Over age, ψ ≥ 0 over each whole finite class: |s| < 2 ψ̄⁺/h; for s < 0 the corrected mean
    // (ψ̄ = (M/m₀ − s ∫(θ − c) e^(−θⁿ)) / ∫ e^(−θⁿ), ∫(θ − c) e^(−θⁿ) < 0) stays positive too. The last
    // class [θ_a, ∞) has slope 0.
    const std::size_t finite = mineral.ages.size() - 1;
    for (std::size_t k = 0; k < finite; ++k) {
      centres.push_back(mineral.ages[k].centre);
      widths.push_back(mineral.ages[k].width);
    }
    for (std::size_t k = 0; k < mineral.ages.size(); ++k) {
      const AgeClass& a = mineral.ages[k];
      ReconstructionClass c;
      c.integral = mineral.whole_moles * a.mass_integral;
      c.inverse_integral = 1.0 / c.integral;
      c.positivity_width = positivity_width * scale(k) / c.integral;
      if (k < finite) {
        c.moment = mineral.whole_moles * a.mass_moment;
        c.rising_bound = 2.0 / a.width;
        c.falling_bound =
            a.mass_moment < 0.0 ? std::min(c.rising_bound, a.mass_integral / -a.mass_moment) : c.rising_bound;
        c.stencil = slope_stencil(k, centres, widths);
      }
      plan.push_back(c);
    }
    return plan;
  }
  // Core radius: ψ > 0 at the nodes (|r − centre| = width / (2√3)) needs |s| < 2√3 ψ̄ / width; above the
  // bottom class the lower edge, which carries the flux to the next class, also needs s < 2 ψ̄ / width; and
  // the second pass's mean stays positive if s < ψ̄ ∫ m dr / ∫ (r − c) m dr (binding in the bottom class).
  const auto& classes = mineral.classes;
  for (const CoreClass& c : classes) {
    centres.push_back(c.centre);
    widths.push_back(c.width);
  }
  for (std::size_t k = 0; k < classes.size(); ++k) {
    const CoreClass& cell = classes[k];
    ReconstructionClass c;
    if (cell.width > 0.0) {
      c.integral = cell.mass_integral;
      c.inverse_integral = 1.0 / c.integral;
      c.moment = cell.mass_moment;
      c.positivity_width = positivity_width * scale(k) / c.integral;
      c.falling_bound = 2.0 * std::numbers::sqrt3 / cell.width;
      c.rising_bound = std::min(k + 1 < classes.size() ? 2.0 / cell.width : c.falling_bound,
                                cell.mass_moment > 0.0 ? cell.mass_integral / cell.mass_moment : HUGE_VAL);
      c.stencil = slope_stencil(k, centres, widths);
    }
    plan.push_back(c);
  }
  return plan;
}

const ContinuousLeachTank::Reconstruction& ContinuousLeachTank::reconstruct(const Mineral& mineral,
                                                                            ConstSpan y) const {
  // Means of a piecewise-constant ψ first, ψ̄ = M / ∫ m dx. The means stay linear in the class masses (a
  // class that dips below 0 by rounding then reacts and passes on negative amounts, which restores it); only
  // the slope bounds use their smooth positive part. TVD limiters would clip the smooth maximum of ψ in the
  // second and later tanks of a train and spoil the order, so the slopes are limited only to keep ψ
  // non-negative where it is used, and smoothly: a switching bound puts kinks in the right-hand side that
  // cost a dynamic run its step size.
  const auto& plan = mineral.plan;
  const std::size_t count = plan.size();
  const LimiterArrays& limiter = mineral.limiter;
  Reconstruction& psi = mineral.psi;
  const auto size = static_cast<Eigen::Index>(count);
  psi.mean.resize(size);
  psi.slope.resize(size);
  psi.raw_slope.resize(size);
  psi.coefficient.resize(size);
  psi.bound.resize(size);
  const auto at = [](std::size_t k) { return static_cast<Eigen::Index>(k); };
  for (std::size_t k = 0; k < count; ++k) {
    psi.mean[at(k)] =
        plan[k].integral > 0.0 ? y[solid_state(mineral.solid, k)] * plan[k].inverse_integral : 0.0;
  }
  const auto slopes = [&] {
    for (std::size_t k = 0; k < count; ++k) {
      const SlopeStencil& stencil = plan[k].stencil;
      double slope = 0.0;
      for (std::size_t i = 0; i < stencil.terms; ++i) {
        slope += stencil.weights[i] * psi.mean[at(stencil.classes[i])];
      }
      psi.raw_slope[at(k)] = slope;
      psi.coefficient[at(k)] = slope > 0.0 ? plan[k].rising_bound : plan[k].falling_bound;
    }
    // The smooth guards, over all classes at once: the bound on the slope's side is a multiple of the
    // smooth positive part of the mean.
    psi.bound = smooth_positive_part(psi.mean, limiter.positivity_width_squared) * psi.coefficient;
    psi.slope = smooth_slope_limit(psi.raw_slope, psi.bound);
    for (const std::size_t k : limiter.unsloped) {
      psi.slope[at(k)] = 0.0;
    }
  };
  slopes();
  // Second pass: the means of the linear ψ that hold the class masses, ψ̄ = (M − s ∫(x − c) m dx) / ∫ m dx.
  for (std::size_t k = 0; k < count; ++k) {
    if (plan[k].integral > 0.0) {
      psi.mean[at(k)] =
          (y[solid_state(mineral.solid, k)] - psi.slope[at(k)] * plan[k].moment) * plan[k].inverse_integral;
    }
  }
  slopes();
  return psi;
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

const std::vector<double>& ContinuousLeachTank::add_reactions(double t, ConstSpan y, MutableSpan f,
                                                              MutableSpan rates,
                                                              std::span<const double> held) const {
  std::vector<double>& reacted = reacted_;
  std::fill(reacted.begin(), reacted.end(), 0.0);
  prepare_kinetics(t, y);
  // Solid products form in the class that reacted; the solution takes each reaction's total at once.
  const auto release_solids = [&](const BoundReaction& bound, std::size_t size_class, double moles) {
    for (const auto& [solid, coefficient] : bound.solid_terms) {
      f[solid_state(solid, size_class)] += coefficient * moles;
    }
  };
  // The solution takes the reaction's total, or the total held by the finite-difference Jacobian.
  const auto release_solution = [&](std::size_t b) {
    if (!held.empty()) {
      reacted[b] = held[b];
    }
    for (const auto& [aqueous, coefficient] : bound_[b].solution_terms) {
      f[aqueous_offset() + aqueous] += coefficient * reacted[b];
    }
  };
  const auto record = [&](std::size_t b, std::size_t size_class, double moles) {
    if (!rates.empty()) {
      rates[rate_intermediates_[b][size_class]] = moles;
    }
  };
  for (std::size_t b = 0; b < bound_.size(); ++b) {
    const BoundReaction& bound = bound_[b];
    const Mineral& mineral = minerals_[bound.mineral];
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
      // n° dX/dt at the mean conversion X̄ = 1 − n/n°.
      const double rate = basis * kinetics_->conversion_rate(b, 1.0 - std::min(unreacted / basis, 1.0),
                                                             radius, mineral.molar_density);
      double taken = 0.0;
      for (std::size_t k = 0; k < size_class_count_; ++k) {
        const double share = rate * std::max(y[solid_state(mineral.solid, k)], 0.0) / unreacted;
        f[solid_state(mineral.solid, k)] -= share;
        release_solids(bound, k, share);
        taken += share;
      }
      for (const auto& [aqueous, coefficient] : bound.solution_terms) {
        f[aqueous_offset() + aqueous] += coefficient * taken;
      }
      reacted[b] = rate;
      continue;
    }
    const Reconstruction& psi = reconstruct(mineral, y);
    if (mineral.age_reaction == b) {
      // Over kinetic age: particles cross the upper edge of class k at k ψ(θ_b⁻), each holding m₀ e^(−θ_bⁿ),
      // and the class reacts k m₀ ∫ ψ n θ^(n−1) e^(−θⁿ) dθ = k m₀ (ψ̄ W + s V) with W = e^(−θ_aⁿ) − e^(−θ_bⁿ),
      // V = ∫(θ − c) n θ^(n−1) e^(−θⁿ) dθ = ∫ e^(−θⁿ) dθ − (h/2)(e^(−θ_aⁿ) + e^(−θ_bⁿ)) (by parts). The last
      // class [θ_a, ∞) reacts at the hazard of its entry age, n k θ_a^(n−1) M.
      const double k = kinetics_->avrami_rate_constant(b);
      const double exponent = bound.reaction->avrami.exponent;
      const std::size_t finite = mineral.ages.size() - 1;
      for (std::size_t j = 0; j < mineral.ages.size(); ++j) {
        const AgeClass& a = mineral.ages[j];
        const std::size_t row = solid_state(mineral.solid, j);
        double consumed = 0.0;
        if (j < finite) {
          const double weight = a.lower_fraction - a.upper_fraction;
          const double moment = a.mass_integral - 0.5 * a.width * (a.lower_fraction + a.upper_fraction);
          consumed = k * mineral.whole_moles * (psi.mean[j] * weight + psi.slope[j] * moment);
          const double passed =
              k * (psi.mean[j] + 0.5 * psi.slope[j] * a.width) * mineral.whole_moles * a.upper_fraction;
          f[row] -= passed;
          f[solid_state(mineral.solid, j + 1)] += passed;
        } else {
          consumed = exponent * k * std::pow(a.lower, exponent - 1.0) * y[row];
        }
        f[row] -= consumed;
        release_solids(bound, j, consumed);
        record(b, j, consumed);
        reacted[b] += consumed;
      }
      release_solution(b);
      continue;
    }
    // A speed that does not depend on the core radius (reaction control) is taken once for all classes.
    const std::optional<double> uniform_speed = kinetics_->uniform_core_speed(b, mineral.molar_density);
    for (std::size_t k = 0; k < mineral.classes.size(); ++k) {
      const CoreClass& cell = mineral.classes[k];
      if (!(cell.width > 0.0)) {
        continue;
      }
      // Reacting inside the class: ∫ ψ v m' dr by two-point Gauss–Legendre.
      double consumed = 0.0;
      for (std::size_t i = 0; i < cell.nodes.size(); ++i) {
        const double density = psi.mean[k] + psi.slope[k] * cell.node_offsets[i];
        consumed +=
            cell.node_weights[i] * density * (uniform_speed ? *uniform_speed : speed(b, cell.nodes[i]));
      }
      f[solid_state(mineral.solid, k)] -= consumed;
      release_solids(bound, k, consumed);
      record(b, k, consumed);
      reacted[b] += consumed;
      // Particles crossing the lower edge into the next class, each carrying m(bottom).
      if (k + 1 < mineral.classes.size()) {
        const double edge_density = psi.mean[k] - 0.5 * psi.slope[k] * cell.width;
        const double edge_speed = uniform_speed ? *uniform_speed : speed(b, cell.bottom);
        const double passed = edge_speed * edge_density * cell.bottom_moles;
        f[solid_state(mineral.solid, k)] -= passed;
        f[solid_state(mineral.solid, k + 1)] += passed;
      }
    }
    release_solution(b);
  }
  return reacted;
}

void ContinuousLeachTank::evaluate(double t, ConstSpan y, std::span<const Stream> inlets,
                                   MutableSpan f) const {
  evaluate_aggregated(t, y, inlets, {}, f, {}, {});
}

void ContinuousLeachTank::evaluate_aggregated(double t, ConstSpan y, std::span<const Stream> inlets,
                                              std::span<const double> held, MutableSpan f,
                                              MutableSpan intermediates, MutableSpan aggregates) const {
  add_flow_terms(y, inlets, f);
  const auto& reacted = add_reactions(t, y, f, intermediates, held);
  std::copy_n(reacted.begin(), aggregates.size(), aggregates.begin());
  if (leach_.energy_balance) {
    f[flow_offset() + 2] =
        heat_rate(y, inlets, reacted) / (slurry_mass(y) * leach_.energy_balance->heat_capacity);
  }
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
    fill_basis(inlets, y);
    return true;
  }
  // Segregated: march down the classes with the first-order upwind balance at the inlet composition (each
  // class's inflow is known once the class above is solved), so that Newton starts near the solution.
  const double residence = volume() / outflow(y);
  prepare_kinetics(t, y);
  const double area_factor = 4.0 * std::numbers::pi;
  std::vector<double> products(state_size(), 0.0);
  const auto release = [&](std::size_t b, std::size_t size_class, double moles) {
    for (std::size_t j = 0; j < bound_[b].targets.size(); ++j) {
      const auto [aqueous, target] = bound_[b].targets[j];
      const std::size_t into = aqueous ? aqueous_offset() + target : solid_state(target, size_class);
      products[into] += bound_[b].reaction->terms[j].coefficient * moles * residence;
    }
  };
  for (std::size_t m = 0; m < minerals_.size(); ++m) {
    const Mineral& mineral = minerals_[m];
    double passed = 0.0;
    if (const auto b = mineral.age_reaction) {
      // Over age, per unit ψ̄ of class j: outflow m₀ ∫e^(−θⁿ) / t̄, reaction k m₀ W, passed on k m₀ e^(−θ_bⁿ).
      const double k = kinetics_->avrami_rate_constant(*b);
      const double exponent = bound_[*b].reaction->avrami.exponent;
      for (std::size_t j = 0; j < mineral.ages.size(); ++j) {
        const AgeClass& a = mineral.ages[j];
        const std::size_t row = solid_state(mineral.solid, j);
        const double inflow = y[row] / residence + passed;
        if (j + 1 < mineral.ages.size()) {
          const double outflow_per_density = mineral.whole_moles * a.mass_integral / residence;
          const double reacted_per_density = k * mineral.whole_moles * (a.lower_fraction - a.upper_fraction);
          const double passed_per_density = k * mineral.whole_moles * a.upper_fraction;
          const double density = inflow / (outflow_per_density + reacted_per_density + passed_per_density);
          y[row] = density * mineral.whole_moles * a.mass_integral;
          passed = density * passed_per_density;
          release(*b, j, density * reacted_per_density);
        } else {
          const double hazard = exponent * k * std::pow(a.lower, exponent - 1.0);
          y[row] = inflow / (1.0 / residence + hazard);
          release(*b, j, hazard * y[row]);
        }
      }
      continue;
    }
    for (std::size_t k = 0; k < mineral.classes.size(); ++k) {
      const CoreClass& cell = mineral.classes[k];
      const std::size_t row = solid_state(mineral.solid, k);
      const double inflow = y[row] / residence + passed;
      if (!(cell.width > 0.0)) {
        passed = inflow;
        y[row] = 0.0;
        continue;
      }
      // Per unit number density: mineral reacting in the class and carried across its lower edge [mol m/s].
      std::vector<double> consumed(bound_.size(), 0.0);
      double total = cell.mass_integral / residence;
      double carried = 0.0;
      for (std::size_t b = 0; b < bound_.size(); ++b) {
        if (bound_[b].mineral != m) {
          continue;
        }
        for (const double r : cell.nodes) {
          consumed[b] += 0.5 * cell.width * speed(b, r) * area_factor * mineral.molar_density * r * r;
        }
        if (k + 1 < mineral.classes.size()) {
          carried += speed(b, cell.bottom) * cell.bottom_moles;
        }
        total += consumed[b];
      }
      total += carried;
      const double density = inflow / total;
      y[row] = density * cell.mass_integral;
      passed = density * carried;
      for (std::size_t b = 0; b < bound_.size(); ++b) {
        for (std::size_t j = 0; j < bound_[b].targets.size() && consumed[b] > 0.0; ++j) {
          const auto [aqueous, target] = bound_[b].targets[j];
          const std::size_t into = aqueous ? aqueous_offset() + target : solid_state(target, k);
          products[into] += bound_[b].reaction->terms[j].coefficient * density * consumed[b] * residence;
        }
      }
    }
  }
  for (std::size_t i = 0; i < flow_offset(); ++i) {
    y[i] = std::max(y[i] + products[i], 0.0);
  }
  return true;
}

bool ContinuousLeachTank::initial_state_from_inlets(double t, std::span<const Stream> inlets,
                                                    MutableSpan y) const {
  if (leach_.initial_fill != ContinuousLeachTankParameters::InitialFill::feed) {
    return false;
  }
  const double temperature_at_start = temperature(y);
  if (!StirredTank::fill_from_inlets(t, inlets, y.first(holdup_size()))) {
    throw InputError("leach_tank `" + name() +
                     "`: `initial_fill: feed` needs a flow into the tank at t = 0 (an upstream tank must "
                     "itself start full)");
  }
  if (temperature_is_state()) {
    y[flow_offset() + 2] = temperature_at_start;
  }
  if (lumped()) {
    fill_basis(inlets, y);
  }
  return true;
}

void ContinuousLeachTank::fill_basis(std::span<const Stream> inlets, MutableSpan y) const {
  const double residence = volume() / outflow(y);
  for (std::size_t m = 0; m < minerals_.size(); ++m) {
    y[basis_offset() + m] = basis_inflow(minerals_[m], inlets) * residence;
  }
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
  // The list must not depend on the state: every element of a leached mineral is reported (0 while none
  // flows in, e.g. downstream tanks at start-up).
  for (std::size_t e = 0; e < elements.size(); ++e) {
    const auto row = static_cast<Eigen::Index>(e);
    const bool in_mineral = std::any_of(minerals_.begin(), minerals_.end(), [&](const Mineral& m) {
      return components_->solid_elements()(row, static_cast<Eigen::Index>(m.solid)) > 0.0;
    });
    if (in_mineral && elements[e] != "O" && elements[e] != "H") {
      result.push_back(
          {"extraction[" + elements[e] + "]", fed[row] > 0.0 ? dissolved[row] / fed[row] : 0.0, "-"});
    }
  }
  std::vector<double> scratch(state_size(), 0.0);
  const auto reacted = add_reactions(t, y, scratch);
  if (leach_.energy_balance) {
    // Energy terms [W]: heat released by the reactions, heating duty and heat loss, and the enthalpy the
    // feeds bring relative to the tank temperature (c_p ṁ (T_in − T)).
    const LeachEnergyBalance& energy = *leach_.energy_balance;
    double released = 0.0;
    for (std::size_t b = 0; b < bound_.size(); ++b) {
      released -= reaction_enthalpy(energy, bound_[b].reaction->name) * reacted[b];
    }
    double feeds = 0.0;
    for (const auto& inlet : inlets) {
      feeds += inlet_mass_flow(inlet) * energy.heat_capacity * (inlet.temperature - temperature(y));
    }
    result.push_back({"heat_released", released, "W"});
    result.push_back({"heat_loss", energy.heat_loss_ua * (temperature(y) - energy.ambient), "W"});
    result.push_back({"feed_enthalpy", feeds, "W"});
  }
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
