// Perfectly mixed constant-volume overflow tank.
#include "hydromet/unitops/stirred_tank.hpp"

#include <algorithm>
#include <cmath>

#include "hydromet/core/error.hpp"

namespace hydromet {
namespace {

Eigen::Index to_index(std::size_t index) { return static_cast<Eigen::Index>(index); }

}  // namespace

StirredTank::StirredTank(std::string name, StirredTankParameters parameters)
    : UnitOperation(std::move(name)), parameters_(std::move(parameters)) {
  const std::string where = "tank `" + this->name() + "`";
  if (!(parameters_.volume.value() > 0.0) || !std::isfinite(parameters_.volume.value())) {
    throw InputError(where + ": volume must be positive");
  }
  if (parameters_.temperature && !(parameters_.temperature->value() > 0.0)) {
    throw InputError(where + ": temperature must be above 0 K");
  }
  if (parameters_.inlet_count == 0) {
    throw InputError(where + ": needs at least one inlet");
  }
  const auto check_solutes = [&](const std::vector<StirredTankParameters::Solute>& solutes,
                                 const std::string& what) {
    for (const auto& solute : solutes) {
      if (!(solute.concentration.value() >= 0.0) || !std::isfinite(solute.concentration.value())) {
        throw InputError(where + ": " + what + " of `" + solute.species + "` must be >= 0");
      }
    }
  };
  check_solutes(parameters_.initial_solution, "initial concentration");
  check_solutes(parameters_.initial_organic, "initial organic concentration");
  const double organic_fraction = parameters_.initial_organic_fraction;
  if (!(organic_fraction >= 0.0 && organic_fraction < 1.0)) {
    throw InputError(where + ": the initial organic fraction must be from 0 to below 1");
  }
}

std::vector<std::string> StirredTank::inlet_ports() const {
  return inlet_port_names(parameters_.inlet_count);
}

void StirredTank::bind(const ComponentList& components) {
  components_ = &components;
  aqueous_count_ = components.aqueous_count();
  organic_count_ = components.organic_count();
  solid_count_ = components.solid_count();
  size_class_count_ = components.size_class_count();
  const bool by_species = parameters_.solids == StirredTankParameters::Solids::by_species;
  held_class_count_ = by_species ? 1 : size_class_count_;
  finest_class_ = components.finest_size_class();
  initial_aqueous_ = Vector::Zero(to_index(aqueous_count_));
  const std::string where = std::string(type()) + " `" + name() + "`";
  const double organic_volume = parameters_.initial_organic_fraction * volume();
  for (const auto& solute : parameters_.initial_solution) {
    const auto index = components.aqueous_index(solute.species, where);
    initial_aqueous_[to_index(index)] += solute.concentration.value() * (volume() - organic_volume);
  }
  initial_organic_ = Vector::Zero(to_index(organic_count_));
  for (const auto& solute : parameters_.initial_organic) {
    const auto index = components.organic_index(solute.species, where);
    initial_organic_[to_index(index)] += solute.concentration.value() * organic_volume;
  }
}

void StirredTank::initial_state(MutableSpan y) const {
  std::fill(y.begin(), y.end(), 0.0);
  for (std::size_t i = 0; i < aqueous_count_; ++i) {
    y[aqueous_offset() + i] = initial_aqueous_[to_index(i)];
  }
  for (std::size_t i = 0; i < organic_count_; ++i) {
    y[organic_offset() + i] = initial_organic_[to_index(i)];
  }
  // With an organic phase at t = 0 the outflows' ratio sets the phase volumes the consistent-initialisation
  // Newton starts from: start them in the given phase ratio (their size is made consistent there).
  if (const double fraction = parameters_.initial_organic_fraction; fraction > 0.0) {
    y[flow_offset()] = 1.0 - fraction;
    y[flow_offset() + 1] = fraction;
  }
  // Outflows start at 0 and the temperature at 298.15 K: IDACalcIC (or the steady solver) makes the
  // algebraic rows consistent.
  if (temperature_is_state()) {
    y[flow_offset() + 2] = 298.15;
  }
}

std::vector<bool> StirredTank::differential_rows() const {
  std::vector<bool> rows(state_size(), true);
  for (std::size_t i = flow_offset(); i < holdup_size(); ++i) {
    rows[i] = false;
  }
  return rows;
}

std::string StirredTank::holdup_state_name(std::size_t index) const {
  if (index < organic_offset()) {
    return "n[" + components_->aqueous(index).name + "]";
  }
  if (index < solid_offset()) {
    return "n_org[" + components_->organic(index - organic_offset()).name + "]";
  }
  if (index < flow_offset()) {
    const std::size_t solid = (index - solid_offset()) / held_class_count_;
    const std::size_t size_class = (index - solid_offset()) % held_class_count_;
    std::string text = "n_solid[" + components_->solid(solid).name;
    if (held_class_count_ > 1) {
      text += ',';
      text += std::to_string(size_class);
    }
    return text + "]";
  }
  if (index == flow_offset()) {
    return "q_aq";
  }
  if (index == flow_offset() + 1) {
    return "q_org";
  }
  return "T";
}

std::string StirredTank::state_name(std::size_t index) const { return holdup_state_name(index); }

double StirredTank::holdup_scale(std::size_t index) const {
  constexpr double typical_concentration = 1.0;      // [mol/m3] = 1 mmol/L
  constexpr double typical_residence_time = 3600.0;  // [s]
  if (index < flow_offset()) {
    const double initial = index < organic_offset() ? initial_aqueous_[to_index(index)] : 0.0;
    return std::max(initial, typical_concentration * volume());
  }
  if (index < flow_offset() + 2) {
    return volume() / typical_residence_time;
  }
  return 300.0;
}

double StirredTank::state_scale(std::size_t index) const { return holdup_scale(index); }

double StirredTank::outflow(ConstSpan y) const { return y[flow_offset()] + y[flow_offset() + 1]; }

double StirredTank::aqueous_volume(ConstSpan y) const {
  const double q = outflow(y);
  return q > 0.0 ? volume() * y[flow_offset()] / q : volume();
}

double StirredTank::temperature(ConstSpan y) const {
  return temperature_is_state() ? y[flow_offset() + 2] : parameters_.temperature->value();
}

Vector StirredTank::aqueous_concentrations(ConstSpan y) const {
  Vector c;
  aqueous_concentrations(y, c);
  return c;
}

Vector StirredTank::organic_concentrations(ConstSpan y) const {
  Vector c;
  organic_concentrations(y, c);
  return c;
}

void StirredTank::aqueous_concentrations(ConstSpan y, Vector& c) const {
  const double v = aqueous_volume(y);
  c.resize(to_index(aqueous_count_));
  for (std::size_t i = 0; i < aqueous_count_; ++i) {
    c[to_index(i)] = v > 0.0 ? y[aqueous_offset() + i] / v : 0.0;
  }
}

void StirredTank::organic_concentrations(ConstSpan y, Vector& c) const {
  const double v = organic_volume(y);
  c.resize(to_index(organic_count_));
  for (std::size_t i = 0; i < organic_count_; ++i) {
    c[to_index(i)] = v > 0.0 ? y[organic_offset() + i] / v : 0.0;
  }
}

Vector StirredTank::solid_totals(ConstSpan y) const {
  Vector totals = Vector::Zero(to_index(solid_count_));
  for (std::size_t s = 0; s < solid_count_; ++s) {
    for (std::size_t k = 0; k < held_class_count_; ++k) {
      totals[to_index(s)] += y[solid_state(s, k)];
    }
  }
  return totals;
}

void StirredTank::write_outlet(ConstSpan y, Stream& outlet) const {
  // Every species leaves at n q / V: one residence time for all phases and the solids.
  const double rate = outflow(y) / volume();
  outlet.temperature = temperature(y);
  outlet.aqueous_flow = y[flow_offset()];
  outlet.organic_flow = y[flow_offset() + 1];
  for (std::size_t i = 0; i < aqueous_count_; ++i) {
    outlet.aqueous_moles[to_index(i)] = y[aqueous_offset() + i] * rate;
  }
  for (std::size_t i = 0; i < organic_count_; ++i) {
    outlet.organic_moles[to_index(i)] = y[organic_offset() + i] * rate;
  }
  if (held_class_count_ < size_class_count_) {
    outlet.solid_moles.setZero();
    for (std::size_t s = 0; s < solid_count_; ++s) {
      outlet.solid_moles(to_index(s), to_index(finest_class_)) = y[solid_state(s, 0)] * rate;
    }
    return;
  }
  for (std::size_t s = 0; s < solid_count_; ++s) {
    for (std::size_t k = 0; k < size_class_count_; ++k) {
      outlet.solid_moles(to_index(s), to_index(k)) = y[solid_state(s, k)] * rate;
    }
  }
}

bool StirredTank::fill_from_inlets(double t, std::span<const Stream> inlets, MutableSpan y) const {
  (void)t;
  Stream mixed = Stream::empty(*components_);
  for (const auto& inlet : inlets) {
    mix_into(mixed, inlet);
  }
  const double q = mixed.aqueous_flow + mixed.organic_flow;
  if (!(q > 0.0)) {
    return false;
  }
  const double residence = volume() / q;
  for (std::size_t i = solid_offset(); i < flow_offset(); ++i) {
    y[i] = 0.0;
  }
  for (std::size_t i = 0; i < aqueous_count_; ++i) {
    y[aqueous_offset() + i] = mixed.aqueous_moles[to_index(i)] * residence;
  }
  for (std::size_t i = 0; i < organic_count_; ++i) {
    y[organic_offset() + i] = mixed.organic_moles[to_index(i)] * residence;
  }
  for (std::size_t s = 0; s < solid_count_; ++s) {
    for (std::size_t k = 0; k < size_class_count_; ++k) {
      y[solid_state(s, held_class(k))] += mixed.solid_moles(to_index(s), to_index(k)) * residence;
    }
  }
  y[flow_offset()] = mixed.aqueous_flow;
  y[flow_offset() + 1] = mixed.organic_flow;
  if (temperature_is_state()) {
    y[flow_offset() + 2] = mixed.temperature;
  }
  return true;
}

void StirredTank::compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                                  std::span<Stream> outlets) const {
  (void)t, (void)inlets;
  write_outlet(y, outlets[0]);
}

