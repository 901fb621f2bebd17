#include "hydromet/thermo/unit_speciation.hpp"

#include <utility>

namespace hydromet {

namespace {
constexpr double per_litre = 1e-3;  // mol/m3 -> mol/L
}  // namespace

TankSpeciation::TankSpeciation(std::shared_ptr<const ChemicalSystem> system, ActivityModel model)
    : system_(std::move(system)), solver_(system_, [&] {
        SpeciationOptions options;
        options.activity_model = model;
        options.charge_balance = "";  // the tank's balances keep every component total, H+ included
        return options;
      }()) {}

void TankSpeciation::bind(const std::vector<std::string>& aqueous_species) {
  const auto components = static_cast<Eigen::Index>(system_->num_components());
  decomposition_ = Matrix::Zero(components, static_cast<Eigen::Index>(aqueous_species.size()));
  for (std::size_t j = 0; j < aqueous_species.size(); ++j) {
    if (const auto species = system_->find_species(aqueous_species[j])) {
      for (const auto& [component, nu] : system_->species_terms(*species)) {
        decomposition_(static_cast<Eigen::Index>(component), static_cast<Eigen::Index>(j)) = nu;
      }
    }
  }
  warm_ = false;
}

const SpeciationResult& TankSpeciation::solve(const Vector& concentrations, double temperature) const {
  const Vector totals = decomposition_ * (concentrations.cwiseMax(0.0) * per_litre);
  if (warm_) {
    solver_.solve(totals, temperature, state_);
  } else {
    state_ = solver_.solve(totals, temperature);
    warm_ = true;
  }
  return state_;
}

}  // namespace hydromet
