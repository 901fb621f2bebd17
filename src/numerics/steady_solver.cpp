// SteadySolver: KINSOL Newton on f(y) = 0, with pseudo-transient continuation as the fallback.
#include "hydromet/numerics/steady_solver.hpp"

#include <kinsol/kinsol.h>
#include <kinsol/kinsol_ls.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>
#include <string>

#include "hydromet/core/error.hpp"
#include "numerics/solver_support.hpp"
#include "numerics/sundials_compat.hpp"
#include "numerics/sundials_wrappers.hpp"

namespace hydromet::numerics {

namespace {

using sundials::Package;

constexpr double not_a_time = std::numeric_limits<double>::quiet_NaN();

// Consecutive rejected pseudo steps (each quartering Δt) before giving up: Δt shrinks by 4^20 ≈ 1e12.
constexpr int max_consecutive_rejections = 20;

// After a failed linear-solver setup: names the rows and columns of the Newton matrix that are entirely zero
// (the usual reason a factorisation fails), e.g. a species no equation of the unit determines.
std::string describe_zero_lines(SUNMatrix matrix, const SemiExplicitSystem& system) {
  const auto n = static_cast<std::size_t>(SUNMatGetID(matrix) == SUNMATRIX_SPARSE ? SM_COLUMNS_S(matrix)
                                                                                  : SM_COLUMNS_D(matrix));
  std::vector<bool> row_used(n, false);
  std::vector<bool> column_used(n, false);
  if (SUNMatGetID(matrix) == SUNMATRIX_SPARSE) {
    const sunindextype* starts = SM_INDEXPTRS_S(matrix);
    const sunindextype* rows = SM_INDEXVALS_S(matrix);
    const double* values = SM_DATA_S(matrix);
    for (std::size_t j = 0; j < n; ++j) {
      for (auto k = starts[j]; k < starts[j + 1]; ++k) {
        if (values[k] != 0.0) {
          row_used[static_cast<std::size_t>(rows[k])] = true;
          column_used[j] = true;
        }
      }
    }
  } else {
    for (std::size_t j = 0; j < n; ++j) {
      for (std::size_t i = 0; i < n; ++i) {
        if (SM_ELEMENT_D(matrix, static_cast<sunindextype>(i), static_cast<sunindextype>(j)) != 0.0) {
          row_used[i] = true;
          column_used[j] = true;
        }
      }
    }
  }
  std::ostringstream text;
  const auto list = [&](const std::vector<bool>& used, const char* what) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!used[i]) {
        if (count < 5) {
          text << (count == 0 ? std::string("; zero ") + what + ": " : std::string(", "))
               << system.component_name(i);
        }
        ++count;
      }
    }
    if (count > 5) {
      text << " and " << count - 5 << " more";
    }
  };
  list(row_used, "equations (rows)");
  list(column_used, "unknowns (columns)");
  return text.str();
}

void check_scale(const std::vector<double>& scale, std::size_t n, const char* name) {
  if (scale.empty()) {
    return;
  }
  if (scale.size() != n) {
    throw Error(std::string("SteadyOptions: ") + name + " has " + std::to_string(scale.size()) +
                " entries for " + std::to_string(n) + " unknowns");
  }
  if (std::any_of(scale.begin(), scale.end(), [](double s) { return !(s > 0.0) || !std::isfinite(s); })) {
    throw Error(std::string("SteadyOptions: ") + name + " entries must be positive and finite");
  }
}

void validate(const SteadyOptions& options, std::size_t n) {
  const auto fail = [](const std::string& what) { throw Error("SteadyOptions: " + what); };
  if (!(options.ftol > 0.0)) {
    fail("ftol must be positive");
  }
  if (!(options.step_tolerance >= 0.0)) {
    fail("step_tolerance must be >= 0");
  }
  check_scale(options.f_scale, n, "f_scale");
  check_scale(options.y_scale, n, "y_scale");
  if (!options.constraints.empty() && options.constraints.size() != n) {
    fail("constraints has " + std::to_string(options.constraints.size()) + " entries for " +
         std::to_string(n) + " unknowns");
  }
  if (options.max_iterations <= 0 || options.max_pseudo_steps < 0) {
    fail("max_iterations must be positive and max_pseudo_steps >= 0");
  }
  if (!(options.pseudo_initial_step >= 0.0) || !(options.pseudo_max_step >= 0.0) ||
      !(options.pseudo_max_growth > 1.0)) {
    fail("pseudo_initial_step and pseudo_max_step must be >= 0 and pseudo_max_growth > 1");
  }
}

