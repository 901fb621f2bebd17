// The `hydromet` command line: run, validate, graph, sweep, report, speciate.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "hydromet/core/error.hpp"
#include "hydromet/core/quantity.hpp"
#include "hydromet/core/version.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/io/parameters.hpp"
#include "hydromet/io/report.hpp"
#include "hydromet/io/sweep.hpp"
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
  std::string start;  // dynamic runs: "initial" or "steady" overrides the file's simulation.start
  bool steady = false;
  bool progress = false;
};

// Progress on standard error while a long solve runs: elapsed time, or cases done out of the total. Shown
// only when standard error is a terminal or --progress asks for it, so that logs and pipes stay clean.
class Progress {
 public:
  Progress(bool requested, std::string what, std::size_t total = 0)
      : enabled_(requested || ::isatty(STDERR_FILENO) == 1),
        terminal_(::isatty(STDERR_FILENO) == 1),
        what_(std::move(what)),
        total_(total),
        start_(std::chrono::steady_clock::now()) {
    if (!enabled_) {
      return;
    }
    print();
    ticker_ = std::thread([this] {
      std::unique_lock lock(mutex_);
      while (!wake_.wait_for(lock, std::chrono::milliseconds(terminal_ ? 250 : 2000),
                             [this] { return stop_; })) {
        print_locked();
      }
    });
  }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress() { stop(" failed"); }  // left by an exception: say so, and stop the ticker

  void advance() {
    done_.fetch_add(1);
    if (enabled_ && terminal_) {
      std::lock_guard lock(mutex_);
      print_locked();
    }
  }

  void finish() { stop(" done"); }

 private:
  void stop(const char* how) {
    if (!enabled_ || finished_) {
      return;
    }
    finished_ = true;
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    ticker_.join();
    std::lock_guard lock(mutex_);
    print_locked();
    std::fprintf(stderr, "%s\n", how);
  }

  void print() {
    std::lock_guard lock(mutex_);
    print_locked();
  }
  void print_locked() {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (total_ > 0) {
      std::fprintf(stderr, "%shydromet: %s %zu/%zu cases, %.1f s", terminal_ ? "\r" : "", what_.c_str(),
                   done_.load(), total_, elapsed);
    } else {
      std::fprintf(stderr, "%shydromet: %s, %.1f s", terminal_ ? "\r" : "", what_.c_str(), elapsed);
    }
    if (!terminal_) {
      std::fprintf(stderr, "\n");
    }
    std::fflush(stderr);
  }

  bool enabled_;
  bool terminal_;
  std::string what_;
  std::size_t total_;
  std::atomic<std::size_t> done_{0};
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool finished_ = false;
  std::thread ticker_;
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

// The output times of a dynamic run: the file's own, or evenly spaced up to --until.
std::vector<double> output_times(const hydromet::Flowsheet& flowsheet, const RunOptions& options) {
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
  return times;
}

int run_command(const RunOptions& options) {
  auto flowsheet = hydromet::load_flowsheet(options.file);
  if (options.steady) {
    Progress progress(options.progress, "solving for the steady state");
    const int code = run_steady(flowsheet, options);
    progress.finish();
    return code;
  }
  const auto times = output_times(flowsheet, options);
  if (!options.start.empty()) {
    flowsheet.run.options.start_from_steady_state = options.start == "steady";
  }
  Progress progress(options.progress, "simulating");
  const auto result = flowsheet.simulate(times, flowsheet.run.options);
  progress.finish();

  // Everything is formatted before anything is written, so a failure leaves no partial output; without
  // --out only the format printed.
  const bool all = !options.out.empty();
  const std::string table = all || (options.format != "csv" && options.format != "json")
                                ? hydromet::format_table(flowsheet, result)
                                : "";
  const std::string csv = all || options.format == "csv" ? hydromet::format_csv(result) : "";
  const std::string json = all || options.format == "json" ? hydromet::format_json(flowsheet, result) : "";
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

int report_command(const RunOptions& options) {
  auto flowsheet = hydromet::load_flowsheet(options.file);
  std::string html;
  if (options.steady) {
    Progress progress(options.progress, "solving for the steady state");
    html = hydromet::format_html_report(flowsheet, flowsheet.solve_steady());
    progress.finish();
  } else {
    const auto times = output_times(flowsheet, options);
    Progress progress(options.progress, "simulating");
    html = hydromet::format_html_report(flowsheet, flowsheet.simulate(times, flowsheet.run.options));
    progress.finish();
  }
  // The page is complete before anything touches the disk, and it is moved into place in one rename.
  if (options.out.empty() || options.out == "-") {
    std::cout << html;
    return 0;
  }
  const auto parent = std::filesystem::path(options.out).parent_path();
  if (!parent.empty()) {
    std::filesystem::create_directories(parent);
  }
  hydromet::write_file_atomically(options.out, html);
  std::cout << "wrote " << options.out << '\n';
  return 0;
}

struct SweepOptions {
  std::string file;
  std::vector<std::string> params;   // PATH=V1,V2,...
  std::vector<std::string> outputs;  // unit outputs or KPI names
  std::size_t threads = 0;
  std::string out;
  bool dynamic = false;
  bool progress = false;
};

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) {
    return text;
  }
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') {
      quoted += '"';
    }
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

