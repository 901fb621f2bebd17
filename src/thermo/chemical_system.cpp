// ChemicalSystem: reduction of database reactions to the chosen components, and log K(T).
#include "hydromet/thermo/chemical_system.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <sstream>

#include "hydromet/core/error.hpp"
#include "hydromet/thermo/activity.hpp"
#include "hydromet/thermo/log_k.hpp"

namespace hydromet {
namespace {

constexpr int max_reduction_depth = 16;

struct Reduction {
  bool ok = true;
  std::string missing;  // the first basis species or name that is not available
  std::map<std::string, double> components;
  double water = 0.0;
  std::vector<std::pair<FormationReaction, double>> parts;
  double t_min = 0.0;
  double t_max = 1e9;
};

std::string format_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

class Reducer {
 public:
  Reducer(const Database& database, const std::vector<std::string>& components)
      : database_(database), components_(components) {}

  const Reduction& reduce(const std::string& name, int depth = 0) {
    if (auto it = memo_.find(name); it != memo_.end()) {
      return it->second;
    }
    if (depth > max_reduction_depth) {
      throw InputError("the formation reactions of `" + name + "` refer to each other in a cycle");
    }
    Reduction result;
    if (name == "H2O") {
      result.water = 1.0;
      return memo_.emplace(name, std::move(result)).first->second;
    }
    const Species* species = database_.find(name);
    if (species == nullptr) {
      result.ok = false;
      result.missing = name;
      return memo_.emplace(name, std::move(result)).first->second;
    }
    if (!species->formation) {
      if (std::find(components_.begin(), components_.end(), name) != components_.end()) {
        result.components[name] = 1.0;
      } else {
        result.ok = false;
        result.missing = name;
      }
      return memo_.emplace(name, std::move(result)).first->second;
    }
    const FormationReaction& reaction = *species->formation;
    result.parts.emplace_back(reaction, 1.0);
    if (reaction.medium) {
      // A conditional constant enters the system as its I = 0 value.
      FormationReaction& converted = result.parts.back().first;
      const double shift = infinite_dilution_log_k(database_, name, reaction) - reaction.log_k_298;
      converted.log_k_298 += shift;
      if (!converted.log_k_coefficients.empty()) {
        converted.log_k_coefficients[0] += shift;
      }
      converted.medium.reset();
    }
    result.t_min = reaction.valid_t_min;
    result.t_max = reaction.valid_t_max;
    for (const auto& [reactant, coefficient] : reaction.reactants) {
      const Reduction& sub = reduce(reactant, depth + 1);
      if (!sub.ok) {
        result.ok = false;
        result.missing = sub.missing;
        break;
      }
      for (const auto& [component, nu] : sub.components) {
        result.components[component] += coefficient * nu;
      }
      result.water += coefficient * sub.water;
      for (const auto& [part, nu] : sub.parts) {
        result.parts.emplace_back(part, coefficient * nu);
      }
      result.t_min = std::max(result.t_min, sub.t_min);
      result.t_max = std::min(result.t_max, sub.t_max);
    }
    std::erase_if(result.components, [](const auto& entry) { return entry.second == 0.0; });
    return memo_.emplace(name, std::move(result)).first->second;
  }

