// Tests of the quantity parser: every unit's factor against Boost.Units, compound units against hand
// arithmetic, numbers and whitespace, degC, from_si/to_si, describe, and every error message.
#include <doctest/doctest.h>

#include <boost/units/absolute.hpp>
#include <boost/units/base_units/metric/atmosphere.hpp>
#include <boost/units/base_units/metric/bar.hpp>
#include <boost/units/base_units/metric/day.hpp>
#include <boost/units/base_units/metric/hour.hpp>
#include <boost/units/base_units/metric/liter.hpp>
#include <boost/units/base_units/metric/micron.hpp>
#include <boost/units/base_units/metric/minute.hpp>
#include <boost/units/base_units/metric/ton.hpp>
#include <boost/units/make_scaled_unit.hpp>
#include <boost/units/quantity.hpp>
#include <boost/units/systems/cgs.hpp>
#include <boost/units/systems/si.hpp>
#include <boost/units/systems/temperature/celsius.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "hydromet/core/error.hpp"
#include "hydromet/core/quantity.hpp"
#include "hydromet/core/units.hpp"

namespace bu = boost::units;
namespace dim = hydromet::dimension;
using hydromet::describe;
using hydromet::Dimension;
using hydromet::from_si;
using hydromet::InputError;
using hydromet::parse_quantity;
using hydromet::parse_quantity_as;
using hydromet::parse_unit;
using hydromet::QuantityError;
using hydromet::to_si;

namespace {

// Boost.Units unit types, converted to SI by Boost.Units itself (the independent reference).
template <class U, long Exponent>
using Scaled = typename bu::make_scaled_unit<U, bu::scale<10, bu::static_rational<Exponent>>>::type;
using Liter = bu::metric::liter_base_unit::unit_type;
using Hour = bu::metric::hour_base_unit::unit_type;

/// The SI value of one `BoostUnit`, as Boost.Units converts it.
template <class BoostUnit>
double boost_si_factor() {
  using SiUnit = bu::unit<typename bu::get_dimension<BoostUnit>::type, bu::si::system>;
  return bu::quantity<SiUnit>(1.0 * BoostUnit()).value();
}

/// Checks `symbol` against a Boost.Units unit: same SI factor (to 1e-15), same dimension, no offset.
template <class BoostUnit>
void check_unit(std::string_view symbol, const Dimension& expected_dimension) {
  CAPTURE(symbol);
  const hydromet::Unit unit = parse_unit(symbol);
  const double reference = boost_si_factor<BoostUnit>();
  CHECK(unit.factor == doctest::Approx(reference).epsilon(1e-15));
  CHECK(unit.offset == 0.0);
  CHECK(unit.dimension == expected_dimension);
  CHECK(hydromet::dimension_of<BoostUnit>() == expected_dimension);
  // The same factor applies to a number: 3.7 of the unit is 3.7 times the reference.
  CHECK(parse_quantity("3.7 " + std::string(symbol)).value ==
        doctest::Approx(3.7 * reference).epsilon(1e-15));
}

/// The message of the QuantityError that parsing `text` throws ("" when nothing is thrown).
std::string error_of(std::string_view text) {
  try {
    (void)parse_quantity(text);
  } catch (const QuantityError& error) {
    CHECK_FALSE(error.location().known());  // the YAML layer adds the location
    return error.message();
  }
  return {};
}

std::string unit_error_of(std::string_view text) {
  try {
    (void)parse_unit(text);
  } catch (const QuantityError& error) {
    return error.message();
  }
  return {};
}

/// Boost.Units' conversion of an absolute Celsius temperature to kelvin.
double boost_celsius_to_kelvin(double celsius) {
  const bu::quantity<bu::absolute<bu::celsius::temperature>> reading(
      celsius * bu::absolute<bu::celsius::temperature>());
  return bu::quantity<bu::absolute<bu::si::temperature>>(reading).value();
}

}  // namespace

