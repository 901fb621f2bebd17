// Tests of the typed quantities (Boost.Units aliases), the unit constants, the Celsius helpers and the
// bridge to runtime quantities.
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
#include <type_traits>

#include "hydromet/core/error.hpp"
#include "hydromet/core/quantity.hpp"
#include "hydromet/core/units.hpp"

namespace bu = boost::units;
namespace dim = hydromet::dimension;
using namespace hydromet;  // NOLINT: the aliases under test

namespace {
template <class U, long Exponent>
using Scaled = typename bu::make_scaled_unit<U, bu::scale<10, bu::static_rational<Exponent>>>::type;
using Liter = bu::metric::liter_base_unit::unit_type;

/// One `BoostUnit` in SI, as Boost.Units converts it.
template <class BoostUnit>
double boost_si(BoostUnit) {
  using SiUnit = bu::unit<typename bu::get_dimension<BoostUnit>::type, bu::si::system>;
  return bu::quantity<SiUnit>(1.0 * BoostUnit()).value();
}
}  // namespace

// The aliases are Boost.Units' own SI quantity types, whatever expression builds them.
static_assert(std::is_same_v<Length, bu::quantity<bu::si::length>>);
static_assert(std::is_same_v<Area, bu::quantity<bu::si::area>>);
static_assert(std::is_same_v<Volume, bu::quantity<bu::si::volume>>);
static_assert(std::is_same_v<Mass, bu::quantity<bu::si::mass>>);
static_assert(std::is_same_v<Time, bu::quantity<bu::si::time>>);
static_assert(std::is_same_v<Amount, bu::quantity<bu::si::amount>>);
static_assert(std::is_same_v<Temperature, bu::quantity<bu::si::temperature>>);
static_assert(std::is_same_v<Dimensionless, bu::quantity<bu::si::dimensionless>>);
static_assert(std::is_same_v<Density, bu::quantity<bu::si::mass_density>>);
static_assert(std::is_same_v<Velocity, bu::quantity<bu::si::velocity>>);
static_assert(std::is_same_v<Frequency, bu::quantity<bu::si::frequency>>);
static_assert(std::is_same_v<Energy, bu::quantity<bu::si::energy>>);
static_assert(std::is_same_v<Power, bu::quantity<bu::si::power>>);
static_assert(std::is_same_v<Pressure, bu::quantity<bu::si::pressure>>);
static_assert(std::is_same_v<Diffusivity, bu::quantity<bu::si::kinematic_viscosity>>);  // m2/s
static_assert(std::is_same_v<MolarConcentration,
                             bu::quantity<bu::divide_typeof_helper<bu::si::amount, bu::si::volume>::type>>);
static_assert(std::is_same_v<decltype(2.0 * units::cubic_meter / units::hour), VolumetricFlow>);
static_assert(std::is_same_v<decltype(units::tonne / units::hour), MassFlow>);
static_assert(std::is_same_v<decltype(units::mole / units::second), MolarFlow>);
static_assert(std::is_same_v<decltype(units::kilogram / units::cubic_meter), MassConcentration>);
static_assert(std::is_same_v<decltype(units::mole / units::kilogram), Molality>);
static_assert(std::is_same_v<decltype(units::kilojoule / units::mole), MolarEnergy>);
static_assert(std::is_same_v<decltype(units::joule / (units::mole * units::kelvin)), MolarEntropy>);
static_assert(std::is_same_v<decltype(units::mole / (units::square_meter * units::second)), MolarFlux>);
static_assert(std::is_same_v<decltype(units::meter * units::meter / units::second), Diffusivity>);
static_assert(std::is_same_v<decltype(1.0 / units::second), RateConstant>);
static_assert(std::is_same_v<decltype(units::watt * units::hour), Energy>);

// A wrong dimension does not convert implicitly (explicit conversion fails a static assertion in
// Boost.Units).
static_assert(!std::is_convertible_v<Time, Length>);
static_assert(!std::is_convertible_v<Volume, Area>);
static_assert(!std::is_convertible_v<double, Temperature>);
static_assert(!std::is_convertible_v<MassConcentration, MolarConcentration>);

