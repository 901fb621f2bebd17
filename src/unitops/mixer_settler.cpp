// Solvent-extraction stage: stirred holdup of both phases with extraction reactions.
#include "hydromet/unitops/mixer_settler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "hydromet/core/error.hpp"

namespace hydromet {
namespace {

Eigen::Index to_index(std::size_t index) { return static_cast<Eigen::Index>(index); }

void check_fraction(double value, const std::string& where, const std::string& what, bool open_at_zero) {
  const bool ok = open_at_zero ? (value > 0.0 && value <= 1.0) : (value >= 0.0 && value < 1.0);
  if (!ok) {
    throw InputError(where + ": " + what + (open_at_zero ? " must be in (0, 1]" : " must be in [0, 1)"));
  }
}

}  // namespace

MixerSettler::MixerSettler(std::string name, MixerSettlerParameters parameters)
    : StirredTank(std::move(name), parameters.tank), settler_(std::move(parameters)) {
  const std::string where = "mixer_settler `" + this->name() + "`";
  check_fraction(settler_.efficiency, where, "Murphree efficiency", true);
  check_fraction(settler_.aqueous_in_organic, where, "entrainment of aqueous in organic", false);
  check_fraction(settler_.organic_in_aqueous, where, "entrainment of organic in aqueous", false);
  if (settler_.mode == MixerSettlerParameters::Mode::rate &&
      !(settler_.mass_transfer > 0.0 && std::isfinite(settler_.mass_transfer))) {
    throw InputError(where + ": rate mode needs a positive mass-transfer coefficient k·a");
  }
  for (const auto& reaction : settler_.reactions) {
    if (!reaction.law) {
      throw InputError(where + ": reaction of `" + reaction.metal + "` has no distribution law");
    }
    for (const auto* list : {&reaction.reactants, &reaction.products}) {
      for (const auto& [species, coefficient] : *list) {
        if (!(coefficient > 0.0) || !std::isfinite(coefficient)) {
          throw InputError(where + ": coefficient of `" + species + "` must be positive");
        }
      }
    }
  }
}

void MixerSettler::bind(const ComponentList& components) {
  StirredTank::bind(components);
  const std::string where = "mixer_settler `" + name() + "`";
  bound_.clear();
  has_hydrogen_ = false;
  if (const auto h = components.find_aqueous("H+")) {
    hydrogen_ = aqueous_offset() + *h;
    has_hydrogen_ = true;
  }
  auto position = [&](const std::string& species) -> std::pair<std::size_t, bool> {
    if (const auto a = components.find_aqueous(species)) {
      return {aqueous_offset() + *a, false};
    }
    if (const auto o = components.find_organic(species)) {
      return {organic_offset() + *o, true};
    }
    throw InputError(where + ": species `" + species + "` is neither an aqueous nor an organic species");
  };
  std::vector<std::size_t> used;
  for (const auto& reaction : settler_.reactions) {
    Bound b;
    b.metal = aqueous_offset() + components.aqueous_index(reaction.metal, where);
    b.complex = organic_offset() + components.organic_index(reaction.complex, where);
    b.law = reaction.law.get();
    b.stoichiometry.emplace_back(b.metal, -1.0);
    for (const auto& [species, coefficient] : reaction.reactants) {
      const auto [at, organic] = position(species);
      b.stoichiometry.emplace_back(at, -coefficient);
      if (organic && !b.has_extractant) {
        b.extractant = at;
        b.has_extractant = true;
      }
    }
    for (const auto& [species, coefficient] : reaction.products) {
      b.stoichiometry.emplace_back(position(species).first, coefficient);
    }
    // Each reaction must conserve every element, or the stage would create or destroy matter.
    Vector balance = components.organic_elements().col(to_index(b.complex - organic_offset()));
    for (const auto& [at, nu] : b.stoichiometry) {
      balance +=
          nu * (at < organic_offset() ? components.aqueous_elements().col(to_index(at))
                                      : components.organic_elements().col(to_index(at - organic_offset())));
    }
    for (Eigen::Index e = 0; e < balance.size(); ++e) {
      if (std::abs(balance[e]) > 1e-9) {
        throw InputError(where + ": extraction of `" + reaction.metal + "` into `" + reaction.complex +
                         "` does not balance " + components.elements()[static_cast<std::size_t>(e)]);
      }
    }
    used.push_back(b.complex);
    bound_.push_back(std::move(b));
  }
  free_metals_.clear();
  if (equilibrium()) {
    for (const auto& b : bound_) {
      if (std::find(free_metals_.begin(), free_metals_.end(), b.metal) == free_metals_.end()) {
        free_metals_.push_back(b.metal);
      }
    }
  }
  // The invariant change of variables needs every complex to take part in its own reaction only.
  for (std::size_t j = 0; j < bound_.size(); ++j) {
    for (std::size_t k = 0; k < bound_.size(); ++k) {
      const bool clash = (k != j && bound_[k].complex == bound_[j].complex) ||
                         std::any_of(bound_[k].stoichiometry.begin(), bound_[k].stoichiometry.end(),
                                     [&](const auto& entry) { return entry.first == bound_[j].complex; });
      if (clash) {
        throw InputError(where + ": complex `" +
                         components.organic(bound_[j].complex - organic_offset()).name +
                         "` takes part in more than one extraction reaction");
      }
    }
  }
}

std::vector<bool> MixerSettler::differential_rows() const {
  auto rows = StirredTank::differential_rows();
  if (equilibrium()) {
    for (const auto& b : bound_) {
      rows[b.complex] = false;
    }
  }
  for (std::size_t k = 0; k < free_metals_.size(); ++k) {
    rows[holdup_size() + k] = false;
  }
  return rows;
}

// In equilibrium mode the complexes and free metals split each metal's invariant x_M between the phases. At
// trace level (a stage the metal has not reached yet) their Newton noise, tested, set the W plant's step size
// for the first 3 000 s of its start-up (docs/models/solvent_extraction.md).
std::vector<bool> MixerSettler::phase_split_states() const {
  if (!equilibrium()) {
    return {};
  }
  std::vector<bool> split(state_size(), false);
  for (const auto& b : bound_) {
    split[b.complex] = true;
  }
  std::fill(split.begin() + static_cast<std::ptrdiff_t>(holdup_size()), split.end(), true);
  return split;
}

double MixerSettler::state_scale(std::size_t index) const {
  return index < holdup_size() ? StirredTank::state_scale(index)
                               : StirredTank::state_scale(free_metals_[index - holdup_size()]);
}

std::string MixerSettler::state_name(std::size_t index) const {
  if (index >= holdup_size()) {
    return holdup_state_name(free_metals_[index - holdup_size()]);  // n[metal]: the free amount
  }
  std::string text = holdup_state_name(index);
  if (equilibrium()) {
    for (const auto& b : bound_) {
      for (const auto& entry : b.stoichiometry) {
        if (entry.first == index) {
          text[0] = 'x';
          return text;  // reaction invariant x[...] instead of n[...]
        }
      }
    }
  }
  return text;
}

std::vector<std::size_t> MixerSettler::reacting_positions() const {
  std::vector<std::size_t> positions;
  for (const auto& b : bound_) {
    positions.push_back(b.complex);
    positions.push_back(b.metal);
    if (b.has_extractant) {
      positions.push_back(b.extractant);
    }
    for (const auto& entry : b.stoichiometry) {
      positions.push_back(entry.first);
    }
  }
  if (has_hydrogen_ && !bound_.empty()) {
    positions.push_back(hydrogen_);
  }
  std::sort(positions.begin(), positions.end());
  positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
  return positions;
}

std::vector<std::pair<std::size_t, std::size_t>> MixerSettler::state_pattern() const {
  const auto coupled = reacting_positions();
  auto entries = holdup_pattern(coupled);
  // The free metals stand in for the metals wherever a concentration is read, and their rows tie them to the
  // invariants and complexes.
  for (std::size_t k = 0; k < free_metals_.size(); ++k) {
    const std::size_t free = holdup_size() + k;
    for (const auto i : coupled) {
      entries.emplace_back(i, free);
      entries.emplace_back(free, i);
    }
    for (std::size_t m = 0; m < free_metals_.size(); ++m) {  // (free, other) here, (other, free) at m
      entries.emplace_back(free, holdup_size() + m);
    }
    if (temperature_is_state()) {
      entries.emplace_back(free, flow_offset() + 2);
    }
  }
  return entries;
}

std::optional<StreamCoupling> MixerSettler::stream_coupling() const {
  const auto coupled = reacting_positions();
  StreamCoupling coupling = holdup_coupling(coupled);
  for (std::size_t k = 0; k < free_metals_.size(); ++k) {
    for (const auto i : coupled) {  // outlet scalars of the reacting species read the free metals
      coupling.outlet_states.push_back(
          {StreamCoupling::every_port, StreamLayout::holdup_offset + i, holdup_size() + k});
    }
  }
  return coupling;
}

const Vector& MixerSettler::moles(ConstSpan y) const {
  Vector& n = moles_;
  n = Eigen::Map<const Vector>(y.data(), to_index(holdup_size()));
  if (equilibrium()) {
    for (const auto& b : bound_) {
      for (const auto& [at, nu] : b.stoichiometry) {
        n[to_index(at)] += nu * y[b.complex];
      }
    }
  }
  for (std::size_t k = 0; k < free_metals_.size(); ++k) {
    n[to_index(free_metals_[k])] = y[holdup_size() + k];
  }
  return n;
}

double MixerSettler::concentration_at(std::size_t position, std::size_t organic_offset, const Vector& aqueous,
                                      const Vector& organic) {
  return position < organic_offset ? aqueous[to_index(position)]
                                   : organic[to_index(position - organic_offset)];
}

const Vector& MixerSettler::equilibrium_organic(ConstSpan n) const {
  Vector& aqueous = aqueous_scratch_;
  Vector& organic = organic_scratch_;
  aqueous_concentrations(n, aqueous);
  organic_concentrations(n, organic);
  Vector& result = equilibrium_;
  result.resize(to_index(bound_.size()));
  DistributionState& state = distribution_state_;
  state.temperature = temperature(n);
  state.hydrogen = has_hydrogen_ ? aqueous[to_index(hydrogen_)] : 0.0;
  for (std::size_t j = 0; j < bound_.size(); ++j) {
    const auto& b = bound_[j];
    state.metal = aqueous[to_index(b.metal)];
    state.extractant =
        b.has_extractant ? concentration_at(b.extractant, organic_offset(), aqueous, organic) : 0.0;
    state.participants.clear();
    for (const auto& [at, nu] : b.stoichiometry) {
      if (at != b.metal) {
        state.participants.push_back({concentration_at(at, organic_offset(), aqueous, organic), -nu});
      }
    }
    result[to_index(j)] = b.law->equilibrium_organic(state);
  }
  return result;
}

const Vector& MixerSettler::targets(ConstSpan n, std::span<const Stream> inlets) const {
  Vector& target = targets_;
  target = equilibrium_organic(n);
  double organic_in = 0.0;
  for (const auto& inlet : inlets) {
    organic_in += inlet.organic_flow;
  }
  // Without aqueous in the holdup (organic flowing alone) the organic passes unchanged.
  const double efficiency = aqueous_volume(n) > 0.0 ? settler_.efficiency : 0.0;
  for (std::size_t j = 0; j < bound_.size(); ++j) {
    double complex_in = 0.0;
    for (const auto& inlet : inlets) {
      complex_in += inlet.organic_moles[to_index(bound_[j].complex - organic_offset())];
    }
    const double c_in = organic_in > 0.0 ? complex_in / organic_in : 0.0;
    target[to_index(j)] = c_in + efficiency * (target[to_index(j)] - c_in);
  }
  return target;
}

void MixerSettler::compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                                   std::span<Stream> outlets) const {
  (void)t, (void)inlets;
  const Vector& n = moles(y);
  const ConstSpan held(n.data(), static_cast<std::size_t>(n.size()));
  Stream& aqueous = outlets[0];
  Stream& organic = outlets[1];
  write_outlet(held, aqueous);  // everything that leaves; split by phase and entrainment below
  organic = aqueous;
  const double ea = settler_.aqueous_in_organic;
  const double eo = settler_.organic_in_aqueous;
  aqueous.aqueous_flow *= 1.0 - ea;
  aqueous.aqueous_moles *= 1.0 - ea;
  aqueous.organic_flow *= eo;
  aqueous.organic_moles *= eo;
  organic.aqueous_flow *= ea;
  organic.aqueous_moles *= ea;
  organic.organic_flow *= 1.0 - eo;
  organic.organic_moles *= 1.0 - eo;
  organic.solid_moles.setZero();  // solids settle with the aqueous phase
}

