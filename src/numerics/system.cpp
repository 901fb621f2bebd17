// Defaults of the SemiExplicitSystem interface.
#include "hydromet/numerics/system.hpp"

namespace hydromet::numerics {

std::vector<bool> SemiExplicitSystem::differential_rows() const { return std::vector<bool>(size(), true); }

SparsityPattern SemiExplicitSystem::jacobian_pattern() const { return SparsityPattern::dense(size()); }

JacobianStructure SemiExplicitSystem::jacobian_structure() const { return {jacobian_pattern(), {}, {}}; }

void SemiExplicitSystem::evaluate_aggregated(double /*t*/, std::span<const double> /*y*/,
                                             std::span<const double> /*held*/, std::span<double> /*f*/,
                                             std::span<double> /*intermediates*/,
                                             std::span<double> /*aggregates*/) {
  throw Error("evaluate_aggregated: this system declares no aggregates");
}

bool SemiExplicitSystem::jacobian(double /*t*/, std::span<const double> /*y*/, std::span<double> /*values*/) {
  return false;
}

std::string SemiExplicitSystem::component_name(std::size_t i) const { return "y[" + std::to_string(i) + "]"; }

}  // namespace hydromet::numerics
