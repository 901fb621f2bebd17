// Typed quantities for the C++ API: Boost.Units aliases over SI (mol for amount), unit constants,
// Celsius helpers, and the bridge to the runtime Quantity of quantity.hpp.
#pragma once

#include <boost/units/absolute.hpp>
#include <boost/units/dim.hpp>
#include <boost/units/dimension.hpp>
#include <boost/units/dimensionless_type.hpp>
#include <boost/units/get_dimension.hpp>
#include <boost/units/get_system.hpp>
#include <boost/units/physical_dimensions.hpp>
#include <boost/units/quantity.hpp>
#include <boost/units/static_rational.hpp>
#include <boost/units/systems/si.hpp>
#include <boost/units/systems/temperature/celsius.hpp>
#include <string>
#include <string_view>
#include <type_traits>

#include "hydromet/core/error.hpp"
#include "hydromet/core/quantity.hpp"

namespace hydromet {

namespace detail {
/// `Rest` with dim<Base, Exponent> in front, or `Rest` alone when Exponent is 0 (Boost.Units lists omit
/// them).
template <class Base, long Exponent, class Rest>
struct PrependDim {
  using type = boost::units::list<boost::units::dim<Base, boost::units::static_rational<Exponent>>, Rest>;
};
template <class Base, class Rest>
struct PrependDim<Base, 0, Rest> {
  using type = Rest;
};

template <long L, long M, long T, long N, long Th>
struct SiDimension {
  using type = typename boost::units::make_dimension_list<typename PrependDim<
      boost::units::length_base_dimension, L,
      typename PrependDim<
          boost::units::mass_base_dimension, M,
          typename PrependDim<
              boost::units::time_base_dimension, T,
              typename PrependDim<boost::units::amount_base_dimension, N,
                                  typename PrependDim<boost::units::temperature_base_dimension, Th,
                                                      boost::units::dimensionless_type>::type>::type>::type>::
          type>::type>::type;
};
}  // namespace detail

/// A Boost.Units quantity over SI (mol for amount) with the given exponents of m, kg, s, mol and K.
/// It is the very type that Boost.Units expressions of that dimension produce (quantity<si::volume>, ...).
template <long LengthExponent, long MassExponent, long TimeExponent, long AmountExponent,
          long TemperatureExponent>
using SiQuantity = boost::units::quantity<
    boost::units::unit<typename detail::SiDimension<LengthExponent, MassExponent, TimeExponent,
                                                    AmountExponent, TemperatureExponent>::type,
                       boost::units::si::system>>;

//                                       m  kg   s mol   K
using Dimensionless = SiQuantity<0, 0, 0, 0, 0>;
using Length = SiQuantity<1, 0, 0, 0, 0>;  ///< [m]
using Area = SiQuantity<2, 0, 0, 0, 0>;    ///< [m2]
using Volume = SiQuantity<3, 0, 0, 0, 0>;  ///< [m3]
using Mass = SiQuantity<0, 1, 0, 0, 0>;    ///< [kg]
using Time = SiQuantity<0, 0, 1, 0, 0>;    ///< [s]
using Amount = SiQuantity<0, 0, 0, 1, 0>;  ///< [mol]
/// Absolute (thermodynamic) temperature [K]. Build it from Celsius with units::celsius(), never by adding.
using Temperature = SiQuantity<0, 0, 0, 0, 1>;
using TemperatureDifference = Temperature;              ///< [K]; same type, named for intent
using MassConcentration = SiQuantity<-3, 1, 0, 0, 0>;   ///< [kg/m3] = [g/L]
using Density = MassConcentration;                      ///< [kg/m3]
using MolarConcentration = SiQuantity<-3, 0, 0, 1, 0>;  ///< [mol/m3] = [mmol/L]
using Molality = SiQuantity<0, -1, 0, 1, 0>;            ///< [mol/kg]
using VolumetricFlow = SiQuantity<3, 0, -1, 0, 0>;      ///< [m3/s]
using MassFlow = SiQuantity<0, 1, -1, 0, 0>;            ///< [kg/s]
using MolarFlow = SiQuantity<0, 0, -1, 1, 0>;           ///< [mol/s]
using Velocity = SiQuantity<1, 0, -1, 0, 0>;            ///< [m/s]
using Frequency = SiQuantity<0, 0, -1, 0, 0>;           ///< [1/s]
using RateConstant = Frequency;                         ///< first-order rate constant [1/s]
using Energy = SiQuantity<2, 1, -2, 0, 0>;              ///< [J]
using Power = SiQuantity<2, 1, -3, 0, 0>;               ///< [W]
using Pressure = SiQuantity<-1, 1, -2, 0, 0>;           ///< [Pa]
using MolarEnergy = SiQuantity<2, 1, -2, -1, 0>;        ///< [J/mol], e.g. activation energy
using MolarEntropy = SiQuantity<2, 1, -2, -1, -1>;      ///< [J/(mol K)]
using MolarHeatCapacity = MolarEntropy;                 ///< [J/(mol K)]
using Diffusivity = SiQuantity<2, 0, -1, 0, 0>;         ///< [m2/s]
using MolarFlux = SiQuantity<-2, 0, -1, 1, 0>;          ///< [mol/(m2 s)]

/// Unit constants as SI quantities: `Volume v = 2.0 * units::cubic_meter`,
/// `VolumetricFlow q = 1.2 * units::cubic_meter / units::hour`. Factors are exact definitions.
namespace units {
inline constexpr Length meter = Length::from_value(1.0);
inline constexpr Length centimeter = Length::from_value(1e-2);
inline constexpr Length millimeter = Length::from_value(1e-3);
inline constexpr Length micrometer = Length::from_value(1e-6);
inline constexpr Area square_meter = Area::from_value(1.0);
inline constexpr Volume cubic_meter = Volume::from_value(1.0);
inline constexpr Volume liter = Volume::from_value(1e-3);
inline constexpr Volume milliliter = Volume::from_value(1e-6);
inline constexpr Mass kilogram = Mass::from_value(1.0);
inline constexpr Mass gram = Mass::from_value(1e-3);
inline constexpr Mass milligram = Mass::from_value(1e-6);
inline constexpr Mass tonne = Mass::from_value(1e3);
inline constexpr Amount mole = Amount::from_value(1.0);
inline constexpr Amount millimole = Amount::from_value(1e-3);
inline constexpr Amount kilomole = Amount::from_value(1e3);
inline constexpr Time second = Time::from_value(1.0);
inline constexpr Time minute = Time::from_value(60.0);
inline constexpr Time hour = Time::from_value(3600.0);
inline constexpr Time day = Time::from_value(86400.0);
inline constexpr Temperature kelvin = Temperature::from_value(1.0);  ///< absolute, or a difference
inline constexpr Pressure pascal = Pressure::from_value(1.0);
inline constexpr Pressure kilopascal = Pressure::from_value(1e3);
inline constexpr Pressure megapascal = Pressure::from_value(1e6);
inline constexpr Pressure bar = Pressure::from_value(1e5);
inline constexpr Pressure atmosphere = Pressure::from_value(101325.0);
inline constexpr Energy joule = Energy::from_value(1.0);
inline constexpr Energy kilojoule = Energy::from_value(1e3);
inline constexpr Power watt = Power::from_value(1.0);
inline constexpr Power kilowatt = Power::from_value(1e3);
inline constexpr MolarConcentration molar = MolarConcentration::from_value(1e3);  ///< M = mol/L
inline constexpr Dimensionless percent = Dimensionless::from_value(1e-2);
inline constexpr Dimensionless ppm = Dimensionless::from_value(1e-6);

/// Offset of the Celsius scale [K]: T [K] = t [degC] + 273.15.
inline constexpr double celsius_zero = 273.15;

/// Absolute temperature of a Celsius reading: celsius(80.0) is 353.15 K. There is deliberately no
/// `degree_celsius` constant: `80.0 * degree_celsius` could only mean a difference of 80 K.
[[nodiscard]] constexpr Temperature celsius(double degrees_celsius) {
  return Temperature::from_value(degrees_celsius + celsius_zero);
}

/// Celsius reading [degC] of an absolute temperature.
[[nodiscard]] constexpr double to_celsius(Temperature temperature) {
  return temperature.value() - celsius_zero;
}

/// Absolute temperature of a Boost.Units absolute Celsius quantity (`80.0 *
/// absolute<celsius::temperature>()`), converted by Boost.Units itself.
[[nodiscard]] inline Temperature absolute_temperature(
    const boost::units::quantity<boost::units::absolute<boost::units::celsius::temperature>>& temperature) {
  using AbsoluteKelvin = boost::units::quantity<boost::units::absolute<boost::units::si::temperature>>;
  return Temperature::from_value(AbsoluteKelvin(temperature).value());
}
}  // namespace units

/// The SI value (mol for amount) of a typed quantity of any Boost.Units system: si(2.0 * units::hour) is
/// 7200.
template <class Unit, class Y>
[[nodiscard]] constexpr Y si(const boost::units::quantity<Unit, Y>& quantity) {
  using SiUnit =
      boost::units::unit<typename boost::units::get_dimension<Unit>::type, boost::units::si::system>;
  if constexpr (std::is_same_v<Unit, SiUnit>) {
    return quantity.value();
  } else {
    return boost::units::quantity<SiUnit, Y>(quantity).value();
  }
}

namespace detail {
template <class Base, class List>
struct ExponentIn;
template <class Base>
struct ExponentIn<Base, boost::units::dimensionless_type> {
  static constexpr long value = 0;
};
template <class Base, class Tag, class Exponent, class Next>
struct ExponentIn<Base, boost::units::list<boost::units::dim<Tag, Exponent>, Next>> {
  static_assert(Exponent::Denominator == 1, "hydromet dimensions have integer exponents");
  static constexpr long value =
      std::is_same_v<Base, Tag> ? Exponent::Numerator : ExponentIn<Base, Next>::value;
};

template <class List>
struct BaseCount;
template <>
struct BaseCount<boost::units::dimensionless_type> {
  static constexpr int value = 0;
};
template <class Item, class Next>
struct BaseCount<boost::units::list<Item, Next>> {
  static constexpr int value = 1 + BaseCount<Next>::value;
};
}  // namespace detail

/// The runtime Dimension of a Boost.Units unit or quantity type: dimension_of<Volume>() == dimension::volume.
/// Fails to compile for dimensions outside m, kg, s, mol, K (electric current, angles, ...).
template <class T>
[[nodiscard]] constexpr Dimension dimension_of() {
  using List = typename boost::units::get_dimension<T>::type;
  constexpr Dimension result{
      {static_cast<int>(detail::ExponentIn<boost::units::length_base_dimension, List>::value),
       static_cast<int>(detail::ExponentIn<boost::units::mass_base_dimension, List>::value),
       static_cast<int>(detail::ExponentIn<boost::units::time_base_dimension, List>::value),
       static_cast<int>(detail::ExponentIn<boost::units::amount_base_dimension, List>::value),
       static_cast<int>(detail::ExponentIn<boost::units::temperature_base_dimension, List>::value)}};
  constexpr int nonzero = (result.exponents[0] != 0) + (result.exponents[1] != 0) +
                          (result.exponents[2] != 0) + (result.exponents[3] != 0) +
                          (result.exponents[4] != 0);
  static_assert(nonzero == detail::BaseCount<List>::value,
                "only the base dimensions length, mass, time, amount and temperature are supported");
  return result;
}

/// A runtime Quantity of a typed one: to_quantity(2.0 * units::hour) is {7200, dimension::time}.
template <class Unit, class Y>
[[nodiscard]] Quantity to_quantity(const boost::units::quantity<Unit, Y>& quantity) {
  return Quantity{static_cast<double>(si(quantity)), dimension_of<Unit>()};
}

/// The typed quantity of a runtime one; InputError "expected a temperature, got a mass" on a wrong dimension.
template <class Typed>
[[nodiscard]] Typed to_typed(const Quantity& quantity) {
  static_assert(std::is_same_v<typename boost::units::get_system<typename Typed::unit_type>::type,
                               boost::units::si::system>,
                "to_typed builds SI quantities such as hydromet::Volume");
  constexpr Dimension expected = dimension_of<Typed>();
  if (!(quantity.dimension == expected)) {
    throw InputError("expected " + describe(expected) + ", got " + describe(quantity.dimension));
  }
  return Typed::from_value(quantity.value);
}

/// parse_quantity_as for a typed quantity: parse_typed<Temperature>("80 degC") is 353.15 K.
template <class Typed>
[[nodiscard]] Typed parse_typed(std::string_view text, std::string_view default_unit = "") {
  return Typed::from_value(parse_quantity_as(text, dimension_of<Typed>(), default_unit));
}

}  // namespace hydromet