// KINSOL's encoding of a constraint.
double constraint_code(Constraint constraint) {
  switch (constraint) {
    case Constraint::none:
      return 0.0;
    case Constraint::non_negative:
      return 1.0;
    case Constraint::positive:
      return 2.0;
    case Constraint::non_positive:
      return -1.0;
    case Constraint::negative:
      return -2.0;
  }
  return 0.0;
}

bool satisfies(Constraint constraint, double value) {
  switch (constraint) {
    case Constraint::none:
      return !std::isnan(value);
    case Constraint::non_negative:
      return value >= 0.0;
    case Constraint::positive:
      return value > 0.0;
    case Constraint::non_positive:
      return value <= 0.0;
    case Constraint::negative:
      return value < 0.0;
  }
  return false;
}

}  // namespace

struct SteadySolver::Impl {
  Impl(SemiExplicitSystem& system, SteadyOptions options);

  // SUNDIALS callbacks: C signatures, never throw (see detail::CallbackGuard).
  static int system_function(N_Vector u, N_Vector g, void* data);
  static int jacobian_function(N_Vector u, N_Vector g, SUNMatrix matrix, void* data, N_Vector, N_Vector);

  SteadyResult solve(std::span<const double> guess);
  // One KINSOL solve from y_ (in place): on f (pseudo_ false) or on the implicit Euler step.
  int run_kinsol();
  // The Jacobian's structure and colouring, the matrix, the linear solver and KINSOL, set up on first need:
  // a guess that already satisfies f (a re-solve, a cascade's own steady guess) needs none of them.
  void prepare_kinsol();
  // f at y into f_ and its norms into the result.
  void measure(std::span<const double> y, SteadyResult& result);
  // Newton on f from y_; true when converged to ftol.
  bool newton(SteadyResult& result);
  // One more Newton correction from the converged y_ with the last factorised Jacobian, kept if it does not
  // raise the scaled residual (see the definition).
  void refine(SteadyResult& result);
  double automatic_initial_step(std::span<const double> y);
  [[noreturn]] void fail_wall_clock(int flag);
  void check(int flag, const char* call) const;

  SemiExplicitSystem& system_;
  SteadyOptions options_;
  std::size_t n_;
  std::vector<double> mass_;
  detail::CallbackGuard guard_;
  std::optional<detail::JacobianAssembler> jacobian_;
  std::vector<double> jacobian_values_;
  std::vector<double> f_;        // f at the latest measured point
  std::vector<double> f0_work_;  // f rebuilt from the pseudo-step residual
  std::vector<double> weights_;  // finite-difference weights: the y scale
  sundials::ErrorLog log_;
  // Members are destroyed in reverse order: the solver memory first, the context last.
  sundials::Context context_;
  sundials::SerialVector y_;
  sundials::SerialVector y_scale_;
  sundials::SerialVector f_scale_;
  sundials::SerialVector constraints_;
  sundials::Matrix matrix_;
  sundials::LinearSolver linear_solver_;
  sundials::SolverMemory memory_;

  // Pseudo-transient state seen by the callbacks.
  bool pseudo_ = false;
  double dt_ = 1.0;
  std::vector<double> y_old_;
  sundials::SerialVector correction_;  // refine(): -f, the Newton correction, then the refined point

  long evaluations_ = 0;
  long jacobian_evaluations_ = 0;
  long iterations_ = 0;
  int last_flag_ = 0;
  std::string last_failure_;  // diagnostics of the latest failed KINSOL solve
};

int SteadySolver::Impl::system_function(N_Vector u, N_Vector g, void* data) {
  auto& impl = *static_cast<Impl*>(data);
  return impl.guard_.run([&] {
    const auto y = sundials::values_of(u);
    const auto residual = sundials::values_of(g);
    ++impl.evaluations_;
    impl.system_.evaluate(impl.options_.time, y, residual);
    if (impl.pseudo_) {
      const double inverse_dt = 1.0 / impl.dt_;
      for (std::size_t i = 0; i < residual.size(); ++i) {
        residual[i] -= impl.mass_[i] * (y[i] - impl.y_old_[i]) * inverse_dt;
      }
    }
  });
}

