// Solvent-extraction cascade: sections of mixer-settler stages in one unit, with an open or closed organic
// loop.
#include "hydromet/unitops/sx_cascade.hpp"

#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <set>
#include <string_view>

#include "hydromet/core/error.hpp"

namespace hydromet {
namespace {

Eigen::Index to_index(std::size_t index) { return static_cast<Eigen::Index>(index); }

// Plain loops: the vectors hold a few species, where Eigen's per-expression set-up costs more than the sums.
void add_scaled(double* into, const double* from, Eigen::Index size, double factor) {
  for (Eigen::Index i = 0; i < size; ++i) {
    into[i] += factor * from[i];
  }
}

/// into += factor × from, flows only (the cascade runs at one temperature).
void add_scaled(Stream& into, const Stream& from, double factor) {
  into.aqueous_flow += factor * from.aqueous_flow;
  into.organic_flow += factor * from.organic_flow;
  add_scaled(into.aqueous_moles.data(), from.aqueous_moles.data(), into.aqueous_moles.size(), factor);
  add_scaled(into.organic_moles.data(), from.organic_moles.data(), into.organic_moles.size(), factor);
  add_scaled(into.solid_moles.data(), from.solid_moles.data(), into.solid_moles.size(), factor);
}

void clear(Stream& stream) {
  stream.aqueous_flow = 0.0;
  stream.organic_flow = 0.0;
  std::fill_n(stream.aqueous_moles.data(), stream.aqueous_moles.size(), 0.0);
  std::fill_n(stream.organic_moles.data(), stream.organic_moles.size(), 0.0);
  std::fill_n(stream.solid_moles.data(), stream.solid_moles.size(), 0.0);
}

std::string number_text(std::size_t value) { return std::to_string(value); }

/// Its parts in one string, allocated once (a long cascade's report builds thousands of names).
std::string joined(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (const auto part : parts) {
    size += part.size();
  }
  std::string text;
  text.reserve(size);
  for (const auto part : parts) {
    text.append(part);
  }
  return text;
}

// Small dense blocks of the linear cascade (fill_linear), column-major size × size: LU with partial pivoting
// in place, and solves with it. A few species per block, so plain loops.
bool factor_block(double* a, std::size_t size, std::size_t* pivots) {
  for (std::size_t k = 0; k < size; ++k) {
    std::size_t pivot = k;
    for (std::size_t r = k + 1; r < size; ++r) {
      if (std::abs(a[r + k * size]) > std::abs(a[pivot + k * size])) {
        pivot = r;
      }
    }
    pivots[k] = pivot;
    if (!(std::abs(a[pivot + k * size]) > 0.0) || !std::isfinite(a[pivot + k * size])) {
      return false;
    }
    if (pivot != k) {
      for (std::size_t c = 0; c < size; ++c) {
        std::swap(a[k + c * size], a[pivot + c * size]);
      }
    }
    for (std::size_t r = k + 1; r < size; ++r) {
      a[r + k * size] /= a[k + k * size];
    }
    for (std::size_t c = k + 1; c < size; ++c) {
      for (std::size_t r = k + 1; r < size; ++r) {
        a[r + c * size] -= a[r + k * size] * a[k + c * size];
      }
    }
  }
  return true;
}

// x ← A⁻¹ x for `columns` columns of length size, A factored by factor_block.
void solve_block(const double* lu, const std::size_t* pivots, std::size_t size, double* x,
                 std::size_t columns) {
  for (std::size_t c = 0; c < columns; ++c) {
    double* v = x + c * size;
    for (std::size_t k = 0; k < size; ++k) {  // every interchange first: they swapped whole rows of L
      std::swap(v[k], v[pivots[k]]);
    }
    for (std::size_t k = 0; k < size; ++k) {
      for (std::size_t r = k + 1; r < size; ++r) {
        v[r] -= lu[r + k * size] * v[k];
      }
    }
    for (std::size_t k = size; k-- > 0;) {
      v[k] /= lu[k + k * size];
      for (std::size_t r = 0; r < k; ++r) {
        v[r] -= lu[r + k * size] * v[k];
      }
    }
  }
}

// into ← into − a b, a size × size, b size × columns, column-major.
void subtract_product(double* into, const double* a, const double* b, std::size_t size, std::size_t columns) {
  for (std::size_t c = 0; c < columns; ++c) {
    for (std::size_t k = 0; k < size; ++k) {
      const double factor = b[k + c * size];
      if (factor != 0.0) {
        for (std::size_t r = 0; r < size; ++r) {
          into[r + c * size] -= a[r + k * size] * factor;
        }
      }
    }
  }
}

}  // namespace

SxCascade::SxCascade(std::string name, SxCascadeParameters parameters)
    : UnitOperation(std::move(name)), parameters_(std::move(parameters)) {
  const std::string where = "sx_cascade `" + this->name() + "`";
  const auto& p = parameters_;
  auto positive = [&](double value, const std::string& what) {
    if (!(value > 0.0) || !std::isfinite(value)) {
      throw InputError(where + ": " + what + " must be positive");
    }
  };
  positive(p.mixer_volume, "mixer_volume");
  positive(p.temperature, "temperature");
  if (!(p.settler_aqueous_volume >= 0.0 && p.settler_organic_volume >= 0.0) ||
      (p.settler_aqueous_volume > 0.0) != (p.settler_organic_volume > 0.0)) {
    throw InputError(where + ": give both settler volumes (aqueous and organic layers) or neither");
  }
  if (!(p.mixer_phase_ratio >= 0.0) || !std::isfinite(p.mixer_phase_ratio)) {
    throw InputError(where + ": mixer_phase_ratio must be >= 0 (0: the ratio of the flows)");
  }
  if (!(p.efficiency > 0.0 && p.efficiency <= 1.0)) {
    throw InputError(where + ": Murphree efficiency must be in (0, 1]");
  }
  if (!(p.aqueous_in_organic >= 0.0 && p.aqueous_in_organic < 1.0) ||
      !(p.organic_in_aqueous >= 0.0 && p.organic_in_aqueous < 1.0)) {
    throw InputError(where + ": entrainment fractions must be in [0, 1)");
  }
  if (p.mode == MixerSettlerParameters::Mode::rate &&
      !(p.mass_transfer > 0.0 && std::isfinite(p.mass_transfer))) {
    throw InputError(where + ": rate mode needs a positive mass-transfer coefficient k·a");
  }
  if (!(p.bleed >= 0.0 && p.bleed < 1.0)) {
    throw InputError(where + ": bleed must be a fraction in [0, 1)");
  }
  if (p.loop == SxCascadeParameters::Loop::open && (p.bleed > 0.0 || !p.loop_organic.empty())) {
    throw InputError(where + ": bleed and loop_organic belong to a closed organic loop (loop: closed)");
  }
  if (sealed()) {
    if (!(p.circulating_flow > 0.0) || p.loop_organic.empty() || !(p.mixer_phase_ratio > 0.0)) {
      throw InputError(
          where +
          ": a closed organic loop without bleed (and without organic entrainment) keeps all its organic, so "
          "its steady state is fixed only by what it holds: give `circulating_flow` (the organic pumped "
          "round the loop), `loop_organic` (the loop's extractant concentrations, free plus bound) and "
          "`mixer_phase_ratio` (so that the organic volume is fixed); or give a bleed with make-up");
    }
    if (!p.initial_organic.empty()) {
      throw InputError(where + ": a sealed loop starts full of its `loop_organic`; drop `initial_organic`");
    }
  }
  // Stages, section by section, and the ports.
  std::set<std::string> ports;
  auto add_port = [&](std::vector<std::string>& list, const std::string& port) {
    if (!ports.insert(port).second) {
      throw InputError(where + ": port `" + port + "` is named twice");
    }
    list.push_back(port);
    return list.size() - 1;
  };
  std::set<std::string> prefixes;
  for (std::size_t k = 0; k < p.sections.size(); ++k) {
    const auto& section = p.sections[k];
    if (section.stages == 0) {
      throw InputError(where + ": section `" + section.name + "` needs at least one stage");
    }
    if (!prefixes.insert(section.prefix).second) {
      throw InputError(where + ": two sections name their stages `" + section.prefix + "`");
    }
    if (section.feeds.empty()) {
      throw InputError(where + ": section `" + section.name + "` needs an aqueous feed");
    }
    for (const auto& reaction : section.reactions) {
      if (!reaction.law) {
        throw InputError(where + ": reaction of `" + reaction.metal + "` has no distribution law");
      }
    }
    Section built;
    built.first = stages_.size();
    for (std::size_t i = 1; i <= section.stages; ++i) {
      Stage stage;
      stage.name = section.prefix + number_text(i);
      stage.section = k;
      stage.number = i;
      if (i > 1) {
        stage.aqueous_from = stages_.size() - 1;
      }
      stages_.push_back(stage);
    }
    const std::size_t last = built.first + section.stages - 1;
    const bool counter = p.flow == SxCascadeParameters::Flow::counter_current;
    built.organic_entry = counter ? last : built.first;
    built.organic_exit = counter ? built.first : last;
    built.aqueous_exit = last;
    for (std::size_t i = built.first; i <= last; ++i) {
      if (counter && i < last) {
        stages_[i].organic_from = i + 1;
      } else if (!counter && i > built.first) {
        stages_[i].organic_from = i - 1;
      }
    }
    for (const auto& feed : section.feeds) {
      if (feed.stage < 1 || feed.stage > section.stages) {
        throw InputError(where + ": feed `" + feed.port + "` enters stage " + number_text(feed.stage) +
                         " of section `" + section.name + "`, which has " + number_text(section.stages));
      }
      stages_[built.first + feed.stage - 1].feed_ports.push_back(add_port(inlet_ports_, feed.port));
    }
    built.outlet_port = add_port(outlet_ports_, section.aqueous_outlet);
    if (k > 0) {
      stages_[built.organic_entry].organic_from = sections_.back().organic_exit;
    }
    sections_.push_back(std::move(built));
  }
  if (sections_.empty()) {
    throw InputError(where + ": needs at least one section");
  }
  if (p.loop == SxCascadeParameters::Loop::open) {
    organic_inlet_port_ = add_port(inlet_ports_, "organic_in");
    organic_outlet_port_ = add_port(outlet_ports_, "organic_out");
  } else {
    stages_[sections_.front().organic_entry].organic_from = sections_.back().organic_exit;
    if (!sealed()) {
      organic_inlet_port_ = add_port(inlet_ports_, "makeup");
    }
    if (p.bleed > 0.0) {
      organic_outlet_port_ = add_port(outlet_ports_, "bleed");
    }
  }
  first_organic_stage_ = sections_.front().organic_entry;
  if (ode()) {
    const auto needs = [&](const std::string& what) {
      throw InputError(where + ": `formulation: ode` needs " + what + "; use `formulation: dae`");
    };
    if (p.mode != MixerSettlerParameters::Mode::equilibrium) {
      needs("equilibrium mode");
    }
    if (p.efficiency != 1.0) {
      needs("a Murphree efficiency of 1 (the split then depends on the stage alone)");
    }
    if (sealed()) {
      needs("an open loop or a closed one with bleed (a sealed loop keeps its inventory rows)");
    }
    for (const auto& section : p.sections) {
      for (const auto& reaction : section.reactions) {
        if (dynamic_cast<const ConstantDistribution*>(reaction.law.get()) == nullptr) {
          needs("constant distribution laws (section `" + section.name + "`, `" + reaction.metal +
                "`: " + reaction.law->describe() + ")");
        }
        for (const auto& other : section.reactions) {
          const auto takes_part = [&](const auto& list) {
            return std::any_of(list.begin(), list.end(),
                               [&](const auto& entry) { return entry.first == reaction.metal; });
          };
          if (takes_part(other.reactants) || takes_part(other.products)) {
            needs("each metal to be extracted only (section `" + section.name + "`: `" + reaction.metal +
                  "` also takes part in the extraction of `" + other.metal + "`)");
          }
        }
      }
    }
  }
}

bool SxCascade::sealed() const {
  return parameters_.loop == SxCascadeParameters::Loop::closed && parameters_.bleed == 0.0 &&
         parameters_.organic_in_aqueous == 0.0;
}

std::vector<std::string> SxCascade::inlet_ports() const { return inlet_ports_; }
std::vector<std::string> SxCascade::outlet_ports() const { return outlet_ports_; }

void SxCascade::bind(const ComponentList& components) {
  components_ = &components;
  const std::string where = "sx_cascade `" + name() + "`";
  aqueous_ = components.aqueous_count();
  organic_ = components.organic_count();
  size_classes_ = components.size_class_count();
  held_classes_ = parameters_.solids == StirredTankParameters::Solids::by_species ? 1 : size_classes_;
  solids_ = components.solid_count() * held_classes_;
  finest_class_ = components.finest_size_class();
  hydrogen_ = none;
  if (const auto h = components.find_aqueous("H+")) {
    hydrogen_ = *h;
  }
  auto position = [&](const std::string& species) -> std::size_t {
    if (const auto a = components.find_aqueous(species)) {
      return *a;
    }
    if (const auto o = components.find_organic(species)) {
      return aqueous_ + *o;
    }
    throw InputError(where + ": species `" + species + "` is neither an aqueous nor an organic species");
  };
  auto element_column = [&](std::size_t at) -> Vector {
    return at < aqueous_ ? Vector(components.aqueous_elements().col(to_index(at)))
                         : Vector(components.organic_elements().col(to_index(at - aqueous_)));
  };
  // Organic stoichiometry of every reaction of every section (complex +1, organic reactants −n, organic
  // products +z): the sealed loop's conserved moieties are its left null space.
  std::vector<Vector> organic_columns;
  std::vector<bool> is_complex(organic_, false);
  for (std::size_t k = 0; k < sections_.size(); ++k) {
    auto& section = sections_[k];
    section.bound.clear();
    const std::string section_where = where + " section `" + parameters_.sections[k].name + "`";
    for (const auto& reaction : parameters_.sections[k].reactions) {
      Bound b;
      b.metal = components.aqueous_index(reaction.metal, section_where);
      b.complex = aqueous_ + components.organic_index(reaction.complex, section_where);
      b.law = reaction.law.get();
      b.stoichiometry.emplace_back(b.metal, -1.0);
      for (const auto& [species, coefficient] : reaction.reactants) {
        const std::size_t at = position(species);
        b.stoichiometry.emplace_back(at, -coefficient);
        if (at >= aqueous_ && !b.has_extractant) {
          b.extractant = at;
          b.has_extractant = true;
        }
      }
      for (const auto& [species, coefficient] : reaction.products) {
        b.stoichiometry.emplace_back(position(species), coefficient);
      }
      Vector balance = element_column(b.complex);
      for (const auto& [at, nu] : b.stoichiometry) {
        balance += nu * element_column(at);
      }
      for (Eigen::Index e = 0; e < balance.size(); ++e) {
        if (std::abs(balance[e]) > 1e-9) {
          throw InputError(section_where + ": extraction of `" + reaction.metal + "` into `" +
                           reaction.complex + "` does not balance " +
                           components.elements()[static_cast<std::size_t>(e)]);
        }
      }
      Vector column = Vector::Zero(to_index(organic_));
      column[to_index(b.complex - aqueous_)] = 1.0;
      for (const auto& [at, nu] : b.stoichiometry) {
        if (at >= aqueous_) {
          column[to_index(at - aqueous_)] += nu;
        }
      }
      is_complex[b.complex - aqueous_] = true;
      organic_columns.push_back(std::move(column));
      section.bound.push_back(std::move(b));
    }
    for (std::size_t j = 0; j < section.bound.size(); ++j) {
      for (std::size_t i = 0; i < section.bound.size(); ++i) {
        const bool clash =
            (i != j && section.bound[i].complex == section.bound[j].complex) ||
            std::any_of(section.bound[i].stoichiometry.begin(), section.bound[i].stoichiometry.end(),
                        [&](const auto& entry) { return entry.first == section.bound[j].complex; });
        if (clash) {
          throw InputError(section_where + ": complex `" +
                           components.organic(section.bound[j].complex - aqueous_).name +
                           "` takes part in more than one extraction reaction");
        }
      }
    }
  }
  if (parameters_.acidity) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < aqueous_; ++i) {
      names.push_back(components.aqueous(i).name);
    }
    parameters_.acidity->bind(names);
  }
  initial_aqueous_ = Vector::Zero(to_index(aqueous_));
  for (const auto& [species, c] : parameters_.initial_aqueous) {
    initial_aqueous_[to_index(components.aqueous_index(species, where))] += c;
  }
  initial_organic_ = Vector::Zero(to_index(organic_));
  for (const auto& [species, c] : sealed() ? parameters_.loop_organic : parameters_.initial_organic) {
    initial_organic_[to_index(components.organic_index(species, where))] += c;
  }
  conserved_.clear();
  moiety_weights_.clear();
  inventory_.clear();
  if (sealed()) {
    find_moieties(organic_columns, is_complex);
  }
  const Stream zero = Stream::empty(components);
  aqueous_out_.assign(stages_.size(), zero);
  organic_out_.assign(stages_.size(), zero);
  inflow_.assign(stages_.size(), zero);
  returned_ = zero;
  // The structure and the report's names follow from the parameters and the component list: kept while a
  // rebind (every simulate) brings the same components.
  std::vector<std::string> bound_components;
  for (std::size_t i = 0; i < aqueous_; ++i) {
    bound_components.push_back(components.aqueous(i).name);
  }
  bound_components.emplace_back("|");
  for (std::size_t i = 0; i < organic_; ++i) {
    bound_components.push_back(components.organic(i).name);
  }
  bound_components.emplace_back("|");
  for (std::size_t i = 0; i < components.solid_count(); ++i) {
    bound_components.push_back(components.solid(i).name);
  }
  bound_components.push_back(number_text(components.size_class_count()));
  if (bound_components != bound_components_) {
    bound_components_ = std::move(bound_components);
    structure_.reset();
  }
  filled_inlets_.clear();
  filled_state_.clear();
  moles_ = Vector::Zero(to_index(mixer_size()));
  stage_moles_.assign(stages_.size(), moles_);
  stage_phases_.assign(stages_.size(), MixerPhases{});
  std::size_t reactions = 0;
  for (const auto& section : sections_) {
    reactions = std::max(reactions, section.bound.size());
  }
  equilibrium_values_ = Vector::Zero(to_index(reactions));
  reactions_ = reactions;
  // Block layout: every position holds a state, except, in ode, the complexes and the flows.
  for (auto& section : sections_) {
    section.slot.assign(stage_size(), none);
    std::vector<bool> held(stage_size(), true);
    if (ode()) {
      for (const auto& b : section.bound) {
        held[b.complex] = false;
      }
      held[flow_at()] = held[flow_at() + 1] = false;
    }
    section.block_size = 0;
    section.held.clear();
    for (std::size_t at = 0; at < stage_size(); ++at) {
      if (held[at]) {
        section.held.emplace_back(at, section.block_size);
        section.slot[at] = section.block_size++;
      }
    }
    section.ratio.clear();
    for (const auto& b : section.bound) {
      DistributionState unit_metal;  // c* = D c_M: D is c* at 1 mol/m3 of metal
      unit_metal.temperature = parameters_.temperature;
      unit_metal.metal = 1.0;
      section.ratio.push_back(b.law->equilibrium_organic(unit_metal));
    }
  }
  constant_laws_ = std::all_of(sections_.begin(), sections_.end(), [](const Section& section) {
    return std::all_of(section.bound.begin(), section.bound.end(), [](const Bound& b) {
      return dynamic_cast<const ConstantDistribution*>(b.law) != nullptr;
    });
  });
  stage_offset_.assign(1, 0);
  for (const auto& stage : stages_) {
    stage_offset_.push_back(stage_offset_.back() + sections_[stage.section].block_size);
  }
  // ode: the flows are linear in the inlets' flows; their response to each port's flows, once.
  flow_response_.clear();
  stage_flows_.assign(stages_.size(), {0.0, 0.0});
  flows_known_ = phases_known_ = false;
  if (ode()) {
    ode_rates_.assign(stages_.size(), OdeRates{});
    ode_split_.assign(stages_.size() * reactions_, 0.0);
    ode_fed_stages_.clear();
    for (std::size_t s = 0; s < stages_.size(); ++s) {
      if (!stages_[s].feed_ports.empty() || (s == first_organic_stage_ && organic_inlet_port_ != none)) {
        ode_fed_stages_.push_back(s);
      }
    }
    flow_response_.assign(stages_.size(), {});
    std::vector<std::pair<double, double>> port_flows(inlet_ports_.size(), {0.0, 0.0});
    std::vector<double> q_aq;
    std::vector<double> q_org;
    for (std::size_t port = 0; port < inlet_ports_.size(); ++port) {
      for (int phase = 0; phase < 2; ++phase) {
        port_flows[port] = phase == 0 ? std::pair{1.0, 0.0} : std::pair{0.0, 1.0};
        sweep_flows(port_flows, q_aq, q_org);
        for (std::size_t s = 0; s < stages_.size(); ++s) {
          flow_response_[s].emplace_back(q_aq[s], q_org[s]);
        }
      }
      port_flows[port] = {0.0, 0.0};
    }
  }
}

