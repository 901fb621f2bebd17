// Result accessors and balance closure.
#include "hydromet/flowsheet/results.hpp"

#include <algorithm>
#include <cmath>

#include "hydromet/core/error.hpp"

namespace hydromet {

double ElementBalance::closure() const {
  double worst = 0.0;
  for (Eigen::Index e = 0; e < initial.size(); ++e) {
    const double reference = std::max({std::abs(initial[e]), std::abs(inflow[e]), std::abs(final[e])});
    if (reference > 0.0) {
      worst = std::max(worst, std::abs(final[e] - initial[e] - inflow[e] + outflow[e]) / reference);
    }
  }
  return worst;
}

Vector SimulationResult::output(const std::string& name) const {
  const auto it = std::find(output_names.begin(), output_names.end(), name);
  if (it == output_names.end()) {
    throw Error("no output named `" + name + "`");
  }
  return outputs.col(it - output_names.begin());
}

}  // namespace hydromet