TEST_CASE("every simple unit has the SI factor Boost.Units gives") {
  check_unit<bu::si::length>("m", dim::length);
  check_unit<Scaled<bu::si::length, 3>>("km", dim::length);
  check_unit<Scaled<bu::si::length, -1>>("dm", dim::length);
  check_unit<bu::cgs::length>("cm", dim::length);
  check_unit<Scaled<bu::si::length, -3>>("mm", dim::length);
  check_unit<bu::metric::micron_base_unit::unit_type>("um", dim::length);
  check_unit<bu::metric::micron_base_unit::unit_type>("\u00b5m", dim::length);  // micro sign
  check_unit<bu::metric::micron_base_unit::unit_type>("\u03bcm", dim::length);  // Greek mu
  check_unit<Scaled<bu::si::length, -9>>("nm", dim::length);

  check_unit<Liter>("L", dim::volume);
  check_unit<Liter>("l", dim::volume);
  check_unit<Scaled<Liter, -3>>("mL", dim::volume);
  check_unit<Scaled<Liter, -3>>("ml", dim::volume);
  check_unit<bu::si::volume>("m3", dim::volume);

  check_unit<bu::si::mass>("kg", dim::mass);
  check_unit<bu::cgs::mass>("g", dim::mass);
  check_unit<Scaled<bu::cgs::mass, -3>>("mg", dim::mass);
  check_unit<Scaled<bu::cgs::mass, -6>>("ug", dim::mass);
  check_unit<Scaled<bu::cgs::mass, -6>>("\u00b5g", dim::mass);
  check_unit<bu::metric::ton_base_unit::unit_type>("t", dim::mass);

  check_unit<bu::si::amount>("mol", dim::amount);
  check_unit<Scaled<bu::si::amount, -3>>("mmol", dim::amount);
  check_unit<Scaled<bu::si::amount, -6>>("umol", dim::amount);
  check_unit<Scaled<bu::si::amount, 3>>("kmol", dim::amount);

  check_unit<bu::si::time>("s", dim::time);
  check_unit<Scaled<bu::si::time, -3>>("ms", dim::time);
  check_unit<bu::metric::minute_base_unit::unit_type>("min", dim::time);
  check_unit<Hour>("h", dim::time);
  check_unit<bu::metric::day_base_unit::unit_type>("d", dim::time);

  check_unit<bu::si::temperature>("K", dim::temperature);

  check_unit<bu::si::pressure>("Pa", dim::pressure);
  check_unit<Scaled<bu::si::pressure, 3>>("kPa", dim::pressure);
  check_unit<Scaled<bu::si::pressure, 6>>("MPa", dim::pressure);
  check_unit<bu::metric::bar_base_unit::unit_type>("bar", dim::pressure);
  check_unit<bu::metric::atmosphere_base_unit::unit_type>("atm", dim::pressure);

  check_unit<bu::si::energy>("J", dim::energy);
  check_unit<Scaled<bu::si::energy, 3>>("kJ", dim::energy);
  check_unit<Scaled<bu::si::energy, 6>>("MJ", dim::energy);
  check_unit<bu::multiply_typeof_helper<bu::si::power, Hour>::type>("Wh", dim::energy);
  check_unit<bu::multiply_typeof_helper<Scaled<bu::si::power, 3>, Hour>::type>("kWh", dim::energy);
  check_unit<bu::si::power>("W", dim::power);
  check_unit<Scaled<bu::si::power, 3>>("kW", dim::power);
  check_unit<Scaled<bu::si::power, 6>>("MW", dim::power);

  check_unit<Scaled<bu::si::dimensionless, -2>>("%", dim::dimensionless);
  check_unit<Scaled<bu::si::dimensionless, -2>>("vol%", dim::dimensionless);
  check_unit<Scaled<bu::si::dimensionless, -2>>("wt%", dim::dimensionless);
  check_unit<Scaled<bu::si::dimensionless, -6>>("ppm", dim::dimensionless);

  check_unit<bu::divide_typeof_helper<bu::si::amount, Liter>::type>("M", dim::molar_concentration);
  check_unit<bu::divide_typeof_helper<Scaled<bu::si::amount, -3>, Liter>::type>("mM",
                                                                                dim::molar_concentration);
}

