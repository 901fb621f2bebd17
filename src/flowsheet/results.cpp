// Result accessors and balance closures.
#include "hydromet/flowsheet/results.hpp"

#include <algorithm>
#include <cmath>

#include "hydromet/core/error.hpp"

namespace hydromet {

double ElementBalance::closure() const {
  double worst = 0.0;
  for (Eigen::Index e = 0; e < initial.size(); ++e) {
    const double reference =
        std::max({std::abs(initial[e]), std::abs(final[e]), std::abs(inflow[e]), std::abs(outflow[e])});
    if (reference > 0.0) {
      worst = std::max(worst, std::abs(final[e] - initial[e] - inflow[e] + outflow[e]) / reference);
    }
  }
  return worst;
}

double UnitBalance::closure() const {
  double worst = 0.0;
  for (Eigen::Index e = 0; e < in.size(); ++e) {
    const double reference = std::max({std::abs(in[e]), std::abs(out[e]), std::abs(accumulation[e])});
    if (reference > 0.0) {
      worst = std::max(worst, std::abs(in[e] - out[e] - accumulation[e]) / reference);
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

double SteadyStateResult::output(const std::string& name) const {
  const auto it = std::find(output_names.begin(), output_names.end(), name);
  if (it == output_names.end()) {
    throw Error("no output named `" + name + "`");
  }
  return outputs[it - output_names.begin()];
}

}  // namespace hydromet
