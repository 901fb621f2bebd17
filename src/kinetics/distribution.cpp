// Distribution laws of solvent extraction.
#include "hydromet/kinetics/distribution.hpp"

#include <muParser.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "hydromet/core/error.hpp"

namespace hydromet {
namespace {

constexpr double per_litre = 1e-3;     // mol/m3 -> mol/L
constexpr double floor_molar = 1e-12;  // [mol/L] lower bound of a concentration under a negative exponent

std::string number(double value) {
  std::ostringstream text;
  text.precision(6);
  text << value;
  return text.str();
}

}  // namespace

ConstantDistribution::ConstantDistribution(double ratio) : ratio_(ratio) {
  if (!(ratio >= 0.0) || !std::isfinite(ratio)) {
    throw InputError("distribution ratio D must be finite and >= 0");
  }
}

double ConstantDistribution::equilibrium_organic(const DistributionState& state) const {
  return ratio_ * state.metal;
}

std::string ConstantDistribution::describe() const { return "constant D = " + number(ratio_); }

MassActionDistribution::MassActionDistribution(double constant) : constant_(constant) {
  if (!(constant > 0.0) || !std::isfinite(constant)) {
    throw InputError("extraction constant K must be finite and positive");
  }
}

double MassActionDistribution::equilibrium_organic(const DistributionState& state) const {
  double ratio = constant_;
  for (const auto& participant : state.participants) {
    const double c = participant.concentration * per_litre;
    // A reactant that is used up stops extraction (c^n -> 0); a product that is absent bounds D.
    const double bounded = participant.exponent > 0.0 ? std::max(c, 0.0) : std::max(c, floor_molar);
    ratio *= std::pow(bounded, participant.exponent);
  }
  return ratio * state.metal;
}

std::string MassActionDistribution::describe() const { return "mass action K = " + number(constant_); }

TabulatedIsotherm::TabulatedIsotherm(std::vector<std::pair<double, double>> points)
    : points_(std::move(points)) {
  if (points_.empty()) {
    throw InputError("an isotherm needs at least one point");
  }
  for (std::size_t i = 0; i < points_.size(); ++i) {
    const auto [x, y] = points_[i];
    if (!(x >= 0.0 && y >= 0.0) || !std::isfinite(x) || !std::isfinite(y)) {
      throw InputError("isotherm points must be finite and >= 0");
    }
    if (i > 0 && !(x > points_[i - 1].first)) {
      throw InputError("isotherm aqueous concentrations must be strictly increasing");
    }
  }
  if (points_.front().first > 0.0) {
    points_.insert(points_.begin(), {0.0, 0.0});
  }
}

double TabulatedIsotherm::equilibrium_organic(const DistributionState& state) const {
  const double x = std::max(state.metal, 0.0);
  if (x >= points_.back().first) {
    return points_.back().second;
  }
  const auto upper = std::upper_bound(points_.begin(), points_.end(), x,
                                      [](double value, const auto& point) { return value < point.first; });
  const auto lower = upper - 1;
  const double weight = (x - lower->first) / (upper->first - lower->first);
  return lower->second + weight * (upper->second - lower->second);
}

std::string TabulatedIsotherm::describe() const {
  return "isotherm of " + std::to_string(points_.size()) + " points";
}

struct ExpressionDistribution::Impl {
  std::string text;
  mu::Parser parser;
  // muparser reads variables through these addresses at every Eval().
  double pH = 7.0;
  double extractant = 0.0;
  double temperature = 298.15;
  double metal = 0.0;
};

ExpressionDistribution::ExpressionDistribution(std::string log10_ratio) : impl_(std::make_unique<Impl>()) {
  impl_->text = std::move(log10_ratio);
  try {
    impl_->parser.DefineVar("pH", &impl_->pH);
    impl_->parser.DefineVar("E", &impl_->extractant);
    impl_->parser.DefineVar("T", &impl_->temperature);
    impl_->parser.DefineVar("c", &impl_->metal);
    impl_->parser.SetExpr(impl_->text);
    (void)impl_->parser.Eval();  // parses now, so that a bad expression fails at load time
  } catch (const mu::Parser::exception_type& error) {
    throw InputError("log10 D expression `" + impl_->text + "`: " + std::string(error.GetMsg()));
  }
}

ExpressionDistribution::~ExpressionDistribution() = default;

double ExpressionDistribution::equilibrium_organic(const DistributionState& state) const {
  impl_->pH = -std::log10(std::max(state.hydrogen * per_litre, floor_molar));
  impl_->extractant = std::max(state.extractant, 0.0) * per_litre;
  impl_->temperature = state.temperature;
  impl_->metal = std::max(state.metal, 0.0) * per_litre;
  const double log10_ratio = impl_->parser.Eval();
  const double ratio = std::pow(10.0, log10_ratio);
  if (!std::isfinite(ratio)) {
    // A NaN or overflow would poison the residual; say which expression failed and where.
    std::ostringstream message;
    message << "log10 D expression `" << impl_->text << "` gave " << log10_ratio << " at pH " << impl_->pH
            << ", E " << impl_->extractant << " mol/L, T " << impl_->temperature << " K, c " << impl_->metal
            << " mol/L; write it so that it is finite over the stage's range";
    throw SolverError(
        message.str(),
        SolverError::Details{"distribution law", "NOT_FINITE", std::numeric_limits<double>::quiet_NaN(), {}});
  }
  return ratio * state.metal;
}

std::string ExpressionDistribution::describe() const { return "log10 D = " + impl_->text; }

SpeciatedAcidity::SpeciatedAcidity(std::shared_ptr<const ChemicalSystem> system, ActivityModel model)
    : speciation_(std::move(system), model) {}

double SpeciatedAcidity::hydrogen(const Vector& aqueous_concentrations, double temperature) const {
  return speciation_.solve(aqueous_concentrations, temperature).activity_of("H+") / per_litre;
}

}  // namespace hydromet
