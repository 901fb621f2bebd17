// libFuzzer target: the user-expression distribution law (muparser), compiled and evaluated.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_common.hpp"
#include "hydromet/kinetics/distribution.hpp"

// Input layout: the expression for log10 D. A law that compiles is evaluated at a few stage states, from
// a dilute neutral solution to zero metal and a strong acid; the result must be a number >= 0 or an error,
// never NaN passed on silently.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = hydromet::fuzz::as_text(data, size);
  hydromet::fuzz::run([&] {
    const hydromet::ExpressionDistribution law(text);
    static_cast<void>(law.describe());
    for (const double hydrogen : {1e-4, 1.0, 3000.0}) {
      for (const double metal : {0.0, 10.0}) {
        hydromet::DistributionState state;
        state.metal = metal;
        state.hydrogen = hydrogen;
        state.extractant = 200.0;
        state.temperature = 313.15;
        const double organic = law.equilibrium_organic(state);
        if (std::isnan(organic)) {
          std::abort();  // a law must reject what it cannot evaluate, not hand NaN to the solver
        }
      }
    }
  });
  return 0;
}