// dimension_of maps each alias to the runtime Dimension of quantity.hpp.
static_assert(dimension_of<Dimensionless>() == dim::dimensionless);
static_assert(dimension_of<Length>() == dim::length);
static_assert(dimension_of<Area>() == dim::area);
static_assert(dimension_of<Volume>() == dim::volume);
static_assert(dimension_of<Mass>() == dim::mass);
static_assert(dimension_of<Time>() == dim::time);
static_assert(dimension_of<Amount>() == dim::amount);
static_assert(dimension_of<Temperature>() == dim::temperature);
static_assert(dimension_of<MassConcentration>() == dim::density);
static_assert(dimension_of<MolarConcentration>() == dim::molar_concentration);
static_assert(dimension_of<Molality>() == dim::molality);
static_assert(dimension_of<VolumetricFlow>() == dim::volumetric_flow);
static_assert(dimension_of<MassFlow>() == dim::mass_flow);
static_assert(dimension_of<MolarFlow>() == dim::molar_flow);
static_assert(dimension_of<Velocity>() == dim::velocity);
static_assert(dimension_of<RateConstant>() == dim::frequency);
static_assert(dimension_of<Energy>() == dim::energy);
static_assert(dimension_of<Power>() == dim::power);
static_assert(dimension_of<Pressure>() == dim::pressure);
static_assert(dimension_of<MolarEnergy>() == dim::molar_energy);
static_assert(dimension_of<MolarEntropy>() == dim::molar_entropy);
static_assert(dimension_of<Diffusivity>() == dim::diffusivity);
static_assert(dimension_of<MolarFlux>() == dim::molar_flux);
static_assert(dimension_of<bu::cgs::length>() == dim::length);  // any system, units as well as quantities
static_assert(dimension_of<Liter>() == dim::volume);

TEST_CASE("unit constants equal Boost.Units conversions") {
  CHECK(units::meter.value() == boost_si(bu::si::meter));
  CHECK(units::centimeter.value() == doctest::Approx(boost_si(bu::cgs::centimeter)).epsilon(1e-15));
  CHECK(units::millimeter.value() == doctest::Approx(boost_si(Scaled<bu::si::length, -3>())).epsilon(1e-15));
  CHECK(units::micrometer.value() ==
        doctest::Approx(boost_si(bu::metric::micron_base_unit::unit_type())).epsilon(1e-15));
  CHECK(units::square_meter.value() == boost_si(bu::si::square_meter));
  CHECK(units::cubic_meter.value() == boost_si(bu::si::cubic_meter));
  CHECK(units::liter.value() == doctest::Approx(boost_si(Liter())).epsilon(1e-15));
  CHECK(units::milliliter.value() == doctest::Approx(boost_si(Scaled<Liter, -3>())).epsilon(1e-15));
  CHECK(units::kilogram.value() == boost_si(bu::si::kilogram));
  CHECK(units::gram.value() == doctest::Approx(boost_si(bu::cgs::gram)).epsilon(1e-15));
  CHECK(units::milligram.value() == doctest::Approx(boost_si(Scaled<bu::cgs::mass, -3>())).epsilon(1e-15));
  CHECK(units::tonne.value() ==
        doctest::Approx(boost_si(bu::metric::ton_base_unit::unit_type())).epsilon(1e-15));
  CHECK(units::mole.value() == boost_si(bu::si::mole));
  CHECK(units::millimole.value() == doctest::Approx(boost_si(Scaled<bu::si::amount, -3>())).epsilon(1e-15));
  CHECK(units::kilomole.value() == doctest::Approx(boost_si(Scaled<bu::si::amount, 3>())).epsilon(1e-15));
  CHECK(units::second.value() == boost_si(bu::si::second));
  CHECK(units::minute.value() ==
        doctest::Approx(boost_si(bu::metric::minute_base_unit::unit_type())).epsilon(1e-15));
  CHECK(units::hour.value() ==
        doctest::Approx(boost_si(bu::metric::hour_base_unit::unit_type())).epsilon(1e-15));
  CHECK(units::day.value() ==
        doctest::Approx(boost_si(bu::metric::day_base_unit::unit_type())).epsilon(1e-15));
  CHECK(units::kelvin.value() == boost_si(bu::si::kelvin));
  CHECK(units::pascal.value() == boost_si(bu::si::pascal));
  CHECK(units::kilopascal.value() == doctest::Approx(boost_si(Scaled<bu::si::pressure, 3>())).epsilon(1e-15));
  CHECK(units::megapascal.value() == doctest::Approx(boost_si(Scaled<bu::si::pressure, 6>())).epsilon(1e-15));
  CHECK(units::bar.value() ==
        doctest::Approx(boost_si(bu::metric::bar_base_unit::unit_type())).epsilon(1e-15));
  CHECK(units::atmosphere.value() ==
        doctest::Approx(boost_si(bu::metric::atmosphere_base_unit::unit_type())).epsilon(1e-15));
  CHECK(units::joule.value() == boost_si(bu::si::joule));
  CHECK(units::kilojoule.value() == doctest::Approx(boost_si(Scaled<bu::si::energy, 3>())).epsilon(1e-15));
  CHECK(units::watt.value() == boost_si(bu::si::watt));
  CHECK(units::kilowatt.value() == doctest::Approx(boost_si(Scaled<bu::si::power, 3>())).epsilon(1e-15));
  CHECK(units::molar.value() ==
        doctest::Approx(boost_si(bu::divide_typeof_helper<bu::si::amount, Liter>::type())).epsilon(1e-15));
  CHECK(units::percent.value() == doctest::Approx(0.01));
  CHECK(units::ppm.value() == doctest::Approx(1e-6));
}

