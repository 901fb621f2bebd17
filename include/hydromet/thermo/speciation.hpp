// Speciation: molalities, activities, pH and ionic strength of an aqueous solution from component
// totals, with fixed activities, charge balance and mineral equilibria (SpeciationSolver).
#pragma once

#include <Eigen/LU>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hydromet/core/types.hpp"
#include "hydromet/thermo/activity.hpp"
#include "hydromet/thermo/chemical_system.hpp"

namespace hydromet {

/// What the solver holds fixed. Plain struct; every field has a working default.
struct SpeciationOptions {
  ActivityModel activity_model = ActivityModel::davies;
  /// Component whose free molality is adjusted so that sum z_i m_i = 0 (its total is then ignored);
  /// "" for none. Ignored when that component's activity is fixed (e.g. H+ with `ph`).
  std::string charge_balance = "H+";
  /// Fixes a(H+) = 10^-pH instead of H+'s total or the charge balance.
  std::optional<double> ph;
  /// Fixes log10 activity of components (name -> log10 a), e.g. {"CO3-2", -5.0}.
  std::map<std::string, double> log_activity;
  /// Minerals of the system held at saturation (SI = 0): they dissolve or precipitate as needed.
  std::vector<std::string> equilibrium_minerals;
  /// Largest amount of an equilibrium mineral that can dissolve [mol/kg water]; absent = unlimited.
  /// A mineral that would dissolve more is dissolved completely and left undersaturated.
  std::map<std::string, double> mineral_available;
  /// Convergence: largest residual relative to its scale (component total, sum |z| m, or ln units).
  double tolerance = 1e-12;
  int max_iterations = 100;
  /// Use log K outside each reaction's valid temperature range instead of throwing InputError.
  bool allow_extrapolation = false;
};

/// The speciated solution. Vectors are indexed as ChemicalSystem::species_names() / mineral_names().
/// Also the warm start of the next solve (SpeciationSolver::solve(totals, T, state)).
struct SpeciationResult {
  double temperature = 0.0;          ///< [K]
  double ph = 7.0;                   ///< -log10 a(H+)
  double ionic_strength = 0.0;       ///< I = 1/2 sum z_i^2 m_i [mol/kg]
  double charge_imbalance = 0.0;     ///< sum z_i m_i [eq/kg water]
  double water_activity = 1.0;       ///< a_w [-]
  double osmotic_coefficient = 1.0;  ///< phi = -ln a_w / (M_w sum m_i) [-]
  Vector molality;                   ///< [mol/kg water]; 0 for species of absent components
  Vector activity;                   ///< [-]
  Vector activity_coefficient;       ///< molal gamma [-]
  /// log10(IAP/Ksp) of every mineral; -infinity when a component of the mineral is absent.
  Vector saturation_index;
  /// Mineral formed per kg water [mol/kg] by the equilibrium (negative: dissolved); 0 if not equilibrated.
  Vector mineral_amount;
  int iterations = 0;         ///< Newton iterations of the last solve
  bool warm_started = false;  ///< whether the last solve started from the previous state

  std::shared_ptr<const ChemicalSystem> system;  ///< for the name look-ups below

  [[nodiscard]] double molality_of(std::string_view species) const;
  [[nodiscard]] double activity_of(std::string_view species) const;  ///< "H2O" gives a_w
  [[nodiscard]] double activity_coefficient_of(std::string_view species) const;
  [[nodiscard]] double saturation_index_of(std::string_view mineral) const;
  /// Amount of the mineral dissolved [mol/kg water] (= -mineral_amount).
  [[nodiscard]] double dissolved(std::string_view mineral) const;

