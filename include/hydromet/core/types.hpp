// Eigen and span aliases used across hydromet.
#pragma once

#include <Eigen/Core>
#include <span>

namespace hydromet {

using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;
using ConstSpan = std::span<const double>;
using MutableSpan = std::span<double>;

}  // namespace hydromet
