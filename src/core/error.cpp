// Formatting of the error family and the did-you-mean helper.
#include "hydromet/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace hydromet {

InputError::InputError(std::string message, SourceLocation location)
    : Error(format(message, location)), message_(std::move(message)), location_(std::move(location)) {}

std::string InputError::format(const std::string& message, const SourceLocation& location) {
  std::ostringstream out;
  if (!location.file.empty()) {
    out << location.file << ':';
  }
  if (location.known()) {
    out << location.line << ':' << location.column << ':';
  }
  if (out.tellp() > 0) {
    out << ' ';
  }
  out << "error: " << message;
  if (location.known() && !location.line_text.empty()) {
    out << "\n  " << location.line_text << "\n  ";
    const std::size_t caret = location.column > 0 ? location.column - 1 : 0;
    for (std::size_t i = 0; i < caret && i < location.line_text.size(); ++i) {
      out << (location.line_text[i] == '\t' ? '\t' : ' ');
    }
    out << '^';
  }
  return out.str();
}

SolverError::SolverError(std::string message, Details details)
    : Error(format(message, details)), message_(std::move(message)), details_(std::move(details)) {}

std::string SolverError::format(const std::string& message, const Details& details) {
  std::ostringstream out;
  out << (details.solver.empty() ? std::string("solver") : details.solver) << " failed";
  if (std::isfinite(details.time)) {
    out << " at t = " << details.time << " s";
  }
  if (!details.flag.empty()) {
    out << " (" << details.flag << ")";
  }
  out << ": " << message;
  if (!details.worst_components.empty()) {
    out << "\n  largest weighted errors:";
    for (const auto& component : details.worst_components) {
      out << "\n    " << component.name << "  " << component.weighted_error;
    }
  }
  return out.str();
}

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    previous[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}
}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace hydromet
