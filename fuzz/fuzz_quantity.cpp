// libFuzzer target: hydromet::parse_unit and hydromet::parse_quantity (core/quantity.hpp).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_common.hpp"
#include "hydromet/core/quantity.hpp"

// Input layout: an optional default unit before the first newline, then the quantity text; the whole
// input is also parsed as a unit.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = hydromet::fuzz::as_text(data, size);
  hydromet::fuzz::run([&] { static_cast<void>(hydromet::parse_unit(text)); });
  hydromet::fuzz::run([&] { static_cast<void>(hydromet::parse_quantity(text)); });
  const auto newline = text.find('\n');
  if (newline != std::string::npos) {
    const std::string_view default_unit(text.data(), newline);
    const std::string_view quantity(text.data() + newline + 1, text.size() - newline - 1);
    hydromet::fuzz::run([&] { static_cast<void>(hydromet::parse_quantity(quantity, default_unit)); });
    hydromet::fuzz::run([&] {
      static_cast<void>(
          hydromet::parse_quantity_as(quantity, hydromet::dimension::temperature, default_unit));
    });
    hydromet::fuzz::run([&] { static_cast<void>(hydromet::to_si(1.5, default_unit)); });
    hydromet::fuzz::run([&] { static_cast<void>(hydromet::from_si(1.5, default_unit)); });
  }
  return 0;
}
