// The compiled serial-vector kernels give exactly what SUNDIALS's own serial vector gives, operation by
// operation and case by case (the integrators' results must not move by one bit).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "numerics/serial_kernels.hpp"
#include "numerics/sundials_wrappers.hpp"

using namespace hydromet::numerics;
namespace wrap = hydromet::numerics::sundials;

namespace {

constexpr std::size_t length = 1037;  // odd, so that vectorised loops also run their remainder

/// Values over many magnitudes and both signs, with some exact zeros (deterministic).
std::vector<double> values(std::uint64_t seed) {
  std::vector<double> v(length);
  std::uint64_t state = seed;
  for (auto& x : v) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double u = static_cast<double>(state >> 11U) * 0x1.0p-53;
    const int exponent = static_cast<int>((state >> 3U) % 40U) - 20;
    x = (state % 17U == 0U) ? 0.0 : (u - 0.3) * std::ldexp(1.0, exponent);
  }
  return v;
}

/// One set of vectors with SUNDIALS's operations and one with the compiled kernels, same contents.
struct Pair {
  Pair(std::uint64_t seed, SUNContext context)
      : reference(values(seed), context), compiled(values(seed), context) {
    detail::use_compiled_kernels(compiled.get());
  }
  wrap::SerialVector reference;
  wrap::SerialVector compiled;
};

bool identical(const wrap::SerialVector& a, const wrap::SerialVector& b) {
  const auto x = a.values();
  const auto y = b.values();
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!(x[i] == y[i] || (std::isnan(x[i]) && std::isnan(y[i])))) {
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("compiled serial kernels: linear sums in every case SUNDIALS distinguishes, aliased or not") {
  wrap::Context context;
  const std::vector<double> coefficients{1.0, -1.0, 2.5, -2.5, 0.3, 0.0, -7.0e-3};
  for (const double a : coefficients) {
    for (const double b : coefficients) {
      for (int alias = 0; alias < 3; ++alias) {  // z separate, z = x, z = y
        Pair x(1, context.get()), y(2, context.get()), z(3, context.get());
        const auto target = [&](bool compiled) {
          Pair& p = alias == 0 ? z : (alias == 1 ? x : y);
          return compiled ? p.compiled.get() : p.reference.get();
        };
        N_VLinearSum(a, x.reference.get(), b, y.reference.get(), target(false));
        N_VLinearSum(a, x.compiled.get(), b, y.compiled.get(), target(true));
        INFO("a = " << a << ", b = " << b << ", alias " << alias);
        Pair& written = alias == 0 ? z : (alias == 1 ? x : y);
        CHECK(identical(written.reference, written.compiled));
      }
    }
  }
}

TEST_CASE("compiled serial kernels: scaling, products, norms and the fused fallbacks match bit for bit") {
  wrap::Context context;
  Pair x(11, context.get()), y(12, context.get()), z(13, context.get());
  Pair w(14, context.get());
  N_VAbs(w.reference.get(), w.reference.get());  // weights and masks: positive or zero
  N_VAbs(w.compiled.get(), w.compiled.get());
  CHECK(identical(w.reference, w.compiled));
  const auto both = [&](auto operation, Pair& result, const std::string& what) {
    operation(x.reference.get(), y.reference.get(), result.reference.get());
    operation(x.compiled.get(), y.compiled.get(), result.compiled.get());
    INFO(what);
    CHECK(identical(result.reference, result.compiled));
  };
  for (const double c : {1.0, -1.0, 0.75}) {
    both([c](N_Vector a, N_Vector, N_Vector r) { N_VScale(c, a, r); }, z, "scale");
    both([c](N_Vector a, N_Vector, N_Vector) { N_VScale(c, a, a); }, x, "scale in place");
  }
  both([](N_Vector a, N_Vector b, N_Vector r) { N_VProd(a, b, r); }, z, "product");
  both([](N_Vector a, N_Vector, N_Vector r) { N_VAbs(a, r); }, z, "abs");
  both([](N_Vector a, N_Vector, N_Vector r) { N_VAddConst(a, 0.125, r); }, z, "add constant");
  both([](N_Vector, N_Vector, N_Vector r) { N_VConst(-3.5, r); }, z, "constant");
  N_VAddConst(y.reference.get(), 1.0e-3, y.reference.get());  // no zero divisors below
  N_VAddConst(y.compiled.get(), 1.0e-3, y.compiled.get());
  both([](N_Vector a, N_Vector b, N_Vector r) { N_VDiv(a, b, r); }, z, "quotient");
  both([](N_Vector, N_Vector b, N_Vector r) { N_VInv(b, r); }, z, "inverse");

  CHECK(N_VWrmsNorm(x.compiled.get(), w.compiled.get()) == N_VWrmsNorm(x.reference.get(), w.reference.get()));
  CHECK(N_VWrmsNormMask(x.compiled.get(), w.compiled.get(), y.compiled.get()) ==
        N_VWrmsNormMask(x.reference.get(), w.reference.get(), y.reference.get()));
  CHECK(N_VMaxNorm(x.compiled.get()) == N_VMaxNorm(x.reference.get()));
  CHECK(N_VMin(x.compiled.get()) == N_VMin(x.reference.get()));
  // A norm a reordered sum would change: every term of a different size.
  CHECK(N_VWrmsNorm(x.compiled.get(), w.compiled.get()) > 0.0);

  // The generic fused operations (not set on either vector) fall back to the kernels above.
  double c[4] = {0.5, -1.0, 1.0, 3.0};
  N_Vector reference[4] = {x.reference.get(), y.reference.get(), w.reference.get(), z.reference.get()};
  N_Vector compiled[4] = {x.compiled.get(), y.compiled.get(), w.compiled.get(), z.compiled.get()};
  N_VLinearCombination(4, c, reference, z.reference.get());  // z among the terms: aliasing
  N_VLinearCombination(4, c, compiled, z.compiled.get());
  CHECK(identical(z.reference, z.compiled));
}
