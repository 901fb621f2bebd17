// Element-wise operations of serial N_Vectors, compiled with the library (see serial_kernels.hpp).
#include "numerics/serial_kernels.hpp"

#include <cmath>
#include <cstddef>

#include "numerics/sundials_compat.hpp"

namespace hydromet::numerics::detail {
namespace {

using sundials::Real;

// The element-wise kernels are also built for AVX2 and picked when the processor has it (GCC function
// multiversioning): twice the entries per instruction, and element by element the same IEEE operations, so
// the same bits (no FMA: AVX2 alone does not enable it). Reductions keep one build: vectorising them would
// reorder their sums.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define HYDROMET_ELEMENTWISE __attribute__((target_clones("avx2", "default")))
#else
#define HYDROMET_ELEMENTWISE
#endif

struct Data {
  Real* values;
  std::size_t size;
};

Data data(N_Vector vector) { return {NV_DATA_S(vector), static_cast<std::size_t>(NV_LENGTH_S(vector))}; }

/// z_i = op(x_i, y_i) for every i; z may be x or y (each entry is read before it is written).
template <typename Op>
void combine(N_Vector x, N_Vector y, N_Vector z, Op op) {
  const auto [xs, n] = data(x);
  const Real* ys = NV_DATA_S(y);
  Real* zs = NV_DATA_S(z);
  for (std::size_t i = 0; i < n; ++i) {
    zs[i] = op(xs[i], ys[i]);
  }
}

template <typename Op>
void map(N_Vector x, N_Vector z, Op op) {
  const auto [xs, n] = data(x);
  Real* zs = NV_DATA_S(z);
  for (std::size_t i = 0; i < n; ++i) {
    zs[i] = op(xs[i]);
  }
}

// z = a x + b y, written as the serial vector writes each case (x + y when a = b = 1, a (x + y) when a = b,
// a x + y when b = 1, ...): these differ in rounding from a x + b y, and the results must not change.
HYDROMET_ELEMENTWISE void linear_sum(Real a, N_Vector x, Real b, N_Vector y, N_Vector z) {
  if (b == 1.0 && z == y) {
    combine(x, y, z, [a](Real xi, Real yi) { return yi + a * xi; });
  } else if (a == 1.0 && z == x) {
    combine(x, y, z, [b](Real xi, Real yi) { return xi + b * yi; });
  } else if (a == 1.0 && b == 1.0) {
    combine(x, y, z, [](Real xi, Real yi) { return xi + yi; });
  } else if (a == 1.0 && b == -1.0) {
    combine(x, y, z, [](Real xi, Real yi) { return xi - yi; });
  } else if (a == -1.0 && b == 1.0) {
    combine(x, y, z, [](Real xi, Real yi) { return yi - xi; });
  } else if (a == 1.0) {
    combine(x, y, z, [b](Real xi, Real yi) { return b * yi + xi; });
  } else if (b == 1.0) {
    combine(x, y, z, [a](Real xi, Real yi) { return a * xi + yi; });
  } else if (a == -1.0) {
    combine(x, y, z, [b](Real xi, Real yi) { return b * yi - xi; });
  } else if (b == -1.0) {
    combine(x, y, z, [a](Real xi, Real yi) { return a * xi - yi; });
  } else if (a == b) {
    combine(x, y, z, [a](Real xi, Real yi) { return a * (xi + yi); });
  } else if (a == -b) {
    combine(x, y, z, [a](Real xi, Real yi) { return a * (xi - yi); });
  } else {
    combine(x, y, z, [a, b](Real xi, Real yi) { return a * xi + b * yi; });
  }
}

HYDROMET_ELEMENTWISE void constant(Real c, N_Vector z) {
  const auto [zs, n] = data(z);
  for (std::size_t i = 0; i < n; ++i) {
    zs[i] = c;
  }
}

HYDROMET_ELEMENTWISE void product(N_Vector x, N_Vector y, N_Vector z) {
  combine(x, y, z, [](Real xi, Real yi) { return xi * yi; });
}

HYDROMET_ELEMENTWISE void quotient(N_Vector x, N_Vector y, N_Vector z) {
  combine(x, y, z, [](Real xi, Real yi) { return xi / yi; });
}

// c x; the cases c = 1 (a copy) and c = -1 (negation) give the same values as the product.
HYDROMET_ELEMENTWISE void scale(Real c, N_Vector x, N_Vector z) {
  map(x, z, [c](Real xi) { return c * xi; });
}

HYDROMET_ELEMENTWISE void absolute(N_Vector x, N_Vector z) {
  map(x, z, [](Real xi) { return std::abs(xi); });
}

HYDROMET_ELEMENTWISE void inverse(N_Vector x, N_Vector z) {
  map(x, z, [](Real xi) { return 1.0 / xi; });
}

HYDROMET_ELEMENTWISE void add_constant(N_Vector x, Real b, N_Vector z) {
  map(x, z, [b](Real xi) { return xi + b; });
}

// Σ (x_i w_i)², summed in index order as the serial vector does.
Real weighted_square_sum(N_Vector x, N_Vector w) {
  const auto [xs, n] = data(x);
  const Real* ws = NV_DATA_S(w);
  Real sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const Real term = xs[i] * ws[i];
    sum += term * term;
  }
  return sum;
}

Real weighted_square_sum_masked(N_Vector x, N_Vector w, N_Vector mask) {
  const auto [xs, n] = data(x);
  const Real* ws = NV_DATA_S(w);
  const Real* ms = NV_DATA_S(mask);
  Real sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (ms[i] > 0.0) {
      const Real term = xs[i] * ws[i];
      sum += term * term;
    }
  }
  return sum;
}

Real weighted_rms_norm(N_Vector x, N_Vector w) {
  return std::sqrt(weighted_square_sum(x, w) / static_cast<Real>(NV_LENGTH_S(x)));
}

Real weighted_rms_norm_masked(N_Vector x, N_Vector w, N_Vector mask) {
  return std::sqrt(weighted_square_sum_masked(x, w, mask) / static_cast<Real>(NV_LENGTH_S(x)));
}

Real max_norm(N_Vector x) {
  const auto [xs, n] = data(x);
  Real largest = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::abs(xs[i]) > largest) {
      largest = std::abs(xs[i]);
    }
  }
  return largest;
}

Real minimum(N_Vector x) {
  const auto [xs, n] = data(x);
  Real smallest = xs[0];
  for (std::size_t i = 1; i < n; ++i) {
    if (xs[i] < smallest) {
      smallest = xs[i];
    }
  }
  return smallest;
}

}  // namespace

void use_compiled_kernels(N_Vector vector) {
  N_Vector_Ops ops = vector->ops;
  ops->nvlinearsum = linear_sum;
  ops->nvconst = constant;
  ops->nvprod = product;
  ops->nvdiv = quotient;
  ops->nvscale = scale;
  ops->nvabs = absolute;
  ops->nvinv = inverse;
  ops->nvaddconst = add_constant;
  ops->nvwrmsnorm = weighted_rms_norm;
  ops->nvwrmsnormmask = weighted_rms_norm_masked;
  ops->nvwsqrsumlocal = weighted_square_sum;
  ops->nvwsqrsummasklocal = weighted_square_sum_masked;
  ops->nvmaxnorm = max_norm;
  ops->nvmaxnormlocal = max_norm;
  ops->nvmin = minimum;
  ops->nvminlocal = minimum;
}

}  // namespace hydromet::numerics::detail