std::pair<double, double> SxCascade::flows_of(std::size_t s, ConstSpan y) const {
  if (ode()) {
    return stage_flows_[s];
  }
  const std::size_t q = stage_offset_[s] + sections_[stages_[s].section].slot[flow_at()];
  return {y[q], y[q + 1]};
}

bool SxCascade::update_flows(std::span<const Stream> inlets) const {
  // The inlets' flows rarely change between evaluations (only states move): keep the last stage flows.
  bool same = flows_known_ && known_port_flows_.size() == 2 * inlets.size();
  for (std::size_t port = 0; same && port < inlets.size(); ++port) {
    same = known_port_flows_[2 * port] == inlets[port].aqueous_flow &&
           known_port_flows_[2 * port + 1] == inlets[port].organic_flow;
  }
  if (same) {
    return false;
  }
  known_port_flows_.clear();
  for (const auto& inlet : inlets) {
    known_port_flows_.push_back(inlet.aqueous_flow);
    known_port_flows_.push_back(inlet.organic_flow);
  }
  flows_known_ = true;
  phases_known_ = false;
  for (std::size_t s = 0; s < stages_.size(); ++s) {
    double q_aq = 0.0;
    double q_org = 0.0;
    const auto& response = flow_response_[s];
    for (std::size_t port = 0; port < inlets.size(); ++port) {
      const auto& [aq_per_aq, org_per_aq] = response[2 * port];
      const auto& [aq_per_org, org_per_org] = response[2 * port + 1];
      q_aq += aq_per_aq * inlets[port].aqueous_flow + aq_per_org * inlets[port].organic_flow;
      q_org += org_per_aq * inlets[port].aqueous_flow + org_per_org * inlets[port].organic_flow;
    }
    stage_flows_[s] = {q_aq, q_org};
  }
  return true;
}

std::vector<std::size_t> SxCascade::flow_states(std::size_t s) const {
  if (ode()) {
    return {};
  }
  const std::size_t q = state_of(s, flow_at());
  return {q, q + 1};
}

void SxCascade::find_moieties(const std::vector<Vector>& organic_columns,
                              const std::vector<bool>& is_complex) {
  // Basis of {w : w·ν_j = 0 for every reaction j}, brought to reduced row echelon form with the species that
  // are not complexes first, so that each moiety has its own pivot species k with w_k = 1 and weight 0 on
  // the other pivots (the pivots' slots then hold the loop totals).
  const auto o = to_index(organic_);
  Matrix stoichiometry(o, static_cast<Eigen::Index>(organic_columns.size()));
  for (std::size_t j = 0; j < organic_columns.size(); ++j) {
    stoichiometry.col(to_index(j)) = organic_columns[j];
  }
  Matrix basis;
  if (organic_columns.empty()) {
    basis = Matrix::Identity(o, o);
  } else {
    Eigen::FullPivLU<Matrix> lu(stoichiometry.transpose());
    basis = lu.kernel().transpose();  // rows: moieties
    if (lu.rank() == o) {
      basis.resize(0, o);
    }
  }
  std::vector<std::size_t> order;
  for (std::size_t pass = 0; pass < 2; ++pass) {
    for (std::size_t k = 0; k < organic_; ++k) {
      if (is_complex[k] == (pass == 1)) {
        order.push_back(k);
      }
    }
  }
  Eigen::Index row = 0;
  for (const std::size_t k : order) {
    if (row == basis.rows()) {
      break;
    }
    Eigen::Index best = row;
    for (Eigen::Index r = row; r < basis.rows(); ++r) {
      if (std::abs(basis(r, to_index(k))) > std::abs(basis(best, to_index(k)))) {
        best = r;
      }
    }
    if (std::abs(basis(best, to_index(k))) < 1e-10) {
      continue;
    }
    basis.row(row).swap(basis.row(best));
    basis.row(row) /= basis(row, to_index(k));
    for (Eigen::Index r = 0; r < basis.rows(); ++r) {
      if (r != row) {
        basis.row(r) -= basis(r, to_index(k)) * basis.row(row);
      }
    }
    conserved_.push_back(k);
    ++row;
  }
  const double volume = loop_organic_volume();
  for (std::size_t c = 0; c < conserved_.size(); ++c) {
    Vector w = basis.row(to_index(c)).transpose();
    w = w.unaryExpr([](double v) { return std::abs(v) < 1e-12 ? 0.0 : v; });
    inventory_.push_back(w.dot(initial_organic_) * volume);
    moiety_weights_.push_back(std::move(w));
  }
}

double SxCascade::loop_organic_volume() const {
  const double r = parameters_.mixer_phase_ratio;
  return static_cast<double>(stages_.size()) *
         (parameters_.mixer_volume * r / (1.0 + r) + parameters_.settler_organic_volume);
}

std::size_t SxCascade::state_size() const {
  return stage_offset_.empty() ? 0 : sums_offset() + conserved_.size() * stages_.size();
}

SxCascade::MixerPhases SxCascade::mixer_phases(double q_aq, double q_org) const {
  MixerPhases m;
  const double v = parameters_.mixer_volume;
  if (parameters_.mixer_phase_ratio > 0.0) {
    const double r = parameters_.mixer_phase_ratio;
    m.aqueous_volume = v / (1.0 + r);
    m.organic_volume = v * r / (1.0 + r);
    m.aqueous_rate = q_aq / m.aqueous_volume;
    m.organic_rate = q_org / m.organic_volume;
  } else {
    // A phase that (nearly) does not flow keeps a share ε of the mixer, so that the equilibrium of the other
    // phase flowing alone stays defined and continuous (its metal sits in a small volume of this phase);
    // flows above ε q are not affected.
    constexpr double share = 1e-6;
    const double q = q_aq + q_org;
    const double held_aqueous = std::max(q_aq, share * q);
    const double held_organic = std::max(q_org, share * q);
    m.aqueous_volume = q > 0.0 ? v * held_aqueous / (held_aqueous + held_organic) : v;
    m.organic_volume = v - m.aqueous_volume;
    m.aqueous_rate = q / v;
    m.organic_rate = q / v;
  }
  return m;
}

double SxCascade::stage_moiety(std::size_t s, std::size_t c, ConstSpan y, bool with_mixer) const {
  const std::size_t settler = has_settler() ? state_of(s, settler_organic_at()) : none;
  const Vector& w = moiety_weights_[c];
  double total = 0.0;
  if (has_settler()) {
    for (std::size_t i = 0; i < organic_; ++i) {
      total += w[to_index(i)] * y[settler + i];
    }
  }
  if (with_mixer) {
    mixer_moles(s, y, MixerPhases{}, moles_);  // a sealed loop is dae: the phases are not read
    for (std::size_t i = 0; i < organic_; ++i) {
      total += w[to_index(i)] * moles_[to_index(aqueous_ + i)];
    }
  }
  return total;
}

void SxCascade::mixer_moles(std::size_t s, ConstSpan y, const MixerPhases& phases, Vector& n) const {
  const std::size_t base = stage_offset_[s];
  const auto& section = sections_[stages_[s].section];
  if (ode()) {
    // Closed form of the linear split: every complex C_j of metal M holds D_j V_org c_M, with
    // c_M = x_M / (V_aq + Σ_j D_j V_org) over the reactions of M; then n_k = x_k + Σ_j ν_kj n_Cj.
    for (std::size_t i = 0; i < mixer_size(); ++i) {
      const std::size_t slot = section.slot[i];
      n[to_index(i)] = slot == none ? 0.0 : y[base + slot];
    }
    for (std::size_t j = 0; j < section.bound.size(); ++j) {
      const auto& b = section.bound[j];
      double capacity = phases.aqueous_volume;
      for (std::size_t k = 0; k < section.bound.size(); ++k) {
        if (section.bound[k].metal == b.metal) {
          capacity += section.ratio[k] * phases.organic_volume;
        }
      }
      n[to_index(b.complex)] = section.ratio[j] * phases.organic_volume * n[to_index(b.metal)] / capacity;
    }
    for (const auto& b : section.bound) {
      for (const auto& [at, nu] : b.stoichiometry) {
        n[to_index(at)] += nu * n[to_index(b.complex)];
      }
    }
    return;
  }
  for (std::size_t i = 0; i < mixer_size(); ++i) {
    n[to_index(i)] = y[base + i];
  }
  const bool resolve = !conserved_.empty() && s == first_organic_stage_;
  if (resolve) {
    for (const std::size_t k : conserved_) {
      n[to_index(aqueous_ + k)] = 0.0;  // the slot holds the loop total T_k; resolved below
    }
  }
  if (equilibrium()) {
    for (const auto& b : sections_[stages_[s].section].bound) {
      for (const auto& [at, nu] : b.stoichiometry) {
        n[to_index(at)] += nu * y[base + b.complex];
      }
    }
  }
  if (resolve) {
    // Mixer moiety = T_k − (every other holdup's moiety); free k = moiety − bound k.
    for (std::size_t c = 0; c < conserved_.size(); ++c) {
      const std::size_t k = conserved_[c];
      double bound = 0.0;
      for (std::size_t i = 0; i < organic_; ++i) {
        if (i != k) {
          bound += moiety_weights_[c][to_index(i)] * n[to_index(aqueous_ + i)];
        }
      }
      const double others = y[sum_state(c, stages_.size() - 1)];
      n[to_index(aqueous_ + k)] = y[base + aqueous_ + k] - others - bound;
    }
  }
}

