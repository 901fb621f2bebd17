// Python bindings of the flowsheet: loading, simulation and results.
#include <pybind11/eigen.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/io/writers.hpp"

namespace py = pybind11;

void bind_flowsheet(py::module_& module) {
  using namespace hydromet;

  py::class_<SolverStatistics>(module, "SolverStatistics")
      .def_readonly("method", &SolverStatistics::method)
      .def_readonly("steps", &SolverStatistics::steps)
      .def_readonly("residual_evaluations", &SolverStatistics::residual_evaluations)
      .def_readonly("jacobian_evaluations", &SolverStatistics::jacobian_evaluations)
      .def_readonly("linear_setups", &SolverStatistics::linear_setups)
      .def_readonly("nonlinear_iterations", &SolverStatistics::nonlinear_iterations)
      .def_readonly("nonlinear_failures", &SolverStatistics::nonlinear_failures)
      .def_readonly("error_test_failures", &SolverStatistics::error_test_failures)
      .def_readonly("events", &SolverStatistics::events)
      .def_readonly("residual_norm", &SolverStatistics::residual_norm);

  py::class_<ElementBalance>(module, "ElementBalance")
      .def_readonly("elements", &ElementBalance::elements)
      .def_readonly("initial", &ElementBalance::initial)
      .def_readonly("final", &ElementBalance::final)
      .def_readonly("inflow", &ElementBalance::inflow)
      .def_readonly("outflow", &ElementBalance::outflow)
      .def("closure", &ElementBalance::closure, "Largest relative imbalance over the elements");

  py::class_<Stream>(module, "Stream")
      .def_readonly("temperature", &Stream::temperature, "[K]")
      .def_readonly("aqueous_flow", &Stream::aqueous_flow, "[m3/s]")
      .def_readonly("aqueous_moles", &Stream::aqueous_moles, "[mol/s] per aqueous species")
      .def_readonly("organic_flow", &Stream::organic_flow, "[m3/s]")
      .def_readonly("organic_moles", &Stream::organic_moles, "[mol/s] per organic species")
      .def_property_readonly(
          "solid_moles", [](const Stream& s) { return Vector(s.solid_totals()); },
          "[mol/s] per solid, summed over size classes");

  py::class_<StreamRecord>(module, "StreamRecord")
      .def_readonly("name", &StreamRecord::name)
      .def_readonly("source", &StreamRecord::from)
      .def_readonly("destination", &StreamRecord::to)
      .def_readonly("stream", &StreamRecord::stream);

  py::class_<UnitBalance>(module, "UnitBalance")
      .def_readonly("unit", &UnitBalance::unit)
      .def_readonly("inflow", &UnitBalance::in)
      .def_readonly("outflow", &UnitBalance::out)
      .def_readonly("accumulation", &UnitBalance::accumulation)
      .def("closure", &UnitBalance::closure);

  py::class_<Kpi>(module, "Kpi")
      .def_readonly("name", &Kpi::name)
      .def_readonly("value", &Kpi::value)
      .def_readonly("unit", &Kpi::unit);

  py::class_<Snapshot>(module, "Snapshot")
      .def_readonly("streams", &Snapshot::streams)
      .def_readonly("unit_balances", &Snapshot::unit_balances)
      .def_readonly("kpis", &Snapshot::kpis);

  py::class_<ComponentNames>(module, "ComponentNames")
      .def_readonly("aqueous", &ComponentNames::aqueous)
      .def_readonly("organic", &ComponentNames::organic)
      .def_readonly("solids", &ComponentNames::solids)
      .def_readonly("elements", &ComponentNames::elements)
      .def_readonly("solid_molar_masses", &ComponentNames::solid_molar_masses);

  py::class_<SteadyStateResult>(module, "SteadyStateResult")
      .def_readonly("converged", &SteadyStateResult::converged)
      .def_readonly("state_names", &SteadyStateResult::state_names)
      .def_readonly("states", &SteadyStateResult::states)
      .def_readonly("output_names", &SteadyStateResult::output_names)
      .def_readonly("output_units", &SteadyStateResult::output_units)
      .def_readonly("outputs", &SteadyStateResult::outputs)
      .def_readonly("balance", &SteadyStateResult::balance)
      .def_readonly("snapshot", &SteadyStateResult::snapshot)
      .def_readonly("components", &SteadyStateResult::components)
      .def_readonly("statistics", &SteadyStateResult::statistics)
      .def("output", &SteadyStateResult::output, py::arg("name"));

  py::class_<SteadyStateOptions>(module, "SteadyStateOptions")
      .def(py::init<>())
      .def_readwrite("tolerance", &SteadyStateOptions::tolerance)
      .def_readwrite("force_pseudo_transient", &SteadyStateOptions::force_pseudo_transient)
      .def_readwrite("max_iterations", &SteadyStateOptions::max_iterations)
      .def_readwrite("max_pseudo_steps", &SteadyStateOptions::max_pseudo_steps)
      .def_readwrite("wall_clock_limit", &SteadyStateOptions::wall_clock_limit);

  py::class_<SimulationResult>(module, "SimulationResult")
      .def_readonly("times", &SimulationResult::times)
      .def_readonly("state_names", &SimulationResult::state_names)
      .def_readonly("states", &SimulationResult::states)
      .def_readonly("output_names", &SimulationResult::output_names)
      .def_readonly("output_units", &SimulationResult::output_units)
      .def_readonly("outputs", &SimulationResult::outputs)
      .def_readonly("balance", &SimulationResult::balance)
      .def_readonly("statistics", &SimulationResult::statistics)
      .def_readonly("final", &SimulationResult::final)
      .def_readonly("components", &SimulationResult::components)
      .def("output", &SimulationResult::output, py::arg("name"));

  py::class_<SimulationOptions>(module, "SimulationOptions")
      .def(py::init<>())
      .def_readwrite("relative_tolerance", &SimulationOptions::relative_tolerance)
      .def_readwrite("absolute_tolerance", &SimulationOptions::absolute_tolerance)
      .def_readwrite("matrix_cj_change", &SimulationOptions::matrix_cj_change)
      .def_readwrite("max_steps", &SimulationOptions::max_steps)
      .def_readwrite("wall_clock_limit", &SimulationOptions::wall_clock_limit)
      .def_readwrite("start_from_steady_state", &SimulationOptions::start_from_steady_state);

  py::class_<Flowsheet>(module, "Flowsheet")
      .def_static("from_yaml", &load_flowsheet, py::arg("path"), "Load a flowsheet from a YAML file")
      .def_static("from_yaml_string", &load_flowsheet_string, py::arg("text"), py::arg("origin") = "<string>")
      .def_readwrite("name", &Flowsheet::name)
      .def_readwrite("description", &Flowsheet::description)
      .def_readonly("source_file", &Flowsheet::source_file)
      .def_readonly("source_text", &Flowsheet::source_text)
      .def_property_readonly("until", [](const Flowsheet& f) { return f.run.until; })
      .def_property_readonly("default_options", [](const Flowsheet& f) { return f.run.options; })
      .def_property_readonly("unit_names",
                             [](const Flowsheet& f) {
                               std::vector<std::string> names;
                               for (std::size_t i = 0; i < f.unit_count(); ++i) {
                                 names.push_back(f.unit(i).name());
                               }
                               return names;
                             })
      .def(
          "default_times", [](const Flowsheet& f) { return f.run.times(f.run.until); },
          "The output times the file asks for [s]")
      .def(
          "simulate",
          [](Flowsheet& f, const std::vector<double>& times,
             const std::optional<SimulationOptions>& options) {
            const SimulationOptions chosen = options.value_or(f.run.options);
            py::gil_scoped_release release;
            return f.simulate(times, chosen);
          },
          py::arg("times"), py::arg("options") = std::nullopt,
          "Integrate from t = 0 and report at `times` [s]; returns a SimulationResult")
      .def_property_readonly("steady_options", [](const Flowsheet& f) { return f.steady; })
      .def(
          "solve_steady",
          [](Flowsheet& f, const std::optional<SteadyStateOptions>& options) {
            const SteadyStateOptions chosen = options.value_or(f.steady);
            py::gil_scoped_release release;
            return f.solve_steady(chosen);
          },
          py::arg("options") = std::nullopt, "Solve for the steady state; returns a SteadyStateResult")
      .def(
          "to_dot", [](const Flowsheet& f) { return format_dot(f); }, "Graphviz DOT text of the flowsheet")
      .def(
          "format_steady_table",
          [](const Flowsheet& f, const SteadyStateResult& result) { return format_steady_table(f, result); },
          py::arg("result"))
      .def(
          "format_table",
          [](const Flowsheet& f, const SimulationResult& result) { return format_table(f, result); },
          py::arg("result"));
}