  // Solver state (ln of component molalities, ln I) kept for warm starts.
  Vector ln_component_molality;
  double ln_ionic_strength = 0.0;
};

/// Newton-Raphson on ln(molality) of the components and ln I (activity coefficients included in the
/// Jacobian through I; SIT specific terms and a_w lagged one iteration), with a backtracking line
/// search and step limiting; cold starts are prepared by positive continued-fraction sweeps
/// (docs/models/speciation.md). Not thread-safe: one solver per thread; the system may be shared.
class SpeciationSolver {
 public:
  explicit SpeciationSolver(std::shared_ptr<const ChemicalSystem> system, SpeciationOptions options = {});

  [[nodiscard]] const ChemicalSystem& system() const { return *system_; }
  [[nodiscard]] const SpeciationOptions& options() const { return options_; }
  /// Replaces the options (validated: unknown names are InputErrors).
  void set_options(SpeciationOptions options);
  /// Fixes pH (or changes the fixed value) without rebuilding anything else.
  void set_ph(double ph);

  /// Solves for component totals [mol/kg water] (system component order; entries of components whose
  /// activity is fixed or that close the charge balance are ignored) at temperature [K]. `state` is the
  /// warm start when it holds a solution of this system, and receives the result.
  /// Throws InputError for invalid input and SolverError naming the constraint that did not converge.
  void solve(const Vector& totals, double temperature, SpeciationResult& state);
  [[nodiscard]] SpeciationResult solve(const Vector& totals, double temperature);
  [[nodiscard]] SpeciationResult solve(const std::map<std::string, double>& totals, double temperature);

 private:
  enum class Constraint { total, charge_balance, activity };

  void compile();
  void prepare(const Vector& totals, double temperature);
  void cold_start();
  bool newton();
  bool continuation();
  void continued_fraction_sweeps(int sweeps);
  void evaluate_species();
  void evaluate_residual();
  void update_lagged();
  double merit() const;
  void fill_result(SpeciationResult& state) const;
  [[noreturn]] void fail(const std::string& why) const;
  [[nodiscard]] std::string row_name(Eigen::Index row) const;

  std::shared_ptr<const ChemicalSystem> system_;
  SpeciationOptions options_;
  ActivityCalculator activity_;

  // Compiled options.
  std::vector<Constraint> constraint_;  // per component
  Vector target_ln_activity_;           // per component (activity constraints)
  std::vector<bool> mineral_equilibrium_;
  Vector mineral_available_;
  std::vector<bool> can_be_negative_;  // a component whose total may be < 0 (e.g. H+ in OH-)
  std::size_t h_index_ = 0;

  // Per-solve data.
  double temperature_ = -1.0;
  double ln_k_temperature_ = -1.0;
  bool ln_k_extrapolated_ = false;
  Vector ln_k_;
  Vector mineral_ln_k_;
  Vector totals_;
  std::vector<std::size_t> active_components_;
  std::vector<std::size_t> active_species_;
  std::vector<std::size_t> active_minerals_;  // equilibrium minerals in the unknowns
  std::vector<Eigen::Index> component_row_;   // component -> row/column, -1 when inactive
  std::vector<bool> component_active_;
  std::vector<bool> pinned_;  // cold start: components held at a mineral's saturation

  // Unknowns: x (ln m of active components), n (active mineral amounts), y = ln I.
  Vector x_;
  Vector n_;
  double y_ = 0.0;
  Vector mineral_amount_;  // all minerals, [mol/kg]

  // Work arrays (sized once per system).
  Vector ln_m_;
  Vector m_;
  Vector m_lag_;
  Vector ln_gamma_;
  Vector dln_gamma_;
  Vector g_;  // d ln m_i / d ln I
  double ln_aw_ = 0.0;
  double half_z2m_ = 1.0;     // sum z^2 m / 2 at the last residual evaluation
  double gamma_scale_ = 1.0;  // continuation parameter lambda in ln g(lambda) = lambda ln g
  Vector residual_;
  Vector scale_;
  Matrix jacobian_;
  Vector step_;
  Eigen::PartialPivLU<Matrix> lu_;
  int iterations_ = 0;
};

}  // namespace hydromet