void MixerSettler::evaluate(double t, ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const {
  (void)t;
  const Vector& n = moles(y);
  const ConstSpan held(n.data(), static_cast<std::size_t>(n.size()));
  add_flow_terms(held, inlets, f);
  if (bound_.empty()) {
    return;
  }
  const Vector& target = targets(held, inlets);
  const double organic_volume_now = organic_volume(held);
  for (std::size_t j = 0; j < bound_.size(); ++j) {
    const auto& b = bound_[j];
    const double gap = organic_volume_now * target[to_index(j)] - n[to_index(b.complex)];  // [mol]
    if (equilibrium()) {
      // Invariant rows: the reaction terms cancel, leaving flows of x_k = n_k − Σ ν n_C.
      for (const auto& [at, nu] : b.stoichiometry) {
        f[at] -= nu * f[b.complex];
      }
      f[b.complex] = gap;
    } else {
      const double rate = settler_.mass_transfer * gap;  // [mol/s]
      f[b.complex] += rate;
      for (const auto& [at, nu] : b.stoichiometry) {
        f[at] += nu * rate;
      }
    }
  }
  // 0 = x_M + Σ_j ν_Mj n_Cj − n_M: the invariant's definition, solved for the free metal [mol].
  for (std::size_t k = 0; k < free_metals_.size(); ++k) {
    f[holdup_size() + k] = with_complexes_of(k, y, y[free_metals_[k]] - y[holdup_size() + k]);
  }
}

double MixerSettler::with_complexes_of(std::size_t k, ConstSpan y, double start) const {
  double sum = start;
  for (const auto& b : bound_) {
    for (const auto& [at, nu] : b.stoichiometry) {
      if (at == free_metals_[k]) {
        sum += nu * y[b.complex];
      }
    }
  }
  return sum;
}

bool MixerSettler::settle_phase_split(std::span<const Stream> inlets, MutableSpan y) const {
  if (!equilibrium() || bound_.empty()) {
    return false;
  }
  // The free metal from its invariant, not from its own interpolated state (interpolated, x_M − n_M − Σ n_C
  // is off by as much as n_M's own error): the extents then move the split with every invariant as
  // integrated.
  const auto free_metal = [&](std::size_t k) { return with_complexes_of(k, y, y[free_metals_[k]]); };
  Vector n = moles(y);  // a copy: moles() returns the unit's scratch
  for (std::size_t k = 0; k < free_metals_.size(); ++k) {
    n[to_index(free_metals_[k])] = free_metal(k);
  }
  equilibrate(inlets, MutableSpan(n.data(), static_cast<std::size_t>(n.size())));
  // Only the split moves: the complexes take the solve's amounts and each free metal its algebraic row's
  // value, 0 = x_M + Σ ν n_C − n_M.
  for (const auto& b : bound_) {
    y[b.complex] = n[to_index(b.complex)];
  }
  for (std::size_t k = 0; k < free_metals_.size(); ++k) {
    y[holdup_size() + k] = free_metal(k);
  }
  return true;
}

void MixerSettler::moles_to_states(MutableSpan y) const {
  for (std::size_t k = 0; k < free_metals_.size(); ++k) {
    y[holdup_size() + k] = y[free_metals_[k]];
  }
  if (equilibrium()) {
    for (const auto& b : bound_) {
      for (const auto& [at, nu] : b.stoichiometry) {
        y[at] -= nu * y[b.complex];
      }
    }
  }
}

void MixerSettler::initial_state(MutableSpan y) const {
  StirredTank::initial_state(y);
  moles_to_states(y);
}

bool MixerSettler::fill_from_inlets(double t, std::span<const Stream> inlets, MutableSpan y) const {
  if (!StirredTank::fill_from_inlets(t, inlets, y)) {
    return false;
  }
  if (equilibrium()) {
    equilibrate(inlets, y);
  }
  moles_to_states(y);
  return true;
}

void MixerSettler::equilibrate(std::span<const Stream> inlets, MutableSpan n) const {
  const ConstSpan held(n.data(), n.size());
  const double aqueous_volume_now = aqueous_volume(held);
  const double organic_volume_now = organic_volume(held);
  if (bound_.empty() || !(aqueous_volume_now > 0.0) || !(organic_volume_now > 0.0)) {
    return;
  }
  // Extent ξ_j [mol] of each reaction from the unreacted holdup: n = n0 + ν_j ξ_j (complex +1), with ξ_j
  // bracketed by every participant staying >= 0. gap_j(ξ) = V_org c_target,j(n) − n_C,j falls as ξ grows (the
  // complex forms, the metal and the reactants go), so its root is found by Illinois (regula falsi) on the
  // bracket; several reactions sharing reactants take turns until no extent moves. The phase volumes stay.
  const auto concentration = [&](std::size_t at) {
    return at < organic_offset() ? n[at] / aqueous_volume_now : n[at] / organic_volume_now;
  };
  double organic_in = 0.0;
  for (const auto& inlet : inlets) {
    organic_in += inlet.organic_flow;
  }
  DistributionState state;
  state.temperature = temperature(held);
  const auto target = [&](const Bound& b, double complex_in) {
    state.metal = concentration(b.metal);
    state.hydrogen = has_hydrogen_ ? concentration(hydrogen_) : 0.0;
    state.extractant = b.has_extractant ? concentration(b.extractant) : 0.0;
    state.participants.clear();
    for (const auto& [at, nu] : b.stoichiometry) {
      if (at != b.metal) {
        state.participants.push_back({concentration(at), -nu});
      }
    }
    const double c_in = organic_in > 0.0 ? complex_in / organic_in : 0.0;
    return c_in + settler_.efficiency * (b.law->equilibrium_organic(state) - c_in);
  };
  std::vector<double> base;
  const int rounds = bound_.size() > 1 ? 100 : 1;
  for (int round = 0; round < rounds; ++round) {
    double moved = 0.0;
    double amount = 0.0;
    for (const auto& b : bound_) {
      double complex_in = 0.0;
      for (const auto& inlet : inlets) {
        complex_in += inlet.organic_moles[to_index(b.complex - organic_offset())];
      }
      double low = -n[b.complex];
      double high = std::numeric_limits<double>::infinity();
      amount = std::max(amount, std::abs(n[b.complex]));
      base.assign({n[b.complex]});
      for (const auto& [at, nu] : b.stoichiometry) {
        amount = std::max(amount, std::abs(n[at]));
        base.push_back(n[at]);
        if (nu < 0.0) {
          high = std::min(high, n[at] / -nu);
        } else {
          low = std::max(low, -n[at] / nu);
        }
      }
      if (!(high > low)) {
        continue;
      }
      const auto shift = [&](double extent) {
        n[b.complex] = std::max(base[0] + extent, 0.0);
        for (std::size_t k = 0; k < b.stoichiometry.size(); ++k) {
          const auto& [at, nu] = b.stoichiometry[k];
          n[at] = std::max(base[k + 1] + nu * extent, 0.0);
        }
      };
      const auto gap = [&](double extent) {
        shift(extent);
        return organic_volume_now * target(b, complex_in) - n[b.complex];
      };
      double g_low = gap(low);
      double g_high = gap(high);
      double extent = 0.0;
      if (g_low <= 0.0) {
        extent = low;
      } else if (g_high >= 0.0) {
        extent = high;
      } else {
        int side = 0;
        extent = low;
        for (int i = 0; i < 200 && high - low > 1e-14 * (std::abs(high) + std::abs(low)); ++i) {
          const double trial = (low * g_high - high * g_low) / (g_high - g_low);
          if (trial == extent) {
            break;
          }
          extent = trial;
          const double g_trial = gap(extent);
          if (g_trial == 0.0) {
            break;
          }
          if (g_trial > 0.0) {  // the root lies above
            low = extent;
            g_low = g_trial;
            g_high *= side == 1 ? 0.5 : 1.0;  // Illinois: halve the end that stays twice
            side = 1;
          } else {
            high = extent;
            g_high = g_trial;
            g_low *= side == -1 ? 0.5 : 1.0;
            side = -1;
          }
        }
      }
      shift(extent);
      moved = std::max(moved, std::abs(extent));
    }
    if (moved <= 1e-13 * amount) {
      break;
    }
  }
}

Vector MixerSettler::element_inventory(ConstSpan y) const {
  const Vector n = moles(y);
  return holdup_inventory(ConstSpan(n.data(), static_cast<std::size_t>(n.size())));
}

std::vector<UnitOutput> MixerSettler::outputs(double t, ConstSpan y) const {
  const Vector n = moles(y);
  const ConstSpan held(n.data(), static_cast<std::size_t>(n.size()));
  auto result = StirredTank::outputs(t, held);
  const Vector aqueous = aqueous_concentrations(held);
  const Vector organic = organic_concentrations(held);
  const Vector equilibrium_values = equilibrium_organic(held);
  for (std::size_t j = 0; j < bound_.size(); ++j) {
    const auto& b = bound_[j];
    const double c_metal = aqueous[to_index(b.metal)];
    const double c_complex = organic[to_index(b.complex - organic_offset())];
    const std::string complex = components_->organic(b.complex - organic_offset()).name;
    result.push_back({"D[" + complex + "]", c_metal > 0.0 ? c_complex / c_metal : 0.0, "-"});
    result.push_back({"c_eq[" + complex + "]", equilibrium_values[to_index(j)], "mol/m3"});
  }
  if (has_hydrogen_) {
    const double h = aqueous[to_index(hydrogen_)] * 1e-3;
    result.push_back({"pH", h > 0.0 ? -std::log10(h) : 0.0, "-"});
  }
  return result;
}

}  // namespace hydromet
