// Saturated liquid water: density, vapour pressure and dielectric constant.
#include "hydromet/thermo/water.hpp"

#include <algorithm>
#include <cmath>

namespace hydromet {
namespace {
constexpr double critical_temperature = 647.096;  // [K]
constexpr double critical_density = 322.0;        // [kg/m3]
constexpr double critical_pressure = 22.064e6;    // [Pa]
constexpr double atmosphere = 101325.0;           // [Pa]
}  // namespace

double water_density(double temperature) {
  // Wagner & Pruss (2002), eq. 2.6; tau = 1 - T/Tc.
  const double tau = 1.0 - std::min(temperature, critical_temperature) / critical_temperature;
  const double t3 = std::cbrt(tau);
  const double ratio = 1.0 + 1.99274064 * t3 + 1.09965342 * t3 * t3 - 0.510839303 * std::pow(t3, 5) -
                       1.75493479 * std::pow(t3, 16) - 45.5170352 * std::pow(t3, 43) -
                       6.74694450e5 * std::pow(t3, 110);
  return critical_density * ratio;
}

double water_vapor_pressure(double temperature) {
  // Wagner & Pruss (2002), eq. 2.5.
  const double t = std::min(temperature, critical_temperature);
  const double tau = 1.0 - t / critical_temperature;
  const double sum = -7.85951783 * tau + 1.84408259 * std::pow(tau, 1.5) - 11.7866497 * std::pow(tau, 3) +
                     22.6807411 * std::pow(tau, 3.5) - 15.9618719 * std::pow(tau, 4) +
                     1.80122502 * std::pow(tau, 7.5);
  return critical_pressure * std::exp(critical_temperature / t * sum);
}

double water_dielectric_constant(double temperature, double pressure) {
  // Bradley & Pitzer (1979), eqs. 1-4 with the constants of their table I (T in K, P in bar).
  const double t = temperature;
  const double p_bar = pressure * 1e-5;
  const double eps1000 = 3.4279e2 * std::exp(-5.0866e-3 * t + 9.4690e-7 * t * t);
  const double c = -2.0525 + 3.1159e3 / (-1.8289e2 + t);
  const double b = -8.0325e3 + 4.2142e6 / t + 2.1417 * t;
  return eps1000 + c * std::log((b + p_bar) / (b + 1000.0));
}

double reference_pressure(double temperature) {
  return std::max(atmosphere, water_vapor_pressure(temperature));
}

}  // namespace hydromet
