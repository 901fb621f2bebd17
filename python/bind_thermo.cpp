// Python bindings of the thermo module: speciation of an aqueous solution (hydromet._core.speciate).
#include <pybind11/eigen.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/thermo/speciation.hpp"

namespace py = pybind11;

namespace {

using namespace hydromet;

std::shared_ptr<const ChemicalSystem> system_for(const std::map<std::string, double>& totals,
                                                 const std::vector<std::string>& minerals,
                                                 const std::optional<std::string>& database_path) {
  std::vector<std::string> components;
  for (const auto& entry : totals) {
    components.push_back(entry.first);
  }
  if (database_path) {
    Database database = Database::from_index(*database_path);
    return std::make_shared<const ChemicalSystem>(database, components, minerals);
  }
  return std::make_shared<const ChemicalSystem>(Database::bundled(), components, minerals);
}

SpeciationOptions options_for(const std::string& activity_model, std::optional<double> ph,
                              const std::vector<std::string>& equilibrium_minerals,
                              const std::string& charge_balance) {
  SpeciationOptions options;
  options.activity_model = parse_activity_model(activity_model);
  options.ph = ph;
  options.equilibrium_minerals = equilibrium_minerals;
  options.charge_balance = charge_balance;
  return options;
}

}  // namespace

void bind_thermo(py::module_& m) {
  py::class_<SpeciationResult>(m, "Speciation", "A speciated aqueous solution (molal scale).")
      .def_readonly("temperature", &SpeciationResult::temperature, "temperature [K]")
      .def_readonly("pH", &SpeciationResult::ph, "-log10 a(H+)")
      .def_readonly("ph", &SpeciationResult::ph, "-log10 a(H+)")
      .def_readonly("ionic_strength", &SpeciationResult::ionic_strength, "ionic strength [mol/kg]")
      .def_readonly("charge_imbalance", &SpeciationResult::charge_imbalance, "sum z m [eq/kg water]")
      .def_readonly("water_activity", &SpeciationResult::water_activity)
      .def_readonly("osmotic_coefficient", &SpeciationResult::osmotic_coefficient)
      .def_readonly("iterations", &SpeciationResult::iterations)
      .def_property_readonly("species", [](const SpeciationResult& r) { return r.system->species_names(); })
      .def_property_readonly("minerals", [](const SpeciationResult& r) { return r.system->mineral_names(); })
      .def_readonly("molalities", &SpeciationResult::molality, "[mol/kg water], in the order of `species`")
      .def_readonly("activities", &SpeciationResult::activity)
      .def_readonly("activity_coefficients", &SpeciationResult::activity_coefficient)
      .def_readonly("saturation_indices", &SpeciationResult::saturation_index,
                    "log10(IAP/Ksp), order of `minerals`")
      .def_readonly("mineral_amounts", &SpeciationResult::mineral_amount,
                    "formed (+) or dissolved (-) [mol/kg water]")
      .def("molality", &SpeciationResult::molality_of, py::arg("species"), "molality [mol/kg water]")
      .def("activity", &SpeciationResult::activity_of, py::arg("species"))
      .def("activity_coefficient", &SpeciationResult::activity_coefficient_of, py::arg("species"))
      .def("saturation_index", &SpeciationResult::saturation_index_of, py::arg("mineral"))
      .def("dissolved", &SpeciationResult::dissolved, py::arg("mineral"), "amount dissolved [mol/kg water]")
      .def("__repr__", [](const SpeciationResult& r) {
        return "<Speciation pH=" + std::to_string(r.ph) + " I=" + std::to_string(r.ionic_strength) +
               " mol/kg>";
      });

  py::class_<SpeciationSolver>(
      m, "SpeciationSolver", "A reusable solver for one set of components; warm-starts from its last result.")
      .def(py::init([](const std::map<std::string, double>& totals, const std::vector<std::string>& minerals,
                       const std::string& activity_model, std::optional<double> ph,
                       const std::vector<std::string>& equilibrium_minerals,
                       const std::string& charge_balance, const std::optional<std::string>& database) {
             return std::make_unique<SpeciationSolver>(
                 system_for(totals, minerals, database),
                 options_for(activity_model, ph, equilibrium_minerals, charge_balance));
           }),
           py::arg("components"), py::arg("minerals") = std::vector<std::string>{},
           py::arg("activity_model") = "davies", py::arg("ph") = std::nullopt,
           py::arg("equilibrium_minerals") = std::vector<std::string>{}, py::arg("charge_balance") = "H+",
           py::arg("database") = std::nullopt,
           "components: dict whose keys name the components (values ignored here)")
      .def(
          "solve",
          [](SpeciationSolver& solver, const std::map<std::string, double>& totals, double temperature,
             std::optional<SpeciationResult> warm_start) {
            SpeciationResult state = warm_start ? *warm_start : SpeciationResult{};
            const Vector t = solver.system().totals(totals);
            {
              py::gil_scoped_release release;
              solver.solve(t, temperature, state);
            }
            return state;
          },
          py::arg("totals"), py::arg("temperature"), py::arg("warm_start") = std::nullopt,
          "totals [mol/kg water] by component name, temperature [K]")
      .def("set_ph", &SpeciationSolver::set_ph, py::arg("ph"));

  m.def(
      "speciate",
      [](const std::map<std::string, double>& totals, double temperature, const std::string& activity_model,
         const std::vector<std::string>& minerals, std::optional<double> ph,
         const std::vector<std::string>& equilibrium_minerals, const std::string& charge_balance,
         const std::optional<std::string>& database) {
        SpeciationSolver solver(system_for(totals, minerals, database),
                                options_for(activity_model, ph, equilibrium_minerals, charge_balance));
        const Vector t = solver.system().totals(totals);
        SpeciationResult result;
        {
          py::gil_scoped_release release;
          solver.solve(t, temperature, result);
        }
        return result;
      },
      py::arg("totals"), py::arg("temperature") = 298.15, py::arg("activity_model") = "davies",
      py::arg("minerals") = std::vector<std::string>{}, py::arg("ph") = std::nullopt,
      py::arg("equilibrium_minerals") = std::vector<std::string>{}, py::arg("charge_balance") = "H+",
      py::arg("database") = std::nullopt,
      "Speciates a solution: totals [mol/kg water] by component (basis species, e.g. {'Na+': 0.2, 'WO4-2': "
      "0.1}),\n"
      "temperature [K], activity model ('ideal', 'davies', 'b-dot', 'sit'), minerals whose saturation index "
      "is\n"
      "reported, fixed pH (None: H+ closes the charge balance), minerals held at equilibrium, and an "
      "optional\n"
      "database index YAML (default: the bundled database).");
}
