// log K(T): van 't Hoff and analytic expressions.
#include "hydromet/thermo/log_k.hpp"

#include <cmath>
#include <numbers>

namespace hydromet {

double van_t_hoff_log_k(double log_k_298, double delta_h, double temperature) {
  return log_k_298 -
         delta_h / (gas_constant * std::numbers::ln10) * (1.0 / temperature - 1.0 / reference_temperature);
}

double analytic_log_k(std::span<const double> coefficients, double temperature) {
  const double t = temperature;
  const double terms[5] = {1.0, t, 1.0 / t, std::log10(t), 1.0 / (t * t)};
  double sum = 0.0;
  for (std::size_t i = 0; i < coefficients.size() && i < 5; ++i) {
    sum += coefficients[i] * terms[i];
  }
  return sum;
}

double log_k_at(const FormationReaction& reaction, double temperature) {
  if (!reaction.log_k_coefficients.empty()) {
    return analytic_log_k(reaction.log_k_coefficients, temperature);
  }
  if (reaction.delta_h) {
    return van_t_hoff_log_k(reaction.log_k_298, *reaction.delta_h, temperature);
  }
  return reaction.log_k_298;
}

const char* log_k_method(const FormationReaction& reaction) {
  if (!reaction.log_k_coefficients.empty()) {
    return "analytic";
  }
  return reaction.delta_h ? "van 't Hoff" : "constant";
}

}  // namespace hydromet
