// Shared plumbing of the hand-written SUNDIALS baselines (no hydromet headers): command-line options, CPU
// timing, SUNDIALS flag checks and the one-line JSON report that scripts/bench_table.py reads.
#pragma once

#include <sundials/sundials_context.h>
#include <sundials/sundials_types.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace baseline {

/// `--name value` pairs from the command line; a flag without a value is an error.
inline std::map<std::string, std::string> parse_options(int argc, char** argv) {
  std::map<std::string, std::string> options;
  for (int i = 1; i < argc; ++i) {
    const std::string key = argv[i];
    if (key.rfind("--", 0) != 0 || i + 1 >= argc) {
      throw std::invalid_argument("expected `--option value`, got `" + key + "`");
    }
    options[key.substr(2)] = argv[++i];
  }
  return options;
}

inline double number(const std::map<std::string, std::string>& options, const std::string& key,
                     double fallback) {
  const auto found = options.find(key);
  return found == options.end() ? fallback : std::stod(found->second);
}

inline std::string text(const std::map<std::string, std::string>& options, const std::string& key,
                        const std::string& fallback) {
  const auto found = options.find(key);
  return found == options.end() ? fallback : found->second;
}

/// Throws when a SUNDIALS call returned a negative flag (failure), naming the call.
inline void check(int flag, const char* call) {
  if (flag < 0) {
    std::string message = call;
    message += " failed with flag ";
    message += std::to_string(flag);
    throw std::runtime_error(message);
  }
}

template <typename Pointer>
Pointer* check_pointer(Pointer* pointer, const char* call) {
  if (pointer == nullptr) {
    std::string message = call;
    message += " returned null";
    throw std::runtime_error(message);
  }
  return pointer;
}

/// A SUNDIALS 6 context owned for the life of a solve.
class Context {
 public:
  Context() { check(SUNContext_Create(nullptr, &context_), "SUNContext_Create"); }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  ~Context() { SUNContext_Free(&context_); }
  operator SUNContext() const { return context_; }  // NOLINT: used where the C API takes a SUNContext

 private:
  SUNContext context_ = nullptr;
};

/// CPU time of this process [s].
inline double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }
inline double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
/// Peak resident set size of this process [kB].
inline long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

/// Prints {"program": ..., "case": ..., "cpu_s": ..., "wall_s": ..., "outputs": {...}, "counters": {...}}.
inline void report(const std::string& program, const std::string& case_name, double cpu, double wall,
                   const std::map<std::string, double>& outputs,
                   const std::map<std::string, double>& counters) {
  std::printf(
      "{\"program\": \"%s\", \"case\": \"%s\", \"cpu_s\": %.9g, \"wall_s\": %.9g, \"peak_rss_kb\": %ld",
      program.c_str(), case_name.c_str(), cpu, wall, peak_rss_kb());
  const auto write = [](const char* name, const std::map<std::string, double>& values) {
    std::printf(", \"%s\": {", name);
    bool first = true;
    for (const auto& [key, value] : values) {
      std::printf("%s\"%s\": %.17g", first ? "" : ", ", key.c_str(), value);
      first = false;
    }
    std::printf("}");
  };
  write("outputs", outputs);
  write("counters", counters);
  std::printf("}\n");
}

}  // namespace baseline

// ---- The two drivers: CVODES (BDF, Newton, KLU, exact Jacobian) and KINSOL (Newton, line search, KLU). ----
#include <cvodes/cvodes.h>
#include <kinsol/kinsol.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <algorithm>
#include <cstring>