// Newton: J = df/dy. Pseudo step: J = df/dy − M/Δt.
int SteadySolver::Impl::jacobian_function(N_Vector u, N_Vector g, SUNMatrix matrix, void* data, N_Vector,
                                          N_Vector) {
  auto& impl = *static_cast<Impl*>(data);
  return impl.guard_.run([&] {
    ++impl.jacobian_evaluations_;
    const auto y = sundials::values_of(u);
    std::span<const double> f0 = sundials::values_of(g);
    const double inverse_dt = 1.0 / impl.dt_;
    if (impl.pseudo_) {
      // g = f − M·(y − y_old)/Δt, so f costs no evaluation.
      for (std::size_t i = 0; i < impl.n_; ++i) {
        impl.f0_work_[i] = f0[i] + impl.mass_[i] * (y[i] - impl.y_old_[i]) * inverse_dt;
      }
      f0 = impl.f0_work_;
    }
    auto& values = impl.jacobian_values_;
    const DifferenceScaling scaling{impl.weights_};
    impl.evaluations_ +=
        static_cast<long>(impl.jacobian_->compute(impl.options_.time, y, f0, scaling, values));
    if (impl.pseudo_) {
      const auto diagonal = impl.jacobian_->diagonal();
      for (std::size_t j = 0; j < diagonal.size(); ++j) {
        values[diagonal[j]] -= impl.mass_[j] * inverse_dt;
      }
    }
    sundials::store_matrix(impl.jacobian_->pattern(), values, matrix);
  });
}

SteadySolver::Impl::Impl(SemiExplicitSystem& system, SteadyOptions options)
    : system_(system),
      options_(std::move(options)),
      n_(system.size()),
      guard_(options_.wall_clock_limit),
      f_(n_),
      f0_work_(n_),
      weights_(n_, 1.0),
      y_old_(n_) {
  if (n_ == 0) {
    throw Error("SteadySolver: the system has no unknowns");
  }
  validate(options_, n_);
  const std::vector<bool> differential = system.differential_rows();
  if (differential.size() != n_) {
    throw Error("SteadySolver: differential_rows() has " + std::to_string(differential.size()) +
                " entries for a system of size " + std::to_string(n_));
  }
  mass_.resize(n_);
  for (std::size_t i = 0; i < n_; ++i) {
    mass_[i] = differential[i] ? 1.0 : 0.0;
  }
  if (!options_.y_scale.empty()) {
    weights_ = options_.y_scale;
  }

  const SUNContext ctx = context_.get();
  y_ = sundials::SerialVector(n_, ctx);
  y_scale_ = sundials::SerialVector(weights_, ctx);
  f_scale_ = sundials::SerialVector(n_, ctx);
  correction_ = sundials::SerialVector(n_, ctx);
  if (options_.f_scale.empty()) {
    std::fill(f_scale_.values().begin(), f_scale_.values().end(), 1.0);
  } else {
    f_scale_.assign(options_.f_scale);
  }
}

void SteadySolver::Impl::prepare_kinsol() {
  if (memory_.get() != nullptr) {
    return;
  }
  jacobian_.emplace(system_);
  jacobian_values_.assign(jacobian_->pattern().nonzeros(), 0.0);
  const SUNContext ctx = context_.get();
  const bool dense = detail::use_dense(options_.linear_solver, n_, options_.dense_limit);
  matrix_ = dense ? sundials::Matrix::dense(n_, ctx) : sundials::Matrix::sparse(jacobian_->pattern(), ctx);
  linear_solver_ = dense ? sundials::LinearSolver::dense(y_.get(), matrix_.get(), ctx)
                         : sundials::LinearSolver::klu(y_.get(), matrix_.get(), ctx);

  memory_ = sundials::SolverMemory(Package::kinsol, ctx);
  void* mem = memory_.get();
  check(sundials::attach_error_log(Package::kinsol, mem, ctx, &log_), "attach_error_log");
  check(KINInit(mem, system_function, y_.get()), "KINInit");
  check(KINSetUserData(mem, this), "KINSetUserData");
  check(KINSetLinearSolver(mem, linear_solver_.get(), matrix_.get()), "KINSetLinearSolver");
  check(KINSetJacFn(mem, jacobian_function), "KINSetJacFn");
  check(KINSetFuncNormTol(mem, options_.ftol), "KINSetFuncNormTol");
  if (options_.step_tolerance > 0.0) {
    check(KINSetScaledStepTol(mem, options_.step_tolerance), "KINSetScaledStepTol");
  }
  check(KINSetNumMaxIters(mem, options_.max_iterations), "KINSetNumMaxIters");
  // A fresh Jacobian every iteration: robust full Newton; the FD Jacobian is cheap when coloured.
  check(KINSetMaxSetupCalls(mem, 1), "KINSetMaxSetupCalls");
  if (!options_.constraints.empty()) {
    constraints_ = sundials::SerialVector(n_, ctx);
    const auto codes = constraints_.values();
    for (std::size_t i = 0; i < n_; ++i) {
      codes[i] = constraint_code(options_.constraints[i]);
    }
    check(KINSetConstraints(mem, constraints_.get()), "KINSetConstraints");
  }
}