 private:
  const Database& database_;
  const std::vector<std::string>& components_;
  std::map<std::string, Reduction> memo_;
};

// A database reaction must conserve charge and every element (water included).
void check_balance(const Database& database, const Species& species) {
  const FormationReaction& reaction = *species.formation;
  double charge = 0.0;
  std::map<std::string, double> elements;
  for (const auto& [reactant, coefficient] : reaction.reactants) {
    const Species* r = database.find(reactant);
    if (r == nullptr) {
      continue;  // reported by the reduction with a did-you-mean
    }
    charge += coefficient * r->charge();
    for (const auto& [element, count] : r->formula.composition) {
      elements[element] += coefficient * count;
    }
  }
  for (const auto& [element, count] : species.formula.composition) {
    elements[element] -= count;
  }
  if (std::abs(charge - species.charge()) > 1e-9) {
    throw InputError("the formation reaction of `" + species.name +
                     "` does not balance charge: reactants carry " + format_number(charge) +
                     ", the species " + format_number(species.charge()));
  }
  for (const auto& [element, excess] : elements) {
    if (std::abs(excess) > 1e-9) {
      throw InputError("the formation reaction of `" + species.name + "` does not balance " + element + " (" +
                       format_number(excess) + " atoms more on the reactant side)");
    }
  }
}

std::vector<std::string> names_of(const Database& database, Phase phase) {
  std::vector<std::string> names;
  for (const Species& species : database.all_species()) {
    if (species.phase == phase) {
      names.push_back(species.name);
    }
  }
  return names;
}

}  // namespace

double infinite_dilution_log_k(const Database& database, const std::string& product,
                               const FormationReaction& reaction) {
  if (!reaction.medium) {
    return reaction.log_k_298;
  }
  const IonicMedium& medium = *reaction.medium;
  const std::string where = "the medium of the formation of `" + product + "`";
  const Species& cation = database.species(medium.cation);
  const Species& anion = database.species(medium.anion);
  const double zc = cation.charge();
  const double za = anion.charge();
  if (!(zc > 0.0) || !(za < 0.0)) {
    throw InputError(where + ": `" + medium.cation + "` must be a cation and `" + medium.anion +
                     "` an anion");
  }
  // Salt C_nu+ A_nu- with nu+ zc = -nu- za (smallest integers), e.g. Na2SO4: 2 Na+ and 1 SO4-2 per formula.
  const auto lcm = static_cast<double>(std::lcm(std::lround(zc), std::lround(-za)));
  const double m_cation = medium.molality * lcm / zc;
  const double m_anion = medium.molality * lcm / -za;
  const double ionic_strength = 0.5 * (zc * zc * m_cation + za * za * m_anion);

  auto epsilon = [&](const std::string& a, const std::string& b) {
    for (const SitCoefficient& c : database.sit_coefficients()) {
      if ((c.first == a && c.second == b) || (c.first == b && c.second == a)) {
        return c.epsilon;
      }
    }
    return 0.0;  // as in the solver: pairs without a coefficient count as 0
  };
  const double d = sit_debye_huckel_term(ionic_strength, debye_huckel_parameters(reference_temperature).a);
  auto log_gamma = [&](const Species& s) {
    return -s.charge() * s.charge() * d + epsilon(s.name, medium.cation) * m_cation +
           epsilon(s.name, medium.anion) * m_anion;
  };
  // a_w of the medium from the same SIT model the solver uses.
  Vector charges(2), sizes = Vector::Constant(2, ChemicalSystem::default_ion_size);
  charges << zc, za;
  Matrix eps = Matrix::Zero(2, 2);
  eps(0, 1) = eps(1, 0) = epsilon(medium.cation, medium.anion);
  ActivityCalculator sit(ActivityModel::sit, charges, sizes, eps);
  sit.set_temperature(reference_temperature);
  Vector medium_molality(2);
  medium_molality << m_cation, m_anion;
  const double log_aw = sit.ln_water_activity(ionic_strength, medium_molality) / std::numbers::ln10;

  // log K0 = log Q_m + n_P log g_P - sum_r c_r log g_r - c_w log a_w, with log Q_m = log Q_M + (n_P - sum
  // c_r) log(m/c) when the constant is on the molar scale (n_P = 1 for an aqueous product, 0 for a solid).
  const Species& formed = database.species(product);
  const double n_product = formed.phase == Phase::aqueous ? 1.0 : 0.0;
  double log_k = reaction.log_k_298 + n_product * log_gamma(formed);
  double solute_coefficients = 0.0;
  for (const auto& [name, c] : reaction.reactants) {
    if (name == "H2O") {
      log_k -= c * log_aw;
      continue;
    }
    log_k -= c * log_gamma(database.species(name));
    solute_coefficients += c;
  }
  if (medium.molarity) {
    log_k += (n_product - solute_coefficients) * std::log10(medium.molality / *medium.molarity);
  }
  return log_k;
}

ChemicalSystem::ChemicalSystem(const Database& database, std::vector<std::string> components,
                               std::vector<std::string> minerals, std::vector<std::string> species) {
  if (std::find(components.begin(), components.end(), "H+") == components.end()) {
    components.insert(components.begin(), "H+");
  }
  const std::vector<std::string> aqueous_names = names_of(database, Phase::aqueous);
  for (const std::string& name : components) {
    const Species* s = database.find(name);
    if (s == nullptr || s->phase != Phase::aqueous) {
      const std::string hint = closest_match(name, aqueous_names);
      throw InputError("unknown component `" + name + "`" +
                       (hint.empty() ? "" : "; did you mean `" + hint + "`?"));
    }
    if (s->formation) {
      std::string reactants;
      for (const auto& [reactant, nu] : s->formation->reactants) {
        reactants += (reactants.empty() ? "" : ", ") + reactant;
      }
      throw InputError("component `" + name + "` is not a basis species of the database (it forms from " +
                       reactants + "); choose basis species as components");
    }
    if (std::count(components.begin(), components.end(), name) > 1) {
      throw InputError("component `" + name + "` is listed twice");
    }
  }
  components_ = components;
  Reducer reducer(database, components_);

  // Species: components first, then the requested or every representable aqueous species.
  species_ = components_;
  std::vector<const Species*> secondary;
  if (species.empty()) {
    for (const Species& s : database.all_species()) {
      if (s.phase == Phase::aqueous && s.formation && reducer.reduce(s.name).ok) {
        secondary.push_back(&s);
      }
    }
  } else {
    for (const std::string& name : species) {
      if (std::find(components_.begin(), components_.end(), name) != components_.end()) {
        continue;
      }
      const Species* s = database.find(name);
      if (s == nullptr || s->phase != Phase::aqueous) {
        const std::string hint = closest_match(name, aqueous_names);
        throw InputError("unknown aqueous species `" + name + "`" +
                         (hint.empty() ? "" : "; did you mean `" + hint + "`?"));
      }
      if (!s->formation) {
        throw InputError("species `" + name + "` is a basis species; list it as a component");
      }
      const Reduction& r = reducer.reduce(name);
      if (!r.ok) {
        throw InputError("species `" + name + "` needs `" + r.missing + "`, which is not a component");
      }
      secondary.push_back(s);
    }
  }
  for (const Species* s : secondary) {
    check_balance(database, *s);
    species_.push_back(s->name);
  }

  const std::size_t nc = components_.size();
  const std::size_t ns = species_.size();
  charge_.resize(static_cast<Eigen::Index>(ns));
  ion_size_.resize(static_cast<Eigen::Index>(ns));
  nu_ = Matrix::Zero(static_cast<Eigen::Index>(ns), static_cast<Eigen::Index>(nc));
  nu_water_ = Vector::Zero(static_cast<Eigen::Index>(ns));
  terms_.assign(ns, {});
  species_k_.assign(ns, {});
  for (std::size_t i = 0; i < ns; ++i) {
    const auto ii = static_cast<Eigen::Index>(i);
    const Species& s = database.species(species_[i]);
    species_lookup_.emplace(s.name, i);
    charge_[ii] = s.charge();
    if (s.ion_size) {
      ion_size_[ii] = *s.ion_size;
    } else {
      ion_size_[ii] = default_ion_size;
      if (s.charge() != 0.0) {
        default_size_species_.push_back(s.name);
      }
    }
    if (i < nc) {
      nu_(ii, ii) = 1.0;
      terms_[i].emplace_back(i, 1.0);
      species_k_[i].name = s.name;
      continue;
    }
    const Reduction& r = reducer.reduce(s.name);
    for (const auto& [component, nu] : r.components) {
      const std::size_t j = component_index(component);
      nu_(ii, static_cast<Eigen::Index>(j)) = nu;
      terms_[i].emplace_back(j, nu);
    }
    std::sort(terms_[i].begin(), terms_[i].end());
    nu_water_[ii] = r.water;
    species_k_[i] = ReducedLogK{r.parts, r.t_min, r.t_max, s.name};
  }

  // Minerals.
  const std::vector<std::string> solid_names = names_of(database, Phase::solid);
  mineral_nu_ = Matrix::Zero(static_cast<Eigen::Index>(minerals.size()), static_cast<Eigen::Index>(nc));
  mineral_nu_water_ = Vector::Zero(static_cast<Eigen::Index>(minerals.size()));
  for (std::size_t p = 0; p < minerals.size(); ++p) {
    const Species* m = database.find(minerals[p]);
    if (m == nullptr || m->phase == Phase::aqueous) {
      const std::string hint = closest_match(minerals[p], solid_names);
      throw InputError("unknown mineral `" + minerals[p] + "`" +
                       (hint.empty() ? "" : "; did you mean `" + hint + "`?"));
    }
    if (!m->formation) {
      throw InputError("mineral `" + m->name + "` has no formation reaction (log K)");
    }
    check_balance(database, *m);
    const Reduction& r = reducer.reduce(m->name);
    if (!r.ok) {
      throw InputError("mineral `" + m->name + "` needs `" + r.missing + "`, which is not a component");
    }
    for (const auto& [component, nu] : r.components) {
      mineral_nu_(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(component_index(component))) = nu;
    }
    mineral_nu_water_[static_cast<Eigen::Index>(p)] = r.water;
    mineral_k_.push_back(ReducedLogK{r.parts, r.t_min, r.t_max, m->name});
    minerals_.push_back(m->name);
  }

  // SIT coefficients between species of this system.
  sit_epsilon_ = Matrix::Zero(static_cast<Eigen::Index>(ns), static_cast<Eigen::Index>(ns));
  for (const SitCoefficient& c : database.sit_coefficients()) {
    const auto a = find_species(c.first);
    const auto b = find_species(c.second);
    if (a && b && *a != *b) {
      sit_epsilon_(static_cast<Eigen::Index>(*a), static_cast<Eigen::Index>(*b)) = c.epsilon;
      sit_epsilon_(static_cast<Eigen::Index>(*b), static_cast<Eigen::Index>(*a)) = c.epsilon;
    }
  }
}

std::optional<std::size_t> ChemicalSystem::find_component(std::string_view name) const {
  const auto it = std::find(components_.begin(), components_.end(), name);
  if (it == components_.end()) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(it - components_.begin());
}

std::optional<std::size_t> ChemicalSystem::find_species(std::string_view name) const {
  const auto it = species_lookup_.find(name);
  if (it == species_lookup_.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::optional<std::size_t> ChemicalSystem::find_mineral(std::string_view name) const {
  const auto it = std::find(minerals_.begin(), minerals_.end(), name);
  if (it == minerals_.end()) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(it - minerals_.begin());
}

namespace {
std::size_t index_or_throw(std::optional<std::size_t> index, std::string_view name, const char* what,
                           const std::vector<std::string>& candidates) {
  if (index) {
    return *index;
  }
  const std::string hint = closest_match(std::string(name), candidates);
  throw InputError(std::string("unknown ") + what + " `" + std::string(name) + "` in this chemical system" +
                   (hint.empty() ? "" : "; did you mean `" + hint + "`?"));
}
}  // namespace

std::size_t ChemicalSystem::component_index(std::string_view name) const {
  return index_or_throw(find_component(name), name, "component", components_);
}

std::size_t ChemicalSystem::species_index(std::string_view name) const {
  return index_or_throw(find_species(name), name, "species", species_);
}

std::size_t ChemicalSystem::mineral_index(std::string_view name) const {
  return index_or_throw(find_mineral(name), name, "mineral", minerals_);
}

double ChemicalSystem::evaluate(const ReducedLogK& k, double temperature) {
  double sum = 0.0;
  for (const auto& [reaction, coefficient] : k.parts) {
    sum += coefficient * log_k_at(reaction, temperature);
  }
  return sum;
}

double ChemicalSystem::species_log_k(std::size_t species, double temperature) const {
  return evaluate(species_k_.at(species), temperature);
}

void ChemicalSystem::ln_k(double temperature, Vector& species_ln_k, Vector& mineral_ln_k,
                          bool allow_extrapolation) const {
  auto check = [&](const ReducedLogK& k) {
    if (!allow_extrapolation && !k.parts.empty() &&
        (temperature < k.t_min - 1e-9 || temperature > k.t_max + 1e-9)) {
      throw InputError("temperature " + format_number(temperature) + " K is outside the valid range " +
                       format_number(k.t_min) + "-" + format_number(k.t_max) + " K of the log K of `" +
                       k.name + "` (set allow_extrapolation to use it anyway)");
    }
  };
  species_ln_k.resize(static_cast<Eigen::Index>(species_.size()));
  mineral_ln_k.resize(static_cast<Eigen::Index>(minerals_.size()));
  for (std::size_t i = 0; i < species_.size(); ++i) {
    check(species_k_[i]);
    species_ln_k[static_cast<Eigen::Index>(i)] = std::numbers::ln10 * evaluate(species_k_[i], temperature);
  }
  for (std::size_t p = 0; p < minerals_.size(); ++p) {
    check(mineral_k_[p]);
    mineral_ln_k[static_cast<Eigen::Index>(p)] = std::numbers::ln10 * evaluate(mineral_k_[p], temperature);
  }
}

Vector ChemicalSystem::totals(const std::map<std::string, double>& by_name) const {
  Vector result = Vector::Zero(static_cast<Eigen::Index>(components_.size()));
  for (const auto& [name, value] : by_name) {
    result[static_cast<Eigen::Index>(component_index(name))] = value;
  }
  return result;
}

}  // namespace hydromet
