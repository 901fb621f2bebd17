// The `hydromet` command line: run, validate.
#include <CLI/CLI.hpp>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>

#include "hydromet/core/error.hpp"
#include "hydromet/core/quantity.hpp"
#include "hydromet/core/version.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/io/writers.hpp"

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
};

int run_command(const RunOptions& options) {
  auto flowsheet = hydromet::load_flowsheet(options.file);
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
  if (!options.out.empty()) {
    std::filesystem::create_directories(options.out);
    const std::filesystem::path directory(options.out);
    hydromet::write_file_atomically((directory / "results.csv").string(), csv);
    hydromet::write_file_atomically((directory / "results.json").string(), json);
    hydromet::write_file_atomically((directory / "summary.txt").string(), table);
  }
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
  std::cout << file << ": valid (" << flowsheet.unit_count() << " unit" << (flowsheet.unit_count() == 1 ? "" : "s")
            << ", " << flowsheet.components().aqueous_count() << " aqueous species, "
            << flowsheet.components().solid_count() << " solids)\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hydromet: hydrometallurgical flowsheet simulation (W, Nb, Ta)"};
  app.set_version_flag("--version", std::string("hydromet ") + hydromet::version_string);
  app.require_subcommand(1);
  app.footer(
      "Examples:\n  hydromet run flowsheets/w_scheelite_soda_batch.yaml --out results/\n"
      "  hydromet validate my_plant.yaml\n\nExit codes: 0 success, 2 input error, 3 solver failure, 1 other.");

  RunOptions run_options;
  auto* run = app.add_subcommand("run", "Simulate a flowsheet and print its results");
  run->add_option("file", run_options.file, "Flowsheet YAML file")->required();
  run->add_option("--until", run_options.until, "End time with units, e.g. `4 h` (a bare number is seconds)");
  run->add_option("--out", run_options.out, "Directory for results.csv, results.json and summary.txt");
  run->add_option("--format", run_options.format, "What to print: table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));

  std::string validate_file;
  auto* validate = app.add_subcommand("validate", "Check a flowsheet file without solving it");
  validate->add_option("file", validate_file, "Flowsheet YAML file")->required();

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