TEST_CASE("compound units against the same compounds built from Boost.Units units") {
  check_unit<bu::divide_typeof_helper<bu::cgs::mass, Liter>::type>("g/L", dim::density);
  check_unit<bu::divide_typeof_helper<bu::si::amount, Liter>::type>("mol/L", dim::molar_concentration);
  check_unit<bu::divide_typeof_helper<bu::si::volume, Hour>::type>("m3/h", dim::volumetric_flow);
  check_unit<bu::divide_typeof_helper<bu::metric::ton_base_unit::unit_type, Hour>::type>("t/h",
                                                                                         dim::mass_flow);
  check_unit<bu::divide_typeof_helper<Scaled<bu::si::energy, 3>, bu::si::amount>::type>("kJ/mol",
                                                                                        dim::molar_energy);
  // A Celsius degree inside a compound unit is a temperature difference: Boost.Units converts 1 degC to 1 K.
  using MolCelsius = bu::multiply_typeof_helper<bu::si::amount, bu::celsius::temperature>::type;
  check_unit<bu::divide_typeof_helper<bu::si::energy, MolCelsius>::type>("J/(mol*degC)", dim::molar_entropy);
}

TEST_CASE("compound units against hand arithmetic") {
  struct Case {
    std::string_view text;
    double factor;
    Dimension dimension;
  };
  const std::vector<Case> cases = {
      {"g/L", 1e-3 / 1e-3, dim::density},
      {"mg/L", 1e-6 / 1e-3, dim::density},
      {"kg/m3", 1.0, dim::density},
      {"g/cm3", 1e-3 / 1e-6, dim::density},
      {"kg m^-3", 1.0, dim::density},
      {"mol/L", 1.0 / 1e-3, dim::molar_concentration},
      {"mmol/L", 1e-3 / 1e-3, dim::molar_concentration},
      {"mol/kg", 1.0, dim::molality},
      {"m3/h", 1.0 / 3600.0, dim::volumetric_flow},
      {"L/min", 1e-3 / 60.0, dim::volumetric_flow},
      {"t/h", 1000.0 / 3600.0, dim::mass_flow},
      {"kmol/d", 1000.0 / 86400.0, dim::molar_flow},
      {"kJ/mol", 1000.0, dim::molar_energy},
      {"J/(mol*K)", 1.0, dim::molar_entropy},
      {"J/mol/K", 1.0, dim::molar_entropy},
      {"kJ/(mol K)", 1000.0, dim::molar_entropy},
      {"J/(mol*degC)", 1.0, dim::molar_entropy},
      {"1/degC", 1.0, dim::dimensionless / dim::temperature},
      {"mol/(m2*s)", 1.0, dim::molar_flux},
      {"umol/(m2\u00b7s)", 1e-6, dim::molar_flux},
      {"mol m-2 s-1", 1.0, dim::molar_flux},
      {"mol/(m2 h)", 1.0 / 3600.0, dim::molar_flux},
      {"m^2/s", 1.0, dim::diffusivity},
      {"m2/s", 1.0, dim::diffusivity},
      {"cm^2/s", 1e-4, dim::diffusivity},
      {"1/s", 1.0, dim::frequency},
      {"1/h", 1.0 / 3600.0, dim::frequency},
      {"h^-1", 1.0 / 3600.0, dim::frequency},
      {"h^(-1)", 1.0 / 3600.0, dim::frequency},
      {"s-1", 1.0, dim::frequency},
      {"m3", 1.0, dim::volume},
      {"m2", 1.0, dim::area},
      {"cm3", 1e-6, dim::volume},
      {"mm2", 1e-6, dim::area},
      {"um^3", 1e-18, dim::volume},
      {"(m/s)^2", 1.0, dim::velocity.pow(2)},
      {"kWh/t", 3.6e6 / 1000.0, dim::energy / dim::mass},
      {"W/(m2*K)", 1.0, dim::power / dim::area / dim::temperature},
      {"L/(mol*s)", 1e-3, dim::volume / dim::amount / dim::time},
      {"kg*m/s^2", 1.0, dim::mass * dim::velocity / dim::time},
      {"%/h", 0.01 / 3600.0, dim::frequency},
      {"mg/kg", 1e-6, dim::dimensionless},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const hydromet::Unit unit = parse_unit(c.text);
    CHECK(unit.factor == doctest::Approx(c.factor).epsilon(1e-15));
    CHECK(unit.offset == 0.0);
    CHECK(unit.dimension == c.dimension);
  }
}

