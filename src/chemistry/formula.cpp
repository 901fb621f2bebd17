// Recursive-descent parser for chemical formulas: groups, fractional counts, hydrates, charges, phase
// suffixes.
#include "hydromet/chemistry/formula.hpp"

#include <array>
#include <charconv>
#include <string>
#include <vector>

#include "hydromet/chemistry/elements.hpp"
#include "hydromet/core/error.hpp"

namespace hydromet {

namespace {

using Composition = std::map<std::string, double>;

constexpr std::array<std::string_view, 7> phase_suffixes = {"(aq)",  "(s)",  "(l)", "(g)",
                                                            "(org)", "(cr)", "(am)"};
constexpr std::string_view middle_dot = "\xC2\xB7";  // U+00B7, the printed hydrate dot
constexpr std::string_view bullet = "\xE2\x80\xA2";  // U+2022, a common stand-in for it

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_sign(char c) { return c == '+' || c == '-'; }

/// Locale-independent, unlike std::stod; `digits` is already known to be a plain decimal number.
double to_double(std::string_view digits) {
  double value = 0.0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

void add_scaled(Composition& into, const Composition& from, double factor) {
  for (const auto& [symbol, count] : from) {
    into[symbol] += factor * count;
  }
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), end_(text.size()) {}

  Formula parse() {
    Formula formula;
    formula.text = std::string(text_);
    if (text_.empty()) {
      throw InputError("empty formula");
    }
    strip_phase_suffix();
    if (end_ == 0) {
      throw InputError("formula `" + std::string(text_) + "` has a phase but no composition");
    }
    if (std::string_view(text_.data(), end_) == "e-") {
      formula.charge = -1.0;  // the electron of redox half-reactions: no atoms, mass neglected
      return formula;
    }
    if (is_digit(text_[0])) {
      fail(0, "a formula cannot start with a count; expected an element symbol or `(`");
    }
    formula.composition = parse_sequence('\0', 0);
    while (pos_ < end_ && hydrate_separator_length() > 0) {
      const std::size_t separator = pos_;
      const std::size_t separator_length = hydrate_separator_length();
      pos_ += separator_length;
      const double count = parse_count(1.0);
      if (pos_ >= end_ || !(is_upper(text_[pos_]) || text_[pos_] == '(' || text_[pos_] == '[')) {
        fail(pos_ < end_ ? pos_ : separator, "expected a formula after the hydrate separator `" +
                                                 std::string(text_.substr(separator, separator_length)) +
                                                 "`");
      }
      add_scaled(formula.composition, parse_sequence('\0', 0), count);
    }
    if (pos_ < end_) {
      formula.charge = parse_charge();
    }
    if (pos_ < end_) {
      fail(pos_, "unexpected `" + character_at(pos_) + "` after the charge; the charge must come last");
    }
    for (const auto& [symbol, count] : formula.composition) {
      formula.molar_mass += count * find_element(symbol)->atomic_weight;
    }
    formula.molar_mass *= 1e-3;  // g/mol -> kg/mol; the electrons gained or lost by ions are neglected
    return formula;
  }

 private:
  /// 1-based position in characters (UTF-8 code points), as a user counts them.
  [[nodiscard]] std::size_t character_number(std::size_t offset) const {
    std::size_t count = 0;
    for (std::size_t i = 0; i < offset && i < text_.size(); ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) {
        ++count;
      }
    }
    return count + 1;
  }

  [[nodiscard]] std::string character_at(std::size_t offset) const {
    std::size_t length = 1;
    while (offset + length < text_.size() &&
           (static_cast<unsigned char>(text_[offset + length]) & 0xC0) == 0x80) {
      ++length;
    }
    return std::string(text_.substr(offset, length));
  }

  [[noreturn]] void fail(std::size_t offset, const std::string& message) const {
    throw InputError("in formula `" + std::string(text_) + "` at character " +
                     std::to_string(character_number(offset)) + ": " + message);
  }

