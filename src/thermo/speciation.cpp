// SpeciationSolver: Newton on ln(molality) with line search, continued-fraction cold starts, minerals.
#include "hydromet/thermo/speciation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <sstream>

#include "hydromet/core/error.hpp"
#include "hydromet/thermo/water.hpp"

namespace hydromet {
namespace {

constexpr double ln10 = std::numbers::ln10;
constexpr double max_ln_molality = 300.0;   // keeps exp() finite while a step overshoots
constexpr double min_ln_molality = -690.0;  // ~1e-300 mol/kg: a component driven to nothing
constexpr double max_ln_step = 4.0;         // largest change of ln m of a component per Newton step
constexpr double max_ln_i_step = 2.0;       // and of ln I
constexpr double max_ln_i = 3.4;  // I <= 30 mol/kg while iterating: beyond, activity models are void
constexpr double armijo = 1e-4;
constexpr double max_lagged_molality = 100.0;  // [mol/kg]
constexpr double min_ln_water_activity = -3.0;
constexpr int cold_sweeps = 60;
constexpr double max_sweep_step = 2.0;  // largest change of ln m of a component in one sweep
constexpr double infinity = std::numeric_limits<double>::infinity();

std::string number(double value) {
  std::ostringstream out;
  out.precision(4);
  out << value;
  return out.str();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// SpeciationResult look-ups.

double SpeciationResult::molality_of(std::string_view species) const {
  return molality[static_cast<Eigen::Index>(system->species_index(species))];
}

double SpeciationResult::activity_of(std::string_view species) const {
  if (species == "H2O") {
    return water_activity;
  }
  return activity[static_cast<Eigen::Index>(system->species_index(species))];
}

double SpeciationResult::activity_coefficient_of(std::string_view species) const {
  return activity_coefficient[static_cast<Eigen::Index>(system->species_index(species))];
}

double SpeciationResult::saturation_index_of(std::string_view mineral) const {
  return saturation_index[static_cast<Eigen::Index>(system->mineral_index(mineral))];
}

double SpeciationResult::dissolved(std::string_view mineral) const {
  return -mineral_amount[static_cast<Eigen::Index>(system->mineral_index(mineral))];
}

// ---------------------------------------------------------------------------------------------
// Set-up.

SpeciationSolver::SpeciationSolver(std::shared_ptr<const ChemicalSystem> system, SpeciationOptions options)
    : system_(std::move(system)) {
  if (!system_) {
    throw InputError("the speciation solver needs a chemical system");
  }
  const ChemicalSystem& sys = *system_;
  const auto nc = static_cast<Eigen::Index>(sys.num_components());
  const auto ns = static_cast<Eigen::Index>(sys.num_species());
  const auto nm = static_cast<Eigen::Index>(sys.num_minerals());
  activity_ = ActivityCalculator(options.activity_model, sys.charges(), sys.ion_sizes(), sys.sit_epsilon());
  can_be_negative_.assign(sys.num_components(), false);
  for (Eigen::Index i = 0; i < ns; ++i) {
    for (Eigen::Index j = 0; j < nc; ++j) {
      if (sys.stoichiometry()(i, j) < 0.0) {
        can_be_negative_[static_cast<std::size_t>(j)] = true;
      }
    }
  }
  h_index_ = sys.component_index("H+");
  ln_m_ = Vector::Zero(ns);
  m_ = Vector::Zero(ns);
  m_lag_ = Vector::Zero(ns);
  ln_gamma_ = Vector::Zero(ns);
  dln_gamma_ = Vector::Zero(ns);
  g_ = Vector::Zero(ns);
  totals_ = Vector::Zero(nc);
  mineral_amount_ = Vector::Zero(nm);
  set_options(std::move(options));
}

void SpeciationSolver::set_options(SpeciationOptions options) {
  options_ = std::move(options);
  activity_.set_model(options_.activity_model);
  compile();
}

void SpeciationSolver::set_ph(double ph) {
  if (!std::isfinite(ph)) {
    throw InputError("pH must be a finite number");
  }
  const bool was_fixed = options_.ph.has_value();
  options_.ph = ph;
  if (was_fixed) {
    target_ln_activity_[static_cast<Eigen::Index>(h_index_)] = -ph * ln10;
  } else {
    compile();
  }
}

void SpeciationSolver::compile() {
  const ChemicalSystem& sys = *system_;
  const std::size_t nc = sys.num_components();
  constraint_.assign(nc, Constraint::total);
  target_ln_activity_ = Vector::Zero(static_cast<Eigen::Index>(nc));
  for (const auto& [name, log_a] : options_.log_activity) {
    const std::size_t j = sys.component_index(name);
    if (!std::isfinite(log_a)) {
      throw InputError("fixed log activity of `" + name + "` must be a finite number");
    }
    constraint_[j] = Constraint::activity;
    target_ln_activity_[static_cast<Eigen::Index>(j)] = log_a * ln10;
  }
  if (options_.ph) {
    if (!std::isfinite(*options_.ph)) {
      throw InputError("pH must be a finite number");
    }
    constraint_[h_index_] = Constraint::activity;
    target_ln_activity_[static_cast<Eigen::Index>(h_index_)] = -*options_.ph * ln10;
  }
  if (!options_.charge_balance.empty()) {
    const std::size_t j = sys.component_index(options_.charge_balance);
    if (sys.charges()[static_cast<Eigen::Index>(j)] == 0.0) {
      throw InputError("charge balance on `" + options_.charge_balance + "`, which carries no charge");
    }
    if (constraint_[j] != Constraint::activity) {
      constraint_[j] = Constraint::charge_balance;
    } else if (j != h_index_) {
      throw InputError("charge balance on `" + options_.charge_balance + "`, whose activity is fixed");
    }
  }
  const std::size_t nm = sys.num_minerals();
  mineral_equilibrium_.assign(nm, false);
  for (const std::string& name : options_.equilibrium_minerals) {
    mineral_equilibrium_[sys.mineral_index(name)] = true;
  }
  mineral_available_ = Vector::Constant(static_cast<Eigen::Index>(nm), infinity);
  for (const auto& [name, amount] : options_.mineral_available) {
    if (!(amount >= 0.0)) {
      throw InputError("available amount of `" + name + "` must be >= 0 mol/kg, got " + number(amount));
    }
    mineral_available_[static_cast<Eigen::Index>(sys.mineral_index(name))] = amount;
  }
  if (!(options_.tolerance > 0.0) || options_.max_iterations < 1) {
    throw InputError("speciation tolerance must be > 0 and max_iterations >= 1");
  }
}

void SpeciationSolver::prepare(const Vector& totals, double temperature) {
  const ChemicalSystem& sys = *system_;
  const std::size_t nc = sys.num_components();
  if (!(temperature >= min_temperature && temperature <= max_temperature)) {
    throw InputError("temperature " + number(temperature) + " K is outside " + number(min_temperature) + "-" +
                     number(max_temperature) + " K");
  }
  if (totals.size() != static_cast<Eigen::Index>(nc)) {
    throw InputError("expected " + std::to_string(nc) + " component totals, got " +
                     std::to_string(totals.size()));
  }
  for (std::size_t j = 0; j < nc; ++j) {
    const double t = totals[static_cast<Eigen::Index>(j)];
    if (constraint_[j] != Constraint::total) {
      continue;
    }
    if (!std::isfinite(t)) {
      throw InputError("total of `" + sys.component_names()[j] + "` is not a finite number");
    }
    if (t < 0.0 && !can_be_negative_[j]) {
      throw InputError("total of `" + sys.component_names()[j] + "` is negative (" + number(t) + " mol/kg)");
    }
  }
  activity_.set_temperature(temperature);
  if (temperature != ln_k_temperature_ || options_.allow_extrapolation != ln_k_extrapolated_) {
    sys.ln_k(temperature, ln_k_, mineral_ln_k_, options_.allow_extrapolation);
    ln_k_temperature_ = temperature;
    ln_k_extrapolated_ = options_.allow_extrapolation;
  }
  temperature_ = temperature;
  totals_ = totals;
  mineral_amount_.setZero();
}

// Active sets: a component with a zero total that cannot be negative is absent, with every species
// and mineral that contains it.
namespace {
bool contains_inactive(const std::vector<std::pair<std::size_t, double>>& terms,
                       const std::vector<bool>& active) {
  return std::any_of(terms.begin(), terms.end(), [&](const auto& t) { return !active[t.first]; });
}
}  // namespace

// ---------------------------------------------------------------------------------------------
// Evaluation.

void SpeciationSolver::evaluate_species() {
  const ChemicalSystem& sys = *system_;
  const std::size_t nc = sys.num_components();
  y_ = std::min(y_, max_ln_i);
  const double ionic_strength = std::exp(y_);
  activity_.evaluate(ionic_strength, m_lag_, ln_gamma_, dln_gamma_);
  if (gamma_scale_ != 1.0) {
    ln_gamma_ *= gamma_scale_;
    dln_gamma_ *= gamma_scale_;
  }
  const Vector& nu_w = sys.water_stoichiometry();
  for (std::size_t i : active_species_) {
    const auto ii = static_cast<Eigen::Index>(i);
    double ln_m;
    double g;
    if (i < nc) {
      ln_m = x_[component_row_[i]];
      g = 0.0;
    } else {
      ln_m = ln_k_[ii] + nu_w[ii] * ln_aw_ - ln_gamma_[ii];
      g = -dln_gamma_[ii];
      for (const auto& [j, nu] : sys.species_terms(i)) {
        ln_m += nu * (x_[component_row_[j]] + ln_gamma_[static_cast<Eigen::Index>(j)]);
        g += nu * dln_gamma_[static_cast<Eigen::Index>(j)];
      }
    }
    ln_m = std::min(ln_m, max_ln_molality);
    ln_m_[ii] = ln_m;
    m_[ii] = std::exp(ln_m);
    g_[ii] = g;
  }
}

void SpeciationSolver::evaluate_residual() {
  const ChemicalSystem& sys = *system_;
  const auto nb = static_cast<Eigen::Index>(active_components_.size());
  const auto np = static_cast<Eigen::Index>(active_minerals_.size());
  const Eigen::Index i_row = nb + np;
  const Vector& z = sys.charges();
  Eigen::Index cb_row = -1;
  for (Eigen::Index r = 0; r < nb; ++r) {
    const std::size_t j = active_components_[static_cast<std::size_t>(r)];
    const auto jj = static_cast<Eigen::Index>(j);
    switch (constraint_[j]) {
      case Constraint::total:
        residual_[r] = -totals_[jj];
        scale_[r] = std::abs(totals_[jj]);
        break;
      case Constraint::charge_balance:
        residual_[r] = 0.0;
        scale_[r] = 0.0;
        cb_row = r;
        break;
      case Constraint::activity:
        residual_[r] = x_[r] + ln_gamma_[jj] - target_ln_activity_[jj];
        scale_[r] = 1.0;
        break;
    }
  }
  double half_z2m = 0.0;
  for (std::size_t i : active_species_) {
    const auto ii = static_cast<Eigen::Index>(i);
    const double mi = m_[ii];
    for (const auto& [j, nu] : sys.species_terms(i)) {
      if (constraint_[j] == Constraint::total) {
        const Eigen::Index r = component_row_[j];
        residual_[r] += nu * mi;
        scale_[r] += std::abs(nu) * mi;
      }
    }
    if (cb_row >= 0) {
      residual_[cb_row] += z[ii] * mi;
      scale_[cb_row] += std::abs(z[ii]) * mi;
    }
    half_z2m += 0.5 * z[ii] * z[ii] * mi;
  }
  const Matrix& mnu = sys.mineral_stoichiometry();
  for (Eigen::Index q = 0; q < np; ++q) {
    const auto p = static_cast<Eigen::Index>(active_minerals_[static_cast<std::size_t>(q)]);
    double si = mineral_ln_k_[p] + sys.mineral_water_stoichiometry()[p] * ln_aw_;
    for (std::size_t j : active_components_) {
      const double nu = mnu(p, static_cast<Eigen::Index>(j));
      if (nu == 0.0) {
        continue;
      }
      const Eigen::Index r = component_row_[j];
      si += nu * (x_[r] + ln_gamma_[static_cast<Eigen::Index>(j)]);
      if (constraint_[j] == Constraint::total) {
        residual_[r] += nu * n_[q];
        scale_[r] += std::abs(nu * n_[q]);
      }
    }
    residual_[nb + q] = si;
    scale_[nb + q] = 1.0;
  }
  // In log form, ln(sum z^2 m / 2) - ln I: well scaled however far an overshooting start puts I.
  half_z2m_ = std::max(half_z2m, std::numeric_limits<double>::min());
  residual_[i_row] = std::log(half_z2m_) - y_;
  scale_[i_row] = 1.0;
  for (Eigen::Index r = 0; r <= i_row; ++r) {
    scale_[r] = std::max(scale_[r], std::numeric_limits<double>::min());
  }
}

void SpeciationSolver::update_lagged() {
  // Bounded so that one overshooting iterate (molalities at the exp() cap) cannot poison the next:
  // no species exceeds 100 mol/kg and a_w stays above 0.05 in any real brine.
  m_lag_ = m_.cwiseMin(max_lagged_molality);
  ln_aw_ = std::clamp(activity_.ln_water_activity(std::exp(y_), m_lag_), min_ln_water_activity, 0.0);
}

double SpeciationSolver::merit() const {
  double sum = 0.0;
  for (Eigen::Index r = 0; r < residual_.size(); ++r) {
    const double v = residual_[r] / scale_[r];
    sum += v * v;
  }
  return 0.5 * sum;
}

// ---------------------------------------------------------------------------------------------
// Starting values.

void SpeciationSolver::cold_start() {
  const ChemicalSystem& sys = *system_;
  const Vector& z = sys.charges();
  double charge_scale = 0.0;
  double half_z2t = 0.0;
  for (std::size_t j : active_components_) {
    const auto jj = static_cast<Eigen::Index>(j);
    if (constraint_[j] == Constraint::total) {
      charge_scale += std::abs(z[jj] * totals_[jj]);
      half_z2t += 0.5 * z[jj] * z[jj] * std::abs(totals_[jj]);
    }
  }
  for (std::size_t j : active_components_) {
    const auto jj = static_cast<Eigen::Index>(j);
    const Eigen::Index r = component_row_[j];
    switch (constraint_[j]) {
      case Constraint::total:
        x_[r] = std::log(totals_[jj] > 0.0 ? totals_[jj] : 1e-7);
        break;
      case Constraint::charge_balance:
        x_[r] = std::log(j == h_index_ ? 1e-7 : std::max(charge_scale, 1e-10));
        break;
      case Constraint::activity:
        x_[r] = target_ln_activity_[jj];
        break;
    }
  }
  // Components of equilibrium minerals start at saturation, shared evenly among the mineral's
  // components with a total, and are left to Newton (their balance includes the unknown amounts).
  pinned_.assign(sys.num_components(), false);
  const Matrix& mnu = sys.mineral_stoichiometry();
  for (std::size_t p : active_minerals_) {
    const auto pp = static_cast<Eigen::Index>(p);
    double free_nu = 0.0;
    double rest = mineral_ln_k_[pp];
    for (std::size_t j : active_components_) {
      const double nu = mnu(pp, static_cast<Eigen::Index>(j));
      if (constraint_[j] == Constraint::total && nu > 0.0) {
        free_nu += nu;
      } else {
        rest += nu * x_[component_row_[j]];
      }
    }
    if (free_nu <= 0.0) {
      continue;
    }
    const double guess = -rest / free_nu;
    for (std::size_t j : active_components_) {
      if (constraint_[j] == Constraint::total && mnu(pp, static_cast<Eigen::Index>(j)) > 0.0) {
        x_[component_row_[j]] = std::min(x_[component_row_[j]], guess);
        pinned_[j] = true;
      }
    }
  }
  n_.setZero();
  y_ = std::log(std::max(half_z2t, 1e-7));
  m_lag_.setZero();
  ln_aw_ = 0.0;
  // Continuation in the activity model: balance the totals with gamma = 1 first, so that a wild start
  // cannot feed a wild ionic strength back into the activity coefficients.
  const ActivityModel model = activity_.model();
  activity_.set_model(ActivityModel::ideal);
  continued_fraction_sweeps(cold_sweeps);
  activity_.set_model(model);
  // No sweeps with the model itself: a fixed point through gamma(I) diverges for highly charged
  // polyanions (z = -10); Newton carries I as an unknown instead.
}

// Gauss-Seidel sweeps that scale each component so that the positive (or negative) part of its mass
// balance, or the cation (anion) charge, matches: a diagonal Newton step on the log of that sum
// (positive continued fractions; Carrayrou, Mose & Behra, AIChE J. 48 (2002) 894).
void SpeciationSolver::continued_fraction_sweeps(int sweeps) {
  const ChemicalSystem& sys = *system_;
  const Vector& z = sys.charges();
  for (int sweep = 0; sweep < sweeps; ++sweep) {
    double worst = 0.0;
    for (std::size_t j : active_components_) {
      const auto jj = static_cast<Eigen::Index>(j);
      const Eigen::Index r = component_row_[j];
      evaluate_species();
      double delta = 0.0;
      if (constraint_[j] == Constraint::activity) {
        x_[r] = target_ln_activity_[jj] - ln_gamma_[jj];
        continue;
      }
      if (pinned_[j]) {
        continue;
      }
      if (constraint_[j] == Constraint::total) {
        double pos = 0.0, pos_d = 0.0, neg = 0.0, neg_d = 0.0;
        for (std::size_t i : active_species_) {
          const double nu = sys.stoichiometry()(static_cast<Eigen::Index>(i), jj);
          const double mi = m_[static_cast<Eigen::Index>(i)];
          if (nu > 0.0) {
            pos += nu * mi;
            pos_d += nu * nu * mi;
          } else if (nu < 0.0) {
            neg -= nu * mi;
            neg_d += nu * nu * mi;
          }
        }
        const double t = totals_[jj];
        if (t > 0.0 || neg == 0.0) {
          const double target = std::max(t + neg, std::numeric_limits<double>::min());
          delta = std::log(target / pos) / (pos_d / pos);
          worst = std::max(worst, std::abs(std::log(target / pos)));
        } else {
          delta = -std::log((pos - t) / neg) / (neg_d / neg);
          worst = std::max(worst, std::abs(std::log((pos - t) / neg)));
        }
      } else {
        double plus = 0.0, plus_d = 0.0, minus = 0.0, minus_d = 0.0;
        for (std::size_t i : active_species_) {
          const auto ii = static_cast<Eigen::Index>(i);
          const double nu = sys.stoichiometry()(ii, jj);
          if (z[ii] > 0.0) {
            plus += z[ii] * m_[ii];
            plus_d += z[ii] * nu * m_[ii];
          } else if (z[ii] < 0.0) {
            minus -= z[ii] * m_[ii];
            minus_d -= z[ii] * nu * m_[ii];
          }
        }
        if (plus > 0.0 && minus > 0.0) {
          const double slope = plus_d / plus - minus_d / minus;
          if (std::abs(slope) > 1e-12) {
            delta = -std::log(plus / minus) / slope;
          }
          worst = std::max(worst, std::abs(std::log(plus / minus)));
        } else {
          delta = (plus > 0.0) == (z[jj] > 0.0) ? -2.0 : 2.0;
          worst = infinity;
        }
      }
      if (!std::isfinite(delta)) {
        delta = 0.0;
      }
      // At most e^2 per sweep: a full diagonal step taken where the dominant species switches (WO4-2 to a
      // heptamer) overshoots, and with the lagged a_w it can cycle instead of converging.
      x_[r] = std::max(x_[r] + std::clamp(delta, -max_sweep_step, max_sweep_step), min_ln_molality);
    }
    evaluate_species();
    double half_z2m = 0.0;
    for (std::size_t i : active_species_) {
      const auto ii = static_cast<Eigen::Index>(i);
      half_z2m += 0.5 * z[ii] * z[ii] * m_[ii];
    }
    y_ = std::log(std::max(half_z2m, 1e-12));
    update_lagged();
    if (worst < 0.1) {
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Newton iterations.

bool SpeciationSolver::newton() {
  const ChemicalSystem& sys = *system_;
  const Vector& z = sys.charges();
  const auto nb = static_cast<Eigen::Index>(active_components_.size());
  const auto np = static_cast<Eigen::Index>(active_minerals_.size());
  const Eigen::Index n = nb + np + 1;
  const Eigen::Index y_col = n - 1;
  const Matrix& mnu = sys.mineral_stoichiometry();

  // Two lag updates make a_w and the SIT terms consistent with the start before the first test.
  evaluate_species();
  update_lagged();
  evaluate_species();
  update_lagged();

  Vector x0(nb), n0(np), scale0(n);
  for (int iteration = 0; iteration <= options_.max_iterations; ++iteration) {
    evaluate_species();
    evaluate_residual();
    double worst = 0.0;
    for (Eigen::Index r = 0; r < n; ++r) {
      worst = std::max(worst, std::abs(residual_[r]) / scale_[r]);
    }
    if (!std::isfinite(worst)) {
      return false;
    }
    if (worst <= options_.tolerance) {
      return true;
    }
    if (iteration == options_.max_iterations) {
      break;
    }
    ++iterations_;

    // Jacobian of the residual in the unknowns (x, n, y), rows then scaled by their scales.
    jacobian_.setZero(n, n);
    Eigen::Index cb_row = -1;
    for (Eigen::Index r = 0; r < nb; ++r) {
      const std::size_t j = active_components_[static_cast<std::size_t>(r)];
      if (constraint_[j] == Constraint::charge_balance) {
        cb_row = r;
      } else if (constraint_[j] == Constraint::activity) {
        jacobian_(r, r) = 1.0;
        jacobian_(r, y_col) = dln_gamma_[static_cast<Eigen::Index>(j)];
      }
    }
    for (std::size_t i : active_species_) {
      const auto ii = static_cast<Eigen::Index>(i);
      const double mi = m_[ii];
      const double gi = g_[ii];
      const auto& terms = sys.species_terms(i);
      for (const auto& [j, nu_j] : terms) {
        if (constraint_[j] != Constraint::total) {
          continue;
        }
        const Eigen::Index r = component_row_[j];
        for (const auto& [k, nu_k] : terms) {
          jacobian_(r, component_row_[k]) += nu_j * nu_k * mi;
        }
        jacobian_(r, y_col) += nu_j * gi * mi;
      }
      const double zi = z[ii];
      for (const auto& [k, nu_k] : terms) {
        const Eigen::Index c = component_row_[k];
        if (cb_row >= 0) {
          jacobian_(cb_row, c) += zi * nu_k * mi;
        }
        jacobian_(y_col, c) += 0.5 * zi * zi * nu_k * mi;
      }
      if (cb_row >= 0) {
        jacobian_(cb_row, y_col) += zi * gi * mi;
      }
      jacobian_(y_col, y_col) += 0.5 * zi * zi * gi * mi;
    }
    jacobian_.row(y_col) /= half_z2m_;  // d ln(sum z^2 m / 2) / d(x, y) ...
    jacobian_(y_col, y_col) -= 1.0;     // ... - d y / d y
    for (Eigen::Index q = 0; q < np; ++q) {
      const auto p = static_cast<Eigen::Index>(active_minerals_[static_cast<std::size_t>(q)]);
      for (std::size_t j : active_components_) {
        const double nu = mnu(p, static_cast<Eigen::Index>(j));
        if (nu == 0.0) {
          continue;
        }
        const Eigen::Index r = component_row_[j];
        jacobian_(nb + q, r) += nu;
        jacobian_(nb + q, y_col) += nu * dln_gamma_[static_cast<Eigen::Index>(j)];
        if (constraint_[j] == Constraint::total) {
          jacobian_(r, nb + q) += nu;
        }
      }
    }
    for (Eigen::Index r = 0; r < n; ++r) {
      jacobian_.row(r) /= scale_[r];
      step_[r] = -residual_[r] / scale_[r];
    }
    lu_.compute(jacobian_);
    step_ = lu_.solve(step_);
    if (!step_.allFinite()) {
      return false;
    }

    // Step limiting, then backtracking on the scaled residual norm (scales held at the start).
    // ln I is clipped on its own: when an overshooting start makes sum z^2 m / 2 astronomically larger than
    // I, its Newton step is huge, and scaling the whole step by it would freeze the molalities (x).
    step_[y_col] = std::clamp(step_[y_col], -max_ln_i_step, max_ln_i_step);
    double alpha = 1.0;
    const double max_dx = nb > 0 ? step_.head(nb).cwiseAbs().maxCoeff() : 0.0;
    if (max_dx > max_ln_step) {
      alpha = max_ln_step / max_dx;
    }
    const double phi0 = merit();
    x0 = x_;
    n0 = n_;
    const double y0 = y_;
    scale0 = scale_;
    double best_alpha = alpha;
    double best_phi = infinity;
    bool accepted = false;
    for (int trial = 0; trial < 30; ++trial) {
      x_ = x0 + alpha * step_.head(nb);
      x_ = x_.cwiseMax(min_ln_molality);
      n_ = n0 + alpha * step_.segment(nb, np);
      y_ = y0 + alpha * step_[y_col];
      evaluate_species();
      evaluate_residual();
      scale_ = scale0;
      const double phi = merit();
      if (std::isfinite(phi) && phi < best_phi) {
        best_phi = phi;
        best_alpha = alpha;
      }
      if (std::isfinite(phi) && phi <= (1.0 - 2.0 * armijo * alpha) * phi0) {
        accepted = true;
        break;
      }
      alpha *= 0.5;
    }
    if (!accepted) {
      if (!std::isfinite(best_phi)) {
        return false;
      }
      x_ = (x0 + best_alpha * step_.head(nb)).cwiseMax(min_ln_molality);
      n_ = n0 + best_alpha * step_.segment(nb, np);
      y_ = y0 + best_alpha * step_[y_col];
    }
    update_lagged();
  }
  return false;
}

// Homotopy in the activity coefficients, ln g(lambda) = lambda ln g, from the ideal solution (lambda = 0)
// to the model (lambda = 1): for z = -10 polyanions ln g reaches -45 at I = 0.5, and a direct start
// from the ideal balance would put them 10^10 too high.
bool SpeciationSolver::continuation() {
  if (activity_.model() == ActivityModel::ideal) {
    return newton();
  }
  gamma_scale_ = 0.0;
  if (!newton()) {
    gamma_scale_ = 1.0;
    return false;
  }
  Vector x_saved = x_;
  Vector n_saved = n_;
  double y_saved = y_;
  double lambda = 0.0;
  double step = 0.25;
  while (lambda < 1.0) {
    const double trial = std::min(1.0, lambda + step);
    gamma_scale_ = trial;
    if (newton()) {
      lambda = trial;
      x_saved = x_;
      n_saved = n_;
      y_saved = y_;
      step = std::min(2.0 * step, 1.0);
    } else {
      x_ = x_saved;
      n_ = n_saved;
      y_ = y_saved;
      step *= 0.25;
      if (step < 1e-3) {
        gamma_scale_ = 1.0;
        return false;
      }
    }
  }
  gamma_scale_ = 1.0;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Driver.

void SpeciationSolver::solve(const Vector& totals, double temperature, SpeciationResult& state) {
  prepare(totals, temperature);
  const ChemicalSystem& sys = *system_;
  const std::size_t nc = sys.num_components();
  const std::size_t nm = sys.num_minerals();
  const Matrix& mnu = sys.mineral_stoichiometry();

  // Warm start only from a converged state of the same system.
  Vector ln_c(static_cast<Eigen::Index>(nc));
  bool warm = state.system == system_ &&
              state.ln_component_molality.size() == static_cast<Eigen::Index>(nc) &&
              std::isfinite(state.ln_ionic_strength);
  if (warm) {
    ln_c = state.ln_component_molality;
  }
  double warm_y = state.ln_ionic_strength;
  Vector warm_amount = warm && state.mineral_amount.size() == static_cast<Eigen::Index>(nm)
                           ? state.mineral_amount
                           : Vector(Vector::Zero(static_cast<Eigen::Index>(nm)));
  std::vector<bool> exhausted(nm, false);
  iterations_ = 0;
  bool used_warm = false;

  for (std::size_t attempt = 0; attempt <= nm; ++attempt) {
    // Active sets for this attempt.
    component_active_.assign(nc, false);
    for (std::size_t j = 0; j < nc; ++j) {
      component_active_[j] = constraint_[j] != Constraint::total ||
                             totals_[static_cast<Eigen::Index>(j)] != 0.0 || can_be_negative_[j];
    }
    for (std::size_t p = 0; p < nm; ++p) {
      if (mineral_equilibrium_[p] && !exhausted[p]) {
        for (std::size_t j = 0; j < nc; ++j) {
          if (mnu(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(j)) != 0.0) {
            component_active_[j] = true;
          }
        }
      }
    }
    active_components_.clear();
    component_row_.assign(nc, -1);
    for (std::size_t j = 0; j < nc; ++j) {
      if (component_active_[j]) {
        component_row_[j] = static_cast<Eigen::Index>(active_components_.size());
        active_components_.push_back(j);
      }
    }
    active_species_.clear();
    m_.setZero();
    ln_m_.setConstant(-infinity);
    g_.setZero();
    for (std::size_t i = 0; i < sys.num_species(); ++i) {
      if (!contains_inactive(sys.species_terms(i), component_active_)) {
        active_species_.push_back(i);
      }
    }
    active_minerals_.clear();
    for (std::size_t p = 0; p < nm; ++p) {
      if (mineral_equilibrium_[p] && !exhausted[p]) {
        active_minerals_.push_back(p);
      }
    }
    const auto nb = static_cast<Eigen::Index>(active_components_.size());
    const auto np = static_cast<Eigen::Index>(active_minerals_.size());
    x_.resize(nb);
    n_.resize(np);
    residual_.resize(nb + np + 1);
    scale_.resize(nb + np + 1);
    step_.resize(nb + np + 1);

    bool ok = false;
    bool warm_now = warm;
    if (warm_now) {
      for (Eigen::Index r = 0; r < nb; ++r) {
        const double v = ln_c[static_cast<Eigen::Index>(active_components_[static_cast<std::size_t>(r)])];
        warm_now = warm_now && std::isfinite(v);
        x_[r] = std::isfinite(v) ? v : 0.0;
      }
      for (Eigen::Index q = 0; q < np; ++q) {
        n_[q] = warm_amount[static_cast<Eigen::Index>(active_minerals_[static_cast<std::size_t>(q)])];
      }
      y_ = warm_y;
    }
    if (warm_now) {
      m_lag_.setZero();
      ln_aw_ = 0.0;
      ok = newton();
      used_warm = used_warm || ok;
    }
    if (!ok) {
      cold_start();
      ok = continuation();
    }
    if (!ok) {
      fail(warm_now ? "warm and cold starts both failed" : "cold start failed");
    }

    // Minerals that would dissolve more than is available: dissolve all of it and solve again.
    bool changed = false;
    for (Eigen::Index q = 0; q < np; ++q) {
      const std::size_t p = active_minerals_[static_cast<std::size_t>(q)];
      const auto pp = static_cast<Eigen::Index>(p);
      mineral_amount_[pp] = n_[q];
      if (n_[q] < -mineral_available_[pp]) {
        exhausted[p] = true;
        mineral_amount_[pp] = -mineral_available_[pp];
        totals_ += mineral_available_[pp] * mnu.row(pp).transpose();
        changed = true;
      }
    }
    ln_c.setConstant(-infinity);
    for (Eigen::Index r = 0; r < nb; ++r) {
      ln_c[static_cast<Eigen::Index>(active_components_[static_cast<std::size_t>(r)])] = x_[r];
    }
    warm_y = y_;
    warm_amount = mineral_amount_;
    warm = true;
    if (!changed) {
      break;
    }
  }
  fill_result(state);
  state.ln_component_molality = ln_c;
  state.warm_started = used_warm;
}

SpeciationResult SpeciationSolver::solve(const Vector& totals, double temperature) {
  SpeciationResult result;
  solve(totals, temperature, result);
  return result;
}

SpeciationResult SpeciationSolver::solve(const std::map<std::string, double>& totals, double temperature) {
  return solve(system_->totals(totals), temperature);
}

void SpeciationSolver::fill_result(SpeciationResult& state) const {
  const ChemicalSystem& sys = *system_;
  const Vector& z = sys.charges();
  const auto nm = static_cast<Eigen::Index>(sys.num_minerals());
  state.system = system_;
  state.temperature = temperature_;
  state.molality = m_;
  state.activity_coefficient = ln_gamma_.array().exp();
  state.activity = state.activity_coefficient.cwiseProduct(m_);
  const auto h = static_cast<Eigen::Index>(h_index_);
  state.ph = -(ln_m_[h] + ln_gamma_[h]) / ln10;
  state.ionic_strength = 0.5 * (z.array().square() * m_.array()).sum();
  state.charge_imbalance = z.dot(m_);
  state.water_activity = std::exp(ln_aw_);
  const double total = m_.sum();
  state.osmotic_coefficient = total > 0.0 ? -ln_aw_ / (water_molar_mass * total) : 1.0;
  state.saturation_index.resize(nm);
  const Matrix& mnu = sys.mineral_stoichiometry();
  for (Eigen::Index p = 0; p < nm; ++p) {
    double si = mineral_ln_k_[p] + sys.mineral_water_stoichiometry()[p] * ln_aw_;
    for (Eigen::Index j = 0; j < mnu.cols(); ++j) {
      const double nu = mnu(p, j);
      if (nu != 0.0) {
        si +=
            component_active_[static_cast<std::size_t>(j)] ? nu * (ln_m_[j] + ln_gamma_[j]) : -nu * infinity;
      }
    }
    state.saturation_index[p] = si / ln10;
  }
  state.mineral_amount = mineral_amount_;
  state.iterations = iterations_;
  state.ln_ionic_strength = y_;
}

std::string SpeciationSolver::row_name(Eigen::Index row) const {
  const ChemicalSystem& sys = *system_;
  const auto nb = static_cast<Eigen::Index>(active_components_.size());
  const auto np = static_cast<Eigen::Index>(active_minerals_.size());
  if (row < nb) {
    const std::size_t j = active_components_[static_cast<std::size_t>(row)];
    const std::string& name = sys.component_names()[j];
    switch (constraint_[j]) {
      case Constraint::total:
        return "total[" + name + "]";
      case Constraint::charge_balance:
        return "charge_balance[" + name + "]";
      case Constraint::activity:
        return "activity[" + name + "]";
    }
  }
  if (row < nb + np) {
    return "saturation[" + sys.mineral_names()[active_minerals_[static_cast<std::size_t>(row - nb)]] + "]";
  }
  return "ionic_strength";
}

void SpeciationSolver::fail(const std::string& why) const {
  std::vector<ComponentError> rows;
  for (Eigen::Index r = 0; r < residual_.size(); ++r) {
    const double v = std::abs(residual_[r]) / scale_[r];
    rows.push_back({row_name(r), std::isfinite(v) ? v : std::numeric_limits<double>::max()});
  }
  std::sort(rows.begin(), rows.end(), [](const ComponentError& a, const ComponentError& b) {
    return a.weighted_error > b.weighted_error;
  });
  if (rows.size() > 3) {
    rows.resize(3);
  }
  std::string message = "speciation did not converge at " + number(temperature_) + " K (" + why + ")";
  if (!rows.empty()) {
    message += ": " + rows.front().name + " has relative residual " + number(rows.front().weighted_error);
  }
  SolverError::Details details;
  details.solver = "speciation";
  details.flag = "SPECIATION_NO_CONVERGENCE";
  details.time = std::numeric_limits<double>::quiet_NaN();
  details.worst_components = std::move(rows);
  throw SolverError(message, std::move(details));
}

}  // namespace hydromet