TEST_CASE("unit constants agree with the runtime parser") {
  CHECK(si(units::hour) == to_si(1.0, "h"));
  CHECK(si(units::tonne / units::hour) == doctest::Approx(to_si(1.0, "t/h")));
  CHECK(si(units::gram / units::liter) == doctest::Approx(to_si(1.0, "g/L")));
  CHECK(si(units::molar) == to_si(1.0, "M"));
  CHECK(si(units::atmosphere) == to_si(1.0, "atm"));
  CHECK(si(units::micrometer) == doctest::Approx(to_si(1.0, "um")));
}

TEST_CASE("typed quantities are written with the constants and read back in SI") {
  const Volume volume = 2.0 * units::cubic_meter;
  const VolumetricFlow flow = 1.2 * units::cubic_meter / units::hour;
  const MassConcentration wo3 = 150.0 * units::gram / units::liter;
  const MolarConcentration naoh = 0.5 * units::molar;
  const Length diameter = 75.0 * units::micrometer;
  const MolarEnergy activation = 45.0 * units::kilojoule / units::mole;
  const Time residence = volume / flow;
  CHECK(si(volume) == 2.0);
  CHECK(si(flow) == doctest::Approx(1.2 / 3600.0));
  CHECK(si(wo3) == doctest::Approx(150.0));
  CHECK(si(naoh) == 500.0);
  CHECK(si(diameter) == doctest::Approx(75e-6));
  CHECK(si(activation) == 45000.0);
  CHECK(si(residence) == doctest::Approx(2.0 / (1.2 / 3600.0)));
  CHECK(si(residence / units::hour) == doctest::Approx(2.0 / 1.2));  // dimensionless hours
  // Quantities of other Boost.Units systems convert to SI.
  CHECK(si(3.0 * bu::cgs::centimeter) == doctest::Approx(0.03));
  CHECK(si(2.0 * bu::metric::hour_base_unit::unit_type()) == doctest::Approx(7200.0));
}

TEST_CASE("Celsius helpers give absolute temperatures; Boost.Units' absolute<celsius> agrees") {
  using AbsoluteCelsius = bu::quantity<bu::absolute<bu::celsius::temperature>>;
  for (const double t : {-40.0, 0.0, 25.0, 80.0, 100.0}) {
    CAPTURE(t);
    const AbsoluteCelsius reading(t * bu::absolute<bu::celsius::temperature>());
    const double boost_kelvin = bu::quantity<bu::absolute<bu::si::temperature>>(reading).value();
    CHECK(si(units::celsius(t)) == doctest::Approx(boost_kelvin).epsilon(1e-15));
    CHECK(si(units::absolute_temperature(reading)) == doctest::Approx(boost_kelvin).epsilon(1e-15));
    CHECK(units::to_celsius(units::celsius(t)) == doctest::Approx(t).epsilon(1e-12));
    CHECK(si(units::celsius(t)) == doctest::Approx(to_si(t, "degC")).epsilon(1e-15));
  }
  CHECK(si(units::celsius(80.0)) == doctest::Approx(353.15));
  CHECK(si(units::celsius(-273.15)) == doctest::Approx(0.0));
  // The difference of two Celsius temperatures is a difference in kelvin, without the offset.
  const TemperatureDifference rise = units::celsius(90.0) - units::celsius(20.0);
  CHECK(si(rise) == doctest::Approx(70.0));
  static_assert(si(units::celsius(0.0)) == 273.15);
}

TEST_CASE("bridge between typed and runtime quantities") {
  const Quantity hours = to_quantity(2.0 * units::hour);
  CHECK(hours.value == 7200.0);
  CHECK(hours.dimension == dim::time);
  CHECK(to_quantity(1.0 * bu::cgs::centimeter).value == doctest::Approx(0.01));

  CHECK(si(to_typed<Temperature>(parse_quantity("80 degC"))) == doctest::Approx(353.15));
  CHECK_THROWS_WITH_AS((void)to_typed<Mass>(Quantity{5.0, dim::time}), "error: expected a mass, got a time",
                       InputError);

  CHECK(si(parse_typed<Temperature>("80 degC")) == doctest::Approx(353.15));
  CHECK(si(parse_typed<VolumetricFlow>("1.2 m3/h")) == doctest::Approx(1.2 / 3600.0));
  CHECK(si(parse_typed<MolarConcentration>("0.5", "mol/L")) == 500.0);
  CHECK(si(parse_typed<MolarEnergy>("45 kJ/mol")) == 45000.0);
  CHECK_THROWS_WITH_AS((void)parse_typed<Temperature>("5 kg"),
                       "error: expected a temperature, got `5 kg` (a mass)", InputError);
}
