// DynamicSolver: CVODES for ODEs, IDAS for semi-explicit DAEs, behind one interface.
#include "hydromet/numerics/dynamic_solver.hpp"

#include <cvodes/cvodes.h>
#include <cvodes/cvodes_ls.h>
#include <idas/idas.h>
#include <idas/idas_ls.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "hydromet/core/error.hpp"
#include "numerics/serial_kernels.hpp"
#include "numerics/solver_support.hpp"
#include "numerics/sundials_compat.hpp"
#include "numerics/sundials_wrappers.hpp"

namespace hydromet::numerics {

namespace {

using sundials::Package;
using sundials::Real;

void validate(const DynamicOptions& options, std::size_t n) {
  const auto fail = [](const std::string& what) { throw Error("DynamicOptions: " + what); };
  if (!(options.rtol >= 0.0) || !(options.atol >= 0.0)) {
    fail("rtol and atol must be >= 0");
  }
  if (!options.atol_components.empty()) {
    if (options.atol_components.size() != n) {
      fail("atol_components has " + std::to_string(options.atol_components.size()) + " entries for " +
           std::to_string(n) + " unknowns");
    }
    if (std::any_of(options.atol_components.begin(), options.atol_components.end(),
                    [](double a) { return !(a >= 0.0); })) {
      fail("atol_components must be >= 0");
    }
  }
  if (!options.quadrature_components.empty() && options.quadrature_components.size() != n) {
    fail("quadrature_components has " + std::to_string(options.quadrature_components.size()) +
         " entries for " + std::to_string(n) + " unknowns");
  }
  if (!options.error_test_exempt.empty() && options.error_test_exempt.size() != n) {
    fail("error_test_exempt has " + std::to_string(options.error_test_exempt.size()) + " entries for " +
         std::to_string(n) + " unknowns");
  }
  for (std::size_t i = 0; i < options.error_test_exempt.size(); ++i) {
    if (options.error_test_exempt[i] && options.quadrature_components.size() == n &&
        options.quadrature_components[i]) {
      fail("component " + std::to_string(i) + " is both a quadrature and exempt from the error test");
    }
  }
  if (options.max_steps <= 0) {
    fail("max_steps must be positive");
  }
  if (!(options.matrix_cj_change > 0.0 && options.matrix_cj_change < 1.0)) {
    fail("matrix_cj_change must be in (0, 1)");
  }
  if (options.jacobian_reuse_steps < 0) {
    fail("jacobian_reuse_steps must be >= 0");
  }
  if (!(options.max_step >= 0.0) || !(options.initial_step >= 0.0)) {
    fail("max_step and initial_step must be >= 0 (0 = solver's choice)");
  }
  if (options.max_order < 1 || options.max_order > 5) {
    fail("max_order must be in 1..5");
  }
  if (std::isnan(options.stop_time) || std::isnan(options.wall_clock_limit)) {
    fail("stop_time and wall_clock_limit must not be NaN");
  }
}

}  // namespace

struct DynamicSolver::Impl {
  Impl(SemiExplicitSystem& system, double t0, std::span<const double> y0, DynamicOptions options);

  // SUNDIALS callbacks: C signatures, never throw (see detail::CallbackGuard).
  static int cvodes_rhs(Real t, N_Vector y, N_Vector ydot, void* data);
  static int cvodes_jacobian(Real t, N_Vector y, N_Vector fy, SUNMatrix matrix, void* data, N_Vector weights,
                             N_Vector, N_Vector);
  static int idas_residual(Real t, N_Vector y, N_Vector yp, N_Vector residual, void* data);
  static int idas_jacobian(Real t, Real cj, N_Vector y, N_Vector yp, N_Vector residual, SUNMatrix matrix,
                           void* data, N_Vector weights, N_Vector, N_Vector);
  // With quadrature_components: the weights of detail::QuadratureWeights.
  static int error_weights(N_Vector y, N_Vector ewt, void* data);
  // The weights the finite-difference Jacobian scales its increments by: the integrator's, or the plain ones.
  std::span<const double> difference_weights(N_Vector integrator_weights) const;

