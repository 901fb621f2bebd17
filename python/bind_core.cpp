// Python bindings of core and chemistry helpers: quantity parsing, formulas, basis composition.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/chemistry/formula.hpp"
#include "hydromet/core/quantity.hpp"
#include "hydromet/thermo/composition.hpp"

namespace py = pybind11;

void bind_core(py::module_& module) {
  using namespace hydromet;
  module.def(
      "parse_quantity",
      [](const std::string& text, const std::string& default_unit) {
        const Quantity quantity = parse_quantity(text, default_unit);
        return py::make_tuple(quantity.value, quantity.dimension.exponents, describe(quantity.dimension));
      },
      py::arg("text"), py::arg("default_unit") = "",
      "Parse `80 degC` or `150 g/L` into (SI value, exponents of (m, kg, s, mol, K), description)");
  module.def(
      "to_si", [](double value, const std::string& unit) { return to_si(value, unit); }, py::arg("value"),
      py::arg("unit"));
  module.def(
      "from_si", [](double value, const std::string& unit) { return from_si(value, unit); }, py::arg("value"),
      py::arg("unit"));
  module.def(
      "formula",
      [](const std::string& text) {
        const Formula formula = parse_formula(text);
        return py::make_tuple(formula.composition, formula.charge, formula.molar_mass);
      },
      py::arg("text"), "Parse a formula into (element composition, charge, molar mass [kg/mol])");
  module.def(
      "basis_composition",
      [](const std::string& name) { return basis_composition(Database::bundled(), name); }, py::arg("name"),
      "Moles of each basis species in one mole of a species or salt (bundled database)");
}
