// Sweeps over cases in worker threads.
#include "hydromet/io/sweep.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <limits>
#include <thread>

#include "common/yaml_support.hpp"
#include "hydromet/core/error.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/io/parameters.hpp"

namespace hydromet {
namespace {

double pick(const std::string& name, const std::vector<std::string>& names, const auto& values,
            const std::vector<Kpi>& kpis) {
  const auto found = std::find(names.begin(), names.end(), name);
  if (found != names.end()) {
    return values(static_cast<std::size_t>(found - names.begin()));
  }
  for (const auto& kpi : kpis) {
    if (kpi.name == name) {
      return kpi.value;
    }
  }
  std::vector<std::string> known = names;
  for (const auto& kpi : kpis) {
    known.push_back(kpi.name);
  }
  std::string message = "no output or KPI named `" + name + "`";
  if (auto suggestion = closest_match(name, known); !suggestion.empty()) {
    message += "; did you mean `" + suggestion + "`?";
  }
  throw InputError(message);
}

// Reads the requested outputs of one case's flowsheet into `values`.
void solve_case(Flowsheet& flowsheet, const std::vector<std::string>& outputs, SweepMode mode,
                std::vector<double>& values) {
  if (mode == SweepMode::steady) {
    const auto solved = flowsheet.solve_steady();
    for (std::size_t j = 0; j < outputs.size(); ++j) {
      values[j] = pick(
          outputs[j], solved.output_names,
          [&](std::size_t i) { return solved.outputs[static_cast<Eigen::Index>(i)]; }, solved.snapshot.kpis);
    }
    return;
  }
  if (!(flowsheet.run.until > 0.0) && flowsheet.run.output_times.empty()) {
    throw InputError("dynamic sweep: the flowsheet gives no `simulation.until`");
  }
  const auto simulated = flowsheet.simulate(flowsheet.run.times(flowsheet.run.until), flowsheet.run.options);
  const auto last = simulated.outputs.rows() - 1;
  for (std::size_t j = 0; j < outputs.size(); ++j) {
    values[j] = pick(
        outputs[j], simulated.output_names,
        [&](std::size_t i) { return simulated.outputs(last, static_cast<Eigen::Index>(i)); },
        simulated.final.kpis);
  }
}

// Runs the cases of one worker thread. The flowsheet text is parsed once per worker; each case edits a copy
// of that tree and builds its flowsheet from it, instead of writing and re-parsing YAML text per case (text
// round trips cost several times the solve of a small flowsheet). A copied tree carries no source marks, so
// a failing case is run once more from its own text, whose message then names line and column.
class CaseRunner {
 public:
  CaseRunner(const detail::YamlDocument& base, const std::vector<std::string>& outputs, SweepMode mode)
      : base_root_(YAML::Clone(base.root)),
        document_{base.file, base.lines, {}},
        outputs_(outputs),
        mode_(mode) {}

  SweepCaseResult run(const std::string& yaml_text, const SweepCase& assignments) {
    SweepCaseResult result;
    result.values.assign(outputs_.size(), std::numeric_limits<double>::quiet_NaN());
    try {
      document_.root.reset(YAML::Clone(base_root_));  // reset rebinds; `=` would write into the old tree
      for (const auto& [path, value] : assignments) {
        set_parameter(document_.root, path, value);
      }
      auto flowsheet = load_flowsheet_document(document_);
      solve_case(flowsheet, outputs_, mode_, result.values);
    } catch (const std::exception&) {
      result = run_from_text(yaml_text, assignments);
    }
    return result;
  }

 private:
  SweepCaseResult run_from_text(const std::string& yaml_text, const SweepCase& assignments) const {
    SweepCaseResult result;
    result.values.assign(outputs_.size(), std::numeric_limits<double>::quiet_NaN());
    try {
      auto flowsheet = load_flowsheet_string(set_parameters(yaml_text, assignments), "<sweep case>");
      solve_case(flowsheet, outputs_, mode_, result.values);
    } catch (const std::exception& error) {
      result.values.assign(outputs_.size(), std::numeric_limits<double>::quiet_NaN());
      result.error = error.what();
    }
    return result;
  }

  YAML::Node base_root_;  // this worker's own copy: yaml-cpp trees are not safe to read from two threads
  detail::YamlDocument document_;
  const std::vector<std::string>& outputs_;
  SweepMode mode_;
};

}  // namespace

std::vector<SweepCaseResult> run_sweep(const std::string& yaml_text, const std::vector<SweepCase>& cases,
                                       const std::vector<std::string>& outputs, SweepMode mode,
                                       std::size_t threads) {
  std::vector<SweepCaseResult> results(cases.size());
  if (cases.empty()) {
    return results;
  }
  detail::YamlDocument base;
  try {
    base = detail::load_yaml_string(yaml_text, "<sweep case>");
  } catch (const std::exception& error) {
    for (auto& result : results) {  // every case fails the same way; the sweep itself does not throw
      result.values.assign(outputs.size(), std::numeric_limits<double>::quiet_NaN());
      result.error = error.what();
    }
    return results;
  }
  if (threads == 0) {
    threads = std::max(1U, std::thread::hardware_concurrency());
  }
  threads = std::min(threads, cases.size());
  // Each worker's runner is made here, on this thread, so that only this thread reads the shared tree.
  std::vector<CaseRunner> runners;
  runners.reserve(threads);
  for (std::size_t t = 0; t < threads; ++t) {
    runners.emplace_back(base, outputs, mode);
  }
  std::atomic<std::size_t> next{0};
  auto worker = [&](CaseRunner& runner) {
    for (std::size_t i = next++; i < cases.size(); i = next++) {
      results[i] = runner.run(yaml_text, cases[i]);
    }
  };
  if (threads == 1) {
    worker(runners.front());
    return results;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (std::size_t t = 0; t < threads; ++t) {
    pool.emplace_back(worker, std::ref(runners[t]));
  }
  for (auto& thread : pool) {
    thread.join();
  }
  return results;
}

}  // namespace hydromet