void SxCascade::initial_state(MutableSpan y) const {
  std::fill(y.begin(), y.end(), 0.0);
  // Holdups start at the phase ratio of the mixer (1 when it follows the flows, which are still zero).
  const double r = parameters_.mixer_phase_ratio > 0.0 ? parameters_.mixer_phase_ratio : 1.0;
  const double v_aq = parameters_.mixer_volume / (1.0 + r);
  const double v_org = parameters_.mixer_volume * r / (1.0 + r);
  // In equilibrium mode the participants' slots hold invariants x_k = n_k − Σ_j ν_kj n_Cj: a complex in the
  // initial organic adds to its metal's invariant and its reactants'.
  for (std::size_t s = 0; s < stages_.size(); ++s) {
    const auto set = [&](std::size_t position, double value) {
      if (const std::size_t at = state_of(s, position); at != none) {
        y[at] += value;
      }
    };
    for (std::size_t i = 0; i < aqueous_; ++i) {
      set(i, initial_aqueous_[to_index(i)] * v_aq);
      if (has_settler()) {
        set(settler_aqueous_at() + i, initial_aqueous_[to_index(i)] * parameters_.settler_aqueous_volume);
      }
    }
    for (std::size_t i = 0; i < organic_; ++i) {
      set(aqueous_ + i, initial_organic_[to_index(i)] * v_org);
      if (has_settler()) {
        set(settler_organic_at() + i, initial_organic_[to_index(i)] * parameters_.settler_organic_volume);
      }
    }
    for (const auto& b : sections_[stages_[s].section].bound) {
      if (equilibrium()) {
        const double held = initial_organic_[to_index(b.complex - aqueous_)] * v_org;
        for (const auto& [at, nu] : b.stoichiometry) {
          set(at, -nu * held);
        }
      }
    }
  }
  // Sealed loop: totals and running sums.
  for (std::size_t c = 0; c < conserved_.size(); ++c) {
    double running = 0.0;
    for (std::size_t s = 0; s < stages_.size(); ++s) {
      running += stage_moiety(s, c, y, s != first_organic_stage_);
      y[sum_state(c, s)] = running;
    }
    y[state_of(first_organic_stage_, aqueous_ + conserved_[c])] = inventory_[c];
  }
}

std::vector<bool> SxCascade::differential_rows() const {
  std::vector<bool> rows(state_size(), true);
  const auto algebraic = [&](std::size_t s, std::size_t position) {
    if (const std::size_t at = state_of(s, position); at != none) {
      rows[at] = false;
    }
  };
  for (std::size_t s = 0; s < stages_.size(); ++s) {
    algebraic(s, flow_at());
    algebraic(s, flow_at() + 1);
    if (equilibrium()) {
      for (const auto& b : sections_[stages_[s].section].bound) {
        algebraic(s, b.complex);
      }
    }
  }
  for (std::size_t c = 0; c < conserved_.size(); ++c) {
    algebraic(first_organic_stage_, aqueous_ + conserved_[c]);
  }
  for (std::size_t i = sums_offset(); i < state_size(); ++i) {
    rows[i] = false;
  }
  return rows;
}

std::pair<std::size_t, std::size_t> SxCascade::position_of(std::size_t index) const {
  const auto after = std::upper_bound(stage_offset_.begin(), stage_offset_.end(), index);
  const auto s = static_cast<std::size_t>(after - stage_offset_.begin()) - 1;
  const auto& slot = sections_[stages_[s].section].slot;
  const auto at = std::find(slot.begin(), slot.end(), index - stage_offset_[s]);
  return {s, static_cast<std::size_t>(at - slot.begin())};
}

std::string SxCascade::state_name(std::size_t index) const {
  // Each name in one allocation (a long cascade names thousands of states).
  if (index >= sums_offset()) {
    const std::size_t c = (index - sums_offset()) / stages_.size();
    const std::size_t s = (index - sums_offset()) % stages_.size();
    return joined({"running_sum[", components_->organic(conserved_[c]).name, ",", stages_[s].name, "]"});
  }
  const auto [s, i] = position_of(index);
  const std::string& stage = stages_[s].name;
  if (s == first_organic_stage_ && i >= aqueous_ && i < aqueous_ + organic_ &&
      std::find(conserved_.begin(), conserved_.end(), i - aqueous_) != conserved_.end()) {
    return joined({"loop_total[", components_->organic(i - aqueous_).name, "]"});
  }
  std::string text;
  if (i < aqueous_) {
    text = joined({stage, ".n[", components_->aqueous(i).name, "]"});
  } else if (i < aqueous_ + organic_) {
    text = joined({stage, ".n_org[", components_->organic(i - aqueous_).name, "]"});
  } else if (i < mixer_size()) {
    const std::size_t solid = i - aqueous_ - organic_;
    text = held_classes_ == 1 ? joined({stage, ".n_solid[", components_->solid(solid).name, "]"})
                              : joined({stage, ".n_solid[", number_text(solid), "]"});
  } else if (i < flow_at() && i < settler_organic_at()) {
    text = joined({stage, ".settler.n[", components_->aqueous(i - settler_aqueous_at()).name, "]"});
  } else if (i < flow_at()) {
    text = joined({stage, ".settler.n_org[", components_->organic(i - settler_organic_at()).name, "]"});
  } else {
    text = joined({stage, i == flow_at() ? ".q_aq" : ".q_org"});
  }
  if (i < mixer_size() && equilibrium()) {
    for (const auto& b : sections_[stages_[s].section].bound) {
      for (const auto& entry : b.stoichiometry) {
        if (entry.first == i) {
          text[stage.size() + 1] = 'x';  // reaction invariant x[...] instead of n[...]
        }
      }
    }
  }
  return text;
}

double SxCascade::state_scale(std::size_t index) const {
  constexpr double typical_concentration = 1.0;      // [mol/m3]
  constexpr double typical_residence_time = 3600.0;  // [s]
  const double volume = parameters_.mixer_volume + parameters_.settler_aqueous_volume;
  if (index >= sums_offset()) {
    return typical_concentration * volume * static_cast<double>(stages_.size());
  }
  const std::size_t i = position_of(index).second;
  if (i >= flow_at()) {
    return parameters_.mixer_volume / typical_residence_time;
  }
  return typical_concentration * volume;
}

void SxCascade::mixer_inputs(std::size_t s, StateLists& inputs) const {
  const std::size_t base = stage_offset_[s];
  inputs.resize(mixer_size());
  for (auto& list : inputs) {
    list.clear();  // kept capacity: structure() calls this twice per stage
  }
  if (ode()) {  // the closed-form split: a complex and every participant read the metal's invariant
    for (std::size_t p = 0; p < mixer_size(); ++p) {
      if (const std::size_t at = state_of(s, p); at != none) {
        inputs[p].push_back(at);
      }
    }
    for (const auto& b : sections_[stages_[s].section].bound) {
      const std::size_t metal = state_of(s, b.metal);
      inputs[b.complex].push_back(metal);
      for (const auto& entry : b.stoichiometry) {
        inputs[entry.first].push_back(metal);
      }
    }
    return;
  }
  for (std::size_t p = 0; p < mixer_size(); ++p) {
    inputs[p].push_back(base + p);
  }
  const bool resolve = !conserved_.empty() && s == first_organic_stage_;
  if (resolve) {
    for (const std::size_t k : conserved_) {
      inputs[aqueous_ + k].clear();
    }
  }
  if (equilibrium()) {
    for (const auto& b : sections_[stages_[s].section].bound) {
      for (const auto& entry : b.stoichiometry) {
        inputs[entry.first].push_back(base + b.complex);
      }
    }
  }
  if (resolve) {
    for (std::size_t c = 0; c < conserved_.size(); ++c) {
      const std::size_t k = conserved_[c];
      std::vector<std::size_t> resolved = {base + aqueous_ + k, sum_state(c, stages_.size() - 1)};
      for (std::size_t i = 0; i < organic_; ++i) {
        if (i != k && moiety_weights_[c][to_index(i)] != 0.0) {
          resolved.insert(resolved.end(), inputs[aqueous_ + i].begin(), inputs[aqueous_ + i].end());
        }
      }
      inputs[aqueous_ + k] = std::move(resolved);
    }
  }
}

double SxCascade::stream_solid(const Stream& stream, std::size_t i) const {
  if (held_classes_ == size_classes_) {
    return stream.solid_moles(to_index(i / size_classes_), to_index(i % size_classes_));
  }
  double total = 0.0;
  for (std::size_t k = 0; k < size_classes_; ++k) {
    total += stream.solid_moles(to_index(i), to_index(k));
  }
  return total;
}

void SxCascade::set_stream_solid(Stream& stream, std::size_t i, double value) const {
  if (held_classes_ == size_classes_) {
    stream.solid_moles(to_index(i / size_classes_), to_index(i % size_classes_)) = value;
    return;
  }
  for (std::size_t k = 0; k < size_classes_; ++k) {
    stream.solid_moles(to_index(i), to_index(k)) = k == finest_class_ ? value : 0.0;
  }
}

std::vector<std::size_t> SxCascade::solid_inflow_scalars(std::size_t i) const {
  const StreamLayout layout(*components_);
  if (held_classes_ == size_classes_) {
    return {layout.solid(i / size_classes_, i % size_classes_)};
  }
  std::vector<std::size_t> scalars;
  for (std::size_t k = 0; k < size_classes_; ++k) {
    scalars.push_back(layout.solid(i, k));
  }
  return scalars;
}

std::size_t SxCascade::solid_outflow_scalar(std::size_t i) const {
  const StreamLayout layout(*components_);
  return held_classes_ == size_classes_ ? layout.solid(i / size_classes_, i % size_classes_)
                                        : layout.solid(i, finest_class_);
}

void SxCascade::outlet_inputs(std::size_t s, const StateLists& mixer, StateLists& aqueous,
                              StateLists& organic) const {
  const StreamLayout layout(*components_);
  // In ode the flows are no states (every scalar reads the inlets' flows instead, see structure()).
  const std::size_t q = ode() ? none : state_of(s, flow_at());
  const auto add_flows = [&](std::vector<std::size_t>& into, bool aqueous_flow, bool organic_flow) {
    if (q != none && aqueous_flow) {
      into.push_back(q);
    }
    if (q != none && organic_flow) {
      into.push_back(q + 1);
    }
  };
  const bool aqueous_entrained = parameters_.aqueous_in_organic > 0.0;
  const bool organic_entrained = parameters_.organic_in_aqueous > 0.0;
  for (auto* lists : {&aqueous, &organic}) {
    lists->resize(layout.size());
    for (auto& list : *lists) {
      list.clear();  // kept capacity: structure() calls this for two stages per stage
    }
  }
  // A phase leaves its settler layer at q_phase / V_layer, or the mixer at a rate of both flows.
  const auto held = [&](std::vector<std::size_t>& into, std::size_t position, std::size_t settler_position,
                        bool aqueous_phase) {
    if (has_settler()) {
      into.push_back(state_of(s, settler_position));
      add_flows(into, aqueous_phase, !aqueous_phase);
    } else {
      into.insert(into.end(), mixer[position].begin(), mixer[position].end());
      add_flows(into, true, true);
    }
  };
  for (std::size_t i = 0; i < aqueous_; ++i) {
    held(aqueous[layout.aqueous(i)], i, settler_aqueous_at() + i, true);
    if (aqueous_entrained) {
      organic[layout.aqueous(i)] = aqueous[layout.aqueous(i)];
    }
  }
  for (std::size_t i = 0; i < organic_; ++i) {
    held(organic[layout.organic(i)], aqueous_ + i, settler_organic_at() + i, false);
    if (organic_entrained) {
      aqueous[layout.organic(i)] = organic[layout.organic(i)];
    }
  }
  add_flows(aqueous[StreamLayout::aqueous_flow], true, false);
  add_flows(organic[StreamLayout::organic_flow], false, true);
  if (aqueous_entrained) {
    add_flows(organic[StreamLayout::aqueous_flow], true, false);
  }
  if (organic_entrained) {
    add_flows(aqueous[StreamLayout::organic_flow], false, true);
  }
  for (std::size_t i = 0; i < solids_; ++i) {  // solids leave the mixer with the aqueous
    auto& states = aqueous[solid_outflow_scalar(i)];
    states.insert(states.end(), mixer[aqueous_ + organic_ + i].begin(), mixer[aqueous_ + organic_ + i].end());
    add_flows(states, true, true);
  }
}