TEST_CASE("degC alone is an absolute temperature; Boost.Units' absolute<celsius> agrees") {
  const hydromet::Unit celsius = parse_unit("degC");
  CHECK(celsius.factor == 1.0);
  CHECK(celsius.offset == 273.15);
  CHECK(celsius.dimension == dim::temperature);
  CHECK(parse_unit("(degC)").offset == 273.15);
  CHECK(parse_unit("\u00b0C").offset == 273.15);
  for (const double t : {-40.0, 0.0, 25.0, 80.0, 100.0, 1000.0}) {
    CAPTURE(t);
    CHECK(to_si(t, "degC") == doctest::Approx(boost_celsius_to_kelvin(t)).epsilon(1e-15));
    CHECK(parse_quantity(std::to_string(t) + " degC").value ==
          doctest::Approx(boost_celsius_to_kelvin(t)).epsilon(1e-15));
    CHECK(from_si(boost_celsius_to_kelvin(t), "degC") == doctest::Approx(t).epsilon(1e-12));
  }
  CHECK(parse_quantity("80 degC").value == doctest::Approx(353.15).epsilon(1e-15));
  CHECK(parse_quantity("-273.15 degC").value == doctest::Approx(0.0));
  // In a compound unit, or as a difference, there is no offset.
  CHECK(parse_unit("J/(mol*degC)").offset == 0.0);
  CHECK(parse_unit("degC/h").offset == 0.0);
  CHECK(parse_unit("degC/h").factor == doctest::Approx(1.0 / 3600.0));
  CHECK(from_si(5.0, "J/(mol*degC)") == 5.0);
}

TEST_CASE("quantities: numbers in C formats, whitespace, exact SI values") {
  CHECK(parse_quantity("80 degC").dimension == dim::temperature);
  CHECK(parse_quantity("80degC").value == parse_quantity("80 degC").value);
  CHECK(parse_quantity("  80 \t degC  ").value == parse_quantity("80 degC").value);
  CHECK(parse_quantity("80\u00a0degC").value == parse_quantity("80 degC").value);  // no-break space
  CHECK(parse_quantity("80\u202fdegC").value == parse_quantity("80 degC").value);  // narrow no-break space
  CHECK(parse_quantity("20 \u00b0C").value == doctest::Approx(293.15));
  // Correctly rounded: one multiplication or division by an exact power of ten.
  CHECK(parse_quantity("150 g/L").value == 150.0);
  CHECK(parse_quantity("2.5 h").value == 9000.0);
  CHECK(parse_quantity("75 um").value == 75e-6);
  CHECK(parse_quantity("75 \u00b5m").value == 75e-6);
  CHECK(parse_quantity("0.5 mol/L").value == 500.0);
  CHECK(parse_quantity("1.2 m3/h").value == 1.2 / 3600.0);
  CHECK(parse_quantity("1.2 m3 / h").value == 1.2 / 3600.0);
  CHECK(parse_quantity("1.2m3/h").value == 1.2 / 3600.0);
  CHECK(parse_quantity("8.314 J / ( mol * K )").value == 8.314);
  CHECK(parse_quantity("2 M").value == 2000.0);
  CHECK(parse_quantity("1 atm").value == 101325.0);
  CHECK(parse_quantity("2 bar").value == 2e5);
  CHECK(parse_quantity("5 %").value == 0.05);
  CHECK(parse_quantity("5%").value == 0.05);
  CHECK(parse_quantity("10 vol%").value == 0.1);
  CHECK(parse_quantity("12 wt%").value == 0.12);
  CHECK(parse_quantity("250 ppm").value == 250e-6);
  CHECK(parse_quantity("3 t/h").value == doctest::Approx(3000.0 / 3600.0));
  // Numbers.
  CHECK(parse_quantity("1e-3").value == 1e-3);
  CHECK(parse_quantity("1e-3").dimension == dim::dimensionless);
  CHECK(parse_quantity("1E3 g").value == 1.0);
  CHECK(parse_quantity(".5 m").value == 0.5);
  CHECK(parse_quantity("5. s").value == 5.0);
  CHECK(parse_quantity("-4 K").value == -4.0);
  CHECK(parse_quantity("+2 s").value == 2.0);
  CHECK(parse_quantity("2.5e+2 mm").value == 0.25);
  CHECK(parse_quantity("0x1p4 m").value == 16.0);
  CHECK(parse_quantity("1e-3m").value == 1e-3);  // the exponent ends the number, `m` is the unit
  // `/unit` after a number reads as `1/unit`.
  CHECK(parse_quantity("0.1 /h").value == doctest::Approx(0.1 / 3600.0));
  CHECK(parse_quantity("0.1/h").dimension == dim::frequency);
  CHECK(parse_quantity("0.1 1/h").value == doctest::Approx(0.1 / 3600.0));
}