void SteadySolver::Impl::check(int flag, const char* call) const {
  if (flag < 0) {
    std::string message = std::string(call) + " failed";
    if (!log_.last_error.empty()) {
      message += ": " + log_.last_error;
    }
    throw SolverError(
        message, SolverError::Details{"KINSOL", sundials::flag_name(Package::kinsol, flag), not_a_time, {}});
  }
}

int SteadySolver::Impl::run_kinsol() {
  prepare_kinsol();
  void* mem = memory_.get();
  log_.clear();
  guard_.clear_recoverable();
  const int flag = KINSol(mem, y_.get(), KIN_LINESEARCH, y_scale_.get(), f_scale_.get());
  long iterations = 0;
  if (KINGetNumNonlinSolvIters(mem, &iterations) == KIN_SUCCESS) {
    iterations_ += iterations;
  }
  guard_.rethrow_pending();
  if (guard_.wall_clock_exceeded()) {
    fail_wall_clock(flag);
  }
  last_flag_ = flag;
  if (flag < 0) {
    std::ostringstream failure;
    failure << sundials::flag_name(Package::kinsol, flag);
    if (!log_.last_error.empty()) {
      failure << ": " << log_.last_error;
    }
    if (!guard_.last_recoverable().empty()) {
      failure << "; last recoverable error from the model: " << guard_.last_recoverable();
    }
    if (flag == KIN_LSETUP_FAIL) {
      failure << describe_zero_lines(matrix_.get(), system_);
      if (SUNMatGetID(matrix_.get()) == SUNMATRIX_SPARSE) {
        const auto* common = SUNLinSol_KLUGetCommon(linear_solver_.get());
        if (common != nullptr && common->singular_col >= 0 &&
            static_cast<std::size_t>(common->singular_col) < n_) {
          failure << "; KLU found the matrix singular at the column of "
                  << system_.component_name(static_cast<std::size_t>(common->singular_col));
        }
      }
    }
    last_failure_ = failure.str();
  }
  return flag;
}

void SteadySolver::Impl::measure(std::span<const double> y, SteadyResult& result) {
  ++evaluations_;
  system_.evaluate(options_.time, y, f_);
  result.residual_norm = detail::max_norm(f_);
  result.scaled_residual_norm = detail::max_norm(f_, f_scale_.values());
}

bool SteadySolver::Impl::newton(SteadyResult& result) {
  pseudo_ = false;
  const long jacobians_before = jacobian_evaluations_;
  const int flag = run_kinsol();
  measure(y_.values(), result);
  // A guess already within ftol (but above the 0.01 ftol KINSOL accepts at once) leaves the line search no
  // step to take: KINSOL reports a failure at a converged point.
  if (result.scaled_residual_norm <= options_.ftol) {
    if (flag >= 0 && jacobian_evaluations_ > jacobians_before) {
      refine(result);  // with this solve's factorisation of J
    }
    return true;
  }
  if (flag < 0) {
    return false;
  }
  // KIN_STEP_LT_STPTOL: stalled short of ftol.
  last_failure_ = sundials::flag_name(Package::kinsol, flag) + ": Newton stalled at scaled residual " +
                  std::to_string(result.scaled_residual_norm);
  return false;
}