  void strip_phase_suffix() {
    for (const auto suffix : phase_suffixes) {
      if (text_.size() >= suffix.size() && text_.substr(text_.size() - suffix.size()) == suffix) {
        end_ = text_.size() - suffix.size();
        return;
      }
    }
  }

  [[nodiscard]] std::size_t hydrate_separator_length() const {
    const std::string_view rest = text_.substr(pos_, end_ - pos_);
    if (!rest.empty() && (rest[0] == ':' || rest[0] == '*')) {
      return 1;
    }
    if (rest.substr(0, middle_dot.size()) == middle_dot) {
      return middle_dot.size();
    }
    if (rest.substr(0, bullet.size()) == bullet) {
      return bullet.size();
    }
    return 0;
  }

  /// A count `4`, `0.5` or `10`; `fallback` when none is written.
  double parse_count(double fallback) {
    if (pos_ >= end_ || !is_digit(text_[pos_])) {
      return fallback;
    }
    const std::size_t start = pos_;
    while (pos_ < end_ && is_digit(text_[pos_])) {
      ++pos_;
    }
    if (pos_ < end_ && text_[pos_] == '.') {
      ++pos_;
      if (pos_ >= end_ || !is_digit(text_[pos_])) {
        fail(pos_, "expected a digit after the decimal point");
      }
      while (pos_ < end_ && is_digit(text_[pos_])) {
        ++pos_;
      }
    }
    const double count = to_double(text_.substr(start, pos_ - start));
    if (count <= 0.0) {
      fail(start, "a count must be positive, got `" + std::string(text_.substr(start, pos_ - start)) + "`");
    }
    return count;
  }

  /// Whether `[` at pos_ opens a bracketed charge (`[2-]`, `[+]`) rather than a group.
  [[nodiscard]] bool at_bracket_charge() const {
    return pos_ + 1 < end_ && text_[pos_] == '[' && (is_digit(text_[pos_ + 1]) || is_sign(text_[pos_ + 1]));
  }

  /// Elements and groups up to `closing` (or, at top level, up to a charge or hydrate separator).
  Composition parse_sequence(char closing, std::size_t opened_at) {
    Composition composition;
    const std::size_t start = pos_;
    while (pos_ < end_) {
      const char c = text_[pos_];
      if (c == ')' || c == ']') {
        if (c == closing) {
          break;
        }
        if (closing == '\0') {
          fail(pos_, std::string("unexpected `") + c + "` with no matching `" + (c == ')' ? '(' : '[') + "`");
        }
        fail(pos_, std::string("expected `") + closing + "` to close the `" + (closing == ')' ? '(' : '[') +
                       "` at character " + std::to_string(character_number(opened_at)) + ", got `" + c + "`");
      }
      if (is_upper(c)) {
        const std::size_t symbol_start = pos_;
        ++pos_;
        while (pos_ < end_ && is_lower(text_[pos_])) {
          ++pos_;
        }
        const std::string symbol(text_.substr(symbol_start, pos_ - symbol_start));
        if (find_element(symbol) == nullptr) {
          fail(symbol_start, "unknown element `" + symbol + "`" + element_suggestion(symbol));
        }
        composition[symbol] += parse_count(1.0);
      } else if ((c == '(' || c == '[') && !at_bracket_charge()) {
        const std::size_t open = pos_;
        ++pos_;
        const Composition inner = parse_sequence(c == '(' ? ')' : ']', open);
        if (pos_ >= end_) {
          fail(open, std::string("`") + c + "` is never closed; expected `" + (c == '(' ? ')' : ']') + "`");
        }
        if (inner.empty()) {
          fail(open, "empty group `" + std::string(text_.substr(open, pos_ - open + 1)) + "`");
        }
        ++pos_;  // the closing bracket
        add_scaled(composition, inner, parse_count(1.0));
      } else if (closing == '\0' && (is_sign(c) || at_bracket_charge() || hydrate_separator_length() > 0)) {
        break;  // the caller reads the charge or the hydrate
      } else if (is_sign(c) || at_bracket_charge()) {
        fail(pos_, "a charge must come at the end of the formula, not inside a group");
      } else if (is_lower(c)) {
        std::string message =
            "expected an element symbol (a capital letter), got `" + character_at(pos_) + "`";
        std::string capital(1, static_cast<char>(c - 'a' + 'A'));
        if (pos_ + 1 < end_ && is_lower(text_[pos_ + 1])) {
          capital += text_[pos_ + 1];
        }
        if (find_element(capital) != nullptr) {
          message += "; did you mean `" + capital + "`?";
        }
        fail(pos_, message);
      } else if (is_digit(c)) {
        fail(pos_, "unexpected count `" + std::string(1, c) + "`; a count follows an element or a group");
      } else {
        fail(pos_, "unexpected `" + character_at(pos_) +
                       "`; expected an element symbol, `(`, `[`, a count, a charge or a hydrate separator");
      }
    }
    if (pos_ == start && closing == '\0') {
      fail(pos_, pos_ < end_ ? "expected an element symbol or `(` before `" + character_at(pos_) + "`"
                             : "expected an element symbol or `(`");
    }
    return composition;
  }