TEST_CASE("a bare number takes the default unit") {
  CHECK(parse_quantity("150", "g/L").value == 150.0);
  CHECK(parse_quantity("150", "g/L").dimension == dim::density);
  CHECK(parse_quantity("80", "degC").value == doctest::Approx(353.15));
  CHECK(parse_quantity("7").dimension == dim::dimensionless);
  // A unit in the text wins over the default.
  CHECK(parse_quantity("1 mol/L", "mmol/L").value == 1000.0);
  CHECK(parse_quantity_as("80", dim::temperature, "degC") == doctest::Approx(353.15));
  // An empty unit is dimensionless.
  CHECK(parse_unit("").dimension == dim::dimensionless);
  CHECK(parse_unit("  ").factor == 1.0);
  CHECK(to_si(3.0, "") == 3.0);
}

TEST_CASE("from_si inverts to_si for every unit") {
  for (const std::string_view unit :
       {"m",  "km",   "dm", "cm",   "mm",  "um",   "nm",   "L",    "l",   "mL",   "ml",       "m3",  "kg",
        "g",  "mg",   "ug", "t",    "mol", "mmol", "umol", "kmol", "s",   "ms",   "min",      "h",   "d",
        "K",  "degC", "Pa", "kPa",  "MPa", "bar",  "atm",  "J",    "kJ",  "MJ",   "Wh",       "kWh", "W",
        "kW", "MW",   "%",  "vol%", "wt%", "ppm",  "M",    "mM",   "g/L", "m3/h", "J/(mol*K)"}) {
    CAPTURE(unit);
    CHECK(from_si(to_si(3.7, unit), unit) == doctest::Approx(3.7).epsilon(1e-14));
  }
  CHECK(from_si(353.15, "degC") == doctest::Approx(80.0));
  CHECK(from_si(500.0, "mol/L") == 0.5);
  CHECK(from_si(1.2 / 3600.0, "m3/h") == doctest::Approx(1.2));
  CHECK(from_si(75e-6, "um") == doctest::Approx(75.0));
  CHECK(to_si(2.0, "t/h") == doctest::Approx(2000.0 / 3600.0));
}

TEST_CASE("describe names common dimensions, else gives SI exponents") {
  CHECK(describe(dim::temperature) == "a temperature");
  CHECK(describe(dim::volume) == "a volume");
  CHECK(describe(dim::density) == "a mass concentration or density");
  CHECK(describe(dim::molar_concentration) == "a molar concentration");
  CHECK(describe(dim::volumetric_flow) == "a volumetric flow");
  CHECK(describe(dim::time) == "a time");
  CHECK(describe(dim::length) == "a length");
  CHECK(describe(dim::mass) == "a mass");
  CHECK(describe(dim::molar_energy) == "a molar energy");
  CHECK(describe(dim::dimensionless) == "dimensionless");
  CHECK(describe(dim::pressure) == "a pressure");
  CHECK(describe(dim::diffusivity) == "a diffusivity");
  CHECK(describe(dim::molar_flux) == "a molar flux");
  CHECK(describe(dim::frequency) == "a frequency or first-order rate constant");
  CHECK(describe(dim::mass / dim::length) == "kg m^-1");
  CHECK(describe(dim::molar_concentration / dim::time) == "mol m^-3 s^-1");
  CHECK(describe(dim::energy / dim::mass) == "m^2 s^-2");
  CHECK(describe(dim::area * dim::temperature) == "m^2 K");
  CHECK(hydromet::si_unit_string(dim::density) == "kg m^-3");
  CHECK(hydromet::si_unit_string(dim::molar_entropy) == "m^2 kg s^-2 mol^-1 K^-1");
  CHECK(hydromet::si_unit_string(dim::dimensionless).empty());
}

