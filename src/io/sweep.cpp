// Sweeps over cases in worker threads.
#include "hydromet/io/sweep.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <limits>
#include <thread>

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

SweepCaseResult run_case(const std::string& yaml_text, const SweepCase& assignments,
                         const std::vector<std::string>& outputs, SweepMode mode) {
  SweepCaseResult result;
  result.values.assign(outputs.size(), std::numeric_limits<double>::quiet_NaN());
  try {
    auto flowsheet = load_flowsheet_string(set_parameters(yaml_text, assignments), "<sweep case>");
    if (mode == SweepMode::steady) {
      const auto solved = flowsheet.solve_steady();
      for (std::size_t j = 0; j < outputs.size(); ++j) {
        result.values[j] = pick(
            outputs[j], solved.output_names,
            [&](std::size_t i) { return solved.outputs[static_cast<Eigen::Index>(i)]; },
            solved.snapshot.kpis);
      }
    } else {
      if (!(flowsheet.run.until > 0.0) && flowsheet.run.output_times.empty()) {
        throw InputError("dynamic sweep: the flowsheet gives no `simulation.until`");
      }
      const auto simulated =
          flowsheet.simulate(flowsheet.run.times(flowsheet.run.until), flowsheet.run.options);
      const auto last = simulated.outputs.rows() - 1;
      for (std::size_t j = 0; j < outputs.size(); ++j) {
        result.values[j] = pick(
            outputs[j], simulated.output_names,
            [&](std::size_t i) { return simulated.outputs(last, static_cast<Eigen::Index>(i)); },
            simulated.final.kpis);
      }
    }
  } catch (const std::exception& error) {
    result.error = error.what();
  }
  return result;
}

}  // namespace

std::vector<SweepCaseResult> run_sweep(const std::string& yaml_text, const std::vector<SweepCase>& cases,
                                       const std::vector<std::string>& outputs, SweepMode mode,
                                       std::size_t threads) {
  std::vector<SweepCaseResult> results(cases.size());
  if (threads == 0) {
    threads = std::max(1U, std::thread::hardware_concurrency());
  }
  threads = std::min(threads, std::max<std::size_t>(cases.size(), 1));
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < cases.size(); i = next++) {
      results[i] = run_case(yaml_text, cases[i], outputs, mode);
    }
  };
  if (threads <= 1) {
    worker();
    return results;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (std::size_t t = 0; t < threads; ++t) {
    pool.emplace_back(worker);
  }
  for (auto& thread : pool) {
    thread.join();
  }
  return results;
}

}  // namespace hydromet
