// Forward sensitivities with IDAS: the states and dy/dp integrated together (staggered corrector).
#include "hydromet/numerics/dynamic_sensitivity.hpp"

#include <idas/idas.h>
#include <idas/idas_ls.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <string>

#include "hydromet/core/error.hpp"
#include "numerics/solver_support.hpp"
#include "numerics/sundials_compat.hpp"
#include "numerics/sundials_wrappers.hpp"

namespace hydromet::numerics {

using sundials::Package;
using sundials::Real;
namespace {

using DenseMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic>;
using DenseVector = Eigen::VectorXd;

// An array of serial N_Vectors, one per parameter (IDAS's yS, ypS, tolerances).
class VectorArray {
 public:
  VectorArray(std::size_t count, std::size_t size, SUNContext context) {
    for (std::size_t k = 0; k < count; ++k) {
      owned_.emplace_back(size, context);
      vectors_.push_back(owned_.back().get());
    }
  }
  [[nodiscard]] N_Vector* get() { return vectors_.data(); }
  [[nodiscard]] std::span<double> values(std::size_t k) const { return owned_[k].values(); }

 private:
  std::vector<sundials::SerialVector> owned_;
  std::vector<N_Vector> vectors_;
};

}  // namespace

struct ForwardSensitivitySolver::Impl {
  Impl(SemiExplicitSystem& system, std::size_t parameters, ParameterDerivative df_dp, double t0,
       std::span<const double> y0, std::span<const double> s0, std::vector<double> state_scales,
       std::vector<double> parameter_scales, DynamicOptions options);

  static int residual(Real t, N_Vector y, N_Vector yp, N_Vector out, void* data);
  // The state's error weights with quadrature components, as DynamicSolver weighs them.
  static int error_weights(N_Vector y, N_Vector ewt, void* data);
  static int sensitivity_residual(int count, Real t, N_Vector y, N_Vector yp, N_Vector out, N_Vector* ys,
                                  N_Vector* yps, N_Vector* outs, void* data, N_Vector, N_Vector, N_Vector);

  void evaluate(double t, std::span<const double> y, std::span<double> f) { system_.evaluate(t, y, f); }
  // df/dy at (t, y), kept until (t, y) changes.
  const DenseMatrix& jacobian(double t, std::span<const double> y);
  void set_derivative_guesses(double t);
  void make_consistent(double t_next);
  void check(int flag, const char* call);
  void read(std::span<double> y, std::span<double> s);