  void evaluate(double t, std::span<const double> y, std::span<double> f) {
    ++evaluations_;
    system_.evaluate(t, y, f);
  }
  void check(int flag, const char* call) const;
  [[noreturn]] void fail(int flag, const char* call);
  void set_stop_time(double t_stop);
  void calculate_initial_conditions(double t_first_output);
  void initial_derivative(double t, std::span<const double> y);
  void add_counters(SolverStatistics& statistics) const;

  SemiExplicitSystem& system_;
  DynamicOptions options_;
  std::size_t n_;
  Package package_;
  std::string method_;
  std::vector<double> mass_;  // diagonal of M
  detail::CallbackGuard guard_;
  detail::JacobianAssembler jacobian_;
  std::vector<double> jacobian_values_;
  std::vector<double> df_dy_;   // IDAS: the df/dy kept for reuse (values on jacobian_.pattern())
  bool df_dy_stale_ = true;     // IDAS: recompute df/dy at the next matrix request
  long steps_at_df_dy_ = 0;     // IDAS step count when df/dy was computed
  long failures_at_df_dy_ = 0;  // IDAS Newton convergence failures when df/dy was computed
  long df_dy_evaluations_ = 0;  // IDAS: df/dy computations (matrix requests may reuse one)
  sundials::ErrorLog log_;
  // Members are destroyed in reverse order: the solver memory first, the context last.
  sundials::Context context_;
  sundials::SerialVector y_;
  sundials::SerialVector yp_;
  sundials::SerialVector scratch_a_;
  sundials::SerialVector scratch_b_;
  sundials::SerialVector atol_;
  sundials::SerialVector id_;
  // IDAS with error_test_exempt: 1 for the components the local error test counts. IDAS reads its id vector
  // as this mask while stepping (suppressalg), so id_ is set only around IDACalcIC.
  sundials::SerialVector error_test_mask_;
  detail::QuadratureWeights weights_;  // the error weights with quadrature components, when any
  sundials::Matrix matrix_;
  sundials::LinearSolver linear_solver_;
  sundials::SolverMemory memory_;

