// Runtime quantities: dimension vectors, unit parsing and conversion to SI (mol as amount unit).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "hydromet/core/error.hpp"

namespace hydromet {

/// Exponents of the SI base dimensions used by hydromet: length, mass, time, amount, temperature.
struct Dimension {
  std::array<int, 5> exponents{};  ///< {m, kg, s, mol, K}

  friend constexpr bool operator==(const Dimension&, const Dimension&) = default;
  [[nodiscard]] constexpr Dimension operator*(const Dimension& other) const {
    Dimension result;
    for (std::size_t i = 0; i < exponents.size(); ++i) {
      result.exponents[i] = exponents[i] + other.exponents[i];
    }
    return result;
  }
  [[nodiscard]] constexpr Dimension operator/(const Dimension& other) const {
    Dimension result;
    for (std::size_t i = 0; i < exponents.size(); ++i) {
      result.exponents[i] = exponents[i] - other.exponents[i];
    }
    return result;
  }
  [[nodiscard]] constexpr Dimension pow(int power) const {
    Dimension result;
    for (std::size_t i = 0; i < exponents.size(); ++i) {
      result.exponents[i] = exponents[i] * power;
    }
    return result;
  }
};

namespace dimension {
inline constexpr Dimension dimensionless{{0, 0, 0, 0, 0}};
inline constexpr Dimension length{{1, 0, 0, 0, 0}};
inline constexpr Dimension mass{{0, 1, 0, 0, 0}};
inline constexpr Dimension time{{0, 0, 1, 0, 0}};
inline constexpr Dimension amount{{0, 0, 0, 1, 0}};
inline constexpr Dimension temperature{{0, 0, 0, 0, 1}};
inline constexpr Dimension area = length.pow(2);
inline constexpr Dimension volume = length.pow(3);
inline constexpr Dimension density = mass / volume;                     ///< also mass concentration
inline constexpr Dimension molar_concentration = amount / volume;       ///< mol/m3
inline constexpr Dimension molality = amount / mass;                    ///< mol/kg
inline constexpr Dimension volumetric_flow = volume / time;             ///< m3/s
inline constexpr Dimension mass_flow = mass / time;                     ///< kg/s
inline constexpr Dimension molar_flow = amount / time;                  ///< mol/s
inline constexpr Dimension frequency = dimensionless / time;            ///< 1/s (rate constants)
inline constexpr Dimension energy = mass * area / time.pow(2);          ///< J
inline constexpr Dimension molar_energy = energy / amount;              ///< J/mol
inline constexpr Dimension molar_entropy = molar_energy / temperature;  ///< J/(mol K)
inline constexpr Dimension power = energy / time;                       ///< W
inline constexpr Dimension pressure = mass / length / time.pow(2);      ///< Pa
inline constexpr Dimension velocity = length / time;                    ///< m/s
inline constexpr Dimension diffusivity = area / time;                   ///< m2/s
inline constexpr Dimension molar_flux = amount / area / time;           ///< mol/(m2 s)
}  // namespace dimension

/// A named dimension in words ("a temperature", "a volumetric flow"), or its SI form ("kg m^-3").
[[nodiscard]] std::string describe(const Dimension& dimension);

/// A unit: SI value = factor * value + offset. The offset is non-zero only for degC used alone.
struct Unit {
  double factor = 1.0;
  double offset = 0.0;
  Dimension dimension{};
};

/// A value in SI units (mol for amount) with its dimension.
struct Quantity {
  double value = 0.0;
  Dimension dimension{};
};

/// Parses a unit expression: products `*` or a space, quotients `/`, parentheses, powers `^2`, `^-1` or a
/// trailing digit (`m3`, `m2`). Units: m cm mm um L mL m3 kg g mg t mol mmol kmol s min h d K degC Pa kPa
/// MPa bar atm J kJ W kW % vol% wt% ppm M (mol/L), and also km dm nm ml l ug umol ms MJ Wh kWh MW mM,
/// with `µm`/`μm` for `um` and `°C` for `degC`. `degC` alone is affine (offset 273.15); inside a
/// compound unit it is a temperature difference. A `*` or a product after a `/` in the same group is
/// rejected as ambiguous (write `J/(mol*K)`). An empty text is dimensionless. Throws QuantityError (an
/// InputError without location) on bad text. See docs/models/quantities.md.
[[nodiscard]] Unit parse_unit(std::string_view text);

/// Parses `number [unit]` (e.g. "80 degC", "150 g/L", "1.2e-3 m3/s", "75um") into SI. A bare number
/// takes `default_unit` (empty: dimensionless). The number is any C decimal or hexadecimal floating
/// literal; `5/h` reads as `5 1/h`. Rejects empty text, NaN and infinities, trailing junk, values that
/// overflow in SI and `degC` readings below absolute zero with a QuantityError (an InputError without
/// location) saying what was expected and at which character.
[[nodiscard]] Quantity parse_quantity(std::string_view text, std::string_view default_unit = "");

/// Like parse_quantity, but requires `expected`; else InputError "expected a temperature, got `5 kg`".
[[nodiscard]] double parse_quantity_as(std::string_view text, const Dimension& expected,
                                       std::string_view default_unit = "");

/// Converts an SI value to `unit` (inverse of parse, including the degC offset).
[[nodiscard]] double from_si(double si_value, std::string_view unit);
/// Converts a value in `unit` to SI.
[[nodiscard]] double to_si(double value, std::string_view unit);

/// Any dimension in SI exponent form, parseable by parse_unit: "kg m^-3", "mol m^-2 s^-1", "" for
/// dimensionless. Positive exponents first, each group in the order m kg s mol K.
[[nodiscard]] std::string si_unit_string(const Dimension& dimension);

/// The InputError thrown by the parsers above. offset() is the byte offset, in the text quoted by the
/// message, of the character at fault (0 for the whole text), so that a caller that knows where that
/// text sits in a file (the YAML layer) can put its caret under the exact character.
class QuantityError : public InputError {
 public:
  QuantityError(std::string message, std::size_t offset) : InputError(std::move(message)), offset_(offset) {}
  [[nodiscard]] std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_ = 0;
};

}  // namespace hydromet
