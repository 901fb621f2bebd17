// The `hydromet` command line: run, validate.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "hydromet/core/error.hpp"
#include "hydromet/core/quantity.hpp"
#include "hydromet/core/version.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/io/writers.hpp"
#include "hydromet/thermo/composition.hpp"
#include "hydromet/thermo/speciation.hpp"

namespace {

// Exit codes: 0 success, 2 input error, 3 solver failure, 1 anything else.
constexpr int exit_input_error = 2;
constexpr int exit_solver_error = 3;
constexpr int exit_other_error = 1;

struct RunOptions {
  std::string file;
  std::string until;
  std::string out;
  std::string format = "table";
  bool steady = false;
};

void write_outputs(const std::string& directory_name,
                   const std::vector<std::pair<std::string, std::string>>& files) {
  if (directory_name.empty()) {
    return;
  }
  std::filesystem::create_directories(directory_name);
  const std::filesystem::path directory(directory_name);
  for (const auto& [name, content] : files) {
    hydromet::write_file_atomically((directory / name).string(), content);
  }
}

int run_steady(hydromet::Flowsheet& flowsheet, const RunOptions& options) {
  const auto result = flowsheet.solve_steady();
  // Everything is formatted before anything is written, so a failure leaves no partial output.
  const std::string table = hydromet::format_steady_table(flowsheet, result);
  const std::string json = hydromet::format_steady_json(flowsheet, result);
  const std::string streams = hydromet::format_stream_csv(result.snapshot.streams, result.components);
  write_outputs(options.out, {{"streams.csv", streams}, {"steady.json", json}, {"summary.txt", table}});
  std::cout << (options.format == "json" ? json : options.format == "csv" ? streams : table);
  return 0;
}

int run_command(const RunOptions& options) {
  auto flowsheet = hydromet::load_flowsheet(options.file);
  if (options.steady) {
    return run_steady(flowsheet, options);
  }
  double end = flowsheet.run.until;
  if (!options.until.empty()) {
    try {
      end = hydromet::parse_quantity_as(options.until, hydromet::dimension::time, "s");
    } catch (const hydromet::InputError& error) {
      throw hydromet::InputError("--until: " + error.message());
    }
    if (!(end > 0.0)) {
      throw hydromet::InputError("--until must be a positive time, e.g. `4 h`");
    }
  }
  if (!(end > 0.0) && flowsheet.run.output_times.empty()) {
    throw hydromet::InputError(options.file + ": no end time; give `simulation: {until: ...}` or --until");
  }
  auto times = flowsheet.run.times(end);
  if (!options.until.empty() && !flowsheet.run.output_times.empty()) {
    hydromet::RunSettings evenly = flowsheet.run;
    evenly.output_times.clear();
    times = evenly.times(end);
  }
  const auto result = flowsheet.simulate(times, flowsheet.run.options);

  // Everything is formatted before anything is written, so a failure leaves no partial output.
  const std::string table = hydromet::format_table(flowsheet, result);
  const std::string csv = hydromet::format_csv(result);
  const std::string json = hydromet::format_json(flowsheet, result);
  write_outputs(options.out, {{"results.csv", csv}, {"results.json", json}, {"summary.txt", table}});
  if (options.format == "csv") {
    std::cout << csv;
  } else if (options.format == "json") {
    std::cout << json;
  } else {
    std::cout << table;
  }
  return 0;
}

int validate_command(const std::string& file) {
  const auto flowsheet = hydromet::load_flowsheet(file);
  std::cout << file << ": valid (" << flowsheet.unit_count() << " unit"
            << (flowsheet.unit_count() == 1 ? "" : "s") << ", " << flowsheet.components().aqueous_count()
            << " aqueous species, " << flowsheet.components().solid_count() << " solids)\n";
  return 0;
}

struct SpeciateOptions {
  std::vector<std::string> amounts;  // NAME=AMOUNT
  std::string temperature = "25 degC";
  std::string model = "davies";
  std::vector<std::string> minerals;
  std::vector<std::string> equilibrium;
  double ph = std::numeric_limits<double>::quiet_NaN();
};

int speciate_command(const SpeciateOptions& options) {
  const auto& database = hydromet::Database::bundled();
  std::map<std::string, double> totals{{"H+", 0.0}};
  for (const auto& entry : options.amounts) {
    const auto equals = entry.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw hydromet::InputError("expected NAME=AMOUNT such as `Na2CO3=0.1 mol/kg`, got `" + entry + "`");
    }
    const std::string name = entry.substr(0, equals);
    double molality = 0.0;
    try {
      molality =
          hydromet::parse_quantity_as(entry.substr(equals + 1), hydromet::dimension::molality, "mol/kg");
    } catch (const hydromet::InputError& error) {
      throw hydromet::InputError("`" + name + "`: " + error.message());
    }
    for (const auto& [basis, coefficient] : hydromet::basis_composition(database, name)) {
      if (basis != "H2O") {
        totals[basis] += coefficient * molality;
      }
    }
  }
  std::vector<std::string> minerals = options.minerals;
  minerals.insert(minerals.end(), options.equilibrium.begin(), options.equilibrium.end());
  std::sort(minerals.begin(), minerals.end());
  minerals.erase(std::unique(minerals.begin(), minerals.end()), minerals.end());
  for (const auto& mineral : minerals) {
    for (const auto& [basis, coefficient] : hydromet::basis_composition(database, mineral)) {
      if (basis != "H2O") {
        totals.try_emplace(basis, 0.0);
      }
    }
  }
  std::vector<std::string> components;
  for (const auto& [name, total] : totals) {
    components.push_back(name);
  }
  hydromet::SpeciationOptions speciation;
  speciation.activity_model = hydromet::parse_activity_model(options.model);
  if (!std::isnan(options.ph)) {
    speciation.ph = options.ph;
  }
  speciation.equilibrium_minerals = options.equilibrium;
  const double temperature =
      hydromet::parse_quantity_as(options.temperature, hydromet::dimension::temperature, "degC");
  hydromet::SpeciationSolver solver(
      std::make_shared<const hydromet::ChemicalSystem>(database, components, minerals), speciation);
  const auto result = solver.solve(totals, temperature);
  const auto& system = solver.system();
  std::printf("T = %.2f degC, pH = %.4f, ionic strength = %.6g mol/kg, water activity = %.6f\n\n",
              temperature - 273.15, result.ph, result.ionic_strength, result.water_activity);
  std::printf("  %-16s %14s %12s %14s\n", "species", "molality", "gamma", "log10 a");
  std::vector<std::size_t> order(system.species_names().size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return result.molality[static_cast<Eigen::Index>(a)] > result.molality[static_cast<Eigen::Index>(b)];
  });
  for (const auto i : order) {
    const auto k = static_cast<Eigen::Index>(i);
    const double activity = result.molality[k] * result.activity_coefficient[k];
    std::printf("  %-16s %14.6e %12.6f %14.4f\n", system.species_names()[i].c_str(), result.molality[k],
                result.activity_coefficient[k], activity > 0.0 ? std::log10(activity) : -HUGE_VAL);
  }
  if (!minerals.empty()) {
    std::printf("\n  %-16s %14s %16s\n", "mineral", "SI", "dissolved");
    for (std::size_t m = 0; m < system.mineral_names().size(); ++m) {
      const auto k = static_cast<Eigen::Index>(m);
      std::printf("  %-16s %14.4f %16.6e\n", system.mineral_names()[m].c_str(), result.saturation_index[k],
                  -result.mineral_amount[k]);
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hydromet: hydrometallurgical flowsheet simulation (W, Nb, Ta)"};
  app.set_version_flag("--version", std::string("hydromet ") + hydromet::version_string);
  app.require_subcommand(1);
  app.footer(
      "Examples:\n  hydromet run flowsheets/w_scheelite_soda_batch.yaml --out results/\n"
      "  hydromet run plant.yaml --steady --format json\n"
      "  hydromet validate my_plant.yaml\n\nExit codes: 0 success, 2 input error, 3 solver failure, 1 "
      "other.");

  RunOptions run_options;
  auto* run = app.add_subcommand("run", "Simulate a flowsheet and print its results");
  run->add_option("file", run_options.file, "Flowsheet YAML file")->required();
  run->add_option("--until", run_options.until, "End time with units, e.g. `4 h` (a bare number is seconds)");
  run->add_option("--out", run_options.out, "Directory for results.csv, results.json and summary.txt");
  run->add_option("--format", run_options.format, "What to print: table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  run->add_flag("--steady", run_options.steady,
                "Solve for the steady state (Newton, then pseudo-transient continuation) instead of in time");

  std::string graph_file;
  std::string graph_out;
  auto* graph = app.add_subcommand("graph", "Write the flowsheet as a Graphviz DOT graph");
  graph->add_option("file", graph_file, "Flowsheet YAML file")->required();
  graph->add_option("-o,--output", graph_out, "Write the DOT text here instead of standard output");
  graph->footer("Example: hydromet graph plant.yaml | dot -Tsvg > plant.svg");

  std::string validate_file;
  auto* validate = app.add_subcommand("validate", "Check a flowsheet file without solving it");
  validate->add_option("file", validate_file, "Flowsheet YAML file")->required();

  SpeciateOptions speciate_options;
  auto* speciate =
      app.add_subcommand("speciate", "Speciate a solution (molal scale) and print species and minerals");
  speciate
      ->add_option("amounts", speciate_options.amounts,
                   "NAME=AMOUNT, e.g. Na2CO3=0.1 or \"WO4-2=0.05 mol/kg\"")
      ->required();
  speciate->add_option("-T,--temperature", speciate_options.temperature, "Temperature (default 25 degC)");
  speciate->add_option("--model", speciate_options.model, "Activity model: ideal, davies, b-dot, sit")
      ->check(CLI::IsMember({"ideal", "davies", "b-dot", "bdot", "sit"}));
  speciate->add_option("--mineral", speciate_options.minerals, "Report this mineral's saturation index");
  speciate->add_option("--equilibrium", speciate_options.equilibrium, "Hold this mineral at saturation");
  speciate->add_option("--ph", speciate_options.ph, "Fix the pH (default: charge balance on H+)");
  speciate->footer("Example: hydromet speciate Na2CO3=0.5 Na2WO4=0.2 -T \"80 degC\" --mineral scheelite");

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& success) {
    return app.exit(success);
  } catch (const CLI::ParseError& error) {
    app.exit(error);
    return exit_input_error;
  }

  try {
    if (run->parsed()) {
      return run_command(run_options);
    }
    if (speciate->parsed()) {
      return speciate_command(speciate_options);
    }
    if (graph->parsed()) {
      const auto flowsheet = hydromet::load_flowsheet(graph_file);
      const std::string dot = hydromet::format_dot(flowsheet);
      if (graph_out.empty()) {
        std::cout << dot;
      } else {
        hydromet::write_file_atomically(graph_out, dot);
      }
      return 0;
    }
    return validate_command(validate_file);
  } catch (const hydromet::InputError& error) {
    std::cerr << error.what() << '\n';
    return exit_input_error;
  } catch (const hydromet::SolverError& error) {
    std::cerr << "error: " << error.what() << '\n';
    return exit_solver_error;
  } catch (const std::exception& error) {
    std::cerr << "error: " << error.what() << '\n';
    return exit_other_error;
  }
}
