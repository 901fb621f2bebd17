// The element table H..Pu with abridged standard atomic weights.
#include "hydromet/chemistry/elements.hpp"

#include <array>

namespace hydromet {

namespace {

// Abridged standard atomic weights (five significant figures) from T. Prohaska et al., "Standard atomic
// weights of the elements 2021 (IUPAC Technical Report)", Pure Appl. Chem. 94 (2022) 573-600,
// doi:10.1515/pac-2019-0603, Table 2. Elements whose standard atomic weight is an interval (H, Li, B, C,
// N, O, Mg, Si, S, Cl, Ar, Br, Tl, Pb) take the abridged value of that table. Elements without a stable
// isotope or a characteristic terrestrial composition (Tc, Pm, Po, At, Rn, Fr, Ra, Ac, Np, Pu) have no
// standard atomic weight; they carry the mass number of their longest-lived isotope, as periodic tables do.
constexpr std::array<Element, 94> table{{
    {"H", "hydrogen", 1, 1.0080},       {"He", "helium", 2, 4.0026},        {"Li", "lithium", 3, 6.94},
    {"Be", "beryllium", 4, 9.0122},     {"B", "boron", 5, 10.81},           {"C", "carbon", 6, 12.011},
    {"N", "nitrogen", 7, 14.007},       {"O", "oxygen", 8, 15.999},         {"F", "fluorine", 9, 18.998},
    {"Ne", "neon", 10, 20.180},         {"Na", "sodium", 11, 22.990},       {"Mg", "magnesium", 12, 24.305},
    {"Al", "aluminium", 13, 26.982},    {"Si", "silicon", 14, 28.085},      {"P", "phosphorus", 15, 30.974},
    {"S", "sulfur", 16, 32.06},         {"Cl", "chlorine", 17, 35.45},      {"Ar", "argon", 18, 39.95},
    {"K", "potassium", 19, 39.098},     {"Ca", "calcium", 20, 40.078},      {"Sc", "scandium", 21, 44.956},
    {"Ti", "titanium", 22, 47.867},     {"V", "vanadium", 23, 50.942},      {"Cr", "chromium", 24, 51.996},
    {"Mn", "manganese", 25, 54.938},    {"Fe", "iron", 26, 55.845},         {"Co", "cobalt", 27, 58.933},
    {"Ni", "nickel", 28, 58.693},       {"Cu", "copper", 29, 63.546},       {"Zn", "zinc", 30, 65.38},
    {"Ga", "gallium", 31, 69.723},      {"Ge", "germanium", 32, 72.630},    {"As", "arsenic", 33, 74.922},
    {"Se", "selenium", 34, 78.971},     {"Br", "bromine", 35, 79.904},      {"Kr", "krypton", 36, 83.798},
    {"Rb", "rubidium", 37, 85.468},     {"Sr", "strontium", 38, 87.62},     {"Y", "yttrium", 39, 88.906},
    {"Zr", "zirconium", 40, 91.224},    {"Nb", "niobium", 41, 92.906},      {"Mo", "molybdenum", 42, 95.95},
    {"Tc", "technetium", 43, 97.0},     {"Ru", "ruthenium", 44, 101.07},    {"Rh", "rhodium", 45, 102.91},
    {"Pd", "palladium", 46, 106.42},    {"Ag", "silver", 47, 107.87},       {"Cd", "cadmium", 48, 112.41},
    {"In", "indium", 49, 114.82},       {"Sn", "tin", 50, 118.71},          {"Sb", "antimony", 51, 121.76},
    {"Te", "tellurium", 52, 127.60},    {"I", "iodine", 53, 126.90},        {"Xe", "xenon", 54, 131.29},
    {"Cs", "caesium", 55, 132.91},      {"Ba", "barium", 56, 137.33},       {"La", "lanthanum", 57, 138.91},
    {"Ce", "cerium", 58, 140.12},       {"Pr", "praseodymium", 59, 140.91}, {"Nd", "neodymium", 60, 144.24},
    {"Pm", "promethium", 61, 145.0},    {"Sm", "samarium", 62, 150.36},     {"Eu", "europium", 63, 151.96},
    {"Gd", "gadolinium", 64, 157.25},   {"Tb", "terbium", 65, 158.93},      {"Dy", "dysprosium", 66, 162.50},
    {"Ho", "holmium", 67, 164.93},      {"Er", "erbium", 68, 167.26},       {"Tm", "thulium", 69, 168.93},
    {"Yb", "ytterbium", 70, 173.05},    {"Lu", "lutetium", 71, 174.97},     {"Hf", "hafnium", 72, 178.49},
    {"Ta", "tantalum", 73, 180.95},     {"W", "tungsten", 74, 183.84},      {"Re", "rhenium", 75, 186.21},
    {"Os", "osmium", 76, 190.23},       {"Ir", "iridium", 77, 192.22},      {"Pt", "platinum", 78, 195.08},
    {"Au", "gold", 79, 196.97},         {"Hg", "mercury", 80, 200.59},      {"Tl", "thallium", 81, 204.38},
    {"Pb", "lead", 82, 207.2},          {"Bi", "bismuth", 83, 208.98},      {"Po", "polonium", 84, 209.0},
    {"At", "astatine", 85, 210.0},      {"Rn", "radon", 86, 222.0},         {"Fr", "francium", 87, 223.0},
    {"Ra", "radium", 88, 226.0},        {"Ac", "actinium", 89, 227.0},      {"Th", "thorium", 90, 232.04},
    {"Pa", "protactinium", 91, 231.04}, {"U", "uranium", 92, 238.03},       {"Np", "neptunium", 93, 237.0},
    {"Pu", "plutonium", 94, 244.0},
}};

}  // namespace

std::span<const Element> elements() { return table; }

const Element* find_element(std::string_view symbol) {
  for (const Element& element : table) {
    if (element.symbol == symbol) {
      return &element;
    }
  }
  return nullptr;
}

}  // namespace hydromet