  double t_ = 0.0;              // time of the latest output
  std::vector<double> state_;   // y at t_
  bool ic_pending_ = false;     // IDAS: IDACalcIC before the next IDASolve
  bool stop_set_ = false;       // a finite stop time is active in SUNDIALS
  bool counters_fresh_ = true;  // SUNDIALS counters just (re)set, holding no new work
  long evaluations_ = 0;        // every f evaluation
  long reinitializations_ = 0;
  SolverStatistics previous_;  // counters accumulated before the latest reinitialisation
};

int DynamicSolver::Impl::cvodes_rhs(Real t, N_Vector y, N_Vector ydot, void* data) {
  auto& impl = *static_cast<Impl*>(data);
  return impl.guard_.run([&] { impl.evaluate(t, sundials::values_of(y), sundials::values_of(ydot)); });
}

int DynamicSolver::Impl::cvodes_jacobian(Real t, N_Vector y, N_Vector fy, SUNMatrix matrix, void* data,
                                         N_Vector weights, N_Vector, N_Vector) {
  auto& impl = *static_cast<Impl*>(data);
  return impl.guard_.run([&] {
    impl.check(CVodeGetErrWeights(impl.memory_.get(), weights), "CVodeGetErrWeights");
    const DifferenceScaling scaling{impl.difference_weights(weights), 1.0};
    impl.evaluations_ += static_cast<long>(impl.jacobian_.compute(
        t, sundials::values_of(y), sundials::values_of(fy), scaling, impl.jacobian_values_));
    sundials::store_matrix(impl.jacobian_.pattern(), impl.jacobian_values_, matrix);
  });
}

int DynamicSolver::Impl::error_weights(N_Vector y, N_Vector ewt, void* data) {
  auto& impl = *static_cast<Impl*>(data);
  return impl.weights_.compute(sundials::values_of(y), sundials::values_of(ewt)) ? 0 : -1;
}

std::span<const double> DynamicSolver::Impl::difference_weights(N_Vector integrator_weights) const {
  return weights_.active() ? weights_.plain()
                           : std::span<const double>(sundials::values_of(integrator_weights));
}

// F(t, y, y') = M·y' − f(t, y).
int DynamicSolver::Impl::idas_residual(Real t, N_Vector y, N_Vector yp, N_Vector residual, void* data) {
  auto& impl = *static_cast<Impl*>(data);
  return impl.guard_.run([&] {
    const auto r = sundials::values_of(residual);
    impl.evaluate(t, sundials::values_of(y), r);
    const auto derivative = sundials::values_of(yp);
    for (std::size_t i = 0; i < r.size(); ++i) {
      r[i] = impl.mass_[i] * derivative[i] - r[i];
    }
  });
}

// dF/dy + c_j·dF/dy' = c_j·M − df/dy.
int DynamicSolver::Impl::idas_jacobian(Real t, Real cj, N_Vector y, N_Vector, N_Vector, SUNMatrix matrix,
                                       void* data, N_Vector weights, N_Vector, N_Vector) {
  auto& impl = *static_cast<Impl*>(data);
  return impl.guard_.run([&] {
    void* mem = impl.memory_.get();
    long steps = 0;
    long failures = 0;
    impl.check(IDAGetNumSteps(mem, &steps), "IDAGetNumSteps");
    impl.check(IDAGetNumNonlinSolvConvFails(mem, &failures), "IDAGetNumNonlinSolvConvFails");
    // A kept df/dy serves while it is young and Newton converges with it; the initial-condition solve and
    // the first step always get a fresh one. Whether to keep one at all depends on how wide df/dy is (its
    // plain colouring), not on how cheaply the aggregates evaluate it, so that a model integrates the same
    // way whichever colouring computes its Jacobian.
    const bool expensive = impl.jacobian_.plain_colours() >= impl.options_.jacobian_reuse_colours;
    const bool failed_since = failures > impl.failures_at_df_dy_;
    const bool refresh = !expensive || impl.df_dy_stale_ || steps == 0 || failed_since ||
                         steps - impl.steps_at_df_dy_ >= impl.options_.jacobian_reuse_steps;
    if (refresh) {
      impl.check(IDAGetErrWeights(mem, weights), "IDAGetErrWeights");
      const DifferenceScaling scaling{impl.difference_weights(weights), 1.0};
      impl.evaluations_ +=
          static_cast<long>(impl.jacobian_.compute(t, sundials::values_of(y), {}, scaling, impl.df_dy_));
      ++impl.df_dy_evaluations_;
      impl.df_dy_stale_ = false;
      impl.steps_at_df_dy_ = steps;
      impl.failures_at_df_dy_ = failures;
    }
    auto& values = impl.jacobian_values_;
    for (std::size_t k = 0; k < values.size(); ++k) {
      values[k] = -impl.df_dy_[k];
    }
    const auto diagonal = impl.jacobian_.diagonal();
    for (std::size_t j = 0; j < diagonal.size(); ++j) {
      values[diagonal[j]] += cj * impl.mass_[j];
    }
    sundials::store_matrix(impl.jacobian_.pattern(), values, matrix);
    // SUNLinSol_KLU refactorises with the pivots of its last full factorisation and never pivots again when
    // that fails: after a Newton failure, pivot afresh (entries that were pivots may have become zero).
    if (failed_since) {
      impl.linear_solver_.pivot_afresh(matrix);
    }
  });
}

DynamicSolver::Impl::Impl(SemiExplicitSystem& system, double t0, std::span<const double> y0,
                          DynamicOptions options)
    : system_(system),
      options_(std::move(options)),
      n_(system.size()),
      package_(Package::cvodes),
      guard_(options_.wall_clock_limit),
      jacobian_(system),
      weights_(n_, options_.rtol, options_.atol, options_.atol_components, options_.quadrature_components,
               options_.error_test_exempt),
      t_(t0),
      state_(y0.begin(), y0.end()) {
  if (n_ == 0) {
    throw Error("DynamicSolver: the system has no unknowns");
  }
  if (y0.size() != n_) {
    throw Error("DynamicSolver: y0 has " + std::to_string(y0.size()) + " entries for a system of size " +
                std::to_string(n_));
  }
  if (!std::isfinite(t0)) {
    throw Error("DynamicSolver: t0 must be finite");
  }
  validate(options_, n_);
  const std::vector<bool> differential = system.differential_rows();
  if (differential.size() != n_) {
    throw Error("DynamicSolver: differential_rows() has " + std::to_string(differential.size()) +
                " entries for a system of size " + std::to_string(n_));
  }
  mass_.resize(n_);
  for (std::size_t i = 0; i < n_; ++i) {
    mass_[i] = differential[i] ? 1.0 : 0.0;
  }
  error_test_mask_ = detail::error_test_mask(system, options_.error_test_exempt, mass_, context_.get());
  const bool ode = std::all_of(differential.begin(), differential.end(), [](bool d) { return d; });
  package_ = ode ? Package::cvodes : Package::idas;
  method_ = sundials::package_name(package_);
  jacobian_values_.resize(jacobian_.pattern().nonzeros());
  df_dy_.resize(jacobian_values_.size());

  const SUNContext ctx = context_.get();
  y_ = sundials::SerialVector(y0, ctx);
  // The integrators clone their vectors from y0, so the compiled kernels serve all of their vector work.
  detail::use_compiled_kernels(y_.get());
  scratch_a_ = sundials::SerialVector(n_, ctx);
  scratch_b_ = sundials::SerialVector(n_, ctx);
  const bool dense = detail::use_dense(options_.linear_solver, n_, options_.dense_limit);
  matrix_ = dense ? sundials::Matrix::dense(n_, ctx) : sundials::Matrix::sparse(jacobian_.pattern(), ctx);
  linear_solver_ = dense ? sundials::LinearSolver::dense(y_.get(), matrix_.get(), ctx)
                         : sundials::LinearSolver::klu(y_.get(), matrix_.get(), ctx);
  if (!options_.atol_components.empty()) {
    atol_ = sundials::SerialVector(options_.atol_components, ctx);
    detail::use_compiled_kernels(atol_.get());
  }

  memory_ = sundials::SolverMemory(package_, ctx);
  void* mem = memory_.get();
  check(sundials::attach_error_log(package_, mem, ctx, &log_), "attach_error_log");
  const double rtol = options_.rtol;
  if (package_ == Package::cvodes) {
    check(CVodeInit(mem, cvodes_rhs, t0, y_.get()), "CVodeInit");
    check(CVodeSetUserData(mem, this), "CVodeSetUserData");
    if (weights_.active()) {
      check(CVodeWFtolerances(mem, error_weights), "CVodeWFtolerances");
    } else {
      check(atol_.get() ? CVodeSVtolerances(mem, rtol, atol_.get())
                        : CVodeSStolerances(mem, rtol, options_.atol),
            "CVodeSVtolerances");
    }
    check(CVodeSetLinearSolver(mem, linear_solver_.get(), matrix_.get()), "CVodeSetLinearSolver");
    check(CVodeSetJacFn(mem, cvodes_jacobian), "CVodeSetJacFn");
    check(CVodeSetMaxNumSteps(mem, options_.max_steps), "CVodeSetMaxNumSteps");
    check(CVodeSetMaxOrd(mem, options_.max_order), "CVodeSetMaxOrd");
    if (options_.max_step > 0.0) {
      check(CVodeSetMaxStep(mem, options_.max_step), "CVodeSetMaxStep");
    }
    if (options_.initial_step > 0.0) {
      check(CVodeSetInitStep(mem, options_.initial_step), "CVodeSetInitStep");
    }
  } else {
    yp_ = sundials::SerialVector(n_, ctx);
    detail::use_compiled_kernels(yp_.get());
    initial_derivative(t0, y0);
    id_ = sundials::SerialVector(mass_, ctx);
    detail::use_compiled_kernels(id_.get());
    check(IDAInit(mem, idas_residual, t0, y_.get(), yp_.get()), "IDAInit");
    check(IDASetUserData(mem, this), "IDASetUserData");
    if (weights_.active()) {
      check(IDAWFtolerances(mem, error_weights), "IDAWFtolerances");
    } else {
      check(atol_.get() ? IDASVtolerances(mem, rtol, atol_.get()) : IDASStolerances(mem, rtol, options_.atol),
            "IDASVtolerances");
    }
    if (error_test_mask_.get() != nullptr) {
      check(IDASetSuppressAlg(mem, SUNTRUE), "IDASetSuppressAlg");
    }
    check(IDASetId(mem, error_test_mask_.get() != nullptr ? error_test_mask_.get() : id_.get()), "IDASetId");
    check(IDASetDeltaCjLSetup(mem, options_.matrix_cj_change), "IDASetDeltaCjLSetup");
    check(IDASetLinearSolver(mem, linear_solver_.get(), matrix_.get()), "IDASetLinearSolver");
    check(IDASetJacFn(mem, idas_jacobian), "IDASetJacFn");
    check(IDASetMaxNumSteps(mem, options_.max_steps), "IDASetMaxNumSteps");
    check(IDASetMaxOrd(mem, options_.max_order), "IDASetMaxOrd");
    if (options_.max_step > 0.0) {
      check(IDASetMaxStep(mem, options_.max_step), "IDASetMaxStep");
    }
    if (options_.initial_step > 0.0) {
      check(IDASetInitStep(mem, options_.initial_step), "IDASetInitStep");
    }
    ic_pending_ = true;
  }
}

// Guess of y' for IDAS: f for differential rows (exact when the algebraic rows hold), 0 elsewhere.
void DynamicSolver::Impl::initial_derivative(double t, std::span<const double> y) {
  const auto derivative = yp_.values();
  evaluate(t, y, derivative);
  for (std::size_t i = 0; i < n_; ++i) {
    derivative[i] *= mass_[i];
  }
}

void DynamicSolver::Impl::check(int flag, const char* call) const {
  if (flag < 0) {
    std::string message = std::string(call) + " failed";
    if (!log_.last_error.empty()) {
      message += ": " + log_.last_error;
    }
    throw SolverError(message, SolverError::Details{method_, sundials::flag_name(package_, flag), t_, {}});
  }
}

void DynamicSolver::Impl::fail(int flag, const char* call) {
  void* mem = memory_.get();
  const bool cvodes = package_ == Package::cvodes;
  SolverError::Details details;
  details.solver = method_;
  details.flag = sundials::flag_name(package_, flag);
  Real t_now = t_;
  const int time_flag = cvodes ? CVodeGetCurrentTime(mem, &t_now) : IDAGetCurrentTime(mem, &t_now);
  details.time = time_flag == 0 ? t_now : t_;

  // The weighted local error estimates name the culprits.
  std::string ranking;
  std::vector<double> weighted(n_, 0.0);
  const auto errors = scratch_a_.values();
  const auto weights = scratch_b_.values();
  const bool have_weights =
      (cvodes ? CVodeGetErrWeights(mem, scratch_b_.get()) : IDAGetErrWeights(mem, scratch_b_.get())) == 0;
  if (ic_pending_) {
    // IDACalcIC: no step taken yet, so the algebraic residuals at the initial state are the clue.
    ranking = "algebraic residual |g_i| at the initial state";
    std::vector<double> f(n_);
    try {
      evaluate(t_, state_, f);
      for (std::size_t i = 0; i < n_; ++i) {
        weighted[i] = mass_[i] == 0.0 ? f[i] : 0.0;
      }
    } catch (...) {
      // The model fails at the initial state itself; the flag and message say enough.
    }
  } else if (have_weights && (cvodes ? CVodeGetEstLocalErrors(mem, scratch_a_.get())
                                     : IDAGetEstLocalErrors(mem, scratch_a_.get())) == 0) {
    for (std::size_t i = 0; i < n_; ++i) {
      weighted[i] = errors[i] * weights[i];
    }
  }
  details.worst_components = detail::worst_components(system_, weighted);
  if (details.worst_components.empty() && have_weights && !ic_pending_) {
    // No error estimate (e.g. after max_steps): rank by the weighted change per step |h·y'|·w.
    Real h = 0.0;
    const int step_flag = cvodes ? CVodeGetLastStep(mem, &h) : IDAGetLastStep(mem, &h);
    const int dky_flag =
        cvodes ? CVodeGetDky(mem, t_now, 1, scratch_a_.get()) : IDAGetDky(mem, t_now, 1, scratch_a_.get());
    if (step_flag == 0 && dky_flag == 0) {
      ranking = "weighted change per step |h*dy/dt|*w (no local error estimate available)";
      for (std::size_t i = 0; i < n_; ++i) {
        weighted[i] = h * errors[i] * weights[i];
      }
      details.worst_components = detail::worst_components(system_, weighted);
    }
  }

  std::ostringstream message;
  message << call << " failed";
  if (guard_.wall_clock_exceeded()) {
    message << ": wall-clock limit of " << guard_.wall_clock_limit() << " s exceeded (" << guard_.elapsed()
            << " s elapsed)";
  } else {
    if (!log_.last_error.empty()) {
      message << ": " << log_.last_error;
    }
    if (flag == CV_TOO_MUCH_WORK) {  // equal to IDA_TOO_MUCH_WORK
      message << " (max_steps = " << options_.max_steps << " internal steps per advance_to)";
    }
    if (!guard_.last_recoverable().empty()) {
      message << "; last recoverable error from the model: " << guard_.last_recoverable();
    }
  }
  if (!ranking.empty() && !details.worst_components.empty()) {
    message << " [components ranked by " << ranking << "]";
  }
  throw SolverError(message.str(), std::move(details));
}

void DynamicSolver::Impl::set_stop_time(double t_stop) {
  void* mem = memory_.get();
  const bool cvodes = package_ == Package::cvodes;
  if (std::isfinite(t_stop) && !ic_pending_) {
    // An integrator whose last step already passed t_stop interpolates back to it; SUNDIALS rejects a stop
    // time behind its current time, so none is set then.
    Real reached = 0.0;
    check(cvodes ? CVodeGetCurrentTime(mem, &reached) : IDAGetCurrentTime(mem, &reached), "GetCurrentTime");
    if (reached >= t_stop) {
      t_stop = std::numeric_limits<double>::infinity();
    }
  }
  if (std::isfinite(t_stop)) {
    check(cvodes ? CVodeSetStopTime(mem, t_stop) : IDASetStopTime(mem, t_stop), "SetStopTime");
    stop_set_ = true;
  } else if (stop_set_) {
    // SUNDIALS 6.4 has no ClearStopTime: a stop time beyond any reachable time does the same.
    const double far = std::numeric_limits<double>::max();
    check(cvodes ? CVodeSetStopTime(mem, far) : IDASetStopTime(mem, far), "SetStopTime");
    stop_set_ = false;
  }
}

void DynamicSolver::Impl::calculate_initial_conditions(double t_first_output) {
  void* mem = memory_.get();
  const int flag = detail::calculate_ic(mem, id_.get(), error_test_mask_.get(), t_first_output);
  counters_fresh_ = false;
  guard_.rethrow_pending();
  if (flag < 0) {
    fail(flag, "IDACalcIC");
  }
  check(IDAGetConsistentIC(mem, y_.get(), yp_.get()), "IDAGetConsistentIC");
  const auto values = y_.values();
  state_.assign(values.begin(), values.end());
  ic_pending_ = false;
}

void DynamicSolver::Impl::add_counters(SolverStatistics& s) const {
  if (counters_fresh_) {
    return;
  }
  void* mem = memory_.get();
  long steps = 0;
  long jacobians = 0;
  long setups = 0;
  long iterations = 0;
  long convergence_failures = 0;
  long error_failures = 0;
  Real last_step = 0.0;
  if (package_ == Package::cvodes) {
    check(CVodeGetNumSteps(mem, &steps), "CVodeGetNumSteps");
    check(CVodeGetNumJacEvals(mem, &jacobians), "CVodeGetNumJacEvals");
    check(CVodeGetNumLinSolvSetups(mem, &setups), "CVodeGetNumLinSolvSetups");
    check(CVodeGetNumNonlinSolvIters(mem, &iterations), "CVodeGetNumNonlinSolvIters");
    check(CVodeGetNumNonlinSolvConvFails(mem, &convergence_failures), "CVodeGetNumNonlinSolvConvFails");
    check(CVodeGetNumErrTestFails(mem, &error_failures), "CVodeGetNumErrTestFails");
    check(CVodeGetLastStep(mem, &last_step), "CVodeGetLastStep");
  } else {
    check(IDAGetNumSteps(mem, &steps), "IDAGetNumSteps");
    jacobians = df_dy_evaluations_;
    check(IDAGetNumLinSolvSetups(mem, &setups), "IDAGetNumLinSolvSetups");
    check(IDAGetNumNonlinSolvIters(mem, &iterations), "IDAGetNumNonlinSolvIters");
    check(IDAGetNumNonlinSolvConvFails(mem, &convergence_failures), "IDAGetNumNonlinSolvConvFails");
    check(IDAGetNumErrTestFails(mem, &error_failures), "IDAGetNumErrTestFails");
    check(IDAGetLastStep(mem, &last_step), "IDAGetLastStep");
  }
  s.steps += steps;
  s.jacobian_evaluations += jacobians;
  s.linear_solver_setups += setups;
  s.nonlinear_iterations += iterations;
  s.nonlinear_convergence_failures += convergence_failures;
  s.error_test_failures += error_failures;
  if (last_step != 0.0) {
    s.last_step = last_step;
  }
}

DynamicSolver::DynamicSolver(SemiExplicitSystem& system, double t0, std::span<const double> y0,
                             DynamicOptions options)
    : impl_(std::make_unique<Impl>(system, t0, y0, std::move(options))) {}

DynamicSolver::~DynamicSolver() = default;
DynamicSolver::DynamicSolver(DynamicSolver&&) noexcept = default;
DynamicSolver& DynamicSolver::operator=(DynamicSolver&&) noexcept = default;

void DynamicSolver::current_state(double t_next, std::span<double> y_out) {
  Impl& impl = *impl_;
  if (y_out.size() != impl.n_) {
    throw Error("current_state: y_out has " + std::to_string(y_out.size()) +
                " entries for a system of size " + std::to_string(impl.n_));
  }
  if (impl.ic_pending_ && t_next > impl.t_) {
    impl.calculate_initial_conditions(t_next);
  }
  std::copy(impl.state_.begin(), impl.state_.end(), y_out.begin());
}

double DynamicSolver::advance_to(double t_out, std::span<double> y_out, bool stop_at_t_out) {
  Impl& impl = *impl_;
  if (y_out.size() != impl.n_) {
    throw Error("advance_to: y_out has " + std::to_string(y_out.size()) + " entries for a system of size " +
                std::to_string(impl.n_));
  }
  if (std::isnan(t_out) || t_out < impl.t_) {
    throw Error("advance_to: t_out = " + std::to_string(t_out) + " is before the current time " +
                std::to_string(impl.t_));
  }
  const double target = std::min(t_out, impl.options_.stop_time);
  if (target <= impl.t_) {
    std::copy(impl.state_.begin(), impl.state_.end(), y_out.begin());
    return impl.t_;
  }
  impl.log_.clear();
  impl.guard_.clear_recoverable();
  impl.set_stop_time(stop_at_t_out ? target : impl.options_.stop_time);
  if (impl.ic_pending_) {
    impl.calculate_initial_conditions(target);
  }

  void* mem = impl.memory_.get();
  Real reached = impl.t_;
  const int flag = impl.package_ == Package::cvodes
                       ? CVode(mem, target, impl.y_.get(), &reached, CV_NORMAL)
                       : IDASolve(mem, target, &reached, impl.y_.get(), impl.yp_.get(), IDA_NORMAL);
  impl.counters_fresh_ = false;
  impl.guard_.rethrow_pending();
  if (flag < 0) {
    impl.fail(flag, impl.package_ == Package::cvodes ? "CVode" : "IDASolve");
  }
  impl.t_ = reached;
  const auto values = impl.y_.values();
  impl.state_.assign(values.begin(), values.end());
  std::copy(values.begin(), values.end(), y_out.begin());
  return reached;
}

void DynamicSolver::reinitialize(double t, std::span<const double> y) {
  Impl& impl = *impl_;
  if (y.size() != impl.n_) {
    throw Error("reinitialize: y has " + std::to_string(y.size()) + " entries for a system of size " +
                std::to_string(impl.n_));
  }
  if (!std::isfinite(t)) {
    throw Error("reinitialize: t must be finite");
  }
  impl.add_counters(impl.previous_);
  impl.counters_fresh_ = true;
  ++impl.reinitializations_;
  impl.y_.assign(y);
  impl.log_.clear();
  void* mem = impl.memory_.get();
  if (impl.package_ == Package::cvodes) {
    impl.check(CVodeReInit(mem, t, impl.y_.get()), "CVodeReInit");
  } else {
    impl.initial_derivative(t, y);
    impl.check(IDAReInit(mem, t, impl.y_.get(), impl.yp_.get()), "IDAReInit");
    impl.ic_pending_ = true;
    impl.df_dy_stale_ = true;  // the state jumped, and IDAS restarts its counters
    impl.df_dy_evaluations_ = 0;
  }
  impl.stop_set_ = true;  // whatever stop time SUNDIALS kept, the next advance_to resets it
  impl.t_ = t;
  impl.state_.assign(y.begin(), y.end());
}

double DynamicSolver::time() const { return impl_->t_; }

std::span<const double> DynamicSolver::state() const { return impl_->state_; }

SolverStatistics DynamicSolver::statistics() const {
  const Impl& impl = *impl_;
  SolverStatistics s = impl.previous_;
  impl.add_counters(s);
  s.method = impl.method_;
  s.linear_solver = impl.linear_solver_.name();
  s.rhs_evaluations = impl.evaluations_;
  s.jacobian_colours = impl.jacobian_.analytic() ? 0 : impl.jacobian_.colours();
  s.analytic_jacobian = impl.jacobian_.analytic();
  s.reinitializations = impl.reinitializations_;
  return s;
}

const std::string& DynamicSolver::method() const { return impl_->method_; }

const DynamicOptions& DynamicSolver::options() const { return impl_->options_; }

}  // namespace hydromet::numerics