// KINSOL stops once the scaled residual is within ftol, so a component far below its scale (the raffinate of
// a deep extraction cascade, 1e-12 of the feed) keeps the rounding of the elimination order: 1e-9 relative
// with one KLU ordering, 2e-10 with another, on the 500-stage Kremser profile. One more correction with the
// factors at hand is iterative refinement: it recovers such components to the rounding of f, for one residual
// and one triangular solve.
void SteadySolver::Impl::refine(SteadyResult& result) {
  const auto y = y_.values();
  const auto refined = correction_.values();
  std::transform(f_.begin(), f_.end(), refined.begin(), [](double f) { return -f; });
  if (SUNLinSolSolve(linear_solver_.get(), matrix_.get(), correction_.get(), correction_.get(), 0.0) != 0) {
    return;
  }
  for (std::size_t i = 0; i < n_; ++i) {
    refined[i] += y[i];  // the correction becomes the refined point
    if (!options_.constraints.empty() && !satisfies(options_.constraints[i], refined[i])) {
      return;
    }
  }
  SteadyResult trial;
  measure(refined, trial);
  if (trial.scaled_residual_norm <= result.scaled_residual_norm) {
    y_.assign(refined);
    result.residual_norm = trial.residual_norm;
    result.scaled_residual_norm = trial.scaled_residual_norm;
  } else {
    measure(y, result);  // f_ back to the kept point
  }
}

// Δt for which the fastest differential row changes by 1% of its size (or of 1/y_scale near 0).
double SteadySolver::Impl::automatic_initial_step(std::span<const double> y) {
  double dt = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n_; ++i) {
    if (mass_[i] > 0.0 && f_[i] != 0.0) {
      const double size = std::max(std::abs(y[i]), 1.0 / weights_[i]);
      dt = std::min(dt, 0.01 * size / std::abs(f_[i]));
    }
  }
  return std::isfinite(dt) && dt > 0.0 ? dt : 1.0;
}

void SteadySolver::Impl::fail_wall_clock(int flag) {
  std::ostringstream message;
  message << "wall-clock limit of " << guard_.wall_clock_limit() << " s exceeded (" << guard_.elapsed()
          << " s elapsed)";
  throw SolverError(message.str(), SolverError::Details{
                                       "KINSOL", sundials::flag_name(Package::kinsol, flag), not_a_time, {}});
}