void StirredTank::add_flow_terms(ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const {
  const double rate = outflow(y) / volume();
  for (std::size_t i = 0; i < flow_offset(); ++i) {
    f[i] = -y[i] * rate;
  }
  double aqueous_in = 0.0;
  double organic_in = 0.0;
  for (const Stream& inlet : inlets) {
    for (std::size_t i = 0; i < aqueous_count_; ++i) {
      f[aqueous_offset() + i] += inlet.aqueous_moles[to_index(i)];
    }
    for (std::size_t i = 0; i < organic_count_; ++i) {
      f[organic_offset() + i] += inlet.organic_moles[to_index(i)];
    }
    if (held_class_count_ == 1) {
      // One state per solid: the inflow's classes added column by column (the stream's matrix is
      // column-major), each solid's in increasing class order as before; a contiguous loop the compiler
      // vectorises (W plant: 13 solids × 20 classes per inlet, per mixer-settler, per evaluation).
      double* solids = f.data() + solid_state(0, 0);
      for (std::size_t k = 0; k < size_class_count_; ++k) {
        const double* column = inlet.solid_moles.col(to_index(k)).data();
        for (std::size_t s = 0; s < solid_count_; ++s) {
          solids[s] += column[s];
        }
      }
    } else {
      for (std::size_t s = 0; s < solid_count_; ++s) {
        for (std::size_t k = 0; k < size_class_count_; ++k) {
          f[solid_state(s, k)] += inlet.solid_moles(to_index(s), to_index(k));
        }
      }
    }
    aqueous_in += inlet.aqueous_flow;
    organic_in += inlet.organic_flow;
  }
  f[flow_offset()] = aqueous_in - y[flow_offset()];
  f[flow_offset() + 1] = organic_in - y[flow_offset() + 1];
  if (temperature_is_state()) {
    Stream mixed = inlets.front();
    for (std::size_t p = 1; p < inlets.size(); ++p) {
      mix_into(mixed, inlets[p]);
    }
    f[flow_offset() + 2] = mixed.temperature - y[flow_offset() + 2];
  }
}

StreamCoupling StirredTank::holdup_coupling(const std::vector<std::size_t>& coupled) const {
  const std::size_t any = StreamCoupling::every_port;
  const std::size_t offset = StreamLayout::holdup_offset;
  const std::size_t q_aq = flow_offset();
  const std::size_t q_org = flow_offset() + 1;
  std::vector<bool> is_coupled(flow_offset(), false);
  for (const auto i : coupled) {
    is_coupled.at(i) = true;
  }
  const StreamLayout layout(*components_);
  StreamCoupling coupling;
  for (std::size_t i = 0; i < flow_offset(); ++i) {
    if (i >= solid_offset() && held_class_count_ < size_class_count_) {
      // One state per solid: it takes in every size class and leaves in the finest.
      const std::size_t solid = i - solid_offset();
      for (std::size_t k = 0; k < size_class_count_; ++k) {
        coupling.rows.push_back({i, any, layout.solid(solid, k)});
      }
      for (const std::size_t state : {i, q_aq, q_org}) {
        coupling.outlet_states.push_back({any, layout.solid(solid, finest_class_), state});
      }
      continue;
    }
    coupling.rows.push_back({i, any, offset + i});
    for (const std::size_t state : {i, q_aq, q_org}) {
      coupling.outlet_states.push_back({any, offset + i, state});
    }
    if (is_coupled[i]) {
      for (const auto j : coupled) {
        coupling.rows.push_back({i, any, offset + j});
        coupling.outlet_states.push_back({any, offset + i, j});
      }
      coupling.rows.push_back({i, any, StreamLayout::aqueous_flow});
      coupling.rows.push_back({i, any, StreamLayout::organic_flow});
    }
  }
  coupling.rows.push_back({q_aq, any, StreamLayout::aqueous_flow});
  coupling.rows.push_back({q_org, any, StreamLayout::organic_flow});
  coupling.outlet_states.push_back({any, StreamLayout::aqueous_flow, q_aq});
  coupling.outlet_states.push_back({any, StreamLayout::organic_flow, q_org});
  if (temperature_is_state()) {
    const std::size_t t_row = flow_offset() + 2;
    coupling.rows.push_back({t_row, any, StreamLayout::temperature});
    coupling.rows.push_back({t_row, any, StreamLayout::aqueous_flow});
    coupling.rows.push_back({t_row, any, StreamLayout::organic_flow});
    coupling.outlet_states.push_back({any, StreamLayout::temperature, t_row});
  }
  return coupling;
}

std::vector<std::pair<std::size_t, std::size_t>> StirredTank::holdup_pattern(
    const std::vector<std::size_t>& coupled) const {
  std::vector<std::pair<std::size_t, std::size_t>> entries;
  const std::size_t q_aq = flow_offset();
  const std::size_t q_org = flow_offset() + 1;
  for (std::size_t i = 0; i < flow_offset(); ++i) {
    for (const std::size_t column : {i, q_aq, q_org}) {
      entries.emplace_back(i, column);
    }
  }
  for (const auto i : coupled) {
    for (const auto j : coupled) {
      entries.emplace_back(i, j);
    }
    if (temperature_is_state()) {
      entries.emplace_back(i, flow_offset() + 2);
    }
  }
  for (std::size_t i = flow_offset(); i < holdup_size(); ++i) {
    entries.emplace_back(i, i);
  }
  return entries;
}

void StirredTank::evaluate(double t, ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const {
  (void)t;
  add_flow_terms(y, inlets, f);
}

Vector StirredTank::holdup_inventory(ConstSpan y) const {
  Eigen::Map<const Vector> aqueous(y.data() + aqueous_offset(), to_index(aqueous_count_));
  Vector inventory =
      components_->aqueous_elements() * aqueous + components_->solid_elements() * solid_totals(y);
  if (organic_count_ > 0) {
    Eigen::Map<const Vector> organic(y.data() + organic_offset(), to_index(organic_count_));
    inventory += components_->organic_elements() * organic;
  }
  return inventory;
}

Vector StirredTank::element_inventory(ConstSpan y) const { return holdup_inventory(y); }

std::vector<UnitOutput> StirredTank::outputs(double t, ConstSpan y) const {
  (void)t;
  std::vector<UnitOutput> result;
  const double q = outflow(y);
  result.push_back({"q", q, "m3/s"});
  result.push_back({"q_aq", y[flow_offset()], "m3/s"});
  result.push_back({"q_org", y[flow_offset() + 1], "m3/s"});
  // An infinite residence time for a tank without throughput would poison tables and KPIs; report 0.
  result.push_back({"residence_time", q > 0.0 ? volume() / q : 0.0, "s"});
  result.push_back({"T", temperature(y), "K"});
  const Vector c = aqueous_concentrations(y);
  for (std::size_t i = 0; i < aqueous_count_; ++i) {
    result.push_back({"c[" + components_->aqueous(i).name + "]", c[to_index(i)], "mol/m3"});
  }
  const Vector c_org = organic_concentrations(y);
  for (std::size_t i = 0; i < organic_count_; ++i) {
    result.push_back({"c_org[" + components_->organic(i).name + "]", c_org[to_index(i)], "mol/m3"});
  }
  const Vector solids = solid_totals(y);
  for (std::size_t s = 0; s < solid_count_; ++s) {
    result.push_back({"solids[" + components_->solid(s).name + "]",
                      solids[to_index(s)] * components_->solid_molar_masses()[to_index(s)], "kg"});
  }
  return result;
}

}  // namespace hydromet
