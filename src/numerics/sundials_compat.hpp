// Internal to numerics (only src/numerics and its tests include it): the one place that hides
// the differences between SUNDIALS 6.x and 7.x (types, context creation, error reporting).
#pragma once

#include <cvodes/cvodes.h>
#include <idas/idas.h>
#include <kinsol/kinsol.h>
#include <sundials/sundials_config.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_types.h>

#include <cstdlib>
#include <string>
#include <type_traits>

#if !defined(SUNDIALS_VERSION_MAJOR) || SUNDIALS_VERSION_MAJOR < 6
#error "hydromet needs SUNDIALS 6.0 or newer"
#endif

namespace hydromet::numerics::sundials {

#if SUNDIALS_VERSION_MAJOR >= 7
using Real = sunrealtype;
using Boolean = sunbooleantype;
#else
using Real = realtype;  // 6.x spelling; sunrealtype exists there too but realtype is what the API uses
using Boolean = booleantype;
#endif

static_assert(std::is_same_v<Real, double>, "hydromet needs SUNDIALS built with double precision");

/// Creates a context without MPI. Returns the SUNDIALS flag (0 on success).
inline int create_context(SUNContext* context) {
#if SUNDIALS_VERSION_MAJOR >= 7
  return SUNContext_Create(SUN_COMM_NULL, context);
#else
  return SUNContext_Create(nullptr, context);
#endif
}

/// The three SUNDIALS packages hydromet drives.
enum class Package { cvodes, idas, kinsol };

/// What a solver would have printed to stderr, kept to be put into a SolverError instead.
struct ErrorLog {
  std::string last_error;    ///< "MODULE/function: message" of the latest error
  std::string last_warning;  ///< the latest warning (e.g. t + h == t)
  long warnings = 0;         ///< warnings seen

  void clear() {
    last_error.clear();
    last_warning.clear();
    warnings = 0;
  }
};

namespace detail {
// Never throws: SUNDIALS calls it from C frames.
inline void record(ErrorLog* log, bool is_error, const char* module, const char* function,
                   const char* message) noexcept {
  if (log == nullptr) {
    return;
  }
  try {
    std::string text = std::string(module ? module : "SUNDIALS") + "/" + (function ? function : "?") + ": " +
                       (message ? message : "");
    if (is_error) {
      log->last_error = std::move(text);
    } else {
      log->last_warning = std::move(text);
      ++log->warnings;
    }
  } catch (...) {
    // Out of memory while formatting a message: losing the message is the lesser evil.
  }
}

#if SUNDIALS_VERSION_MAJOR >= 7
inline void error_handler(int /*line*/, const char* function, const char* /*file*/, const char* message,
                          SUNErrCode code, void* data, SUNContext /*context*/) noexcept {
  record(static_cast<ErrorLog*>(data), code < 0, "SUNDIALS", function, message);
}
#else
inline void error_handler(int code, const char* module, const char* function, char* message,
                          void* data) noexcept {
  record(static_cast<ErrorLog*>(data), code < 0, module, function, message);
}
#endif
}  // namespace detail

/// Sends the messages of solver memory `memory` (created in `context`) to `log` instead of
/// stderr. Returns the SUNDIALS flag (0 on success).
inline int attach_error_log(Package package, void* memory, SUNContext context, ErrorLog* log) {
#if SUNDIALS_VERSION_MAJOR >= 7
  // 7.x reports through the context; every hydromet solver owns its own context.
  (void)package;
  (void)memory;
  if (const int flag = SUNContext_ClearErrHandlers(context); flag != 0) {
    return flag;
  }
  return SUNContext_PushErrHandler(context, detail::error_handler, log);
#else
  (void)context;
  switch (package) {
    case Package::cvodes:
      return CVodeSetErrHandlerFn(memory, detail::error_handler, log);
    case Package::idas:
      return IDASetErrHandlerFn(memory, detail::error_handler, log);
    case Package::kinsol:
      return KINSetErrHandlerFn(memory, detail::error_handler, log);
  }
  return -1;
#endif
}

/// The name of a return flag, e.g. "CV_CONV_FAILURE".
inline std::string flag_name(Package package, int flag) {
  char* name = nullptr;
  switch (package) {
    case Package::cvodes:
      name = CVodeGetReturnFlagName(flag);
      break;
    case Package::idas:
      name = IDAGetReturnFlagName(flag);
      break;
    case Package::kinsol:
      name = KINGetReturnFlagName(flag);
      break;
  }
  std::string result = name ? name : "flag " + std::to_string(flag);
  std::free(name);  // the SUNDIALS *GetReturnFlagName functions return malloc'd strings
  return result;
}

/// "CVODES", "IDAS" or "KINSOL".
inline const char* package_name(Package package) {
  switch (package) {
    case Package::cvodes:
      return "CVODES";
    case Package::idas:
      return "IDAS";
    case Package::kinsol:
      return "KINSOL";
  }
  return "SUNDIALS";
}

}  // namespace hydromet::numerics::sundials