  SemiExplicitSystem& system_;
  std::size_t n_;
  std::size_t parameters_;
  ParameterDerivative df_dp_;
  std::vector<double> scales_;
  std::vector<double> mass_;
  DynamicOptions options_;
  detail::CallbackGuard guard_;
  DenseMatrix jacobian_;
  DenseVector jacobian_state_;
  double jacobian_time_ = std::numeric_limits<double>::quiet_NaN();
  bool consistent_ = false;
  double target_ = 0.0;  // the time being integrated to, for messages
  detail::QuadratureWeights weights_;
  sundials::ErrorLog log_;
  // Destroyed in reverse order: solver memory first, context last.
  sundials::Context context_;
  sundials::SerialVector y_;
  sundials::SerialVector yp_;
  sundials::SerialVector id_;
  sundials::SerialVector error_test_mask_;  // as DynamicSolver's: IDAS's id while stepping, when set
  sundials::SerialVector atol_;
  VectorArray ys_;
  VectorArray yps_;
  VectorArray atols_;
  sundials::Matrix matrix_;
  sundials::LinearSolver linear_solver_;
  sundials::SolverMemory memory_;
};

ForwardSensitivitySolver::Impl::Impl(SemiExplicitSystem& system, std::size_t parameters,
                                     ParameterDerivative df_dp, double t0, std::span<const double> y0,
                                     std::span<const double> s0, std::vector<double> state_scales,
                                     std::vector<double> parameter_scales, DynamicOptions options)
    : system_(system),
      n_(system.size()),
      parameters_(parameters),
      df_dp_(std::move(df_dp)),
      scales_(std::move(state_scales)),
      options_(std::move(options)),
      guard_(options_.wall_clock_limit),
      target_(t0),
      weights_(n_, options_.rtol, options_.atol, options_.atol_components, options_.quadrature_components,
               options_.error_test_exempt),
      y_(y0, context_.get()),
      yp_(n_, context_.get()),
      id_(n_, context_.get()),
      atol_(n_, context_.get()),
      ys_(parameters, n_, context_.get()),
      yps_(parameters, n_, context_.get()),
      atols_(parameters, n_, context_.get()),
      matrix_(sundials::Matrix::dense(n_, context_.get())),
      linear_solver_(sundials::LinearSolver::dense(y_.get(), matrix_.get(), context_.get())),
      memory_(Package::idas, context_.get()) {
  if (n_ == 0 || y0.size() != n_ || s0.size() != n_ * parameters || scales_.size() != n_ ||
      parameter_scales.size() != parameters || parameters == 0) {
    throw Error("ForwardSensitivitySolver: sizes of y0, s0, scales or parameters do not match the system");
  }
  const auto rows = system_.differential_rows();
  mass_.resize(n_);
  for (std::size_t i = 0; i < n_; ++i) {
    mass_[i] = rows[i] ? 1.0 : 0.0;
    id_.values()[i] = mass_[i];
  }
  error_test_mask_ = detail::error_test_mask(system_, options_.error_test_exempt, mass_, context_.get());
  std::vector<double> atol = options_.atol_components;
  if (atol.empty()) {
    atol.assign(n_, options_.atol);
  }
  atol_.assign(atol);
  for (std::size_t k = 0; k < parameters_; ++k) {
    std::copy(s0.begin() + static_cast<std::ptrdiff_t>(k * n_),
              s0.begin() + static_cast<std::ptrdiff_t>((k + 1) * n_), ys_.values(k).begin());
    const double scale = parameter_scales[k] > 0.0 ? parameter_scales[k] : 1.0;
    for (std::size_t i = 0; i < n_; ++i) {
      atols_.values(k)[i] = atol[i] / scale;
    }
  }
  set_derivative_guesses(t0);
  void* mem = memory_.get();
  check(sundials::attach_error_log(Package::idas, mem, context_.get(), &log_), "attach_error_log");
  check(IDAInit(mem, residual, t0, y_.get(), yp_.get()), "IDAInit");
  check(IDASetUserData(mem, this), "IDASetUserData");
  if (weights_.active()) {  // the trajectory simulate() integrates, at the same tolerances
    check(IDAWFtolerances(mem, error_weights), "IDAWFtolerances");
  } else {
    check(IDASVtolerances(mem, options_.rtol, atol_.get()), "IDASVtolerances");
  }
  if (error_test_mask_.get() != nullptr) {
    check(IDASetSuppressAlg(mem, SUNTRUE), "IDASetSuppressAlg");
  }
  check(IDASetId(mem, error_test_mask_.get() != nullptr ? error_test_mask_.get() : id_.get()), "IDASetId");
  check(IDASetDeltaCjLSetup(mem, options_.matrix_cj_change), "IDASetDeltaCjLSetup");
  check(IDASetLinearSolver(mem, linear_solver_.get(), matrix_.get()), "IDASetLinearSolver");
  check(IDASetMaxNumSteps(mem, options_.max_steps), "IDASetMaxNumSteps");
  check(IDASensInit(mem, static_cast<int>(parameters_), IDA_STAGGERED, sensitivity_residual, ys_.get(),
                    yps_.get()),
        "IDASensInit");
  check(IDASensSVtolerances(mem, options_.rtol, atols_.get()), "IDASensSVtolerances");
  check(IDASetSensErrCon(mem, SUNFALSE), "IDASetSensErrCon");
}

int ForwardSensitivitySolver::Impl::error_weights(N_Vector y, N_Vector ewt, void* data) {
  auto& impl = *static_cast<Impl*>(data);
  return impl.weights_.compute(sundials::values_of(y), sundials::values_of(ewt)) ? 0 : -1;
}

int ForwardSensitivitySolver::Impl::residual(Real t, N_Vector y, N_Vector yp, N_Vector out, void* data) {
  auto& impl = *static_cast<Impl*>(data);
  return impl.guard_.run([&] {
    const auto r = sundials::values_of(out);
    impl.evaluate(t, sundials::values_of(y), r);
    const auto derivative = sundials::values_of(yp);
    for (std::size_t i = 0; i < r.size(); ++i) {
      r[i] = impl.mass_[i] * derivative[i] - r[i];
    }
  });
}

// F_s = M s' - (df/dy) s - df/dp for each parameter.
int ForwardSensitivitySolver::Impl::sensitivity_residual(int count, Real t, N_Vector y, N_Vector, N_Vector,
                                                         N_Vector* ys, N_Vector* yps, N_Vector* outs,
                                                         void* data, N_Vector, N_Vector, N_Vector) {
  auto& impl = *static_cast<Impl*>(data);
  return impl.guard_.run([&] {
    const auto state = sundials::values_of(y);
    const DenseMatrix& jacobian = impl.jacobian(t, state);
    const auto n = static_cast<Eigen::Index>(impl.n_);
    for (int k = 0; k < count; ++k) {
      const auto out = sundials::values_of(outs[k]);
      impl.df_dp_(t, state, static_cast<std::size_t>(k), out);
      Eigen::Map<DenseVector> result(out.data(), n);
      const Eigen::Map<const DenseVector> s(sundials::values_of(ys[k]).data(), n);
      const Eigen::Map<const DenseVector> s_dot(sundials::values_of(yps[k]).data(), n);
      const Eigen::Map<const DenseVector> mass(impl.mass_.data(), n);
      result = mass.cwiseProduct(s_dot) - jacobian * s - result;
    }
  });
}

const DenseMatrix& ForwardSensitivitySolver::Impl::jacobian(double t, std::span<const double> y) {
  const auto n = static_cast<Eigen::Index>(n_);
  const Eigen::Map<const DenseVector> state(y.data(), n);
  if (t == jacobian_time_ && jacobian_state_.size() == n && state == jacobian_state_) {
    return jacobian_;
  }
  jacobian_.resize(n, n);
  DenseVector f0(n);
  DenseVector up(n);
  DenseVector down(n);
  DenseVector moved = state;
  evaluate(t, y, {f0.data(), n_});
  auto at = [&](Eigen::Index j, double value, DenseVector& f) {
    moved[j] = value;
    evaluate(t, {moved.data(), n_}, {f.data(), n_});
    moved[j] = state[j];
  };
  for (Eigen::Index j = 0; j < n; ++j) {
    const double h = 1e-6 * std::max(std::abs(state[j]), scales_[static_cast<std::size_t>(j)]);
    if (state[j] >= 0.0 && state[j] - h < 0.0) {  // amounts at zero have only the upper side
      at(j, state[j] + h, up);
      at(j, state[j] + 2.0 * h, down);
      jacobian_.col(j) = (-3.0 * f0 + 4.0 * up - down) / (2.0 * h);
    } else {
      at(j, state[j] + h, up);
      at(j, state[j] - h, down);
      jacobian_.col(j) = (up - down) / (2.0 * h);
    }
  }
  jacobian_state_ = state;
  jacobian_time_ = t;
  return jacobian_;
}

// y' = f on differential rows (0 on algebraic ones) and s' = J s + df/dp likewise: IDACalcIC corrects them.
void ForwardSensitivitySolver::Impl::set_derivative_guesses(double t) {
  const auto y = y_.values();
  const auto yp = yp_.values();
  evaluate(t, y, yp);
  const auto n = static_cast<Eigen::Index>(n_);
  const DenseMatrix& J = jacobian(t, y);
  const Eigen::Map<const DenseVector> mass(mass_.data(), n);
  for (std::size_t i = 0; i < n_; ++i) {
    yp[i] *= mass_[i];
  }
  for (std::size_t k = 0; k < parameters_; ++k) {
    const auto out = yps_.values(k);
    df_dp_(t, y, k, out);
    Eigen::Map<DenseVector> s_dot(out.data(), n);
    const Eigen::Map<const DenseVector> s(ys_.values(k).data(), n);
    s_dot = mass.cwiseProduct(J * s + s_dot);
  }
  consistent_ = false;
}

void ForwardSensitivitySolver::Impl::make_consistent(double t_next) {
  if (consistent_) {
    return;
  }
  void* mem = memory_.get();
  check(detail::calculate_ic(mem, id_.get(), error_test_mask_.get(), t_next), "IDACalcIC");
  check(IDAGetConsistentIC(mem, y_.get(), yp_.get()), "IDAGetConsistentIC");
  check(IDAGetSensConsistentIC(mem, ys_.get(), yps_.get()), "IDAGetSensConsistentIC");
  consistent_ = true;
}

void ForwardSensitivitySolver::Impl::check(int flag, const char* call) {
  guard_.rethrow_pending();
  if (flag < 0) {
    std::string message = std::string("forward sensitivities (IDAS): ") + call + " failed (flag " +
                          std::to_string(flag) + ") on the way to t = " + std::to_string(target_) + " s";
    if (guard_.wall_clock_exceeded()) {
      message += ": wall-clock limit of " + std::to_string(options_.wall_clock_limit) + " s exceeded";
    } else if (!guard_.last_recoverable().empty()) {
      message += ": " + guard_.last_recoverable();
    } else if (!log_.last_error.empty()) {
      message += ": " + log_.last_error;
    }
    throw SolverError(message);
  }
}

void ForwardSensitivitySolver::Impl::read(std::span<double> y, std::span<double> s) {
  std::copy(y_.values().begin(), y_.values().end(), y.begin());
  for (std::size_t k = 0; k < parameters_; ++k) {
    std::copy(ys_.values(k).begin(), ys_.values(k).end(), s.begin() + static_cast<std::ptrdiff_t>(k * n_));
  }
}

ForwardSensitivitySolver::ForwardSensitivitySolver(SemiExplicitSystem& system, std::size_t parameters,
                                                   ParameterDerivative df_dp, double t0,
                                                   std::span<const double> y0, std::span<const double> s0,
                                                   std::vector<double> state_scales,
                                                   std::vector<double> parameter_scales,
                                                   DynamicOptions options)
    : impl_(std::make_unique<Impl>(system, parameters, std::move(df_dp), t0, y0, s0, std::move(state_scales),
                                   std::move(parameter_scales), std::move(options))) {}

ForwardSensitivitySolver::~ForwardSensitivitySolver() = default;

double ForwardSensitivitySolver::time() const {
  Real t = 0.0;
  if (IDAGetCurrentTime(impl_->memory_.get(), &t) != 0) {
    throw SolverError("forward sensitivities (IDAS): IDAGetCurrentTime failed");
  }
  return t;
}

void ForwardSensitivitySolver::advance_to(double t_out, std::span<double> y, std::span<double> s,
                                          bool stop_at_t_out) {
  auto& impl = *impl_;
  impl.target_ = t_out;
  impl.make_consistent(t_out);
  void* mem = impl.memory_.get();
  impl.log_.clear();
  impl.check(IDASetStopTime(mem, stop_at_t_out ? t_out : std::numeric_limits<double>::max()),
             "IDASetStopTime");
  Real reached = 0.0;
  impl.check(IDASolve(mem, t_out, &reached, impl.y_.get(), impl.yp_.get(), IDA_NORMAL), "IDASolve");
  impl.check(IDAGetSens(mem, &reached, impl.ys_.get()), "IDAGetSens");
  impl.read(y, s);
}

void ForwardSensitivitySolver::current_state(double t_next, std::span<double> y, std::span<double> s) {
  impl_->make_consistent(t_next);
  impl_->read(y, s);
}

void ForwardSensitivitySolver::reinitialize(double t, std::span<const double> y, std::span<const double> s) {
  auto& impl = *impl_;
  impl.y_.assign(y);
  for (std::size_t k = 0; k < impl.parameters_; ++k) {
    std::copy(s.begin() + static_cast<std::ptrdiff_t>(k * impl.n_),
              s.begin() + static_cast<std::ptrdiff_t>((k + 1) * impl.n_), impl.ys_.values(k).begin());
  }
  impl.guard_.run([&] { impl.set_derivative_guesses(t); });
  impl.check(0, "derivative guesses");
  void* mem = impl.memory_.get();
  impl.check(IDAReInit(mem, t, impl.y_.get(), impl.yp_.get()), "IDAReInit");
  impl.check(IDASensReInit(mem, IDA_STAGGERED, impl.ys_.get(), impl.yps_.get()), "IDASensReInit");
}

}  // namespace hydromet::numerics