void SxCascade::structure(std::vector<std::pair<std::size_t, std::size_t>>* entries,
                          StreamCoupling& coupling) const {
  const std::size_t m = stage_size();
  const std::size_t organic_flow_position = StreamLayout::organic_flow;
  // The rows read the outlets of the stages upstream, the coupling the sections' exits: each computed when
  // needed, into lists that keep their capacity.
  StateLists mixer;
  StateLists neighbour_mixer;
  StateLists aqueous_outlet;
  StateLists organic_outlet;
  StateLists unused;
  const auto aqueous_outlet_of = [&](std::size_t u) -> const StateLists& {
    mixer_inputs(u, neighbour_mixer);
    outlet_inputs(u, neighbour_mixer, aqueous_outlet, unused);
    return aqueous_outlet;
  };
  const auto organic_outlet_of = [&](std::size_t u) -> const StateLists& {
    mixer_inputs(u, neighbour_mixer);
    outlet_inputs(u, neighbour_mixer, unused, organic_outlet);
    return organic_outlet;
  };
  // Mixer position p balances inflow scalar p of the stream layout (aqueous, organic, solids in order).
  const auto scalar = [](std::size_t position) { return StreamLayout::holdup_offset + position; };
  const auto append = [](std::vector<std::size_t>& into, const std::vector<std::size_t>& from) {
    into.insert(into.end(), from.begin(), from.end());
  };
  // ode: the stage flows (phase volumes, outflow rates) are the inlets' flows.
  const auto couple_flows = [&](std::size_t row) {
    for (std::size_t port = 0; port < inlet_ports_.size(); ++port) {
      coupling.rows.push_back({row, port, StreamLayout::aqueous_flow});
      coupling.rows.push_back({row, port, StreamLayout::organic_flow});
    }
  };
  // Rows are built per position (the dae block) and written for the positions that hold a state.
  StateLists own(m);    // own-stage states each row reads
  StateLists reads(m);  // inflow scalars each row reads
  std::vector<std::size_t> columns;
  for (std::size_t s = 0; s < stages_.size(); ++s) {
    const bool feeds =
        !stages_[s].feed_ports.empty() || (s == first_organic_stage_ && organic_inlet_port_ != none);
    if (entries == nullptr && !feeds) {  // the stage reads other stages, and (ode) the inlets' flows
      for (std::size_t position = 0; position < m && ode(); ++position) {
        if (const std::size_t row = state_of(s, position); row != none) {
          couple_flows(row);
        }
      }
      continue;
    }
    const std::vector<std::size_t> flows = flow_states(s);
    mixer_inputs(s, mixer);
    for (std::size_t p = 0; p < m; ++p) {  // the lists keep their capacity from stage to stage
      own[p].clear();
      reads[p].clear();
    }
    for (std::size_t p = 0; p < mixer_size(); ++p) {
      own[p] = mixer[p];
      append(own[p], flows);
      reads[p] = p < aqueous_ + organic_ ? std::vector<std::size_t>{scalar(p)}
                                         : solid_inflow_scalars(p - aqueous_ - organic_);
    }
    if (has_settler()) {
      for (std::size_t i = 0; i < aqueous_ + organic_; ++i) {
        const std::size_t row = settler_aqueous_at() + i;
        own[row] = mixer[i];
        append(own[row], flows);
        own[row].push_back(state_of(s, row));
      }
    }
    own[flow_at()] = {flows.empty() ? none : flows[0]};
    reads[flow_at()] = {StreamLayout::aqueous_flow};
    own[flow_at() + 1] = {flows.empty() ? none : flows[1]};
    if (conserved_.empty() || s != first_organic_stage_) {
      reads[flow_at() + 1] = {organic_flow_position};
    }
    for (const auto& b : sections_[stages_[s].section].bound) {
      // The law reads the metal, the extractant, every participant and the acidity, as concentrations.
      std::vector<std::size_t> gap = mixer[b.metal];
      if (b.has_extractant) {
        append(gap, mixer[b.extractant]);
      }
      for (const auto& entry : b.stoichiometry) {
        append(gap, mixer[entry.first]);
      }
      if (parameters_.acidity) {
        for (std::size_t i = 0; i < aqueous_; ++i) {
          append(gap, mixer[i]);
        }
      } else if (hydrogen_ != none) {
        append(gap, mixer[hydrogen_]);
      }
      append(gap, mixer[b.complex]);
      append(gap, flows);
      const std::vector<std::size_t> gap_reads = {scalar(b.complex), organic_flow_position};
      append(own[b.complex], gap);
      append(reads[b.complex], gap_reads);
      for (const auto& entry : b.stoichiometry) {
        if (equilibrium()) {  // the invariant's row takes the complex's flow balance
          append(own[entry.first], mixer[b.complex]);
          append(own[entry.first], flows);
          reads[entry.first].push_back(scalar(b.complex));
        } else {
          append(own[entry.first], gap);
          append(reads[entry.first], gap_reads);
        }
      }
    }
    if (s == first_organic_stage_) {
      for (const std::size_t k : conserved_) {  // the loop total's row T_k − X_k
        own[aqueous_ + k] = {state_of(s, aqueous_ + k)};
        reads[aqueous_ + k].clear();
      }
    }
    const StateLists* from_aqueous = nullptr;
    const StateLists* from_organic = nullptr;
    if (entries != nullptr && stages_[s].aqueous_from != none) {
      from_aqueous = &aqueous_outlet_of(stages_[s].aqueous_from);
    }
    if (entries != nullptr && stages_[s].organic_from != none) {
      from_organic = &organic_outlet_of(stages_[s].organic_from);
    }
    for (std::size_t position = 0; position < m; ++position) {
      const std::size_t row = state_of(s, position);
      if (row == none) {
        continue;
      }
      columns.assign(own[position].begin(), own[position].end());
      for (const auto component : reads[position]) {
        if (from_aqueous != nullptr) {
          append(columns, (*from_aqueous)[component]);
        }
        if (from_organic != nullptr) {
          append(columns, (*from_organic)[component]);
        }
        for (const auto port : stages_[s].feed_ports) {
          coupling.rows.push_back({row, port, component});
        }
        if (s == first_organic_stage_ && organic_inlet_port_ != none) {
          coupling.rows.push_back({row, organic_inlet_port_, component});
        }
      }
      if (ode()) {
        couple_flows(row);
      }
      if (entries == nullptr) {
        continue;
      }
      // Each row's columns sorted and unique here, rows in increasing order: no sort of all entries after.
      std::sort(columns.begin(), columns.end());
      columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
      for (const auto column : columns) {
        entries->emplace_back(row, column);
      }
    }
    if (entries == nullptr) {
      continue;
    }
    // Sealed loop: running sums of the moieties, R_k,s = R_k,s−1 + m_k,s.
    for (std::size_t c = 0; c < conserved_.size(); ++c) {
      const std::size_t row = sum_state(c, s);
      entries->emplace_back(row, row);
      if (s > 0) {
        entries->emplace_back(row, sum_state(c, s - 1));
      }
      for (std::size_t i = 0; i < organic_; ++i) {
        if (moiety_weights_[c][to_index(i)] == 0.0) {
          continue;
        }
        if (has_settler()) {
          entries->emplace_back(row, state_of(s, settler_organic_at() + i));
        }
        if (s != first_organic_stage_) {
          for (const auto column : mixer[aqueous_ + i]) {
            entries->emplace_back(row, column);
          }
        }
      }
    }
  }
  for (const auto& section : sections_) {
    const auto& aqueous = aqueous_outlet_of(section.aqueous_exit);
    for (std::size_t component = 0; component < aqueous.size(); ++component) {
      for (const auto state : aqueous[component]) {
        coupling.outlet_states.push_back({section.outlet_port, component, state});
      }
    }
  }
  if (organic_outlet_port_ != none) {
    const auto& organic = organic_outlet_of(sections_.back().organic_exit);
    for (std::size_t component = 0; component < organic.size(); ++component) {
      for (const auto state : organic[component]) {
        coupling.outlet_states.push_back({organic_outlet_port_, component, state});
      }
    }
  }
  if (ode()) {  // every outlet scalar reads the stage flows, the inlets' flows
    for (std::size_t port = 0; port < outlet_ports_.size(); ++port) {
      for (std::size_t component = StreamLayout::aqueous_flow; component < StreamLayout(*components_).size();
           ++component) {
        for (std::size_t inlet = 0; inlet < inlet_ports_.size(); ++inlet) {
          coupling.outlet_inlets.push_back({port, component, inlet, StreamLayout::aqueous_flow});
          coupling.outlet_inlets.push_back({port, component, inlet, StreamLayout::organic_flow});
        }
      }
    }
  }
  if (entries == nullptr) {
    return;
  }
  if (!std::is_sorted(entries->begin(), entries->end())) {  // a sealed loop's running sums come last
    std::sort(entries->begin(), entries->end());
  }
  entries->erase(std::unique(entries->begin(), entries->end()), entries->end());
}

const SxCascade::Structure& SxCascade::cached_structure() const {
  if (!structure_) {
    structure_.emplace();
    structure(&structure_->entries, structure_->coupling);
  }
  return *structure_;
}

std::vector<std::pair<std::size_t, std::size_t>> SxCascade::state_pattern() const {
  return cached_structure().entries;
}

// The coupling alone (a steady solve whose guess converges needs no Jacobian), unless the pattern is built.
std::optional<StreamCoupling> SxCascade::stream_coupling() const {
  if (structure_) {
    return structure_->coupling;
  }
  StreamCoupling coupling;
  structure(nullptr, coupling);
  return coupling;
}

void SxCascade::equilibrium_organic(std::size_t s, const Vector& n, const MixerPhases& phases,
                                    Vector& result) const {
  const auto& section = sections_[stages_[s].section];
  const auto& bound = section.bound;
  result.resize(to_index(bound.size()));
  if (ode()) {  // constant laws only: c* = D c_M, as ConstantDistribution computes it
    for (std::size_t j = 0; j < bound.size(); ++j) {
      const double metal =
          phases.aqueous_volume > 0.0 ? n[to_index(bound[j].metal)] / phases.aqueous_volume : 0.0;
      result[to_index(j)] = section.ratio[j] * metal;
    }
    return;
  }
  const double hydrogen = acidity(n, phases);
  for (std::size_t j = 0; j < bound.size(); ++j) {
    result[to_index(j)] = reaction_equilibrium(bound[j], n, phases, hydrogen);
  }
}

double SxCascade::reaction_equilibrium(const Bound& b, const Vector& n, const MixerPhases& phases,
                                       double hydrogen) const {
  auto concentration = [&](std::size_t at) {
    if (at < aqueous_) {
      return phases.aqueous_volume > 0.0 ? n[to_index(at)] / phases.aqueous_volume : 0.0;
    }
    return phases.organic_volume > 0.0 ? n[to_index(at)] / phases.organic_volume : 0.0;
  };
  DistributionState& state = law_state_;
  state.temperature = parameters_.temperature;
  state.hydrogen = hydrogen;
  state.metal = concentration(b.metal);
  state.extractant = b.has_extractant ? concentration(b.extractant) : 0.0;
  state.participants.clear();
  for (const auto& [at, nu] : b.stoichiometry) {
    if (at != b.metal) {
      state.participants.push_back({at == hydrogen_ ? hydrogen : concentration(at), -nu});
    }
  }
  return b.law->equilibrium_organic(state);
}

double SxCascade::acidity(const Vector& n, const MixerPhases& phases) const {
  if (!(phases.aqueous_volume > 0.0)) {
    return 0.0;
  }
  if (parameters_.acidity) {
    return parameters_.acidity->hydrogen(n.head(to_index(aqueous_)) / phases.aqueous_volume,
                                         parameters_.temperature);
  }
  return hydrogen_ != none ? n[to_index(hydrogen_)] / phases.aqueous_volume : 0.0;
}

void SxCascade::stage_outlets(std::size_t s, ConstSpan y, const Vector& n, const MixerPhases& phases,
                              Stream& aqueous, Stream& organic) const {
  const auto [q_aq, q_org] = flows_of(s, y);
  const std::size_t settler_aqueous = has_settler() ? state_of(s, settler_aqueous_at()) : none;
  const std::size_t settler_organic = has_settler() ? state_of(s, settler_organic_at()) : none;
  const double ea = parameters_.aqueous_in_organic;
  const double eo = parameters_.organic_in_aqueous;
  // Phase outflows of the settler layers (or of the mixer without a settler), then entrainment.
  const double aqueous_rate = has_settler() ? q_aq / parameters_.settler_aqueous_volume : phases.aqueous_rate;
  const double organic_rate =
      has_settler() ? q_org / parameters_.settler_organic_volume : phases.organic_rate;
  for (std::size_t i = 0; i < aqueous_; ++i) {
    const double held = has_settler() ? y[settler_aqueous + i] : n[to_index(i)];
    aqueous.aqueous_moles[to_index(i)] = (1.0 - ea) * held * aqueous_rate;
    organic.aqueous_moles[to_index(i)] = ea * held * aqueous_rate;
  }
  for (std::size_t i = 0; i < organic_; ++i) {
    const double held = has_settler() ? y[settler_organic + i] : n[to_index(aqueous_ + i)];
    aqueous.organic_moles[to_index(i)] = eo * held * organic_rate;
    organic.organic_moles[to_index(i)] = (1.0 - eo) * held * organic_rate;
  }
  aqueous.aqueous_flow = (1.0 - ea) * q_aq;
  organic.aqueous_flow = ea * q_aq;
  aqueous.organic_flow = eo * q_org;
  organic.organic_flow = (1.0 - eo) * q_org;
  // Solids stay in the mixer and leave with the aqueous.
  organic.solid_moles.setZero();
  for (std::size_t i = 0; i < solids_; ++i) {
    set_stream_solid(aqueous, i, n[to_index(aqueous_ + organic_ + i)] * phases.aqueous_rate);
  }
  aqueous.temperature = organic.temperature = parameters_.temperature;
}

void SxCascade::refresh_phases() const {
  const double ea = parameters_.aqueous_in_organic;
  const double eo = parameters_.organic_in_aqueous;
  for (std::size_t s = 0; s < stages_.size(); ++s) {
    const auto [q_aq, q_org] = stage_flows_[s];
    const MixerPhases phases = mixer_phases(q_aq, q_org);
    stage_phases_[s] = phases;
    OdeRates& rates = ode_rates_[s];
    rates.mixer_aqueous = phases.aqueous_rate;
    rates.mixer_organic = phases.organic_rate;
    // Phase outflows of the settler layers (or of the mixer without a settler), as in stage_outlets.
    const double aqueous_rate =
        has_settler() ? q_aq / parameters_.settler_aqueous_volume : phases.aqueous_rate;
    const double organic_rate =
        has_settler() ? q_org / parameters_.settler_organic_volume : phases.organic_rate;
    rates.settler_aqueous = aqueous_rate;
    rates.settler_organic = organic_rate;
    rates.aqueous_to_aqueous = (1.0 - ea) * aqueous_rate;
    rates.aqueous_to_organic = ea * aqueous_rate;
    rates.organic_to_aqueous = eo * organic_rate;
    rates.organic_to_organic = (1.0 - eo) * organic_rate;
    // The closed-form split of mixer_moles: n_Cj = D_j V_org x_M / (V_aq + Σ_{k of M} D_k V_org).
    const auto& section = sections_[stages_[s].section];
    for (std::size_t j = 0; j < section.bound.size(); ++j) {
      double capacity = phases.aqueous_volume;
      for (std::size_t k = 0; k < section.bound.size(); ++k) {
        if (section.bound[k].metal == section.bound[j].metal) {
          capacity += section.ratio[k] * phases.organic_volume;
        }
      }
      ode_split_[s * reactions_ + j] = section.ratio[j] * phases.organic_volume / capacity;
    }
  }
  ode_row_start_.clear();  // the matrix of the old flows; rebuilt by evaluate_ode when the flows stay
  ode_evaluations_at_flows_ = 0;
  phases_known_ = true;
}

void SxCascade::ode_stage_moles(std::size_t s, const double* x, double* n, double* aqueous,
                                double* organic) const {
  const auto& section = sections_[stages_[s].section];
  const std::size_t width = mixer_size();
  const std::size_t species = aqueous_ + organic_;
  std::fill_n(n, width, 0.0);
  for (const auto& [at, slot] : section.held) {
    if (at >= width) {
      break;
    }
    n[at] = x[slot];
  }
  const double* split = ode_split_.data() + s * reactions_;
  for (std::size_t j = 0; j < section.bound.size(); ++j) {
    n[section.bound[j].complex] = split[j] * n[section.bound[j].metal];
  }
  for (const auto& b : section.bound) {
    for (const auto& [at, nu] : b.stoichiometry) {
      n[at] += nu * n[b.complex];
    }
  }
  const OdeRates& rates = ode_rates_[s];
  const double* held_aqueous = has_settler() ? x + section.slot[settler_aqueous_at()] : n;
  const double* held_organic = has_settler() ? x + section.slot[settler_organic_at()] : n + aqueous_;
  for (std::size_t i = 0; i < aqueous_; ++i) {
    aqueous[i] = rates.aqueous_to_aqueous * held_aqueous[i];
    organic[i] = rates.aqueous_to_organic * held_aqueous[i];
  }
  for (std::size_t i = 0; i < organic_; ++i) {
    aqueous[aqueous_ + i] = rates.organic_to_aqueous * held_organic[i];
    organic[aqueous_ + i] = rates.organic_to_organic * held_organic[i];
  }
  for (std::size_t i = species; i < width; ++i) {  // solids stay in the mixer, leave with the aqueous
    aqueous[i] = n[i] * rates.mixer_aqueous;
    organic[i] = 0.0;
  }
}

void SxCascade::ode_stage_rows(std::size_t s, const double* inflow, const double* n, const double* x,
                               double* rows) const {
  const auto& section = sections_[stages_[s].section];
  const std::size_t width = mixer_size();
  const std::size_t species = aqueous_ + organic_;
  const OdeRates& rates = ode_rates_[s];
  position_rates_.resize(stage_size());
  double* g = position_rates_.data();
  std::fill(position_rates_.begin(), position_rates_.end(), 0.0);
  if (inflow != nullptr) {
    std::copy_n(inflow, width, g);
  }
  if (n != nullptr) {
    for (std::size_t i = 0; i < width; ++i) {
      g[i] -= n[i] * (i >= aqueous_ && i < species ? rates.mixer_organic : rates.mixer_aqueous);
    }
    if (has_settler()) {
      const double* layer_aqueous = x + section.slot[settler_aqueous_at()];
      const double* layer_organic = x + section.slot[settler_organic_at()];
      for (std::size_t i = 0; i < aqueous_; ++i) {
        g[settler_aqueous_at() + i] = n[i] * rates.mixer_aqueous - layer_aqueous[i] * rates.settler_aqueous;
      }
      for (std::size_t i = 0; i < organic_; ++i) {
        g[settler_organic_at() + i] =
            n[aqueous_ + i] * rates.mixer_organic - layer_organic[i] * rates.settler_organic;
      }
    }
  }
  // The invariants' rows; the complexes are at equilibrium by construction (the split).
  for (const auto& b : section.bound) {
    for (const auto& [at, nu] : b.stoichiometry) {
      g[at] -= nu * g[b.complex];
    }
  }
  for (const auto& [at, slot] : section.held) {
    rows[slot] = g[at];
  }
}

