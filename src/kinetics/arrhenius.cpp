// Arrhenius factor.
#include "hydromet/kinetics/arrhenius.hpp"

#include <cmath>

namespace hydromet {

double Arrhenius::factor(double temperature) const {
  if (activation_energy == 0.0) {
    return 1.0;
  }
  return std::exp(-activation_energy / gas_constant * (1.0 / temperature - 1.0 / reference_temperature));
}

}  // namespace hydromet
