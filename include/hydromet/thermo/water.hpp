// Properties of liquid water along the saturation curve that the activity models need:
// density, vapour pressure and static dielectric constant.
#pragma once

namespace hydromet {

/// Molar mass of water [kg/mol] (IUPAC atomic weights).
inline constexpr double water_molar_mass = 0.01801528;

/// Lowest and highest temperatures [K] at which thermo accepts a solution: from the melting point to
/// 300 degC, the range of the water correlations below and of Helgeson's b-dot table.
inline constexpr double min_temperature = 273.15;
inline constexpr double max_temperature = 573.15;

/// Density of saturated liquid water [kg/m3] at temperature [K]; auxiliary equation of
/// Wagner & Pruss, J. Phys. Chem. Ref. Data 31 (2002) 387, doi:10.1063/1.1461829 (within 0.1 %
/// of IAPWS-95 from 273.16 K to the critical point).
[[nodiscard]] double water_density(double temperature);

/// Vapour pressure of water [Pa] at temperature [K]; auxiliary equation of Wagner & Pruss (2002).
[[nodiscard]] double water_vapor_pressure(double temperature);

/// Relative static permittivity of water at temperature [K] and pressure [Pa];
/// Bradley & Pitzer, J. Phys. Chem. 83 (1979) 1599, doi:10.1021/j100475a009 (0-350 degC).
[[nodiscard]] double water_dielectric_constant(double temperature, double pressure);

/// Pressure [Pa] at which thermo evaluates water properties: 1 atm, or the vapour pressure when higher.
[[nodiscard]] double reference_pressure(double temperature);

}  // namespace hydromet