void SxCascade::build_ode_matrix() const {
  const std::size_t width = mixer_size();
  std::vector<double> n(width), aqueous(width), organic(width), unit, column;
  ode_row_start_.assign(1, 0);
  ode_columns_.clear();
  ode_values_.clear();
  const bool closed = parameters_.loop == SxCascadeParameters::Loop::closed;
  std::vector<std::vector<std::pair<std::size_t, double>>> stage_rows;  // (state, coefficient) per row
  // The columns of stage s's rows for the states of `source`: kind 0, the stage's own states (source = s);
  // 1, the states behind the source's aqueous outlet; 2, behind its organic outlet (× factor).
  const auto add_block = [&](std::size_t s, std::size_t source, double factor, int kind) {
    const std::size_t columns = sections_[stages_[source].section].block_size;
    unit.assign(columns, 0.0);
    column.assign(stage_rows.size(), 0.0);
    for (std::size_t k = 0; k < columns; ++k) {
      unit[k] = 1.0;
      ode_stage_moles(source, unit.data(), n.data(), aqueous.data(), organic.data());
      if (kind == 0) {
        ode_stage_rows(s, nullptr, n.data(), unit.data(), column.data());
      } else {
        std::vector<double>& outlet = kind == 1 ? aqueous : organic;
        for (double& value : outlet) {
          value *= factor;
        }
        ode_stage_rows(s, outlet.data(), nullptr, nullptr, column.data());
      }
      for (std::size_t r = 0; r < stage_rows.size(); ++r) {
        if (column[r] != 0.0) {
          stage_rows[r].emplace_back(stage_offset_[source] + k, column[r]);
        }
      }
      unit[k] = 0.0;
    }
  };
  for (std::size_t s = 0; s < stages_.size(); ++s) {
    stage_rows.assign(sections_[stages_[s].section].block_size, {});
    add_block(s, s, 1.0, 0);
    if (stages_[s].aqueous_from != none) {
      add_block(s, stages_[s].aqueous_from, 1.0, 1);
    }
    if (s == first_organic_stage_) {
      if (closed) {
        add_block(s, sections_.back().organic_exit, 1.0 - parameters_.bleed, 2);
      }
    } else if (stages_[s].organic_from != none) {
      add_block(s, stages_[s].organic_from, 1.0, 2);
    }
    for (const auto& entries : stage_rows) {
      for (const auto& [state, value] : entries) {
        ode_columns_.push_back(state);
        ode_values_.push_back(value);
      }
      ode_row_start_.push_back(ode_columns_.size());
    }
  }
}

void SxCascade::add_inlet_moles(const Stream& inlet, double* into) const {
  add_scaled(into, inlet.aqueous_moles.data(), to_index(aqueous_), 1.0);
  add_scaled(into + aqueous_, inlet.organic_moles.data(), to_index(organic_), 1.0);
  for (std::size_t i = 0; i < solids_; ++i) {
    into[aqueous_ + organic_ + i] += stream_solid(inlet, i);
  }
}

void SxCascade::evaluate_ode(ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const {
  if (update_flows(inlets) || !phases_known_) {
    refresh_phases();
  }
  const std::size_t width = mixer_size();
  ode_inflow_.resize(width);
  // Flows that change between evaluations (a tank upstream, a ramp) are not worth a matrix: the stage maps
  // directly. The matrix from the second evaluation at the same flows on.
  if (++ode_evaluations_at_flows_ < 2) {
    ode_stage_values_.resize(3 * width * stages_.size());
    for (std::size_t s = 0; s < stages_.size(); ++s) {
      double* n = ode_stage_values_.data() + 3 * width * s;
      ode_stage_moles(s, y.data() + stage_offset_[s], n, n + width, n + 2 * width);
    }
    const auto organic_out = [&](std::size_t s) {
      return ode_stage_values_.data() + 3 * width * s + 2 * width;
    };
    for (std::size_t s = 0; s < stages_.size(); ++s) {
      const Stage& stage = stages_[s];
      double* inflow = ode_inflow_.data();
      std::fill_n(inflow, width, 0.0);
      if (stage.aqueous_from != none) {
        add_scaled(inflow, ode_stage_values_.data() + 3 * width * stage.aqueous_from + width, to_index(width),
                   1.0);
      }
      if (s == first_organic_stage_) {
        if (parameters_.loop == SxCascadeParameters::Loop::closed) {
          add_scaled(inflow, organic_out(sections_.back().organic_exit), to_index(width),
                     1.0 - parameters_.bleed);
        }
        if (organic_inlet_port_ != none) {
          add_inlet_moles(inlets[organic_inlet_port_], inflow);
        }
      } else if (stage.organic_from != none) {
        add_scaled(inflow, organic_out(stage.organic_from), to_index(width), 1.0);
      }
      for (const std::size_t port : stage.feed_ports) {
        add_inlet_moles(inlets[port], inflow);
      }
      ode_stage_rows(s, inflow, ode_stage_values_.data() + 3 * width * s, y.data() + stage_offset_[s],
                     f.data() + stage_offset_[s]);
    }
    return;
  }
  if (ode_row_start_.size() != stage_offset_.back() + 1) {
    build_ode_matrix();
  }
  // At fixed flows the rows are linear in the states: f = A y + (the inlets' part).
  const double* values = ode_values_.data();
  const std::size_t* columns = ode_columns_.data();
  for (std::size_t row = 0; row + 1 < ode_row_start_.size(); ++row) {
    double sum = 0.0;
    for (std::size_t k = ode_row_start_[row]; k < ode_row_start_[row + 1]; ++k) {
      sum += values[k] * y[columns[k]];
    }
    f[row] = sum;
  }
  // The inlets enter the stages they feed as inflow.
  ode_rows_.resize(stage_size());
  for (const std::size_t s : ode_fed_stages_) {
    std::fill(ode_inflow_.begin(), ode_inflow_.end(), 0.0);
    if (s == first_organic_stage_ && organic_inlet_port_ != none) {
      add_inlet_moles(inlets[organic_inlet_port_], ode_inflow_.data());
    }
    for (const std::size_t port : stages_[s].feed_ports) {
      add_inlet_moles(inlets[port], ode_inflow_.data());
    }
    ode_stage_rows(s, ode_inflow_.data(), nullptr, nullptr, ode_rows_.data());
    double* out = f.data() + stage_offset_[s];
    for (std::size_t r = 0; r < sections_[stages_[s].section].block_size; ++r) {
      out[r] += ode_rows_[r];
    }
  }
}

void SxCascade::route(ConstSpan y, std::span<const Stream> inlets, bool inflows) const {
  // ode: the phases follow the inlets' flows, recomputed when these change.
  if (ode() && (update_flows(inlets) || !phases_known_)) {
    refresh_phases();
  }
  const std::size_t width = mixer_size();
  ode_scratch_.resize(3 * width);
  for (std::size_t s = 0; s < stages_.size(); ++s) {
    if (ode()) {  // the flat stage maps, into the buffers the report reads
      double* n = ode_scratch_.data();
      ode_stage_moles(s, y.data() + stage_offset_[s], n, n + width, n + 2 * width);
      std::copy_n(n, width, stage_moles_[s].data());
      ode_outlet(s, n + width, true, aqueous_out_[s]);
      ode_outlet(s, n + 2 * width, false, organic_out_[s]);
      continue;
    }
    const auto [q_aq, q_org] = flows_of(s, y);
    stage_phases_[s] = mixer_phases(q_aq, q_org);
    mixer_moles(s, y, stage_phases_[s], stage_moles_[s]);
    stage_outlets(s, y, stage_moles_[s], stage_phases_[s], aqueous_out_[s], organic_out_[s]);
  }
  const bool closed = parameters_.loop == SxCascadeParameters::Loop::closed;
  returned_ = organic_out_[sections_.back().organic_exit];
  for (std::size_t s = 0; inflows && s < stages_.size(); ++s) {
    Stream& in = inflow_[s];
    clear(in);
    in.temperature = parameters_.temperature;
    if (stages_[s].aqueous_from != none) {
      add_scaled(in, aqueous_out_[stages_[s].aqueous_from], 1.0);
    }
    if (s == first_organic_stage_) {
      if (closed) {
        add_scaled(in, returned_, 1.0 - parameters_.bleed);
      }
      if (organic_inlet_port_ != none) {
        add_scaled(in, inlets[organic_inlet_port_], 1.0);
      }
    } else if (stages_[s].organic_from != none) {
      add_scaled(in, organic_out_[stages_[s].organic_from], 1.0);
    }
    for (const std::size_t port : stages_[s].feed_ports) {
      add_scaled(in, inlets[port], 1.0);
    }
  }
}

void SxCascade::ode_outlet(std::size_t s, const double* moles, bool aqueous_outlet, Stream& out) const {
  if (out.aqueous_moles.size() != to_index(aqueous_) || out.organic_moles.size() != to_index(organic_) ||
      out.solid_moles.size() != to_index(components_->solid_count() * size_classes_)) {
    out = Stream::empty(*components_);
  }
  std::copy_n(moles, aqueous_, out.aqueous_moles.data());
  std::copy_n(moles + aqueous_, organic_, out.organic_moles.data());
  for (std::size_t i = 0; i < solids_; ++i) {
    set_stream_solid(out, i, moles[aqueous_ + organic_ + i]);
  }
  const auto [q_aq, q_org] = stage_flows_[s];
  const double ea = parameters_.aqueous_in_organic;
  const double eo = parameters_.organic_in_aqueous;
  out.aqueous_flow = (aqueous_outlet ? 1.0 - ea : ea) * q_aq;
  out.organic_flow = (aqueous_outlet ? eo : 1.0 - eo) * q_org;
  out.temperature = parameters_.temperature;
}

void SxCascade::compute_outlets_ode(ConstSpan y, std::span<const Stream> inlets,
                                    std::span<Stream> outlets) const {
  // The flows are the inlets': the flowsheet computes them before this unit's outlets.
  if (update_flows(inlets) || !phases_known_) {
    refresh_phases();
  }
  const std::size_t width = mixer_size();
  ode_scratch_.resize(3 * width);
  double* n = ode_scratch_.data();
  double* aqueous = n + width;
  double* organic = aqueous + width;
  const auto exit = [&](std::size_t s, bool aqueous_outlet, Stream& out) {
    ode_stage_moles(s, y.data() + stage_offset_[s], n, aqueous, organic);
    ode_outlet(s, aqueous_outlet ? aqueous : organic, aqueous_outlet, out);
  };
  for (const auto& section : sections_) {
    exit(section.aqueous_exit, true, outlets[section.outlet_port]);
  }
  if (organic_outlet_port_ != none) {
    Stream& out = outlets[organic_outlet_port_];
    exit(sections_.back().organic_exit, false, out);
    if (parameters_.loop == SxCascadeParameters::Loop::closed) {
      out.scale(parameters_.bleed);
    }
  }
}

void SxCascade::compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                                std::span<Stream> outlets) const {
  (void)t;
  if (ode()) {
    compute_outlets_ode(y, inlets, outlets);
    return;
  }
  // Only the stages the outlets leave from; evaluate() routes every stage itself.
  const auto exit = [&](std::size_t s) {
    const auto [q_aq, q_org] = flows_of(s, y);
    const MixerPhases phases = mixer_phases(q_aq, q_org);
    mixer_moles(s, y, phases, moles_);
    stage_outlets(s, y, moles_, phases, aqueous_out_[s], organic_out_[s]);
  };
  for (const auto& section : sections_) {
    exit(section.aqueous_exit);
    outlets[section.outlet_port] = aqueous_out_[section.aqueous_exit];
  }
  if (organic_outlet_port_ != none) {
    exit(sections_.back().organic_exit);
    Stream& out = outlets[organic_outlet_port_];
    out = organic_out_[sections_.back().organic_exit];
    if (parameters_.loop == SxCascadeParameters::Loop::closed) {
      out.scale(parameters_.bleed);
    }
  }
}