SteadyResult SteadySolver::Impl::solve(std::span<const double> guess) {
  if (guess.size() != n_) {
    throw Error("SteadySolver::solve: guess has " + std::to_string(guess.size()) +
                " entries for a system of size " + std::to_string(n_));
  }
  for (std::size_t i = 0; i < options_.constraints.size(); ++i) {
    if (!satisfies(options_.constraints[i], guess[i])) {
      throw Error("SteadySolver::solve: the guess " + system_.component_name(i) + " = " +
                  std::to_string(guess[i]) + " violates its constraint");
    }
  }
  guard_.restart_clock();
  evaluations_ = 0;
  jacobian_evaluations_ = 0;
  iterations_ = 0;
  last_failure_.clear();

  SteadyResult result;
  const auto finish = [&](bool converged, std::string method, std::span<const double> y) {
    result.converged = converged;
    result.method = std::move(method);
    result.y.assign(y.begin(), y.end());
    result.iterations = iterations_;
    result.rhs_evaluations = evaluations_;
    result.jacobian_evaluations = jacobian_evaluations_;
    result.jacobian_colours = jacobian_ && !jacobian_->analytic() ? jacobian_->colours() : 0;
    result.flag = sundials::flag_name(Package::kinsol, last_flag_);
    return result;
  };

  std::string newton_failure;
  if (!options_.force_pseudo_transient) {
    y_.assign(guess);
    // KINSOL's own first test (KIN_INITIAL_GUESS_OK), made before anything is set up for Newton.
    measure(guess, result);
    if (result.scaled_residual_norm <= 0.01 * options_.ftol) {
      last_flag_ = KIN_INITIAL_GUESS_OK;
      return finish(true, "newton", y_.values());
    }
    if (newton(result)) {
      return finish(true, "newton", y_.values());
    }
    newton_failure = last_failure_;
  }

  // Pseudo-transient continuation from the guess (the failed Newton iterate may be far off).
  std::vector<double> y(guess.begin(), guess.end());
  SteadyResult current;
  measure(y, current);
  double residual = current.scaled_residual_norm;
  double residual_at_polish = residual;
  double dt = options_.pseudo_initial_step > 0.0 ? options_.pseudo_initial_step : automatic_initial_step(y);
  const double dt_max = options_.pseudo_max_step > 0.0 ? options_.pseudo_max_step : 1e300;
  dt = std::min(dt, dt_max);
  int rejections = 0;
  std::string stop_reason = "max_pseudo_steps = " + std::to_string(options_.max_pseudo_steps) + " reached";
  const bool pseudo_transient = options_.force_pseudo_transient || options_.pseudo_transient_fallback;
  const long max_steps = pseudo_transient ? options_.max_pseudo_steps : 0;
  for (long step = 0; step < max_steps; ++step) {
    if (guard_.wall_clock_limit() > 0.0 && guard_.elapsed() > guard_.wall_clock_limit()) {
      fail_wall_clock(last_flag_);
    }
    std::copy(y.begin(), y.end(), y_old_.begin());
    y_.assign(y);
    pseudo_ = true;
    dt_ = dt;
    const long iterations_before = iterations_;
    if (run_kinsol() < 0) {
      if (++rejections > max_consecutive_rejections) {
        stop_reason = "dt fell to " + std::to_string(dt) + " s after repeated step failures";
        break;
      }
      dt *= 0.25;
      continue;
    }
    rejections = 0;
    const auto solved = y_.values();
    y.assign(solved.begin(), solved.end());
    ++result.pseudo_steps;
    measure(y, current);
    const double previous = residual;
    residual = current.scaled_residual_norm;
    if (!std::isfinite(residual)) {
      stop_reason = "the residual became non-finite";
      break;
    }
    // Switched evolution relaxation: Δt grows as the residual falls (Mulder & van Leer 1985).
    // A step that took KINSOL at most two iterations was easy: grow Δt by at least 2 even while
    // the residual rises, so that a transient through a hump does not crawl.
    double growth = residual > 0.0 ? previous / residual : options_.pseudo_max_growth;
    if (iterations_ - iterations_before <= 2) {
      growth = std::max(growth, 2.0);
    }
    dt = std::min(dt * std::clamp(growth, 0.1, options_.pseudo_max_growth), dt_max);

    const bool last_step = step + 1 == max_steps;
    if (residual <= options_.ftol || residual <= 0.1 * residual_at_polish || last_step) {
      residual_at_polish = residual;
      y_.assign(y);
      SteadyResult polished;
      if (newton(polished)) {
        result.residual_norm = polished.residual_norm;
        result.scaled_residual_norm = polished.scaled_residual_norm;
        return finish(true, "pseudo-transient", y_.values());
      }
    }
  }

  // Not converged: report the latest pseudo-transient iterate (the guess when there is none).
  measure(y, result);
  const std::string flag = sundials::flag_name(Package::kinsol, last_flag_);
  finish(false, "", y);
  if (!options_.throw_on_failure) {
    return result;
  }
  std::vector<double> scaled(n_);
  const auto f_scale = f_scale_.values();
  for (std::size_t i = 0; i < n_; ++i) {
    scaled[i] = f_[i] * f_scale[i];
  }
  std::ostringstream message;
  message << "no steady state found: ";
  if (options_.force_pseudo_transient) {
    message << "Newton not tried (force_pseudo_transient)";
  } else {
    message << "Newton failed (" << newton_failure << ")";
  }
  if (pseudo_transient) {
    message << "; pseudo-transient continuation stopped after " << result.pseudo_steps << " steps ("
            << stop_reason << ")";
    if (!last_failure_.empty() && last_failure_ != newton_failure) {
      message << ", last KINSOL failure " << last_failure_;
    }
  }
  message << "; scaled residual " << result.scaled_residual_norm
          << " [components ranked by scaled residual |f_scale_i*f_i|]";
  throw SolverError(message.str(), SolverError::Details{"KINSOL", flag, not_a_time,
                                                        detail::worst_components(system_, scaled)});
}

SteadySolver::SteadySolver(SemiExplicitSystem& system, SteadyOptions options)
    : impl_(std::make_unique<Impl>(system, std::move(options))) {}

SteadySolver::~SteadySolver() = default;
SteadySolver::SteadySolver(SteadySolver&&) noexcept = default;
SteadySolver& SteadySolver::operator=(SteadySolver&&) noexcept = default;

SteadyResult SteadySolver::solve(std::span<const double> guess) { return impl_->solve(guess); }

const SteadyOptions& SteadySolver::options() const { return impl_->options_; }

}  // namespace hydromet::numerics
