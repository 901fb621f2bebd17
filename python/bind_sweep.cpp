// Python bindings of parameter paths and sweeps (cases run in C++ threads with the GIL released).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "hydromet/core/error.hpp"
#include "hydromet/io/parameters.hpp"
#include "hydromet/io/sweep.hpp"

namespace py = pybind11;

void bind_sweep(py::module_& module) {
  using namespace hydromet;
  module.def("get_parameter", &get_parameter, py::arg("yaml_text"), py::arg("path"));
  module.def("set_parameter",
             py::overload_cast<const std::string&, const std::string&, const std::string&>(&set_parameter),
             py::arg("yaml_text"), py::arg("path"), py::arg("value"));
  module.def(
      "run_sweep",
      [](const std::string& yaml_text, const std::vector<SweepCase>& cases,
         const std::vector<std::string>& outputs, const std::string& mode, std::size_t threads) {
        if (mode != "steady" && mode != "dynamic") {
          throw InputError("sweep mode must be `steady` or `dynamic`, got `" + mode + "`");
        }
        const SweepMode sweep_mode = mode == "steady" ? SweepMode::steady : SweepMode::dynamic;
        std::vector<SweepCaseResult> results;
        {
          py::gil_scoped_release release;
          results = run_sweep(yaml_text, cases, outputs, sweep_mode, threads);
        }
        py::list values;
        py::list errors;
        for (const auto& result : results) {
          values.append(py::cast(result.values));
          errors.append(result.error.empty() ? py::object(py::none()) : py::object(py::str(result.error)));
        }
        return py::make_tuple(values, errors);
      },
      py::arg("yaml_text"), py::arg("cases"), py::arg("outputs"), py::arg("mode") = "steady",
      py::arg("threads") = 0,
      "Run cases (lists of (path, value)) on C++ threads; returns (values per case, error or None per case)");
}