TEST_CASE("si_unit_string is parseable and round-trips") {
  const std::vector<Dimension> dimensions = {dim::length,
                                             dim::area,
                                             dim::volume,
                                             dim::mass,
                                             dim::time,
                                             dim::amount,
                                             dim::temperature,
                                             dim::density,
                                             dim::molar_concentration,
                                             dim::molality,
                                             dim::volumetric_flow,
                                             dim::mass_flow,
                                             dim::molar_flow,
                                             dim::frequency,
                                             dim::energy,
                                             dim::molar_energy,
                                             dim::molar_entropy,
                                             dim::power,
                                             dim::pressure,
                                             dim::velocity,
                                             dim::diffusivity,
                                             dim::molar_flux,
                                             dim::molar_concentration / dim::time};
  for (const auto& d : dimensions) {
    const std::string text = hydromet::si_unit_string(d);
    CAPTURE(text);
    const hydromet::Unit unit = parse_unit(text);
    CHECK(unit.dimension == d);
    CHECK(unit.factor == 1.0);
    CHECK(unit.offset == 0.0);
  }
}

TEST_CASE("parse_quantity_as requires the expected dimension") {
  CHECK(parse_quantity_as("80 degC", dim::temperature) == doctest::Approx(353.15));
  CHECK(parse_quantity_as("150 g/L", dim::density) == 150.0);
  std::string message;
  try {
    (void)parse_quantity_as("5 kg", dim::temperature);
  } catch (const InputError& error) {
    message = error.message();
  }
  CHECK(message == "expected a temperature, got `5 kg` (a mass)");
  CHECK_THROWS_WITH_AS((void)parse_quantity_as(" 3 m ", dim::volume),
                       "error: expected a volume, got `3 m` (a length)", QuantityError);
  CHECK_THROWS_WITH_AS((void)parse_quantity_as("2 kg m", dim::area),
                       "error: expected an area, got `2 kg m` (m kg)", InputError);
  CHECK_THROWS_WITH_AS((void)parse_quantity_as("5", dim::temperature),
                       "error: expected a temperature, got `5` (dimensionless); give a unit, e.g. `5 degC`",
                       InputError);
  CHECK_THROWS_WITH_AS(
      (void)parse_quantity_as("5", dim::molar_concentration / dim::time),
      "error: expected mol m^-3 s^-1, got `5` (dimensionless); give a unit, e.g. `5 mol m^-3 s^-1`",
      InputError);
  CHECK_THROWS_WITH_AS((void)parse_quantity_as("1.2 m3", dim::volumetric_flow),
                       "error: expected a volumetric flow, got `1.2 m3` (a volume)", InputError);
}

