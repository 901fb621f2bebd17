// Arrhenius temperature dependence of a rate constant.
#pragma once

namespace hydromet {

inline constexpr double gas_constant = 8.314462618;  ///< R [J/(mol K)], CODATA 2018 (exact)

/// k(T) = k_ref exp(-Ea/R (1/T - 1/T_ref)).
struct Arrhenius {
  double activation_energy = 0.0;         ///< Ea [J/mol]
  double reference_temperature = 298.15;  ///< T_ref [K] at which k_ref is given

  /// Factor k(T)/k_ref [-] at temperature [K].
  [[nodiscard]] double factor(double temperature) const;
};

}  // namespace hydromet
