// Crystalliser: stirred tank with a finite-volume population balance driven by speciation.
#include "hydromet/unitops/crystallizer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "hydromet/core/error.hpp"
#include "hydromet/numerics/system.hpp"

namespace hydromet {
namespace {

Eigen::Index to_index(std::size_t index) { return static_cast<Eigen::Index>(index); }

// Dilute solutions: 1 m3 holds 1000 kg of water, so molality [mol/kg] = c [mol/m3] / 1000.
constexpr double water_per_volume = 1000.0;  // [kg/m3]
// Typical crystal count per m3 of holdup for absolute tolerances.
constexpr double typical_crystals = 1e8;
// Formation rates are scaled as the product's typical amount per this time [s]. They are algebraic (index 1,
// fixed by the cells and the ions), so their own tolerance need not be tighter than what the differential
// states' imply; per second (1 s), their absolute tolerance near equilibrium, where they pass through zero,
// cost 10–20 % more steps than the formulation without them, per millisecond none (measured, 100 and 1000
// cells, scheelite MSMPR and batch).
constexpr double formation_time = 1e-3;
// Cells per formation-rate block. A block's row reads its cells and two neighbours either side, so the
// cells need about cells_per_block + 4 colours; the blocks add cells / cells_per_block unknowns.
constexpr std::size_t cells_per_block = 16;

}  // namespace

Crystallizer::Crystallizer(std::string name, CrystallizerParameters parameters)
    : StirredTank(std::move(name), parameters.tank),
      parameters_(std::move(parameters)),
      transport_(parameters_.grid, parameters_.limiter, UpperBoundary::closed) {
  const std::string where = "crystallizer `" + this->name() + "`";
  if (!parameters_.chemistry) {
    throw InputError(where + ": needs a chemical system for the supersaturation");
  }
  if (parameters_.product.empty() || !parameters_.chemistry->find_mineral(parameters_.product)) {
    throw InputError(where + ": product `" + parameters_.product +
                     "` is not a mineral of its chemical system");
  }
  if (!(parameters_.density > 0.0) || !(parameters_.shape_factor > 0.0)) {
    throw InputError(where + ": crystal density and shape factor must be positive");
  }
  if (!(parameters_.evaporation_rate >= 0.0)) {
    throw InputError(where + ": evaporation rate must be >= 0");
  }
  const double factor = parameters_.concentration_factor;
  if (factor != 0.0 && (!(factor >= 1.0) || !std::isfinite(factor) || parameters_.evaporation_rate > 0.0)) {
    throw InputError(where + ": concentration factor must be >= 1 and excludes an evaporation rate");
  }
  const auto& programme = parameters_.temperature_programme;
  for (std::size_t k = 0; k < programme.size(); ++k) {
    if (!(programme[k].second > 0.0) || (k > 0 && !(programme[k].first > programme[k - 1].first))) {
      throw InputError(where + ": temperature programme needs increasing times and temperatures > 0 K");
    }
  }
  solver_ = std::make_unique<SpeciationSolver>(parameters_.chemistry, parameters_.speciation);
}

void Crystallizer::bind(const ComponentList& components) {
  StirredTank::bind(components);
  const std::string where = "crystallizer `" + name() + "`";
  product_ = components.solid_index(parameters_.product, where);
  const double molar_mass = components.solid_molar_masses()[to_index(product_)];
  const SizeGrid& grid = parameters_.grid;
  moles_per_crystal_.assign(cells(), 0.0);
  stream_class_.assign(cells(), 0);
  const auto& diameters = components.size_classes();
  for (std::size_t i = 0; i < cells(); ++i) {
    const double mean_cube = grid.moment_weight(i, 3) / grid.width(i);
    moles_per_crystal_[i] = parameters_.density * parameters_.shape_factor * mean_cube / molar_mass;
    // Nearest stream size class by representative diameter.
    std::size_t best = 0;
    for (std::size_t k = 1; k < diameters.size(); ++k) {
      if (std::abs(diameters[k] - grid.center(i)) < std::abs(diameters[best] - grid.center(i))) {
        best = k;
      }
    }
    stream_class_[i] = best;
  }
  // Formation blocks: each run of cells of one stream class is a chain of blocks of cells_per_block cells.
  blocks_.clear();
  for (std::size_t first = 0; first < cells();) {
    std::size_t end = first;
    while (end < cells() && stream_class_[end] == stream_class_[first]) {
      ++end;
    }
    for (std::size_t start = first; start < end; start += cells_per_block) {
      const std::size_t last = std::min(end, start + cells_per_block);
      blocks_.push_back({start, last, stream_class_[first], start > first, last == end});
    }
    first = end;
  }
  cell_volume_.assign(cells(), 0.0);
  for (std::size_t i = 0; i < cells(); ++i) {
    cell_volume_[i] = volume() * grid.width(i);  // N_i = n_i V ΔL_i
  }
  inlet_cell_.assign(size_class_count_, 0);
  for (std::size_t k = 0; k < size_class_count_ && !diameters.empty(); ++k) {
    inlet_cell_[k] = grid.locate(diameters[k]);
  }
  const ChemicalSystem& chemistry = *parameters_.chemistry;
  component_species_.assign(chemistry.num_components(), -1);
  for (std::size_t j = 0; j < chemistry.num_components(); ++j) {
    if (const auto index = components.find_aqueous(chemistry.component_names()[j])) {
      component_species_[j] = static_cast<std::ptrdiff_t>(*index);
    }
  }
  ions_.clear();
  ion_count_ = 0.0;
  const std::size_t mineral = chemistry.mineral_index(parameters_.product);
  double heaviest = -1.0;
  for (std::size_t j = 0; j < chemistry.num_components(); ++j) {
    const double nu = chemistry.mineral_stoichiometry()(to_index(mineral), to_index(j));
    if (nu == 0.0) {
      continue;
    }
    if (component_species_[j] < 0) {
      throw InputError(where + ": `" + chemistry.component_names()[j] + "` of `" + parameters_.product +
                       "` is not an aqueous species of the flowsheet");
    }
    const auto species = static_cast<std::size_t>(component_species_[j]);
    ions_.emplace_back(species, nu);
    ion_count_ += std::abs(nu);
    const double mass = components.aqueous_molar_masses()[to_index(species)];
    const bool named =
        !parameters_.yield_species.empty() && components.aqueous(species).name == parameters_.yield_species;
    if (named || (parameters_.yield_species.empty() && mass > heaviest)) {
      heaviest = named ? 1e300 : mass;
      yield_species_ = species;
      yield_nu_ = nu;
    }
  }
  if (!parameters_.yield_species.empty() && heaviest < 1e300) {
    throw InputError(where + ": yield species `" + parameters_.yield_species + "` is not an ion of `" +
                     parameters_.product + "`");
  }
  impurities_.clear();
  const auto& solid_elements = components.solid_elements();
  const auto& aqueous_elements = components.aqueous_elements();
  for (const CoPrecipitation& impurity : parameters_.impurities) {
    BoundImpurity bound;
    bound.solid = components.solid_index(impurity.solid, where);
    bound.ion = components.aqueous_index(impurity.ion, where);
    bound.host = components.aqueous_index(impurity.replaces, where);
    Vector composition = Vector::Zero(solid_elements.rows());
    bool replaced = false;
    for (const auto& [species, nu] : ions_) {
      const std::size_t taken = species == bound.host ? bound.ion : species;
      replaced = replaced || species == bound.host;
      bound.ions.emplace_back(taken, nu);
      composition += nu * aqueous_elements.col(to_index(taken));
    }
    if (!replaced) {
      throw InputError(where + ": impurity `" + impurity.ion + "` replaces `" + impurity.replaces +
                       "`, which is not an ion of `" + parameters_.product + "`");
    }
    if ((composition - solid_elements.col(to_index(bound.solid))).cwiseAbs().maxCoeff() > 1e-9) {
      throw InputError(where + ": `" + impurity.solid + "` is not `" + parameters_.product + "` with `" +
                       impurity.replaces + "` replaced by `" + impurity.ion + "`");
    }
    if (!(impurity.coefficient >= 0.0) || !std::isfinite(impurity.coefficient)) {
      throw InputError(where + ": distribution coefficient of `" + impurity.ion + "` must be >= 0");
    }
    impurities_.push_back(std::move(bound));
  }
  // Weight of the flux through edge e in its block's formation rate: w_e − w_{e−1}, or w_e where a run of
  // cells (a chain) starts.
  edge_weight_.assign(cells(), 0.0);
  for (const FormationBlock& block : blocks_) {
    for (std::size_t e = block.first; e < block.last; ++e) {
      const bool run_start = e == block.first && !block.chained;
      edge_weight_[e] = run_start ? moles_per_crystal_[e] : moles_per_crystal_[e] - moles_per_crystal_[e - 1];
    }
  }
  work_flux_.assign(cells() + 1, 0.0);
  work_n_.assign(cells(), 0.0);
  work_dn_.assign(cells(), 0.0);
  work_g_.assign(cells() + 1, 0.0);
}

void Crystallizer::initial_state(MutableSpan y) const {
  StirredTank::initial_state(y);  // zeroes the whole block: no crystals at t = 0
  // A new solve starts from a cold speciation: a warm start left by an earlier solve would make the same
  // flowsheet take a different (and much longer) path the second time it is solved.
  speciation_ = SpeciationResult{};
  last_converged_ = SpeciationResult{};
  speciation_valid_ = false;
}

std::vector<bool> Crystallizer::differential_rows() const {
  std::vector<bool> rows = StirredTank::differential_rows();
  std::fill(rows.begin() + static_cast<std::ptrdiff_t>(formation_offset()), rows.end(), false);
  return rows;
}

std::vector<std::pair<std::size_t, std::size_t>> Crystallizer::state_pattern() const {
  // Columns that move the supersaturation: the speciated aqueous species, the flows (aqueous volume) and
  // the temperature state.
  std::vector<std::size_t> drive;
  for (const auto species : component_species_) {
    if (species >= 0) {
      drive.push_back(aqueous_offset() + static_cast<std::size_t>(species));
    }
  }
  for (std::size_t j = flow_offset(); j < holdup_size(); ++j) {
    drive.push_back(j);
  }
  std::vector<std::pair<std::size_t, std::size_t>> entries;
  const auto row_of = [&](std::size_t row, bool driven) {
    entries.emplace_back(row, row);
    for (std::size_t j = flow_offset(); j < holdup_size(); ++j) {
      entries.emplace_back(row, j);
    }
    if (driven) {
      for (const auto j : drive) {
        entries.emplace_back(row, j);
      }
    }
  };
  // The suspension density of secondary nucleation is the product's moles n_k.
  const bool secondary = parameters_.nucleation.secondary_rate_constant > 0.0;
  const auto nucleation_columns = [&](std::size_t row) {
    for (std::size_t k = 0; secondary && k < size_class_count_; ++k) {
      entries.emplace_back(row, solid_state(product_, k));
    }
  };
  // Holdup: every species leaves with the overflow; the product's ions lose, and its moles per stream
  // class gain, the formation rate at the end of each chain.
  std::vector<bool> ion_rows(holdup_size(), false);
  for (const auto& [species, nu] : ions_) {
    ion_rows[aqueous_offset() + species] = true;
  }
  // Co-precipitation couples the ions and solids it touches to the whole holdup and the formation rate.
  std::vector<bool> dense_rows(holdup_size(), false);
  for (const BoundImpurity& impurity : impurities_) {
    for (const auto& [species, nu] : impurity.ions) {
      dense_rows[aqueous_offset() + species] = true;
    }
    for (std::size_t k = 0; k < size_class_count_; ++k) {
      dense_rows[solid_state(impurity.solid, k)] = true;
    }
  }
  for (std::size_t row = 0; row < holdup_size(); ++row) {
    if (dense_rows[row]) {
      for (std::size_t j = 0; j < holdup_size(); ++j) {
        entries.emplace_back(row, j);
      }
    } else {
      row_of(row, false);
    }
    for (std::size_t b = 0; b < blocks_.size(); ++b) {
      const bool product_row = row == solid_state(product_, blocks_[b].stream_class);
      if (blocks_[b].chain_end && (dense_rows[row] || ion_rows[row] || product_row)) {
        entries.emplace_back(row, formation_offset() + b);
      }
    }
  }
  // Cells: the limited fluxes of both faces reach two cells either way (growth or dissolution); the
  // nucleation flux enters the first two (ghost value).
  for (std::size_t i = 0; i < cells(); ++i) {
    const std::size_t row = cell_offset() + i;
    row_of(row, true);
    const std::size_t first = i >= 2 ? i - 2 : 0;
    const std::size_t last = std::min(cells() - 1, i + 2);
    for (std::size_t j = first; j <= last; ++j) {
      entries.emplace_back(row, cell_offset() + j);
    }
    if (i < 2) {
      nucleation_columns(row);
    }
  }
  // Formation rates: the fluxes through the block's edges and the previous rate of the chain.
  for (std::size_t b = 0; b < blocks_.size(); ++b) {
    const FormationBlock& block = blocks_[b];
    const std::size_t row = formation_offset() + b;
    row_of(row, true);
    if (block.chained) {
      entries.emplace_back(row, row - 1);
    }
    // The flux through edge e reads cells e−2 .. e+1 (growth or dissolution); the block's edges run from
    // its first cell's lower edge to its last cell's (and the upper one at the end of a chain).
    const std::size_t last_edge = block.chain_end ? block.last : block.last - 1;
    const std::size_t first = block.first >= 2 ? block.first - 2 : 0;
    const std::size_t last = std::min(cells() - 1, last_edge + 1);
    for (std::size_t j = first; j <= last; ++j) {
      entries.emplace_back(row, cell_offset() + j);
    }
    if (block.first < 2) {
      nucleation_columns(row);
    }
  }
  return entries;
}

std::optional<StreamCoupling> Crystallizer::stream_coupling() const {
  const std::size_t any = StreamCoupling::every_port;
  const StreamLayout layout(*components_);
  StreamCoupling coupling = holdup_coupling({});
  // Product crystals fed in join the cell of their stream class and that class's product moles.
  for (std::size_t k = 0; k < size_class_count_; ++k) {
    const std::size_t cell = inlet_cell_[k];
    coupling.rows.push_back({cell_offset() + cell, any, layout.solid(product_, k)});
    coupling.rows.push_back({solid_state(product_, stream_class_[cell]), any, layout.solid(product_, k)});
  }
  // Co-precipitation reads the inflow terms of the product and impurity rows: take every inlet scalar.
  for (const BoundImpurity& impurity : impurities_) {
    std::vector<std::size_t> rows;
    for (const auto& [species, nu] : impurity.ions) {
      rows.push_back(aqueous_offset() + species);
    }
    for (std::size_t k = 0; k < size_class_count_; ++k) {
      rows.push_back(solid_state(impurity.solid, k));
    }
    for (const auto row : rows) {
      for (std::size_t c = 0; c < layout.size(); ++c) {
        coupling.rows.push_back({row, any, c});
      }
    }
  }
  return coupling;
}

std::string Crystallizer::state_name(std::size_t index) const {
  if (index < holdup_size()) {
    return holdup_state_name(index);
  }
  if (index < formation_offset()) {
    return "N[" + std::to_string(index - cell_offset()) + "]";
  }
  return "formation_rate[" + std::to_string(index - formation_offset()) + "]";
}

double Crystallizer::state_scale(std::size_t index) const {
  if (index < holdup_size()) {
    return holdup_scale(index);
  }
  if (index < formation_offset()) {
    return typical_crystals * volume();
  }
  return holdup_scale(solid_state(product_, 0)) / formation_time;
}

double Crystallizer::product_moles(ConstSpan y) const {
  double moles = 0.0;
  for (std::size_t k = 0; k < size_class_count_; ++k) {
    moles += y[solid_state(product_, k)];
  }
  return moles;
}

double Crystallizer::saturation_ratio(double t, ConstSpan y) const {
  // Without organic species the liquor fills the vessel; the phase ratio from the outflows (V q_aq / q) is
  // ill-defined in a batch, where Newton iterates leave noise-level flows that would shrink it to nothing.
  const double liquor = organic_count_ == 0 ? volume() : aqueous_volume(y);
  const auto c = [&](std::ptrdiff_t species) {
    return liquor > 0.0 ? y[aqueous_offset() + static_cast<std::size_t>(species)] / liquor : 0.0;
  };
  const ChemicalSystem& chemistry = *parameters_.chemistry;
  Vector totals = Vector::Zero(to_index(chemistry.num_components()));
  for (std::size_t j = 0; j < component_species_.size(); ++j) {
    if (component_species_[j] >= 0) {
      // Newton trial states may dip below zero; the speciation needs non-negative totals.
      totals[to_index(j)] = std::max(0.0, c(component_species_[j])) / water_per_volume;
    }
  }
  const double temp = process_temperature(t, y);
  // Finite-difference columns of the crystals, the flows and other units leave the ions unchanged: reuse
  // the speciation of identical totals (bitwise) instead of solving again.
  if (!speciation_valid_ || temp != speciated_temperature_ || totals != speciated_totals_) {
    // A component absent in the previous solve (a Newton trial at zero) has ln m = −inf there, which would
    // force a cold start; its total is the guess for its free molality instead.
    Vector& ln_m = speciation_.ln_component_molality;
    for (Eigen::Index j = 0; j < ln_m.size() && j < totals.size(); ++j) {
      if (!std::isfinite(ln_m[j]) && totals[j] > 0.0) {
        ln_m[j] = std::log(totals[j]);
      }
    }
    try {
      solver_->solve(totals, temp, speciation_);
    } catch (const SolverError& first) {
      // Retry from the last converged solution (the failed solve may have left a poor warm start); if that
      // fails too, let the integrator shorten its step.
      try {
        speciation_ = last_converged_;
        solver_->solve(totals, temp, speciation_);
      } catch (const SolverError&) {
        speciation_valid_ = false;
        throw numerics::RecoverableError("crystallizer `" + name() + "`: " + first.message());
      }
    }
    speciation_valid_ = true;
    speciated_totals_ = totals;
    speciated_temperature_ = temp;
    last_converged_ = speciation_;
  }
  const double si = speciation_.saturation_index_of(parameters_.product);
  return std::isfinite(si) ? std::pow(10.0, si / ion_count_) : 0.0;
}

std::vector<double> Crystallizer::number_density(ConstSpan y) const {
  std::vector<double> n(cells());
  for (std::size_t i = 0; i < cells(); ++i) {
    n[i] = y[cell_offset() + i] / (volume() * grid().width(i));
  }
  return n;
}

double Crystallizer::process_temperature(double t, ConstSpan y) const {
  const auto& programme = parameters_.temperature_programme;
  if (programme.empty()) {
    return temperature(y);
  }
  if (t <= programme.front().first) {
    return programme.front().second;
  }
  for (std::size_t k = 1; k < programme.size(); ++k) {
    if (t <= programme[k].first) {
      const auto& [t0, temp0] = programme[k - 1];
      const auto& [t1, temp1] = programme[k];
      return temp0 + (temp1 - temp0) * (t - t0) / (t1 - t0);
    }
  }
  return programme.back().second;
}

std::vector<double> Crystallizer::discontinuities() const {
  std::vector<double> times;
  for (const auto& point : parameters_.temperature_programme) {
    times.push_back(point.first);
  }
  return times;
}

void Crystallizer::kinetic_rates(double t, ConstSpan y) const {
  const double temp = process_temperature(t, y);
  const double s = saturation_ratio(t, y);
  const double molar_mass = components_->solid_molar_masses()[to_index(product_)];
  for (std::size_t i = 0; i < cells(); ++i) {
    work_n_[i] = y[cell_offset() + i] / cell_volume_[i];
  }
  const double g0 = parameters_.growth.rate(s, temp);
  if (parameters_.growth.size_dependent()) {
    for (std::size_t e = 0; e <= cells(); ++e) {
      work_g_[e] = g0 * parameters_.growth.size_factor(grid().edge(e), g0);
    }
  } else {
    std::fill(work_g_.begin(), work_g_.end(), g0);
  }
  const double b0 = parameters_.nucleation.rate(s, product_moles(y) * molar_mass / volume(), temp);
  transport_.face_fluxes(work_n_, work_g_, b0, work_flux_);
  for (std::size_t i = 0; i < cells(); ++i) {
    work_dn_[i] = cell_volume_[i] * ((work_flux_[i] - work_flux_[i + 1]) / grid().width(i));
  }
}

double Crystallizer::block_formation(std::size_t b) const {
  // Summation by parts of Σ_i w_i V (F_i − F_{i+1}) over a run of cells [s, t):
  //   V [w_s F_s + Σ_{s<e<t} (w_e − w_{e−1}) F_e − w_{t−1} F_t],
  // the discrete 3 G μ2 + B0 L0³ of the moment equations: terms of one sign, so a relative tolerance on the
  // rates means what it means on the cells (the cell-by-cell sum cancels w_i F in and out of every cell).
  const FormationBlock& block = blocks_[b];
  double sum = 0.0;
  for (std::size_t e = block.first; e < block.last; ++e) {
    sum += edge_weight_[e] * work_flux_[e];
  }
  if (block.chain_end) {
    sum -= moles_per_crystal_[block.last - 1] * work_flux_[block.last];
  }
  return volume() * sum;
}

void Crystallizer::evaluate(double t, ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const {
  add_flow_terms(y, inlets, f);
  if (parameters_.concentration_factor > 0.0) {
    // Water boils off so that the overflow is the aqueous inflow over the concentration factor.
    const double aqueous_in = f[flow_offset()] + y[flow_offset()];
    f[flow_offset()] = aqueous_in / parameters_.concentration_factor - y[flow_offset()];
  } else {
    f[flow_offset()] -= parameters_.evaporation_rate;
  }
  const double dilution = outflow(y) / volume();
  kinetic_rates(t, y);
  // The product's moles per stream class change as the crystals of its cells do,
  //   dn_k/dt = Σ_{i in k} w_i (dN_i/dt)_kinetic + crystals fed − n_k q / V,
  // with the sum carried by the chained formation rates; the ions lose exactly what the n_k gain.
  for (std::size_t k = 0; k < size_class_count_; ++k) {
    f[solid_state(product_, k)] = -y[solid_state(product_, k)] * dilution;
  }
  const std::size_t offset = cell_offset();
  for (std::size_t b = 0; b < blocks_.size(); ++b) {
    const FormationBlock& block = blocks_[b];
    const std::size_t row = formation_offset() + b;
    for (std::size_t i = block.first; i < block.last; ++i) {
      f[offset + i] = work_dn_[i] - y[offset + i] * dilution;
    }
    f[row] = (block.chained ? y[row - 1] : 0.0) + block_formation(b) - y[row];
  }
  // Crystals formed [mol/s].
  double formed = 0.0;
  for (std::size_t b = 0; b < blocks_.size(); ++b) {
    if (blocks_[b].chain_end) {
      const double rate = y[formation_offset() + b];
      formed += rate;
      f[solid_state(product_, blocks_[b].stream_class)] += rate;
    }
  }
  for (const auto& [species, nu] : ions_) {
    f[aqueous_offset() + species] -= nu * formed;
  }
  // Product crystals fed in join a cell of their stream size class.
  for (const Stream& inlet : inlets) {
    for (std::size_t k = 0; k < size_class_count_; ++k) {
      const double moles = inlet.solid_moles(to_index(product_), to_index(k));
      if (moles != 0.0) {
        const std::size_t cell = inlet_cell_[k];
        f[cell_offset() + cell] += moles / moles_per_crystal_[cell];
        // Credited to the cell's own stream class, which keeps n_k = Σ_{i in k} w_i N_i class by class.
        f[solid_state(product_, stream_class_[cell])] += moles;
      }
    }
  }
  if (!impurities_.empty()) {
    add_coprecipitation(y, formed, f);
  }
}

void Crystallizer::add_coprecipitation(ConstSpan y, double formed, MutableSpan f) const {
  double host_solid = 0.0;  // product moles in the holdup, and their rate of change
  double host_solid_rate = 0.0;
  for (std::size_t k = 0; k < size_class_count_; ++k) {
    host_solid += y[solid_state(product_, k)];
    host_solid_rate += f[solid_state(product_, k)];
  }
  for (std::size_t m = 0; m < impurities_.size(); ++m) {
    const BoundImpurity& impurity = impurities_[m];
    const double coefficient = parameters_.impurities[m].coefficient;
    double solid = 0.0;
    double solid_flows = 0.0;  // fed − overflow of the impurity's solid (f before co-precipitation)
    for (std::size_t k = 0; k < size_class_count_; ++k) {
      solid += y[solid_state(impurity.solid, k)];
      solid_flows += f[solid_state(impurity.solid, k)];
    }
    const double host = y[aqueous_offset() + impurity.host];
    const double dissolved = y[aqueous_offset() + impurity.ion];
    double rate = 0.0;  // impurity solid formed [mol/s]
    if (parameters_.impurities[m].law == CoPrecipitation::Law::logarithmic) {
      // New layers take λ c_imp/c_host per mole of product; dissolving crystals release their own mix.
      if (formed > 0.0) {
        rate = host > 0.0 ? coefficient * std::max(0.0, dissolved) / host * formed : 0.0;
      } else if (host_solid > 0.0) {
        rate = solid / host_solid * formed;
      }
    } else {
      // The solid holds φ = D T n_s / (H + D n_s) of the unit's impurity T = dissolved + solid at every
      // instant; its rate is dφ/dt from the rates of T (flows only), n_s and H, less what flows carry.
      const double total = dissolved + solid;
      const double total_rate = f[aqueous_offset() + impurity.ion] + solid_flows;
      const double host_rate = f[aqueous_offset() + impurity.host];
      const double denominator = host + coefficient * host_solid;
      if (denominator > 0.0) {
        const double numerator_rate = coefficient * (total_rate * host_solid + total * host_solid_rate);
        const double denominator_rate = host_rate + coefficient * host_solid_rate;
        const double target_rate =
            (numerator_rate * denominator - coefficient * total * host_solid * denominator_rate) /
            (denominator * denominator);
        rate = target_rate - solid_flows;
      }
    }
    for (const auto& [species, nu] : impurity.ions) {
      f[aqueous_offset() + species] -= nu * rate;
    }
    // Spread over the stream size classes as the product is (all in the first class without crystals).
    for (std::size_t k = 0; k < size_class_count_; ++k) {
      const double share = host_solid > 0.0 ? y[solid_state(product_, k)] / host_solid : (k == 0 ? 1.0 : 0.0);
      f[solid_state(impurity.solid, k)] += share * rate;
    }
  }
}

bool Crystallizer::fill_from_inlets(double t, std::span<const Stream> inlets, MutableSpan y) const {
  if (!StirredTank::fill_from_inlets(t, inlets, y)) {
    return false;
  }
  for (std::size_t k = 0; k < size_class_count_; ++k) {
    y[solid_state(product_, k)] = 0.0;
  }
  std::fill(y.begin() + static_cast<std::ptrdiff_t>(cell_offset()), y.end(), 0.0);
  if (outflow(y) > 0.0 && !fill_msmpr(t, y)) {
    // No MSMPR estimate (undersaturated feed, or a speciation failure): start from the empty grid.
    for (std::size_t k = 0; k < size_class_count_; ++k) {
      y[solid_state(product_, k)] = 0.0;
    }
    std::fill(y.begin() + static_cast<std::ptrdiff_t>(cell_offset()), y.end(), 0.0);
  }
  // Formation rates consistent with the cells, when the speciation allows.
  try {
    kinetic_rates(t, y);
  } catch (const numerics::RecoverableError&) {
    return true;
  }
  for (std::size_t b = 0; b < blocks_.size(); ++b) {
    const std::size_t row = formation_offset() + b;
    y[row] = (blocks_[b].chained ? y[row - 1] : 0.0) + block_formation(b);
  }
  return true;
}

bool Crystallizer::fill_msmpr(double t, MutableSpan y) const {
  // The holdup is the feed. Depleting it by `extent` moles of product gives S, hence G and B0, hence the
  // crystals an MSMPR holds at that supersaturation, 6 n0 (G τ)^4 ρ k_v V / M with n0 = B0 / G (Randolph
  // and Larson 1988, ch. 3.3); the steady extent makes the two equal. Size-independent growth and a
  // crystal-free feed are assumed: it is a starting guess for Newton, which then solves the real model.
  const double tau = volume() / outflow(y);
  const double molar_mass = components_->solid_molar_masses()[to_index(product_)];
  std::vector<double> fed;
  double available = std::numeric_limits<double>::infinity();
  for (const auto& [species, nu] : ions_) {
    fed.push_back(y[aqueous_offset() + species]);
    if (nu > 0.0) {
      available = std::min(available, fed.back() / nu);
    }
  }
  if (!(available > 0.0) || !std::isfinite(available)) {
    return false;
  }
  double growth = 0.0;
  double nucleation = 0.0;
  const auto excess = [&](double extent) {  // MSMPR crystals at this depletion − extent [mol]
    for (std::size_t j = 0; j < ions_.size(); ++j) {
      y[aqueous_offset() + ions_[j].first] = fed[j] - ions_[j].second * extent;
    }
    const double temp = process_temperature(t, y);
    const double s = saturation_ratio(t, y);
    growth = parameters_.growth.rate(s, temp);
    nucleation = parameters_.nucleation.rate(s, extent * molar_mass / volume(), temp);
    if (!(growth > 0.0)) {
      return -extent;
    }
    const double length = growth * tau;
    const double crystals = 6.0 * nucleation / growth * std::pow(length, 4.0);
    return parameters_.density * parameters_.shape_factor * volume() * crystals / molar_mass - extent;
  };
  try {
    if (!(excess(0.0) > 0.0)) {
      return false;
    }
    double low = 0.0;
    double high = available;
    for (int iteration = 0; iteration < 100 && high - low > 1e-12 * available; ++iteration) {
      const double middle = 0.5 * (low + high);
      (excess(middle) > 0.0 ? low : high) = middle;
    }
    excess(low);
  } catch (const numerics::RecoverableError&) {
    return false;
  }
  if (!(growth > 0.0) || !(nucleation > 0.0)) {
    return false;
  }
  // Cell averages of n0 exp(−L / G τ); the closed top cell also holds what lies beyond it.
  const double length = growth * tau;
  const double n0 = nucleation / growth;
  double formed = 0.0;
  for (std::size_t k = 0; k < size_class_count_; ++k) {
    y[solid_state(product_, k)] = 0.0;
  }
  for (std::size_t i = 0; i < cells(); ++i) {
    const double upper = i + 1 < cells() ? std::exp(-grid().edge(i + 1) / length) : 0.0;
    const double crystals = volume() * n0 * length * (std::exp(-grid().edge(i) / length) - upper);
    y[cell_offset() + i] = crystals;
    y[solid_state(product_, stream_class_[i])] += moles_per_crystal_[i] * crystals;
    formed += moles_per_crystal_[i] * crystals;
  }
  // The ions lose what the cells hold, so the guess keeps the element balance and n_k = Σ w_i N_i.
  for (std::size_t j = 0; j < ions_.size(); ++j) {
    y[aqueous_offset() + ions_[j].first] = fed[j] - ions_[j].second * formed;
  }
  return true;
}

std::vector<UnitOutput> Crystallizer::outputs(double t, ConstSpan y) const {
  std::vector<UnitOutput> result = StirredTank::outputs(t, y);
  const double s = saturation_ratio(t, y);
  const double temp = process_temperature(t, y);
  const std::vector<double> n = number_density(y);
  const SizeStatistics stats = size_statistics(grid(), n);
  // The product's moles n_k: what the overflow carries and the balances count (Σ w_i N_i of the cells equals
  // it to the tolerance of the formation rates' algebraic rows).
  const double crystal_moles = product_moles(y);
  const double molar_mass = components_->solid_molar_masses()[to_index(product_)];
  const double g0 = parameters_.growth.rate(s, temp);
  result.push_back({"T_process", temp, "K"});
  result.push_back({"S", s, "-"});
  result.push_back({"SI", speciation_.saturation_index_of(parameters_.product), "-"});
  result.push_back({"G", g0, "m/s"});
  result.push_back(
      {"B0", parameters_.nucleation.rate(s, crystal_moles * molar_mass / volume(), temp), "1/(m3 s)"});
  for (int k = 0; k < 5; ++k) {
    result.push_back({"mu" + std::to_string(k), stats.mu[k], "m^" + std::to_string(k - 3)});
  }
  result.push_back({"L10", stats.l10, "m"});
  result.push_back({"L32", stats.l32, "m"});
  result.push_back({"L43", stats.l43, "m"});
  result.push_back({"mass_median", stats.mass_median, "m"});
  result.push_back({"product_mass", crystal_moles * molar_mass, "kg"});
  const double dissolved = y[aqueous_offset() + yield_species_] / yield_nu_;
  const double total = crystal_moles + dissolved;
  result.push_back({"yield", total > 0.0 ? crystal_moles / total : 0.0, "-"});
  const Vector solids = solid_totals(y);
  double impurity_mass = 0.0;
  for (const BoundImpurity& impurity : impurities_) {
    const double moles = solids[to_index(impurity.solid)];
    result.push_back({"impurity_ratio[" + components_->solid(impurity.solid).name + "]",
                      crystal_moles > 0.0 ? moles / crystal_moles : 0.0, "mol/mol"});
    impurity_mass += moles * components_->solid_molar_masses()[to_index(impurity.solid)];
  }
  const double product_mass = crystal_moles * molar_mass;
  result.push_back({"purity",
                    product_mass + impurity_mass > 0.0 ? product_mass / (product_mass + impurity_mass) : 1.0,
                    "-"});
  for (std::size_t i = 0; i < cells(); ++i) {
    result.push_back({"n[" + std::to_string(i) + "]", n[i], "1/m4"});
  }
  for (std::size_t i = 0; i < cells(); ++i) {
    result.push_back({"m[" + std::to_string(i) + "]", n[i] * moles_per_crystal_[i] * molar_mass, "kg/m4"});
  }
  return result;
}

}  // namespace hydromet
