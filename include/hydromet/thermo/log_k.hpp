// Temperature dependence of equilibrium constants: van 't Hoff (constant reaction enthalpy) and the
// analytic expression log K(T) = a + bT + c/T + d log10 T + e/T^2.
#pragma once

#include <span>

#include "hydromet/chemistry/species.hpp"

namespace hydromet {

/// Gas constant [J/(mol K)] (CODATA 2018).
inline constexpr double gas_constant = 8.314462618;
/// Reference temperature of the database constants [K].
inline constexpr double reference_temperature = 298.15;

/// log10 K at temperature [K] from log10 K at 298.15 K and a constant reaction enthalpy [J/mol]:
/// log K(T) = log K(298.15) - dH / (R ln 10) (1/T - 1/298.15)   (integrated van 't Hoff equation).
[[nodiscard]] double van_t_hoff_log_k(double log_k_298, double delta_h, double temperature);

/// log10 K = a + b T + c/T + d log10 T + e/T^2 at temperature [K]; missing trailing coefficients are 0.
/// (The form of PHREEQC's -analytic and of Nordstrom et al. 1990, ACS Symp. Ser. 416, table 2.)
[[nodiscard]] double analytic_log_k(std::span<const double> coefficients, double temperature);

/// log10 K of a formation reaction at temperature [K]: the analytic expression when the reaction has
/// one, else van 't Hoff when it has delta_h, else the 298.15 K value (no temperature dependence).
[[nodiscard]] double log_k_at(const FormationReaction& reaction, double temperature);

/// How log_k_at treats the reaction: "analytic", "van 't Hoff" or "constant".
[[nodiscard]] const char* log_k_method(const FormationReaction& reaction);

}  // namespace hydromet
