// hydromet._core: the compiled module; one bind_<module>() per library module.
#include <pybind11/pybind11.h>

#include "hydromet/core/error.hpp"
#include "hydromet/core/version.hpp"

namespace py = pybind11;

void bind_core(py::module_& module);
void bind_flowsheet(py::module_& module);
void bind_thermo(py::module_& module);
void bind_sweep(py::module_& module);
void bind_build(py::module_& module);
void bind_units(py::module_& module);

PYBIND11_MODULE(_core, module) {
  module.doc() = "hydromet compiled core";
  module.attr("__version__") = hydromet::version_string;
  // Base first: pybind11 tries translators newest first, so subclasses registered later win.
  static py::exception<hydromet::Error> error(module, "Error");
  static py::exception<hydromet::InputError> input_error(module, "InputError", error.ptr());
  static py::exception<hydromet::SolverError> solver_error(module, "SolverError", error.ptr());
  py::register_exception_translator([](std::exception_ptr pointer) {
    try {
      if (pointer) {
        std::rethrow_exception(pointer);
      }
    } catch (const hydromet::InputError& e) {
      input_error(e.what());
    } catch (const hydromet::SolverError& e) {
      solver_error(e.what());
    } catch (const hydromet::Error& e) {
      error(e.what());
    }
  });
  bind_core(module);
  bind_flowsheet(module);
  bind_thermo(module);
  bind_sweep(module);
  bind_build(module);
  bind_units(module);
}