int sweep_command(const SweepOptions& options) {
  const auto flowsheet = hydromet::load_flowsheet(options.file);  // input errors before any case runs
  std::vector<std::pair<std::string, std::vector<std::string>>> axes;
  for (const auto& entry : options.params) {
    const auto equals = entry.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == entry.size()) {
      throw hydromet::InputError("--param: expected PATH=V1,V2,... such as `tank.volume=2,5,10`, got `" +
                                 entry + "`");
    }
    const std::string path = entry.substr(0, equals);
    (void)hydromet::get_parameter(flowsheet.source_text, path);  // the path must name a value
    std::vector<std::string> values;
    std::stringstream list(entry.substr(equals + 1));
    for (std::string value; std::getline(list, value, ',');) {
      value.erase(0, value.find_first_not_of(' '));
      value.erase(value.find_last_not_of(' ') + 1);
      if (value.empty()) {
        throw hydromet::InputError("--param " + path + ": empty value in `" + entry + "`");
      }
      values.push_back(value);
    }
    axes.emplace_back(path, std::move(values));
  }
  // Every combination, the last parameter varying fastest.
  std::vector<hydromet::SweepCase> cases{{}};
  for (const auto& [path, values] : axes) {
    std::vector<hydromet::SweepCase> grown;
    for (const auto& partial : cases) {
      for (const auto& value : values) {
        auto next = partial;
        next.emplace_back(path, value);
        grown.push_back(std::move(next));
      }
    }
    cases = std::move(grown);
  }
  const auto mode = options.dynamic ? hydromet::SweepMode::dynamic : hydromet::SweepMode::steady;
  const std::size_t threads = std::min(
      cases.size(),
      options.threads > 0 ? options.threads : std::max<std::size_t>(1, std::thread::hardware_concurrency()));
  // Workers take the next case until none are left; each case loads its own flowsheet, so results do not
  // depend on the thread count.
  std::vector<hydromet::SweepCaseResult> results(cases.size());
  std::atomic<std::size_t> next{0};
  Progress progress(options.progress, "sweep", cases.size());
  auto work = [&] {
    for (std::size_t k = next.fetch_add(1); k < cases.size(); k = next.fetch_add(1)) {
      results[k] =
          std::move(hydromet::run_sweep(flowsheet.source_text, {cases[k]}, options.outputs, mode, 1).front());
      progress.advance();
    }
  };
  std::vector<std::thread> workers;
  for (std::size_t t = 1; t < threads; ++t) {
    workers.emplace_back(work);
  }
  work();
  for (auto& worker : workers) {
    worker.join();
  }
  progress.finish();

  std::ostringstream csv;
  for (const auto& [path, values] : axes) {
    csv << csv_field(path) << ',';
  }
  for (const auto& output : options.outputs) {
    csv << csv_field(output) << ',';
  }
  csv << "error\n" << std::setprecision(std::numeric_limits<double>::max_digits10);
  std::size_t failed = 0;
  for (std::size_t k = 0; k < cases.size(); ++k) {
    for (const auto& [path, value] : cases[k]) {
      csv << csv_field(value) << ',';
    }
    for (const double value : results[k].values) {
      csv << value << ',';
    }
    std::string error = results[k].error;
    std::replace(error.begin(), error.end(), '\n', ' ');
    csv << csv_field(error) << '\n';
    failed += results[k].error.empty() ? 0 : 1;
  }
  write_outputs(options.out, {{"sweep.csv", csv.str()}});
  std::cout << csv.str();
  if (failed > 0) {
    std::cerr << "hydromet sweep: " << failed << " of " << cases.size()
              << " cases failed; their errors are in the `error` column\n";
    return exit_solver_error;
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
      "  hydromet validate my_plant.yaml\n"
      "  hydromet sweep plant.yaml --param leach1.temperature=80,90 --output \"W recovery\"\n"
      "  hydromet report plant.yaml --steady --out report.html\n\n"
      "Every subcommand has --help with examples.\n"
      "Exit codes: 0 success, 2 input error, 3 solver failure, 1 other.");

  RunOptions run_options;
  auto* run = app.add_subcommand("run", "Simulate a flowsheet and print its results");
  run->add_option("file", run_options.file, "Flowsheet YAML file")->required();
  run->add_option("--until", run_options.until, "End time with units, e.g. `4 h` (a bare number is seconds)");
  run->add_option(
      "--out", run_options.out,
      "Directory for results.csv, results.json and summary.txt (steady: streams.csv, steady.json, "
      "summary.txt); nothing is written when the run fails");
  run->add_option("--format", run_options.format, "What to print: table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  run->add_flag("--steady", run_options.steady,
                "Solve for the steady state (Newton, then pseudo-transient continuation) instead of in time");
  run->add_option("--start", run_options.start,
                  "Where a dynamic run starts: `initial` (the units' initial states) or `steady` (the steady "
                  "state at the feeds of t = 0); default: the file's simulation.start")
      ->check(CLI::IsMember({"initial", "steady"}));
  run->add_flag("--progress", run_options.progress,
                "Show elapsed time on standard error (default: only when it is a terminal)");
  run->footer(
      "Examples:\n  hydromet run flowsheets/w_scheelite_soda_batch.yaml\n"
      "  hydromet run flowsheets/w_scheelite_soda_batch.yaml --until \"1 h\" --format csv > leach.csv\n"
      "  hydromet run flowsheets/w_wolframite_to_apt.yaml --start initial --until \"12 h\"   # plant "
      "start-up\n"
      "  hydromet run plant.yaml --steady --out results/");

  std::string graph_file;
  std::string graph_out;
  auto* graph = app.add_subcommand("graph", "Write the flowsheet as a Graphviz DOT graph");
  graph->add_option("file", graph_file, "Flowsheet YAML file")->required();
  graph->add_option("-o,--output", graph_out, "Write the DOT text here instead of standard output");
  graph->footer(
      "Examples:\n  hydromet graph plant.yaml | dot -Tsvg > plant.svg\n  hydromet graph plant.yaml -o "
      "plant.dot");

  std::string validate_file;
  auto* validate = app.add_subcommand("validate", "Check a flowsheet file without solving it");
  validate->add_option("file", validate_file, "Flowsheet YAML file")->required();
  validate->footer(
      "Examples:\n  hydromet validate my_plant.yaml\n"
      "A mistake is reported as file:line:column with the line and a caret; exit code 2.");

  SweepOptions sweep_options;
  auto* sweep =
      app.add_subcommand("sweep", "Solve every combination of parameter values on threads; print CSV");
  sweep->add_option("file", sweep_options.file, "Flowsheet YAML file")->required();
  sweep
      ->add_option("-p,--param", sweep_options.params,
                   "PATH=V1,V2,... : values of one parameter (repeat for a grid of every combination)")
      ->required();
  sweep
      ->add_option("-y,--output", sweep_options.outputs, "A unit output (tank.c[Na+]) or KPI name to collect")
      ->required();
  sweep->add_option("-j,--threads", sweep_options.threads, "Worker threads (default: every core)");
  sweep->add_option("--out", sweep_options.out,
                    "Directory for sweep.csv (written only when the sweep finishes)");
  sweep->add_flag("--dynamic", sweep_options.dynamic,
                  "Simulate each case to the file's end time instead of solving for its steady state");
  sweep->add_flag("--progress", sweep_options.progress,
                  "Show cases done on standard error (default: only when it is a terminal)");
  sweep->footer(
      "Examples:\n"
      "  hydromet sweep plant.yaml --param tank.volume=2,5,10 --param \"feed.flow=5 m3/h,10 m3/h\" \\\n"
      "      --output \"tank.c[Na+]\" --threads 2 --out sweep/\n"
      "  hydromet sweep flowsheets/w_scheelite_soda_batch.yaml --dynamic \\\n"
      "      --param autoclave.temperature=160,180,200 --output \"autoclave.extraction[W]\"\n"
      "Results do not depend on --threads (bit for bit). A failed case is reported in the `error` column "
      "and\n"
      "does not stop the others; the exit code is then 3.");

  RunOptions report_options;
  auto* report = app.add_subcommand("report", "Write one self-contained HTML page of a run");
  report->add_option("file", report_options.file, "Flowsheet YAML file")->required();
  report->add_option("-o,--out", report_options.out,
                     "The HTML file to write (default: standard output); written only when complete");
  report->add_option("--until", report_options.until, "End time with units for a dynamic run, e.g. `4 h`");
  report->add_flag("--steady", report_options.steady, "Report the steady state instead of a dynamic run");
  report->add_flag("--progress", report_options.progress,
                   "Show elapsed time on standard error (default: only when it is a terminal)");
  report->footer(
      "The page holds the flowsheet diagram, KPIs, the stream table, unit and plant element balances, and\n"
      "plots of every unit's outputs against time, all inline (no external files).\n"
      "Examples:\n  hydromet report flowsheets/w_scheelite_soda_batch.yaml --out leach.html\n"
      "  hydromet report plant.yaml --steady --out reports/plant.html");

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
  speciate->footer(
      "Examples:\n  hydromet speciate Na2CO3=0.5 Na2WO4=0.2 -T \"80 degC\" --mineral scheelite\n"
      "  hydromet speciate \"CaCl2=0.01 mol/kg\" Na2WO4=0.01 --equilibrium scheelite --model b-dot");

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
    if (sweep->parsed()) {
      return sweep_command(sweep_options);
    }
    if (report->parsed()) {
      return report_command(report_options);
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