  [[nodiscard]] static std::string element_suggestion(const std::string& symbol) {
    std::vector<std::string> symbols;
    for (const Element& element : elements()) {
      symbols.emplace_back(element.symbol);
    }
    const std::string match = closest_match(symbol, symbols);
    return match.empty() ? std::string() : "; did you mean `" + match + "`?";
  }

  /// `+`, `-`, `++`, `+3`, `-2` or `[2-]`, `[3+]`, `[+]`.
  double parse_charge() {
    const std::size_t start = pos_;
    if (text_[pos_] == '[') {
      ++pos_;
      const std::size_t digits = pos_;
      while (pos_ < end_ && is_digit(text_[pos_])) {
        ++pos_;
      }
      const double magnitude = pos_ > digits ? to_double(text_.substr(digits, pos_ - digits)) : 1.0;
      if (pos_ >= end_ || !is_sign(text_[pos_])) {
        fail(pos_ < end_ ? pos_ : start, "expected `+` or `-` in the charge `[...]`, as in `[2-]` or `[3+]`");
      }
      const double sign = text_[pos_] == '+' ? 1.0 : -1.0;
      ++pos_;
      if (pos_ >= end_ || text_[pos_] != ']') {
        fail(pos_ < end_ ? pos_ : start, "expected `]` to close the charge opened at character " +
                                             std::to_string(character_number(start)));
      }
      ++pos_;
      if (magnitude == 0.0) {
        fail(start, "a written charge must not be zero");
      }
      return sign * magnitude;
    }
    const char sign_char = text_[pos_];
    std::size_t repeats = 0;
    while (pos_ < end_ && text_[pos_] == sign_char) {
      ++repeats;
      ++pos_;
    }
    const double sign = sign_char == '+' ? 1.0 : -1.0;
    if (pos_ < end_ && is_digit(text_[pos_])) {
      if (repeats > 1) {
        fail(pos_,
             "write the charge either as repeated signs (`++`) or as a sign and a number (`+2`), not both");
      }
      const std::size_t digits = pos_;
      while (pos_ < end_ && is_digit(text_[pos_])) {
        ++pos_;
      }
      const double magnitude = to_double(text_.substr(digits, pos_ - digits));
      if (magnitude == 0.0) {
        fail(start, "a written charge must not be zero");
      }
      return sign * magnitude;
    }
    if (pos_ < end_ && is_sign(text_[pos_])) {
      fail(pos_, "mixed signs in the charge");
    }
    return sign * static_cast<double>(repeats);
  }

  std::string_view text_;
  std::size_t end_;
  std::size_t pos_ = 0;
};

}  // namespace

Formula parse_formula(std::string_view text) {
  // Surrounding blanks come from hand-written YAML and carry no meaning.
  const auto begin = text.find_first_not_of(" \t");
  const auto last = text.find_last_not_of(" \t");
  const std::string_view trimmed =
      begin == std::string_view::npos ? std::string_view() : text.substr(begin, last - begin + 1);
  return Parser(trimmed).parse();
}

}  // namespace hydromet
