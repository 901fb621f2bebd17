// libFuzzer target: hydromet::parse_reaction_equation (kinetics/leach_reaction.hpp).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.hpp"
#include "hydromet/kinetics/leach_reaction.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = hydromet::fuzz::as_text(data, size);
  return hydromet::fuzz::run([&] { static_cast<void>(hydromet::parse_reaction_equation(text)); });
}