TEST_CASE("bad numbers: empty, missing, not finite, out of range") {
  CHECK(error_of("") == "expected a number with an optional unit, got an empty string");
  CHECK(error_of(" \t ") == "expected a number with an optional unit, got an empty string");
  CHECK(error_of("kg") == "expected a number at character 1 of `kg`; write e.g. `80 degC` or `150 g/L`");
  CHECK(error_of("degC 80").starts_with("expected a number at character 1 of `degC 80`"));
  CHECK(error_of("- 5").starts_with("expected a number at character 1"));
  CHECK(error_of("--5").starts_with("expected a number at character 1"));
  CHECK(error_of("nan") == "expected a finite number, got `nan` in `nan`");
  CHECK(error_of("NaN kg") == "expected a finite number, got `NaN` in `NaN kg`");
  CHECK(error_of("inf K") == "expected a finite number, got `inf` in `inf K`");
  CHECK(error_of("-infinity m") == "expected a finite number, got `-infinity` in `-infinity m`");
  CHECK(error_of("1e999 m").starts_with("number out of range at character 1 of `1e999 m`"));
  CHECK(error_of("1e308 km") == "value out of range after conversion to SI: `1e308 km`");
  CHECK(error_of("1,5 kg") ==
        "unexpected `,` at character 2 of `1,5 kg`; write the decimal separator as `.`");
  CHECK(error_of("-300 degC") == "temperature below absolute zero: `-300 degC` is -26.85 K");
}

TEST_CASE("unknown units get a did-you-mean, or the list of known units") {
  CHECK(error_of("5 kgg") == "unknown unit `kgg` at character 3 of `5 kgg`; did you mean `kg`?");
  CHECK(error_of("5 Kg") == "unknown unit `Kg` at character 3 of `5 Kg`; did you mean `kg`?");
  CHECK(error_of("80 degc") == "unknown unit `degc` at character 4 of `80 degc`; did you mean `degC`?");
  CHECK(error_of("80 DEGC") == "unknown unit `DEGC` at character 4 of `80 DEGC`; did you mean `degC`?");
  CHECK(error_of("2 hr") == "unknown unit `hr` at character 3 of `2 hr`; did you mean `h`?");
  CHECK(error_of("2 mol/ml").empty());
  CHECK(error_of("2 mol/LL") == "unknown unit `LL` at character 7 of `2 mol/LL`; did you mean `L`?");
  const std::string none = error_of("5 xyz");
  CHECK(none.starts_with("unknown unit `xyz` at character 3 of `5 xyz`; known units: m km dm cm mm um"));
  CHECK(none.find(" degC ") != std::string::npos);
  CHECK(none.find(" wt% ") != std::string::npos);
  // Positions count characters, not bytes: `µ` is one character.
  CHECK(error_of("5 \u00b5m/x") ==
        "unknown unit `x` at character 6 of `5 \u00b5m/x`; known units: m km dm cm mm um "
        "nm L l mL ml kg g mg ug t mol mmol umol kmol s ms min h d K degC \u00b0C Pa kPa "
        "MPa bar atm J kJ MJ Wh kWh W kW MW % vol% wt% ppm M mM");
}

TEST_CASE("degC may not be raised to a power") {
  const std::string hint = "; write powers of a temperature difference with `K`, e.g. `K^2`";
  CHECK(error_of("5 degC^2") == "`degC` raised to a power at character 7 of `5 degC^2`" + hint);
  CHECK(error_of("5 degC2") == "`degC` raised to a power at character 7 of `5 degC2`" + hint);
  CHECK(error_of("5 (degC)^-1") == "`degC` raised to a power at character 9 of `5 (degC)^-1`" + hint);
  CHECK(error_of("5 K^2").empty());
}

