// The hydromet error family: Error, InputError (with a source location) and SolverError.
#pragma once

#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace hydromet {

/// Base of every exception hydromet throws on purpose.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// Where in an input file something was found: 1-based line and column (0 = unknown).
struct SourceLocation {
  std::string file;        ///< path as given by the user, or "<string>"
  std::size_t line = 0;    ///< 1-based, 0 when unknown
  std::size_t column = 0;  ///< 1-based, 0 when unknown
  std::string line_text;   ///< the text of that line, for the caret display

  [[nodiscard]] bool known() const { return line > 0; }
};

/// Bad user input. what() reads `file:line:column: error: message`, then the offending line
/// with a caret under the column, so that it can be printed as it is.
class InputError : public Error {
 public:
  InputError(std::string message, SourceLocation location = {});

  [[nodiscard]] const std::string& message() const { return message_; }
  [[nodiscard]] const SourceLocation& location() const { return location_; }

 private:
  static std::string format(const std::string& message, const SourceLocation& location);

  std::string message_;
  SourceLocation location_;
};

/// A state component named for diagnostics, e.g. `leach1.n[Na2CO3]`, with its weighted error.
struct ComponentError {
  std::string name;
  double weighted_error = 0.0;
};

/// A numerical solver failed. Carries the time, the SUNDIALS flag name and the worst components.
class SolverError : public Error {
 public:
  struct Details {
    std::string solver;  ///< "CVODES", "IDAS", "KINSOL", "speciation", ...
    std::string flag;    ///< SUNDIALS flag name, e.g. "CV_CONV_FAILURE"
    double time =
        std::numeric_limits<double>::quiet_NaN();  ///< time [s] of the failure; NaN when none (steady)
    std::vector<ComponentError> worst_components;  ///< largest weighted errors first
  };

  SolverError(std::string message, Details details);
  explicit SolverError(const std::string& message) : SolverError(message, Details{}) {}

  [[nodiscard]] const std::string& message() const { return message_; }
  [[nodiscard]] const Details& details() const { return details_; }

 private:
  static std::string format(const std::string& message, const Details& details);

  std::string message_;
  Details details_;
};

/// Closest candidate to `word` by edit distance, or "" when none is close enough for a did-you-mean.
[[nodiscard]] std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace hydromet