void SxCascade::evaluate(double t, ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const {
  (void)t;
  if (ode()) {
    evaluate_ode(y, inlets, f);
    return;
  }
  route(y, inlets);
  const double efficiency = parameters_.efficiency;
  // dae: the rows in place; ode: the dae block's rows into position_rates_, then those that hold a state.
  position_rates_.resize(stage_size());
  for (std::size_t s = 0; s < stages_.size(); ++s) {
    const Stream& in = inflow_[s];
    const auto [q_aq, q_org] = flows_of(s, y);
    const MixerPhases& phases = stage_phases_[s];
    const Vector& n = stage_moles_[s];
    const MutableSpan g = ode() ? MutableSpan(position_rates_) : f.subspan(stage_offset_[s], stage_size());
    for (std::size_t i = 0; i < aqueous_; ++i) {
      g[i] = in.aqueous_moles[to_index(i)] - n[to_index(i)] * phases.aqueous_rate;
    }
    for (std::size_t i = 0; i < organic_; ++i) {
      g[aqueous_ + i] = in.organic_moles[to_index(i)] - n[to_index(aqueous_ + i)] * phases.organic_rate;
    }
    for (std::size_t i = 0; i < solids_; ++i) {
      g[aqueous_ + organic_ + i] =
          stream_solid(in, i) - n[to_index(aqueous_ + organic_ + i)] * phases.aqueous_rate;
    }
    if (has_settler()) {
      const double out_aq = q_aq / parameters_.settler_aqueous_volume;
      const double out_org = q_org / parameters_.settler_organic_volume;
      for (std::size_t i = 0; i < aqueous_; ++i) {
        g[settler_aqueous_at() + i] =
            n[to_index(i)] * phases.aqueous_rate - y[state_of(s, settler_aqueous_at()) + i] * out_aq;
      }
      for (std::size_t i = 0; i < organic_; ++i) {
        g[settler_organic_at() + i] = n[to_index(aqueous_ + i)] * phases.organic_rate -
                                      y[state_of(s, settler_organic_at()) + i] * out_org;
      }
    }
    g[flow_at()] = in.aqueous_flow - q_aq;
    g[flow_at() + 1] =
        (!conserved_.empty() && s == first_organic_stage_ ? parameters_.circulating_flow : in.organic_flow) -
        q_org;
    const auto& section = sections_[stages_[s].section];
    const auto& bound = section.bound;
    if (ode()) {  // the invariants' rows; the complexes are at equilibrium by construction (mixer_moles)
      for (const auto& b : bound) {
        for (const auto& [at, nu] : b.stoichiometry) {
          g[at] -= nu * g[b.complex];
        }
      }
      for (std::size_t position = 0; position < stage_size(); ++position) {
        if (const std::size_t slot = section.slot[position]; slot != none) {
          f[stage_offset_[s] + slot] = g[position];
        }
      }
    } else if (!bound.empty()) {
      equilibrium_organic(s, n, phases, equilibrium_values_);
      const Vector& equilibrium_values = equilibrium_values_;
      for (std::size_t j = 0; j < bound.size(); ++j) {
        const auto& b = bound[j];
        const double complex_in = in.organic_moles[to_index(b.complex - aqueous_)];
        const double c_in = in.organic_flow > 0.0 ? complex_in / in.organic_flow : 0.0;
        const double target = c_in + efficiency * (equilibrium_values[to_index(j)] - c_in);
        const double gap = phases.organic_volume * target - n[to_index(b.complex)];  // [mol]
        if (equilibrium()) {
          for (const auto& [at, nu] : b.stoichiometry) {
            g[at] -= nu * g[b.complex];
          }
          g[b.complex] = gap;
        } else {
          const double rate = parameters_.mass_transfer * gap;
          g[b.complex] += rate;
          for (const auto& [at, nu] : b.stoichiometry) {
            g[at] += nu * rate;
          }
        }
      }
    }
  }
  // Sealed loop: inventory constraints and running sums.
  for (std::size_t c = 0; c < conserved_.size(); ++c) {
    const std::size_t slot = state_of(first_organic_stage_, aqueous_ + conserved_[c]);
    f[slot] = y[slot] - inventory_[c];
    for (std::size_t s = 0; s < stages_.size(); ++s) {
      const double previous = s > 0 ? y[sum_state(c, s - 1)] : 0.0;
      f[sum_state(c, s)] = previous + stage_moiety(s, c, y, s != first_organic_stage_) - y[sum_state(c, s)];
    }
  }
}

bool SxCascade::fill_from_inlets(double t, std::span<const Stream> inlets, MutableSpan y) const {
  (void)t;
  // The guess is a function of the inlets alone; a substitution pass that finds them unchanged (the pass
  // that confirms convergence) takes the last guess instead of sweeping the cascade again.
  const auto same = [](const Stream& a, const Stream& b) {
    const auto equal = [](const auto& u, const auto& v) {
      return u.rows() == v.rows() && u.cols() == v.cols() &&
             std::equal(u.data(), u.data() + u.size(), v.data());
    };
    return a.temperature == b.temperature && a.aqueous_flow == b.aqueous_flow &&
           a.organic_flow == b.organic_flow && equal(a.aqueous_moles, b.aqueous_moles) &&
           equal(a.organic_moles, b.organic_moles) && equal(a.solid_moles, b.solid_moles);
  };
  if (!filled_state_.empty() && filled_inlets_.size() == inlets.size() &&
      std::equal(inlets.begin(), inlets.end(), filled_inlets_.begin(), same)) {
    std::copy(filled_state_.begin(), filled_state_.end(), y.begin());
    return true;
  }
  if (!fill_from(inlets, y)) {
    return false;
  }
  filled_inlets_.assign(inlets.begin(), inlets.end());
  filled_state_.assign(y.begin(), y.end());
  return true;
}

void SxCascade::sweep_flows(const std::vector<std::pair<double, double>>& port_flows,
                            std::vector<double>& q_aq, std::vector<double>& q_org) const {
  // Each stage's flows are what flows in: Gauss–Seidel sweeps in both directions, exact in one pass each way
  // without entrainment. A closed loop's organic into its first stage, C, is circulating_flow (sealed) or
  // solved from its own balance C = F(C), affine in C: two sweeps give F(0) and F(1).
  const double ea = parameters_.aqueous_in_organic;
  const double eo = parameters_.organic_in_aqueous;
  const bool closed = parameters_.loop == SxCascadeParameters::Loop::closed;
  const double keep = closed ? 1.0 - parameters_.bleed : 0.0;
  const std::size_t exit = sections_.back().organic_exit;
  const auto sweep = [&](double circulation) {
    q_aq.assign(stages_.size(), 0.0);
    q_org.assign(stages_.size(), 0.0);
    for (int pass = 0; pass < 200; ++pass) {
      double change = 0.0;
      double scale = 1e-300;
      for (int direction = 0; direction < 2; ++direction) {
        for (std::size_t step = 0; step < stages_.size(); ++step) {
          const std::size_t s = direction == 0 ? step : stages_.size() - 1 - step;
          double aq = 0.0;
          double org = 0.0;
          if (const auto from = stages_[s].aqueous_from; from != none) {
            aq += (1.0 - ea) * q_aq[from];
            org += eo * q_org[from];
          }
          if (s == first_organic_stage_) {
            aq += keep * ea * q_aq[exit];
          } else if (const auto from = stages_[s].organic_from; from != none) {
            aq += ea * q_aq[from];
            org += (1.0 - eo) * q_org[from];
          }
          for (const std::size_t port : stages_[s].feed_ports) {
            aq += port_flows[port].first;
            org += port_flows[port].second;
          }
          if (s == first_organic_stage_ && organic_inlet_port_ != none) {
            aq += port_flows[organic_inlet_port_].first;
            org += port_flows[organic_inlet_port_].second;
          }
          if (s == first_organic_stage_ && closed) {
            org = circulation;
          }
          change = std::max({change, std::abs(aq - q_aq[s]), std::abs(org - q_org[s])});
          scale = std::max({scale, aq, org});
          q_aq[s] = aq;
          q_org[s] = org;
        }
      }
      if (change <= 1e-13 * scale) {
        break;
      }
    }
  };
  if (!closed || sealed()) {
    sweep(parameters_.circulating_flow);
    return;
  }
  // F(C): the organic balance of the first organic stage with C circulating.
  const auto balance = [&] {
    const std::size_t s = first_organic_stage_;
    double org = keep * (1.0 - eo) * q_org[exit];
    if (const auto from = stages_[s].aqueous_from; from != none) {
      org += eo * q_org[from];
    }
    for (const std::size_t port : stages_[s].feed_ports) {
      org += port_flows[port].second;
    }
    if (organic_inlet_port_ != none) {
      org += port_flows[organic_inlet_port_].second;
    }
    return org;
  };
  sweep(0.0);
  const double at_zero = balance();
  sweep(1.0);
  const double slope = balance() - at_zero;
  sweep(at_zero / (1.0 - slope));
}

bool SxCascade::fill_linear(std::span<const Stream> inlets, const std::vector<double>& q_aq,
                            const std::vector<double>& q_org, std::vector<Vector>& held,
                            const std::vector<double>* ratios) const {
  // With c* = D c_M every stage's Murphree equilibrium is linear in what flows in (the species' steady
  // balances with the reaction flows, and n_Cj = V_org ((1 − E) c_Cj,in + E D_j n_M / V_aq)), and what flows
  // in is linear in the neighbours' holdups: the cascade's steady state solves a linear system. In
  // the organic's order (sections in turn, each from its organic entry to its exit) a stage reads its
  // neighbours only (the organic from the one before, the aqueous from the one before or after), and a closed
  // loop's first stage the last: block tridiagonal with a corner in the last column. The reacting species of
  // every section form one block; every other species is a scalar chain of its own.
  const std::size_t count = stages_.size();
  const std::size_t width = mixer_size();
  const bool closed = parameters_.loop == SxCascadeParameters::Loop::closed;
  const double ea = parameters_.aqueous_in_organic;
  const double eo = parameters_.organic_in_aqueous;
  const double efficiency = parameters_.efficiency;
  std::vector<std::size_t> order;
  std::vector<std::size_t> rank(count, none);
  for (const auto& section : sections_) {
    const bool down = section.organic_entry > section.organic_exit;
    for (std::size_t s = section.organic_entry;; s = down ? s - 1 : s + 1) {
      rank[s] = order.size();
      order.push_back(s);
      if (s == section.organic_exit) {
        break;
      }
    }
  }
  if (order.size() != count) {
    return false;
  }
  // The organic source of stage s and its share (the returning organic of a closed loop less the bleed).
  const auto organic_source = [&](std::size_t s) -> std::pair<std::size_t, double> {
    if (s == first_organic_stage_) {
      return closed ? std::pair{sections_.back().organic_exit, 1.0 - parameters_.bleed}
                    : std::pair{none, 0.0};
    }
    return {stages_[s].organic_from, 1.0};
  };
  std::vector<MixerPhases> phases(count);
  for (std::size_t s = 0; s < count; ++s) {
    phases[s] = mixer_phases(q_aq[s], q_org[s]);
  }
  const auto rate_of = [&](const MixerPhases& p, std::size_t at) {
    return at >= aqueous_ && at < aqueous_ + organic_ ? p.organic_rate : p.aqueous_rate;
  };
  // Share of source stage t's holdup at `at` that its aqueous (or organic) outlet carries per second.
  const auto carried = [&](std::size_t t, std::size_t at, bool aqueous_outlet) {
    const double rate = rate_of(phases[t], at);
    if (at < aqueous_) {
      return (aqueous_outlet ? 1.0 - ea : ea) * rate;
    }
    if (at < aqueous_ + organic_) {
      return (aqueous_outlet ? eo : 1.0 - eo) * rate;
    }
    return aqueous_outlet ? rate : 0.0;  // solids leave with the aqueous
  };
  // Fixed inflow of stage s (feed ports, the organic inlet) at `at`, and its organic flow.
  const auto fixed_inflow = [&](std::size_t s, std::size_t at) {
    const auto moles = [&](const Stream& inlet) {
      if (at < aqueous_) {
        return inlet.aqueous_moles[to_index(at)];
      }
      if (at < aqueous_ + organic_) {
        return inlet.organic_moles[to_index(at - aqueous_)];
      }
      return stream_solid(inlet, at - aqueous_ - organic_);
    };
    double total = 0.0;
    for (const std::size_t port : stages_[s].feed_ports) {
      total += moles(inlets[port]);
    }
    if (s == first_organic_stage_ && organic_inlet_port_ != none) {
      total += moles(inlets[organic_inlet_port_]);
    }
    return total;
  };
  const auto organic_inflow = [&](std::size_t s) {
    double flow = 0.0;
    if (const auto a = stages_[s].aqueous_from; a != none) {
      flow += eo * q_org[a];
    }
    if (const auto [o, share] = organic_source(s); o != none) {
      flow += share * (1.0 - eo) * q_org[o];
    }
    for (const std::size_t port : stages_[s].feed_ports) {
      flow += inlets[port].organic_flow;
    }
    if (s == first_organic_stage_ && organic_inlet_port_ != none) {
      flow += inlets[organic_inlet_port_].organic_flow;
    }
    return flow;
  };
  // Groups of positions solved together: the reacting species, then every other one alone.
  std::vector<bool> reacting(width, false);
  for (const auto& section : sections_) {
    for (const auto& b : section.bound) {
      reacting[b.complex] = true;
      for (const auto& entry : b.stoichiometry) {
        reacting[entry.first] = true;
      }
    }
  }
  std::vector<std::vector<std::size_t>> groups(1);
  for (std::size_t at = 0; at < width; ++at) {
    if (reacting[at]) {
      groups.front().push_back(at);
    } else {
      groups.push_back({at});
    }
  }
  // Positions each section's reactions move (section-major).
  std::vector<char> moved(sections_.size() * width, 0);
  for (std::size_t k = 0; k < sections_.size(); ++k) {
    for (const auto& b : sections_[k].bound) {
      for (const auto& entry : b.stoichiometry) {
        moved[k * width + entry.first] = 1;
      }
    }
  }
  std::vector<std::size_t> local(width, none);
  std::vector<char> cornered;  // rows whose corner block is not zero
  std::vector<double> own, on_inflow, diagonal, lower, upper, corner, rhs;
  std::vector<std::size_t> pivots;
  std::vector<double> fixed;
  for (const auto& group : groups) {
    const bool reacting_group = &group == &groups.front();
    const std::size_t g = group.size();
    if (g == 0) {
      continue;
    }
    for (std::size_t k = 0; k < g; ++k) {
      local[group[k]] = k;
    }
    const std::size_t block = g * g;
    diagonal.assign(count * block, 0.0);
    lower.assign(count * block, 0.0);
    upper.assign(count * block, 0.0);
    corner.assign(count * block, 0.0);
    rhs.assign(count * g, 0.0);
    pivots.assign(count * g, 0);
    cornered.assign(count, 0);
    // Rows of each stage, in its organic rank: own × n_s + on_inflow × u_s = 0, u_s = Σ_t carried n_t +
    // fixed. Each species' balance, outflow = inflow + Σ_j ν_j R_j, with the reaction flows R_j = r_Cj n_Cj −
    // u_Cj taken from the complexes' balances (this holds with a mixer phase ratio, where the phases leave
    // at different rates r), and each complex at its Murphree equilibrium. A species whose phase does not
    // flow and that no reaction of the stage moves holds nothing, as in stage_equilibrium.
    for (std::size_t s = 0; s < count; ++s) {
      const std::size_t i = rank[s];
      const MixerPhases& p = phases[s];
      own.assign(block, 0.0);
      on_inflow.assign(block, 0.0);
      const auto& bound = sections_[stages_[s].section].bound;
      const bool reacts =
          reacting_group && !bound.empty() && p.aqueous_volume > 0.0 && p.organic_volume > 0.0;
      for (std::size_t k = 0; k < g; ++k) {
        const double rate = rate_of(p, group[k]);
        const bool held_by_rate = rate > 0.0 || (reacts && moved[stages_[s].section * width + group[k]] != 0);
        own[k + k * g] = held_by_rate ? rate : 1.0;
        on_inflow[k + k * g] = held_by_rate ? -1.0 : 0.0;
      }
      if (reacts) {
        const double organic_in = organic_inflow(s);
        for (std::size_t j = 0; j < bound.size(); ++j) {
          const auto& b = bound[j];
          const std::size_t complex = local[b.complex];
          const std::size_t metal = local[b.metal];
          const double d = ratios ? (*ratios)[s * reactions_ + j] : sections_[stages_[s].section].ratio[j];
          own[complex + complex * g] = 1.0;
          own[complex + metal * g] -= efficiency * d * p.organic_volume / p.aqueous_volume;
          on_inflow[complex + complex * g] =
              organic_in > 0.0 ? -(1.0 - efficiency) * p.organic_volume / organic_in : 0.0;
          const double complex_rate = rate_of(p, b.complex);
          for (const auto& [at, nu] : b.stoichiometry) {
            own[local[at] + complex * g] -= nu * complex_rate;
            on_inflow[local[at] + complex * g] += nu;
          }
        }
      }
      fixed.resize(g);
      for (std::size_t c = 0; c < g; ++c) {
        fixed[c] = fixed_inflow(s, group[c]);
      }
      for (std::size_t k = 0; k < g; ++k) {
        for (std::size_t c = 0; c < g; ++c) {
          diagonal[i * block + k + c * g] += own[k + c * g];
          rhs[i * g + k] -= on_inflow[k + c * g] * fixed[c];
        }
      }
      // Neighbours: the inflow's share of source t's holdup, through on_inflow's columns.
      const auto add_source = [&](std::size_t t, double share, bool aqueous_outlet) -> bool {
        const std::size_t j = rank[t];
        double* target = nullptr;
        if (j == i) {
          target = &diagonal[i * block];
        } else if (j == count - 1) {
          target = &corner[i * block];
          cornered[i] = 1;
        } else if (j + 1 == i) {
          target = &lower[i * block];
        } else if (j == i + 1) {
          target = &upper[i * block];
        } else {
          return false;
        }
        for (std::size_t c = 0; c < g; ++c) {
          const double flow = share * carried(t, group[c], aqueous_outlet);
          for (std::size_t k = 0; k < g; ++k) {
            target[k + c * g] += on_inflow[k + c * g] * flow;
          }
        }
        return true;
      };
      if (const auto a = stages_[s].aqueous_from; a != none && !add_source(a, 1.0, true)) {
        return false;
      }
      if (const auto [o, share] = organic_source(s); o != none && !add_source(o, share, false)) {
        return false;
      }
    }
    // Forward elimination: each row keeps D⁻¹ of its upper block, corner block and right-hand side.
    const std::size_t last = count - 1;
    for (std::size_t i = 0; i < count; ++i) {
      double* d = &diagonal[i * block];
      if (i > 0) {
        const double* l = &lower[i * block];
        subtract_product(d, l, &upper[(i - 1) * block], g, g);
        if (cornered[i - 1] != 0) {  // the corner's fill moves down the last column
          subtract_product(i == last ? d : &corner[i * block], l, &corner[(i - 1) * block], g, g);
          cornered[i] = 1;
        }
        subtract_product(&rhs[i * g], l, &rhs[(i - 1) * g], g, 1);
      }
      if (!factor_block(d, g, &pivots[i * g])) {
        return false;
      }
      solve_block(d, &pivots[i * g], g, &rhs[i * g], 1);
      if (i < last) {
        solve_block(d, &pivots[i * g], g, &upper[i * block], g);
        if (cornered[i] != 0) {
          solve_block(d, &pivots[i * g], g, &corner[i * block], g);
        }
      }
    }
    // Back substitution, from the last stage of the organic's path.
    for (std::size_t i = last; i-- > 0;) {
      subtract_product(&rhs[i * g], &upper[i * block], &rhs[(i + 1) * g], g, 1);
      if (cornered[i] != 0) {
        subtract_product(&rhs[i * g], &corner[i * block], &rhs[last * g], g, 1);
      }
    }
    for (std::size_t s = 0; s < count; ++s) {
      for (std::size_t k = 0; k < g; ++k) {
        held[s][to_index(group[k])] = rhs[rank[s] * g + k];
      }
    }
    for (const std::size_t at : group) {
      local[at] = none;
    }
  }
  // The sweeps keep every holdup >= 0 (the extents are bracketed); a solution that needs a negative one is
  // not theirs. Rounding below zero is cut off.
  for (std::size_t at = 0; at < width; ++at) {
    double largest = 0.0;
    for (std::size_t s = 0; s < count; ++s) {
      if (!std::isfinite(held[s][to_index(at)])) {
        return false;
      }
      largest = std::max(largest, std::abs(held[s][to_index(at)]));
    }
    for (std::size_t s = 0; s < count; ++s) {
      double& value = held[s][to_index(at)];
      if (value < 0.0) {
        if (value < -1e-12 * largest) {
          return false;
        }
        value = 0.0;
      }
    }
  }
  return true;
}

bool SxCascade::secant_fill(std::span<const Stream> inlets, const std::vector<double>& q_aq,
                            const std::vector<double>& q_org, std::vector<Vector>& held) const {
  // Other laws: each stage's law as its secant D = c*(n) / c_M at the holdups reached, the linear cascade
  // solved with those, and again from its solution. At the fixed point every stage is at its own Murphree
  // equilibrium exactly (what the sweeps approach one stage at a time).
  const std::size_t count = stages_.size();
  std::vector<double> ratios(count * reactions_, 0.0);
  std::vector<Vector> current = held;
  std::vector<Vector> next = held;
  Vector& probe = moles_;
  double last_change = std::numeric_limits<double>::infinity();
  for (int iteration = 0; iteration < 30; ++iteration) {
    for (std::size_t s = 0; s < count; ++s) {
      const MixerPhases phases = mixer_phases(q_aq[s], q_org[s]);
      if (!(phases.aqueous_volume > 0.0)) {
        continue;
      }
      const auto& bound = sections_[stages_[s].section].bound;
      for (std::size_t j = 0; j < bound.size(); ++j) {
        probe = current[s];
        // A metal at (or below) zero: the law's slope at a trace of it.
        const double metal = std::max(probe[to_index(bound[j].metal)] / phases.aqueous_volume, 1e-9);
        probe[to_index(bound[j].metal)] = metal * phases.aqueous_volume;
        ratios[s * reactions_ + j] =
            reaction_equilibrium(bound[j], probe, phases, acidity(probe, phases)) / metal;
      }
    }
    if (!fill_linear(inlets, q_aq, q_org, next, &ratios)) {
      return false;
    }
    double change = 0.0;
    double scale = 1e-300;
    for (std::size_t s = 0; s < count; ++s) {
      change = std::max(change, (next[s] - current[s]).cwiseAbs().maxCoeff());
      scale = std::max(scale, next[s].cwiseAbs().maxCoeff());
    }
    current.swap(next);
    // To rounding (Newton then takes the guess as it is), or as close as rounding lets it get.
    if (change <= 1e-14 * scale || (change <= 1e-12 * scale && change >= last_change)) {
      held.swap(current);
      return true;
    }
    last_change = change;
  }
  return false;
}

bool SxCascade::fill_from(std::span<const Stream> inlets, MutableSpan y) const {
  std::vector<std::pair<double, double>> port_flows;
  for (const auto& inlet : inlets) {
    port_flows.emplace_back(inlet.aqueous_flow, inlet.organic_flow);
  }
  std::vector<double> q_aq;
  std::vector<double> q_org;
  sweep_flows(port_flows, q_aq, q_org);
  const bool closed = parameters_.loop == SxCascadeParameters::Loop::closed;
  const bool pumped = !conserved_.empty();
  if (!(*std::max_element(q_aq.begin(), q_aq.end()) > 0.0)) {
    return false;
  }
  // Then species: with constant laws one direct solve (fill_linear); otherwise, or when that needs a negative
  // holdup, Gauss–Seidel sweeps, alternately along the aqueous and against it, each stage brought to its own
  // Murphree equilibrium with what flows in (one root search per reaction on its extent). The organic starts
  // everywhere at the composition that feeds the loop, so a closed loop's extractant is right at once.
  for (std::size_t s = 0; s < stages_.size() && !ode(); ++s) {
    y[state_of(s, flow_at())] = q_aq[s];
    y[state_of(s, flow_at()) + 1] = q_org[s];
  }
  Vector seed = Vector::Zero(to_index(organic_));
  if (pumped) {
    seed = initial_organic_;
  } else if (organic_inlet_port_ != none && inlets[organic_inlet_port_].organic_flow > 0.0) {
    seed = inlets[organic_inlet_port_].organic_moles / inlets[organic_inlet_port_].organic_flow;
  }
  std::vector<Vector> held(stages_.size(), Vector::Zero(to_index(mixer_size())));
  // A sealed loop's organic is fixed by its inventory, not by what flows in: its linear cascade is singular.
  const bool solved = constant_laws_ && !pumped && fill_linear(inlets, q_aq, q_org, held);
  std::vector<Stream> aqueous_out(solved ? 0 : stages_.size(), Stream::empty(*components_));
  std::vector<Stream> organic_out(solved ? 0 : stages_.size(), Stream::empty(*components_));
  for (std::size_t s = 0; s < stages_.size() && !solved; ++s) {
    const MixerPhases phases = mixer_phases(q_aq[s], q_org[s]);
    held[s].setZero();
    held[s].segment(to_index(aqueous_), to_index(organic_)) = seed * phases.organic_volume;
    guess_outlets(held[s], q_aq[s], q_org[s], aqueous_out[s], organic_out[s]);
  }
  Stream in = Stream::empty(*components_);
  Vector next = Vector::Zero(to_index(mixer_size()));
  for (int pass = 0; pass < 12 && !solved; ++pass) {
    double change = 0.0;
    double scale = 1e-300;
    for (std::size_t step = 0; step < stages_.size(); ++step) {
      const std::size_t s = pass % 2 == 0 ? step : stages_.size() - 1 - step;
      clear(in);
      if (stages_[s].aqueous_from != none) {
        add_scaled(in, aqueous_out[stages_[s].aqueous_from], 1.0);
      }
      if (s == first_organic_stage_) {
        if (closed) {
          add_scaled(in, organic_out[sections_.back().organic_exit], 1.0 - parameters_.bleed);
        }
        if (organic_inlet_port_ != none) {
          add_scaled(in, inlets[organic_inlet_port_], 1.0);
        }
      } else if (stages_[s].organic_from != none) {
        add_scaled(in, organic_out[stages_[s].organic_from], 1.0);
      }
      for (const std::size_t port : stages_[s].feed_ports) {
        add_scaled(in, inlets[port], 1.0);
      }
      stage_equilibrium(s, in, q_aq[s], q_org[s], next);
      change = std::max(change, (next - held[s]).cwiseAbs().maxCoeff());
      held[s].swap(next);
      scale = std::max(scale, held[s].cwiseAbs().maxCoeff());
      guess_outlets(held[s], q_aq[s], q_org[s], aqueous_out[s], organic_out[s]);
    }
    if (change <= 1e-10 * scale) {
      break;
    }
    if (pass == 1 && !pumped && secant_fill(inlets, q_aq, q_org, held)) {
      break;
    }
  }
  // Write the holdups: settler layers at the mixer's concentrations, mixer slots as invariants.
  Vector slots;
  for (std::size_t s = 0; s < stages_.size(); ++s) {
    const MixerPhases phases = mixer_phases(q_aq[s], q_org[s]);
    slots = held[s];
    if (equilibrium()) {
      for (const auto& b : sections_[stages_[s].section].bound) {
        for (const auto& [at, nu] : b.stoichiometry) {
          slots[to_index(at)] -= nu * held[s][to_index(b.complex)];
        }
      }
    }
    for (std::size_t i = 0; i < mixer_size(); ++i) {
      if (const std::size_t at = state_of(s, i); at != none) {
        y[at] = slots[to_index(i)];
      }
    }
    if (has_settler()) {
      for (std::size_t i = 0; i < aqueous_; ++i) {
        y[state_of(s, settler_aqueous_at()) + i] =
            phases.aqueous_volume > 0.0
                ? held[s][to_index(i)] / phases.aqueous_volume * parameters_.settler_aqueous_volume
                : 0.0;
      }
      for (std::size_t i = 0; i < organic_; ++i) {
        y[state_of(s, settler_organic_at()) + i] =
            phases.organic_volume > 0.0
                ? held[s][to_index(aqueous_ + i)] / phases.organic_volume * parameters_.settler_organic_volume
                : 0.0;
      }
    }
  }
  // Sealed loop: the running sums of this guess, and the loop totals at their specified values.
  for (std::size_t c = 0; c < conserved_.size(); ++c) {
    double running = 0.0;
    for (std::size_t s = 0; s < stages_.size(); ++s) {
      running += stage_moiety(s, c, ConstSpan(y.data(), y.size()), false);
      if (s != first_organic_stage_) {
        for (std::size_t i = 0; i < organic_; ++i) {
          running += moiety_weights_[c][to_index(i)] * held[s][to_index(aqueous_ + i)];
        }
      }
      y[sum_state(c, s)] = running;
    }
    y[state_of(first_organic_stage_, aqueous_ + conserved_[c])] = inventory_[c];
  }
  return true;
}

void SxCascade::guess_outlets(const Vector& n, double q_aq, double q_org, Stream& aqueous,
                              Stream& organic) const {
  // A stage at steady state: its settler layers pass on what leaves the mixer.
  const MixerPhases phases = mixer_phases(q_aq, q_org);
  const double ea = parameters_.aqueous_in_organic;
  const double eo = parameters_.organic_in_aqueous;
  clear(aqueous);
  clear(organic);
  for (std::size_t i = 0; i < aqueous_; ++i) {
    const double flow = n[to_index(i)] * phases.aqueous_rate;
    aqueous.aqueous_moles[to_index(i)] = (1.0 - ea) * flow;
    organic.aqueous_moles[to_index(i)] = ea * flow;
  }
  for (std::size_t i = 0; i < organic_; ++i) {
    const double flow = n[to_index(aqueous_ + i)] * phases.organic_rate;
    aqueous.organic_moles[to_index(i)] = eo * flow;
    organic.organic_moles[to_index(i)] = (1.0 - eo) * flow;
  }
  for (std::size_t i = 0; i < solids_; ++i) {
    set_stream_solid(aqueous, i, n[to_index(aqueous_ + organic_ + i)] * phases.aqueous_rate);
  }
  aqueous.aqueous_flow = (1.0 - ea) * q_aq;
  organic.aqueous_flow = ea * q_aq;
  aqueous.organic_flow = eo * q_org;
  organic.organic_flow = (1.0 - eo) * q_org;
}

void SxCascade::stage_equilibrium(std::size_t s, const Stream& in, double q_aq, double q_org,
                                  Vector& n) const {
  const MixerPhases phases = mixer_phases(q_aq, q_org);
  n.resize(to_index(mixer_size()));
  for (std::size_t i = 0; i < aqueous_; ++i) {
    n[to_index(i)] = phases.aqueous_rate > 0.0 ? in.aqueous_moles[to_index(i)] / phases.aqueous_rate : 0.0;
  }
  for (std::size_t i = 0; i < organic_; ++i) {
    n[to_index(aqueous_ + i)] =
        phases.organic_rate > 0.0 ? in.organic_moles[to_index(i)] / phases.organic_rate : 0.0;
  }
  for (std::size_t i = 0; i < solids_; ++i) {
    n[to_index(aqueous_ + organic_ + i)] =
        phases.aqueous_rate > 0.0 ? stream_solid(in, i) / phases.aqueous_rate : 0.0;
  }
  const auto& bound = sections_[stages_[s].section].bound;
  if (bound.empty() || !(phases.aqueous_volume > 0.0) || !(phases.organic_volume > 0.0)) {
    return;
  }
  // Extent ξ_j [mol] of each reaction from the no-reaction holdup: n = n0 + ν ξ (complex +1); bisection on
  // gap(ξ) = V_org c_target(n) − n_C, which falls as ξ grows. Reactions in turn, a few rounds.
  for (int round = 0; round < (bound.size() > 1 ? 4 : 1); ++round) {
    for (std::size_t j = 0; j < bound.size(); ++j) {
      const auto& b = bound[j];
      double low = -n[to_index(b.complex)];
      double high = std::numeric_limits<double>::infinity();
      for (const auto& [at, nu] : b.stoichiometry) {
        if (nu < 0.0) {
          high = std::min(high, n[to_index(at)] / -nu);
        } else {
          low = std::max(low, -n[to_index(at)] / nu);
        }
      }
      if (!(high > low)) {
        continue;
      }
      const double complex_in = in.organic_moles[to_index(b.complex - aqueous_)];
      const double c_in = in.organic_flow > 0.0 ? complex_in / in.organic_flow : 0.0;
      Vector& base = extent_base_;  // members: no allocation per stage and sweep
      base = n;
      Vector& m = trial_;
      auto shifted = [&](double extent) -> const Vector& {
        m = base;
        m[to_index(b.complex)] += extent;
        for (const auto& [at, nu] : b.stoichiometry) {
          m[to_index(at)] = std::max(m[to_index(at)] + nu * extent, 0.0);
        }
        return m;
      };
      auto gap = [&](double extent) {
        shifted(extent);
        const double c_star = reaction_equilibrium(b, m, phases, acidity(m, phases));
        const double target = c_in + parameters_.efficiency * (c_star - c_in);
        return phases.organic_volume * target - m[to_index(b.complex)];
      };
      // Illinois (modified regula falsi) on the bracket: superlinear, and safe where the law is flat.
      double g_low = gap(low);
      double g_high = gap(high);
      double extent = 0.5 * (low + high);
      if (g_low <= 0.0) {
        extent = low;
      } else if (g_high >= 0.0) {
        extent = high;
      } else {
        int side = 0;
        // A guess: stop at a gap of 1e-12 of the amounts the reaction moves, or when the step stalls.
        double amount = std::abs(base[to_index(b.complex)]);
        for (const auto& [at, nu] : b.stoichiometry) {
          amount = std::max(amount, std::abs(base[to_index(at)]));
        }
        const double tolerance = 1e-12 * amount;
        for (int i = 0; i < 60 && high - low > 1e-12 * (std::abs(high) + std::abs(low)); ++i) {
          const double next = (low * g_high - high * g_low) / (g_high - g_low);
          if (next == extent) {
            break;
          }
          extent = next;
          const double g = gap(extent);
          if (std::abs(g) <= tolerance) {
            break;
          }
          if (g > 0.0) {
            low = extent;
            g_low = g;
            if (side == 1) {
              g_high *= 0.5;
            }
            side = 1;
          } else {
            high = extent;
            g_high = g;
            if (side == -1) {
              g_low *= 0.5;
            }
            side = -1;
          }
        }
      }
      n = shifted(extent);  // copies trial_
    }
  }
}

Vector SxCascade::element_inventory(ConstSpan y) const {
  const auto& c = *components_;
  Vector inventory = Vector::Zero(to_index(c.elements().size()));
  // Organic element columns, with the conserved moieties taken out of the complexes (counted through the
  // sealed loop's totals), so that the inventory stays linear in y and exact for the constrained rows.
  Matrix organic_elements = c.organic_elements();
  for (std::size_t k = 0; k < conserved_.size(); ++k) {
    const Vector& w = moiety_weights_[k];
    const Vector e_k = c.organic_elements().col(to_index(conserved_[k]));
    for (std::size_t i = 0; i < organic_; ++i) {
      organic_elements.col(to_index(i)) -= w[to_index(i)] * e_k;
    }
  }
  for (std::size_t s = 0; s < stages_.size(); ++s) {
    const std::size_t base = stage_offset_[s];
    if (ode()) {
      // The reactions balance the elements, so the invariants (complexes at zero) carry the stage's elements
      // whatever the split; no flows needed.
      for (std::size_t i = 0; i < mixer_size(); ++i) {
        const std::size_t at = state_of(s, i);
        moles_[to_index(i)] = at == none ? 0.0 : y[at];
      }
    } else if (conserved_.empty() || s != first_organic_stage_) {
      mixer_moles(s, y, MixerPhases{}, moles_);  // dae: the phases are not read
    } else {
      // The slots of the conserved species hold the loop totals: only the complexes and others count here.
      for (std::size_t i = 0; i < mixer_size(); ++i) {
        moles_[to_index(i)] = y[base + i];
      }
      if (equilibrium()) {
        for (const auto& b : sections_[stages_[s].section].bound) {
          for (const auto& [at, nu] : b.stoichiometry) {
            moles_[to_index(at)] += nu * y[base + b.complex];
          }
        }
      }
      for (const std::size_t k : conserved_) {
        moles_[to_index(aqueous_ + k)] = 0.0;
      }
    }
    inventory += c.aqueous_elements() * moles_.head(to_index(aqueous_));
    if (organic_ > 0) {
      inventory += organic_elements * moles_.segment(to_index(aqueous_), to_index(organic_));
    }
    for (std::size_t i = 0; i < solids_; ++i) {
      const auto solid = to_index(i / held_classes_);
      inventory += c.solid_elements().col(solid) * moles_[to_index(aqueous_ + organic_ + i)];
    }
    if (has_settler()) {
      for (std::size_t i = 0; i < aqueous_; ++i) {
        inventory += c.aqueous_elements().col(to_index(i)) * y[state_of(s, settler_aqueous_at()) + i];
      }
      for (std::size_t i = 0; i < organic_; ++i) {
        inventory += organic_elements.col(to_index(i)) * y[state_of(s, settler_organic_at()) + i];
      }
    }
  }
  for (std::size_t k = 0; k < conserved_.size(); ++k) {
    inventory += c.organic_elements().col(to_index(conserved_[k])) *
                 y[state_of(first_organic_stage_, aqueous_ + conserved_[k])];
  }
  return inventory;
}

template <typename Emit>
void SxCascade::emit_report(ConstSpan y, std::span<const Stream> inlets, Emit&& emit) const {
  route(y, inlets, false);
  const auto& c = *components_;
  report_equilibrium_.resize(stages_.size());
  // Names are built only when asked for (report(), not report_values()), from their parts.
  auto phase_concentrations = [&](std::string_view owner, const Stream& stream) {
    for (std::size_t i = 0; i < aqueous_; ++i) {
      emit(
          [&](std::string_view head) {
            return joined({head, owner, ".c[", c.aqueous(i).name, "]"});
          },
          stream.concentration(to_index(i)), "mol/m3");
    }
    for (std::size_t i = 0; i < organic_; ++i) {
      emit(
          [&](std::string_view head) {
            return joined({head, owner, ".c_org[", c.organic(i).name, "]"});
          },
          stream.organic_concentration(to_index(i)), "mol/m3");
    }
  };
  // Stage profiles: the mixer's phases (where the phases meet) and the flows.
  for (std::size_t s = 0; s < stages_.size(); ++s) {
    const auto [q_aq, q_org] = flows_of(s, y);
    const MixerPhases& phases = stage_phases_[s];
    const Vector& n = stage_moles_[s];
    const std::string_view stage = stages_[s].name;
    emit([&](std::string_view head) { return joined({head, stage, ".q_aq"}); }, q_aq, "m3/s");
    emit([&](std::string_view head) { return joined({head, stage, ".q_org"}); }, q_org, "m3/s");
    for (std::size_t i = 0; i < aqueous_; ++i) {
      emit(
          [&](std::string_view head) {
            return joined({head, stage, ".c[", c.aqueous(i).name, "]"});
          },
          phases.aqueous_volume > 0.0 ? n[to_index(i)] / phases.aqueous_volume : 0.0, "mol/m3");
    }
    for (std::size_t i = 0; i < organic_; ++i) {
      emit(
          [&](std::string_view head) {
            return joined({head, stage, ".c_org[", c.organic(i).name, "]"});
          },
          phases.organic_volume > 0.0 ? n[to_index(aqueous_ + i)] / phases.organic_volume : 0.0, "mol/m3");
    }
    const auto& bound = sections_[stages_[s].section].bound;
    equilibrium_organic(s, n, phases, equilibrium_values_);
    const Vector& eq = equilibrium_values_;
    report_equilibrium_[s].assign(eq.data(), eq.data() + eq.size());  // again for McCabe–Thiele below
    for (std::size_t j = 0; j < bound.size(); ++j) {
      const std::string& complex = c.organic(bound[j].complex - aqueous_).name;
      const double x =
          phases.aqueous_volume > 0.0 ? n[to_index(bound[j].metal)] / phases.aqueous_volume : 0.0;
      const double yo =
          phases.organic_volume > 0.0 ? n[to_index(bound[j].complex)] / phases.organic_volume : 0.0;
      emit(
          [&](std::string_view head) {
            return joined({head, stage, ".D[", complex, "]"});
          },
          x > 0.0 ? yo / x : 0.0, "-");
      emit(
          [&](std::string_view head) {
            return joined({head, stage, ".c_eq[", complex, "]"});
          },
          eq[to_index(j)], "mol/m3");
    }
    if (hydrogen_ != none || parameters_.acidity) {
      const double h = acidity(n, phases) * 1e-3;
      emit(
          [&](std::string_view head) {
            return joined({head, stage, ".pH"});
          },
          h > 0.0 ? -std::log10(h) : 0.0, "-");
    }
  }
  // Section streams: the organic leaving each section (loaded, scrubbed, stripped) and each aqueous outlet.
  for (std::size_t k = 0; k < sections_.size(); ++k) {
    const auto& section = sections_[k];
    const std::string& name = parameters_.sections[k].name;
    const std::string label =
        name == "extraction"
            ? "loaded"
            : (name == "scrub" ? "scrubbed" : (name == "strip" ? "stripped" : name + "_organic"));
    const Stream& organic = organic_out_[section.organic_exit];
    emit(
        [&](std::string_view head) {
          return joined({head, label, ".q_org"});
        },
        organic.organic_flow, "m3/s");
    phase_concentrations(label, organic);
    const Stream& aqueous = aqueous_out_[section.aqueous_exit];
    emit(
        [&](std::string_view head) {
          return joined({head, parameters_.sections[k].aqueous_outlet, ".q_aq"});
        },
        aqueous.aqueous_flow, "m3/s");
    phase_concentrations(parameters_.sections[k].aqueous_outlet, aqueous);
  }
  // An empty stream of the components, reusing `stream`'s storage when its shape fits.
  const auto fresh = [&](Stream& stream) -> Stream& {
    if (stream.aqueous_moles.size() != to_index(aqueous_) ||
        stream.organic_moles.size() != to_index(organic_) ||
        stream.solid_moles.rows() != to_index(c.solid_count()) ||
        stream.solid_moles.cols() != to_index(c.size_class_count())) {
      stream = Stream::empty(c);
    } else {
      clear(stream);
      stream.temperature = Stream().temperature;  // as Stream::empty leaves it
    }
    return stream;
  };
  // McCabe–Thiele data per section and reaction: operating points (x, y) of the aqueous and organic that pass
  // between stages k and k+1 (k = 0: the section's inlets/outlets), equilibrium points (x_k, c*_k) of every
  // stage.
  for (std::size_t k = 0; k < sections_.size(); ++k) {
    const auto& section = sections_[k];
    const std::size_t count = parameters_.sections[k].stages;
    const bool counter = parameters_.flow == SxCascadeParameters::Flow::counter_current;
    // The organic entering the section, as route() adds it to the entry stage's inflow, and the section's
    // aqueous feed, in streams kept for the next report (a report per output time).
    Stream& section_organic_in = fresh(report_organic_in_);
    section_organic_in.temperature = parameters_.temperature;
    const std::size_t entry = section.organic_entry;
    if (entry == first_organic_stage_) {
      if (parameters_.loop == SxCascadeParameters::Loop::closed) {
        add_scaled(section_organic_in, returned_, 1.0 - parameters_.bleed);
      }
      if (organic_inlet_port_ != none) {
        add_scaled(section_organic_in, inlets[organic_inlet_port_], 1.0);
      }
    } else if (stages_[entry].organic_from != none) {
      add_scaled(section_organic_in, organic_out_[stages_[entry].organic_from], 1.0);
    }
    Stream& aqueous_in = fresh(report_aqueous_in_);
    for (const std::size_t port : stages_[section.first].feed_ports) {
      add_scaled(aqueous_in, inlets[port], 1.0);
    }
    for (const auto& b : section.bound) {
      const std::string& complex = c.organic(b.complex - aqueous_).name;
      const std::string_view section_prefix = parameters_.sections[k].prefix;
      for (std::size_t gap = 0; gap <= count; ++gap) {
        const Stream& aqueous = gap == 0 ? aqueous_in : aqueous_out_[section.first + gap - 1];
        const Stream* organic = nullptr;
        if (counter) {
          organic = gap == count ? &section_organic_in : &organic_out_[section.first + gap];
        } else {
          organic = gap == 0 ? &section_organic_in : &organic_out_[section.first + gap - 1];
        }
        emit(
            [&](std::string_view head) {
              return joined({head, section_prefix, ".mccabe_thiele[", complex, "].operating_x[",
                             number_text(gap), "]"});
            },
            aqueous.concentration(to_index(b.metal)), "mol/m3");
        emit(
            [&](std::string_view head) {
              return joined({head, section_prefix, ".mccabe_thiele[", complex, "].operating_y[",
                             number_text(gap), "]"});
            },
            organic->organic_concentration(to_index(b.complex - aqueous_)), "mol/m3");
      }
      for (std::size_t i = 1; i <= count; ++i) {
        const std::size_t s = section.first + i - 1;
        const MixerPhases& phases = stage_phases_[s];
        const Vector& n = stage_moles_[s];
        const std::vector<double>& eq = report_equilibrium_[s];
        std::size_t j = 0;
        while (section.bound[j].complex != b.complex) {
          ++j;
        }
        emit(
            [&](std::string_view head) {
              return joined({head, section_prefix, ".mccabe_thiele[", complex, "].equilibrium_x[",
                             number_text(i), "]"});
            },
            phases.aqueous_volume > 0.0 ? n[to_index(b.metal)] / phases.aqueous_volume : 0.0, "mol/m3");
        emit(
            [&](std::string_view head) {
              return joined({head, section_prefix, ".mccabe_thiele[", complex, "].equilibrium_y[",
                             number_text(i), "]"});
            },
            eq[j], "mol/m3");
      }
      // The equilibrium curve, sampled: the metal from 0 to the largest aqueous concentration of the section,
      // everything else at the section's stage 1 (exact for laws of the metal alone: constant, isotherm).
      double x_max = aqueous_in.concentration(to_index(b.metal));
      for (std::size_t i = 0; i < count; ++i) {
        x_max = std::max(x_max, aqueous_out_[section.first + i].concentration(to_index(b.metal)));
      }
      const MixerPhases& phases = stage_phases_[section.first];
      Vector& n = moles_;
      n = stage_moles_[section.first];
      constexpr std::size_t samples = 20;
      for (std::size_t i = 0; i <= samples; ++i) {
        const double x = x_max * static_cast<double>(i) / static_cast<double>(samples);
        n[to_index(b.metal)] = x * phases.aqueous_volume;
        emit(
            [&](std::string_view head) {
              return joined(
                  {head, section_prefix, ".mccabe_thiele[", complex, "].curve_x[", number_text(i), "]"});
            },
            x, "mol/m3");
        emit(
            [&](std::string_view head) {
              return joined(
                  {head, section_prefix, ".mccabe_thiele[", complex, "].curve_y[", number_text(i), "]"});
            },
            phases.aqueous_volume > 0.0 ? reaction_equilibrium(b, n, phases, acidity(n, phases)) : 0.0,
            "mol/m3");
      }
    }
  }
  if (!conserved_.empty()) {
    for (std::size_t k = 0; k < conserved_.size(); ++k) {
      emit(
          [&](std::string_view head) {
            return joined({head, "loop_total[", c.organic(conserved_[k]).name, "]"});
          },
          y[state_of(first_organic_stage_, aqueous_ + conserved_[k])], "mol");
    }
  }
}

std::size_t SxCascade::report_size() const {
  const bool ph = hydrogen_ != none || parameters_.acidity;
  std::size_t size = conserved_.size();
  for (const auto& stage : stages_) {
    size += 2 + aqueous_ + organic_ + 2 * sections_[stage.section].bound.size() + (ph ? 1 : 0);
  }
  for (std::size_t k = 0; k < sections_.size(); ++k) {
    const std::size_t count = parameters_.sections[k].stages;
    size += 2 * (1 + aqueous_ + organic_) + sections_[k].bound.size() * (2 * (count + 1) + 2 * count + 42);
  }
  return size;
}

std::vector<UnitOutput> SxCascade::report(double t, ConstSpan y, std::span<const Stream> inlets) const {
  (void)t;
  std::vector<UnitOutput> result;
  result.reserve(report_size());
  emit_report(y, inlets, [&](const auto& name, double value, const char* unit) {
    result.push_back({name(std::string_view()), value, unit});
  });
  return result;
}

void SxCascade::append_report(double t, ConstSpan y, std::span<const Stream> inlets, std::string_view prefix,
                              ReportColumns& columns) const {
  (void)t;
  const std::size_t size = columns.values.size() + report_size();
  columns.names.reserve(size);
  columns.units.reserve(size);
  columns.values.reserve(size);
  emit_report(y, inlets, [&](const auto& name, double value, const char* unit) {
    columns.names.push_back(name(prefix));
    columns.units.emplace_back(unit);
    columns.values.push_back(value);
  });
}

void SxCascade::report_values(double t, ConstSpan y, std::span<const Stream> inlets,
                              std::vector<double>& values) const {
  (void)t;
  values.reserve(values.size() + report_size());
  emit_report(y, inlets, [&](const auto&, double value, const char*) { values.push_back(value); });
}

}  // namespace hydromet