TEST_CASE("malformed units say what was expected and where") {
  CHECK(error_of("5 kg)") == "unmatched `)` at character 5 of `5 kg)`");
  CHECK(error_of("5 kg - 3") ==
        "unexpected `-` at character 6 of `5 kg - 3`; expected `*`, `/` or the end of the unit");
  CHECK(error_of("5 kg;") ==
        "unexpected `;` at character 5 of `5 kg;`; expected `*`, `/` or the end of the unit");
  CHECK(error_of("5 kg 3") ==
        "unexpected number `3` at character 6 of `5 kg 3`; expected a unit (only `1` may stand for one, as "
        "in `1/s`)");
  CHECK(error_of("5 2 kg").starts_with("unexpected number `2` at character 3 of `5 2 kg`"));
  CHECK(error_of("5 g/") == "unexpected end at character 5 of `5 g/`; expected a unit after `/`");
  CHECK(error_of("5 g*") == "unexpected end at character 5 of `5 g*`; expected a unit after `*`");
  CHECK(error_of("5 g/)") == "unexpected `)` at character 5 of `5 g/)`; expected a unit after `/`");
  CHECK(error_of("5 ()") == "unexpected `)` at character 4 of `5 ()`; expected a unit after `(`");
  CHECK(error_of("5 J/(mol*K") ==
        "missing `)` at character 11 of `5 J/(mol*K`; expected `)` to close the `(` at character 5");
  CHECK(error_of("5 m^") == "unexpected end at character 5 of `5 m^`; expected an integer exponent");
  CHECK(error_of("5 m^x") == "unexpected `x` at character 5 of `5 m^x`; expected an integer exponent");
  CHECK(error_of("5 m^--1") == "unexpected `-` at character 5 of `5 m^--1`; expected an integer exponent");
  CHECK(error_of("5 m^1.5") ==
        "exponent is not an integer at character 6 of `5 m^1.5`; only integer powers such as `^2` or `^-1` "
        "are allowed");
  CHECK(error_of("5 m^(2") == "unexpected end at character 7 of `5 m^(2`; expected `)` after the exponent");
  CHECK(error_of("5 m3^2") ==
        "unexpected `^` at character 5 of `5 m3^2`; expected `*`, `/` or the end of the unit");
  CHECK(error_of("5 m**2") ==
        "unexpected `**` at character 4 of `5 m**2`; write powers with `^`, e.g. `m^2`");
  CHECK(error_of("5 m^999") == "exponent too large at character 5 of `5 m^999`");
  CHECK(error_of("5 (((m^60)^2)^2)").starts_with("exponent too large"));
  CHECK(error_of("5 " + std::string(17, '(') + "m" + std::string(17, ')'))
            .starts_with("parentheses nested too deeply"));
  CHECK(error_of("5 " + std::string(16, '(') + "m" + std::string(16, ')')).empty());
}

TEST_CASE("a product after `/` is ambiguous and rejected with the grouping to write") {
  CHECK(error_of("5 J/mol*K") ==
        "ambiguous: a `*` after `/` at character 8 of `5 J/mol*K`; write `J/(mol*K)` if all of it divides");
  CHECK(error_of("5 W/m2 K") ==
        "ambiguous: a product after `/` at character 8 of `5 W/m2 K`; write `W/(m2 K)` if all of it divides");
  CHECK(error_of("5 J/mol/K*s") ==
        "ambiguous: a `*` after `/` at character 10 of `5 J/mol/K*s`; write `J/mol/(K*s)` if all of it "
        "divides");
  CHECK(error_of("5 (J/mol*K)/s")
            .starts_with("ambiguous: a `*` after `/` at character 9 of `5 (J/mol*K)/s`; write "
                         "`J/(mol*K)`"));
  // Products before the first `/` are fine, and so is a chain of quotients.
  CHECK(error_of("5 kg*m/s^2").empty());
  CHECK(error_of("5 J/mol/K").empty());
}

TEST_CASE("parse_unit errors and QuantityError offsets") {
  CHECK(unit_error_of("kg/") == "unexpected end at character 4 of `kg/`; expected a unit after `/`");
  CHECK(unit_error_of("/s") == "unexpected `/` at character 1 of `/s`; expected a unit");
  CHECK(unit_error_of("degC^2").starts_with("`degC` raised to a power at character 5 of `degC^2`"));
  CHECK(unit_error_of("1.5/s").starts_with("unexpected number `1.5` at character 1"));
  try {
    (void)parse_quantity("5 kgg");
    FAIL("no exception");
  } catch (const QuantityError& error) {
    CHECK(error.offset() == 2);
    CHECK(std::string(error.what()).starts_with("error: unknown unit `kgg`"));
  }
  try {
    (void)parse_quantity("5 \u00b5m/x");
    FAIL("no exception");
  } catch (const QuantityError& error) {
    CHECK(error.offset() == 6);  // bytes: `µ` is two
  }
  // A bad default unit is reported as such.
  CHECK_THROWS_WITH_AS((void)parse_quantity("5", "gg/L"),
                       doctest::Contains("error: unknown unit `gg` at character 1 of `gg/L`; did you mean"),
                       QuantityError);
}