namespace baseline {

/// KLU ordering: AMD (KLU's own default; SUNDIALS's wrapper defaults to COLAMD), as hydromet's
/// LinearSolver::klu: on these Jacobians it fills less (the leach train's L+U 2 220 against 11 040 entries).
constexpr int amd_ordering = 0;

/// A problem dy/dt = f(y) with a Jacobian of fixed compressed-sparse-column pattern:
///   size(), rhs(y, f), pattern(colptr, rowind), jacobian(y, values) (values in pattern order),
///   initial(y) (dynamic start), guess(y) (steady start), scale(i) (typical magnitude of state i),
///   outputs(y, suffix, map) (the compared outputs).
template <typename Problem>
struct Callbacks {
  static int rhs(sunrealtype, N_Vector y, N_Vector f, void* data) {
    static_cast<const Problem*>(data)->rhs(N_VGetArrayPointer(y), N_VGetArrayPointer(f));
    return 0;
  }
  static int residual(N_Vector y, N_Vector f, void* data) {
    static_cast<const Problem*>(data)->rhs(N_VGetArrayPointer(y), N_VGetArrayPointer(f));
    return 0;
  }
  static void fill(const Problem& problem, N_Vector y, SUNMatrix matrix) {
    std::vector<sunindextype> colptr;
    std::vector<sunindextype> rowind;
    problem.pattern(colptr, rowind);
    std::copy(colptr.begin(), colptr.end(), SUNSparseMatrix_IndexPointers(matrix));
    std::copy(rowind.begin(), rowind.end(), SUNSparseMatrix_IndexValues(matrix));
    problem.jacobian(N_VGetArrayPointer(y), SUNSparseMatrix_Data(matrix));
  }
  static int cvode_jacobian(sunrealtype, N_Vector y, N_Vector, SUNMatrix matrix, void* data, N_Vector,
                            N_Vector, N_Vector) {
    fill(*static_cast<const Problem*>(data), y, matrix);
    return 0;
  }
  static int kinsol_jacobian(N_Vector y, N_Vector, SUNMatrix matrix, void* data, N_Vector, N_Vector) {
    fill(*static_cast<const Problem*>(data), y, matrix);
    return 0;
  }
};

template <typename Problem>
sunindextype nonzeros(const Problem& problem) {
  std::vector<sunindextype> colptr;
  std::vector<sunindextype> rowind;
  problem.pattern(colptr, rowind);
  return colptr.back();
}

/// Integrates from the problem's initial state to 24 h with hourly outputs; the compared outputs are taken
/// at 1 h and 24 h. atol_i = atol_factor * rtol * scale_i.
template <typename Problem>
void run_dynamic(const Problem& problem, double rtol, double atol_factor,
                 std::map<std::string, double>& outputs, std::map<std::string, double>& counters) {
  Context context;
  const auto n = static_cast<sunindextype>(problem.size());
  N_Vector y = check_pointer(N_VNew_Serial(n, context), "N_VNew_Serial");
  N_Vector atol = check_pointer(N_VNew_Serial(n, context), "N_VNew_Serial");
  problem.initial(N_VGetArrayPointer(y));
  for (sunindextype i = 0; i < n; ++i) {
    NV_Ith_S(atol, i) = atol_factor * rtol * problem.scale(static_cast<std::size_t>(i));
  }
  SUNMatrix matrix =
      check_pointer(SUNSparseMatrix(n, n, nonzeros(problem), CSC_MAT, context), "SUNSparseMatrix");
  SUNLinearSolver solver = check_pointer(SUNLinSol_KLU(y, matrix, context), "SUNLinSol_KLU");
  check(SUNLinSol_KLUSetOrdering(solver, amd_ordering), "SUNLinSol_KLUSetOrdering");
  void* memory = check_pointer(CVodeCreate(CV_BDF, context), "CVodeCreate");
  check(CVodeInit(memory, Callbacks<Problem>::rhs, 0.0, y), "CVodeInit");
  check(CVodeSVtolerances(memory, rtol, atol), "CVodeSVtolerances");
  check(CVodeSetUserData(memory, const_cast<Problem*>(&problem)), "CVodeSetUserData");
  check(CVodeSetLinearSolver(memory, solver, matrix), "CVodeSetLinearSolver");
  check(CVodeSetJacFn(memory, Callbacks<Problem>::cvode_jacobian), "CVodeSetJacFn");
  check(CVodeSetMaxNumSteps(memory, 1000000), "CVodeSetMaxNumSteps");
  double t = 0.0;
  for (int hour = 1; hour <= 24; ++hour) {
    check(CVode(memory, 3600.0 * hour, y, &t, CV_NORMAL), "CVode");
    if (hour == 1 || hour == 24) {
      problem.outputs(N_VGetArrayPointer(y), hour == 1 ? "_1h" : "_24h", outputs);
    }
  }
  long steps = 0, rhs_evals = 0, jac_evals = 0, newton = 0, error_failures = 0;
  CVodeGetNumSteps(memory, &steps);
  CVodeGetNumRhsEvals(memory, &rhs_evals);
  CVodeGetNumJacEvals(memory, &jac_evals);
  CVodeGetNumNonlinSolvIters(memory, &newton);
  CVodeGetNumErrTestFails(memory, &error_failures);
  counters = {{"steps", static_cast<double>(steps)},
              {"rhs_evals", static_cast<double>(rhs_evals)},
              {"jac_evals", static_cast<double>(jac_evals)},
              {"newton_iters", static_cast<double>(newton)},
              {"error_test_failures", static_cast<double>(error_failures)},
              {"states", static_cast<double>(n)}};
  CVodeFree(&memory);
  SUNLinSolFree(solver);
  SUNMatDestroy(matrix);
  N_VDestroy(atol);
  N_VDestroy(y);
}

/// Solves f(y) = 0 from the problem's guess with KINSOL (line search, states kept >= 0), stopping when
/// max |f_i| / scale_i <= tolerance (the residual scaled as hydromet scales it).
template <typename Problem>
void run_steady(const Problem& problem, double tolerance, int strategy, bool text_option_constraints,
                std::map<std::string, double>& outputs, std::map<std::string, double>& counters) {
  Context context;
  const auto n = static_cast<sunindextype>(problem.size());
  N_Vector y = check_pointer(N_VNew_Serial(n, context), "N_VNew_Serial");
  N_Vector scale = check_pointer(N_VNew_Serial(n, context), "N_VNew_Serial");
  N_Vector residual_scale = check_pointer(N_VNew_Serial(n, context), "N_VNew_Serial");
  N_Vector constraints = check_pointer(N_VNew_Serial(n, context), "N_VNew_Serial");
  problem.guess(N_VGetArrayPointer(y));
  for (sunindextype i = 0; i < n; ++i) {
    NV_Ith_S(scale, i) = 1.0 / problem.scale(static_cast<std::size_t>(i));
    NV_Ith_S(residual_scale, i) = 1.0 / problem.scale(static_cast<std::size_t>(i));
  }
  N_VConst(1.0, constraints);
  SUNMatrix matrix =
      check_pointer(SUNSparseMatrix(n, n, nonzeros(problem), CSC_MAT, context), "SUNSparseMatrix");
  SUNLinearSolver solver = check_pointer(SUNLinSol_KLU(y, matrix, context), "SUNLinSol_KLU");
  check(SUNLinSol_KLUSetOrdering(solver, amd_ordering), "SUNLinSol_KLUSetOrdering");
  void* memory = check_pointer(KINCreate(context), "KINCreate");
  check(KINInit(memory, Callbacks<Problem>::residual, y), "KINInit");
  check(KINSetUserData(memory, const_cast<Problem*>(&problem)), "KINSetUserData");
  check(KINSetLinearSolver(memory, solver, matrix), "KINSetLinearSolver");
  check(KINSetJacFn(memory, Callbacks<Problem>::kinsol_jacobian), "KINSetJacFn");
  check(KINSetFuncNormTol(memory, tolerance), "KINSetFuncNormTol");
  check(KINSetScaledStepTol(memory, 1e-14), "KINSetScaledStepTol");
  check(KINSetMaxSetupCalls(memory, 1), "KINSetMaxSetupCalls");
  check(KINSetNumMaxIters(memory, 200), "KINSetNumMaxIters");
  // The default step bound (1000 times the scaled guess) stalls Newton from a zero guess.
  check(KINSetMaxNewtonStep(memory, 1e12), "KINSetMaxNewtonStep");
  if (text_option_constraints) {
    check(KINSetConstraints(memory, constraints), "KINSetConstraints");
  }
  const int flag = KINSol(memory, y, strategy, scale, residual_scale);
  check(flag, "KINSol");
  double norm = 0.0;
  KINGetFuncNorm(memory, &norm);
  if (flag != KIN_SUCCESS && flag != KIN_INITIAL_GUESS_OK) {
    throw std::runtime_error("KINSol stopped without converging, flag " + std::to_string(flag) +
                             ", scaled residual norm " + std::to_string(norm));
  }
  problem.outputs(N_VGetArrayPointer(y), "", outputs);
  long iterations = 0, residuals = 0, jacobians = 0;
  KINGetNumNonlinSolvIters(memory, &iterations);
  KINGetNumFuncEvals(memory, &residuals);
  KINGetNumJacEvals(memory, &jacobians);
  counters = {{"newton_iters", static_cast<double>(iterations)},
              {"rhs_evals", static_cast<double>(residuals)},
              {"jac_evals", static_cast<double>(jacobians)},
              {"states", static_cast<double>(n)}};
  KINFree(&memory);
  SUNLinSolFree(solver);
  SUNMatDestroy(matrix);
  N_VDestroy(constraints);
  N_VDestroy(residual_scale);
  N_VDestroy(scale);
  N_VDestroy(y);
}

/// Runs the problem `repeat` times in the mode the options ask for and prints the report with the least CPU
/// time (the outputs of the last run).
template <typename Problem>
int main_loop(const std::string& program, const std::string& case_name, const Problem& problem,
              const std::map<std::string, std::string>& options) {
  const std::string mode = text(options, "mode", "dynamic");
  const double rtol = number(options, "rtol", 1e-6);
  const auto repeat = static_cast<int>(number(options, "repeat", 1));
  double best_cpu = 1e300;
  double best_wall = 1e300;
  std::map<std::string, double> outputs;
  std::map<std::string, double> counters;
  for (int r = 0; r < std::max(repeat, 1); ++r) {
    const double cpu0 = cpu_seconds();
    const double wall0 = wall_seconds();
    if (mode == "steady") {
      run_steady(problem, number(options, "tolerance", 1e-10),
                 text(options, "strategy", "linesearch") == "none" ? KIN_NONE : KIN_LINESEARCH,
                 text(options, "constraints", "no") == "yes", outputs, counters);
    } else if (mode == "dynamic") {
      run_dynamic(problem, rtol, number(options, "atol-factor", 1e-3), outputs, counters);
    } else {
      throw std::invalid_argument("--mode must be steady or dynamic, got `" + mode + "`");
    }
    best_cpu = std::min(best_cpu, cpu_seconds() - cpu0);
    best_wall = std::min(best_wall, wall_seconds() - wall0);
  }
  report(program, case_name, best_cpu, best_wall, outputs, counters);
  return 0;
}

}  // namespace baseline
