// Python bindings that read the size grids of units, so that plots put per-class outputs
// (`conversion[mineral,k]`, `core_fraction[mineral,k]`, `n[i]`) against particle size.
#include <pybind11/eigen.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <string>
#include <vector>

#include "hydromet/core/error.hpp"
#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/io/report.hpp"
#include "hydromet/io/sensitivity.hpp"
#include "hydromet/io/writers.hpp"
#include "hydromet/unitops/crystallizer.hpp"
#include "hydromet/unitops/leach_tank.hpp"

namespace py = pybind11;

void bind_units(py::module_& module) {
  using namespace hydromet;
  module.def(
      "size_classes",
      [](const Flowsheet& flowsheet, const std::string& name) {
        const UnitOperation* unit = flowsheet.find_unit(name);
        if (unit == nullptr) {
          throw InputError("no unit `" + name + "` in the flowsheet");
        }
        py::dict result;
        if (const auto* crystallizer = dynamic_cast<const Crystallizer*>(unit)) {
          result["edges"] = crystallizer->grid().edges();  // cell boundaries [m] of n[i]
        } else if (const auto* batch = dynamic_cast<const LeachTank*>(unit)) {
          for (const auto& charge : batch->parameters().solids) {
            std::vector<double> diameters;
            for (const auto& size_class : charge.distribution) {
              diameters.push_back(size_class.diameter);
            }
            if (diameters.empty()) {
              diameters.push_back(charge.particle_diameter.value());
            }
            result[py::str(charge.mineral)] = diameters;  // diameter [m] of conversion[mineral,k]
          }
        } else if (dynamic_cast<const ContinuousLeachTank*>(unit) != nullptr) {
          result["diameters"] = flowsheet.components().size_classes();  // of core_fraction[mineral,k]
        } else {
          throw InputError("unit `" + name + "` (" + std::string(unit->type()) + ") has no size classes");
        }
        return result;
      },
      py::arg("flowsheet"), py::arg("unit"),
      "Size classes of a unit [m]: {'edges': [...]} for a crystallizer's cells, {mineral: [diameters]} for a "
      "batch leach tank, {'diameters': [...]} (the flowsheet's size_classes) for a continuous one");
  module.def(
      "element_flows",
      [](const Flowsheet& flowsheet, const Stream& stream) {
        const Vector flows = stream.element_flows(flowsheet.components());
        std::map<std::string, double> result;
        const auto& elements = flowsheet.components().elements();
        for (std::size_t e = 0; e < elements.size(); ++e) {
          result[elements[e]] = flows[static_cast<Eigen::Index>(e)];
        }
        return result;
      },
      py::arg("flowsheet"), py::arg("stream"), "Element flows of a stream [mol/s], by element");
  module.def(
      "steady_sensitivities",
      [](const std::string& yaml_text, const std::vector<std::string>& parameters,
         const std::vector<std::string>& outputs, double relative_step) {
        SteadySensitivity result;
        {
          py::gil_scoped_release release;
          result = steady_sensitivities(yaml_text, parameters, outputs, relative_step);
        }
        return py::make_tuple(result.values, result.derivatives, result.parameter_texts,
                              result.parameter_values);
      },
      py::arg("yaml_text"), py::arg("parameters"), py::arg("outputs"), py::arg("relative_step") = 1e-6,
      "(output values, d outputs / d parameters, parameter texts, parameter numbers) at the steady state, "
      "from "
      "the Jacobian");
  module.def(
      "dynamic_sensitivities",
      [](const std::string& yaml_text, const std::vector<std::string>& parameters,
         const std::vector<std::string>& outputs, const std::vector<double>& times, double relative_step) {
        DynamicSensitivity result;
        {
          py::gil_scoped_release release;
          result = dynamic_sensitivities(yaml_text, parameters, outputs, times, relative_step);
        }
        return py::make_tuple(result.values, result.derivatives);
      },
      py::arg("yaml_text"), py::arg("parameters"), py::arg("outputs"), py::arg("times"),
      py::arg("relative_step") = 1e-6,
      "(outputs: times x outputs, [d outputs / d parameters per time]) along a dynamic run (forward "
      "sensitivities)");
  module.def(
      "svg_diagram", [](const Flowsheet& flowsheet) { return format_svg_diagram(flowsheet); },
      py::arg("flowsheet"),
      "The flowsheet as an SVG diagram, units laid out in layers (as in `hydromet report`)");
  module.def(
      "html_report",
      [](const Flowsheet& flowsheet, const SimulationResult& result) {
        return format_html_report(flowsheet, result);
      },
      py::arg("flowsheet"), py::arg("result"),
      "The self-contained HTML page of `hydromet report` for a dynamic run");
  module.def(
      "html_report",
      [](const Flowsheet& flowsheet, const SteadyStateResult& result) {
        return format_html_report(flowsheet, result);
      },
      py::arg("flowsheet"), py::arg("result"), "The self-contained HTML page of `hydromet report --steady`");
  module.def("write_file_atomically", &write_file_atomically, py::arg("path"), py::arg("content"),
             "Write through a temporary file and a rename: a failure leaves no partial file");
}
