// Unit parsing and conversion to SI: a table of unit symbols and a small recursive-descent parser.
#include "hydromet/core/quantity.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <system_error>
#include <vector>

namespace hydromet {

namespace {

namespace d = dimension;

/// One unit symbol: SI value = value * multiplier / divisor (+ 273.15 for degC used alone). Factors below
/// one are kept as exact integer divisors, so that `75 um` gives 75 / 1e6, the double nearest 7.5e-5.
struct UnitSymbol {
  std::string_view symbol;
  double multiplier;
  double divisor;
  Dimension dimension;
  bool celsius = false;
};

constexpr double celsius_offset = 273.15;  // [K] at 0 degC (ITS-90 definition of the Celsius scale)

// Exact definitions: SI prefixes, 1 min = 60 s, 1 h = 3600 s, 1 d = 86400 s, 1 t = 1000 kg,
// 1 bar = 1e5 Pa, 1 atm = 101325 Pa (CGPM 1954), 1 kWh = 3.6e6 J, M = mol/L.
// A symbol starting with the micro sign (U+00B5) or Greek mu (U+03BC) is looked up with `u` instead.
constexpr std::array unit_symbols{
    UnitSymbol{"m", 1.0, 1.0, d::length},
    UnitSymbol{"km", 1e3, 1.0, d::length},
    UnitSymbol{"dm", 1.0, 10.0, d::length},
    UnitSymbol{"cm", 1.0, 100.0, d::length},
    UnitSymbol{"mm", 1.0, 1e3, d::length},
    UnitSymbol{"um", 1.0, 1e6, d::length},
    UnitSymbol{"nm", 1.0, 1e9, d::length},
    UnitSymbol{"L", 1.0, 1e3, d::volume},
    UnitSymbol{"l", 1.0, 1e3, d::volume},
    UnitSymbol{"mL", 1.0, 1e6, d::volume},
    UnitSymbol{"ml", 1.0, 1e6, d::volume},
    UnitSymbol{"kg", 1.0, 1.0, d::mass},
    UnitSymbol{"g", 1.0, 1e3, d::mass},
    UnitSymbol{"mg", 1.0, 1e6, d::mass},
    UnitSymbol{"ug", 1.0, 1e9, d::mass},
    UnitSymbol{"t", 1e3, 1.0, d::mass},
    UnitSymbol{"mol", 1.0, 1.0, d::amount},
    UnitSymbol{"mmol", 1.0, 1e3, d::amount},
    UnitSymbol{"umol", 1.0, 1e6, d::amount},
    UnitSymbol{"kmol", 1e3, 1.0, d::amount},
    UnitSymbol{"s", 1.0, 1.0, d::time},
    UnitSymbol{"ms", 1.0, 1e3, d::time},
    UnitSymbol{"min", 60.0, 1.0, d::time},
    UnitSymbol{"h", 3600.0, 1.0, d::time},
    UnitSymbol{"d", 86400.0, 1.0, d::time},
    UnitSymbol{"K", 1.0, 1.0, d::temperature},
    UnitSymbol{"degC", 1.0, 1.0, d::temperature, true},
    UnitSymbol{"\u00b0C", 1.0, 1.0, d::temperature, true},
    UnitSymbol{"Pa", 1.0, 1.0, d::pressure},
    UnitSymbol{"kPa", 1e3, 1.0, d::pressure},
    UnitSymbol{"MPa", 1e6, 1.0, d::pressure},
    UnitSymbol{"bar", 1e5, 1.0, d::pressure},
    UnitSymbol{"atm", 101325.0, 1.0, d::pressure},
    UnitSymbol{"J", 1.0, 1.0, d::energy},
    UnitSymbol{"kJ", 1e3, 1.0, d::energy},
    UnitSymbol{"MJ", 1e6, 1.0, d::energy},
    UnitSymbol{"Wh", 3600.0, 1.0, d::energy},
    UnitSymbol{"kWh", 3.6e6, 1.0, d::energy},
    UnitSymbol{"W", 1.0, 1.0, d::power},
    UnitSymbol{"kW", 1e3, 1.0, d::power},
    UnitSymbol{"MW", 1e6, 1.0, d::power},
    UnitSymbol{"%", 1.0, 100.0, d::dimensionless},
    UnitSymbol{"vol%", 1.0, 100.0, d::dimensionless},
    UnitSymbol{"wt%", 1.0, 100.0, d::dimensionless},
    UnitSymbol{"ppm", 1.0, 1e6, d::dimensionless},
    UnitSymbol{"M", 1e3, 1.0, d::molar_concentration},
    UnitSymbol{"mM", 1.0, 1.0, d::molar_concentration},
};

/// Words for the dimensions hydromet names, with a unit to suggest in messages.
struct NamedDimension {
  Dimension dimension;
  std::string_view words;
  std::string_view example_unit;
};

constexpr std::array named_dimensions{
    NamedDimension{d::dimensionless, "dimensionless", "%"},
    NamedDimension{d::length, "a length", "um"},
    NamedDimension{d::area, "an area", "m2"},
    NamedDimension{d::volume, "a volume", "m3"},
    NamedDimension{d::mass, "a mass", "kg"},
    NamedDimension{d::time, "a time", "h"},
    NamedDimension{d::amount, "an amount of substance", "mol"},
    NamedDimension{d::temperature, "a temperature", "degC"},
    NamedDimension{d::density, "a mass concentration or density", "g/L"},
    NamedDimension{d::molar_concentration, "a molar concentration", "mol/L"},
    NamedDimension{d::molality, "a molality", "mol/kg"},
    NamedDimension{d::volumetric_flow, "a volumetric flow", "m3/h"},
    NamedDimension{d::mass_flow, "a mass flow", "t/h"},
    NamedDimension{d::molar_flow, "a molar flow", "mol/s"},
    NamedDimension{d::frequency, "a frequency or first-order rate constant", "1/s"},
    NamedDimension{d::energy, "an energy", "kJ"},
    NamedDimension{d::molar_energy, "a molar energy", "kJ/mol"},
    NamedDimension{d::molar_entropy, "a molar entropy or heat capacity", "J/(mol*K)"},
    NamedDimension{d::power, "a power", "kW"},
    NamedDimension{d::pressure, "a pressure", "kPa"},
    NamedDimension{d::velocity, "a velocity", "m/s"},
    NamedDimension{d::diffusivity, "a diffusivity", "m^2/s"},
    NamedDimension{d::molar_flux, "a molar flux", "mol/(m2*s)"},
};

const NamedDimension* find_named(const Dimension& dimension) {
  for (const auto& named : named_dimensions) {
    if (named.dimension == dimension) {
      return &named;
    }
  }
  return nullptr;
}

constexpr int max_exponent = 64;  // larger exponents in a unit are certainly typing mistakes
constexpr int max_depth = 16;     // nesting of parentheses

/// Bytes of whitespace at `pos` (ASCII, no-break space U+00A0, narrow no-break space U+202F), or 0.
std::size_t space_at(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) {
    return 0;
  }
  switch (text[pos]) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '\f':
    case '\v':
      return 1;
    default:
      break;
  }
  const std::string_view rest = text.substr(pos);
  if (rest.starts_with("\u00a0")) {
    return 2;
  }
  if (rest.starts_with("\u202f")) {
    return 3;
  }
  return 0;
}

std::size_t skip_spaces(std::string_view text, std::size_t pos) {
  while (const std::size_t n = space_at(text, pos)) {
    pos += n;
  }
  return pos;
}

std::string_view trim(std::string_view text) {
  const std::size_t begin = skip_spaces(text, 0);
  std::size_t end = text.size();
  while (end > begin) {
    // Whitespace ends in ' '..'\r' (ASCII), 0xA0 (U+00A0) or 0xAF (U+202F); check the candidates.
    std::size_t n = 0;
    for (std::size_t width = 1; width <= 3 && width <= end - begin; ++width) {
      if (space_at(text, end - width) == width) {
        n = width;
        break;
      }
    }
    if (n == 0) {
      break;
    }
    end -= n;
  }
  return text.substr(begin, end - begin);
}

/// Bytes of a letter of a unit symbol at `pos` (ASCII letter, micro sign, Greek mu, degree sign), or 0.
std::size_t letter_at(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) {
    return 0;
  }
  const char c = text[pos];
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
    return 1;
  }
  const std::string_view rest = text.substr(pos);
  if (rest.starts_with("\u00b5") || rest.starts_with("\u03bc") || rest.starts_with("\u00b0")) {
    return 2;
  }
  return 0;
}

/// Bytes of a multiplication sign at `pos` (`*` or the middle dot U+00B7), or 0.
std::size_t times_at(std::string_view text, std::size_t pos) {
  if (pos < text.size() && text[pos] == '*') {
    return 1;
  }
  return text.substr(pos).starts_with("\u00b7") ? 2 : 0;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// 1-based character (not byte) column of byte `pos` in `text`, for messages.
std::size_t character_column(std::string_view text, std::size_t pos) {
  std::size_t column = 1;
  for (std::size_t i = 0; i < pos && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0U) != 0x80U) {
      ++column;
    }
  }
  // pos on a continuation byte cannot happen: positions are always at the start of a character.
  return column;
}

/// The character (a whole UTF-8 sequence) at `pos`, for messages.
std::string_view character_at(std::string_view text, std::size_t pos) {
  std::size_t end = pos + 1;
  while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) {
    ++end;
  }
  return text.substr(pos, end - pos);
}

std::string quoted(std::string_view text) {
  std::string result;
  result.reserve(text.size() + 2);
  result += '`';
  result += text;
  result += '`';
  return result;
}

const UnitSymbol* find_symbol(std::string_view symbol) {
  for (const auto& entry : unit_symbols) {
    if (entry.symbol == symbol) {
      return &entry;
    }
  }
  return nullptr;
}

const std::vector<std::string>& symbol_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> result;
    for (const auto& entry : unit_symbols) {
      result.emplace_back(entry.symbol);
    }
    return result;
  }();
  return names;
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

/// A did-you-mean for an unknown symbol: a case-insensitive equal first, else the closest by edit
/// distance (for symbols of two or more characters; single letters match too much).
std::string suggestion_for(std::string_view word) {
  for (const auto& entry : unit_symbols) {
    if (entry.symbol.size() == word.size()) {
      bool equal = true;
      for (std::size_t i = 0; i < word.size() && equal; ++i) {
        equal = ascii_lower(entry.symbol[i]) == ascii_lower(word[i]);
      }
      if (equal) {
        return std::string(entry.symbol);
      }
    }
  }
  if (word.size() < 2) {
    return {};
  }
  return closest_match(std::string(word), symbol_names());
}

/// A parsed unit expression.
struct Term {
  double multiplier = 1.0;  ///< SI value = value * multiplier / divisor
  double divisor = 1.0;
  Dimension dimension{};
  bool lone_celsius = false;  ///< the whole term is `degC`, possibly in parentheses
};

/// Recursive-descent parser over `text`, with positions counted from the start of `text`:
///   expression := factor { ('*' | '·' | '/' | whitespace) factor }
///   factor     := primary [ digits | signed digits | '^' exponent ]      (digits only after a symbol)
///   primary    := symbol | '1' | '(' expression ')'
///   exponent   := ['+'|'-'] digits | '(' ['+'|'-'] digits ')'
/// After a `/`, a further `*` or implicit product in the same group is rejected as ambiguous.
class UnitParser {
 public:
  UnitParser(std::string_view text, std::size_t pos) : text_(text), pos_(pos) {}

  /// Parses from the current position to the end of the text. `leading_slash` allows "/s" for "1/s".
  Term parse_to_end(bool leading_slash) {
    Term term = expression(leading_slash);
    pos_ = skip_spaces(text_, pos_);
    if (pos_ < text_.size()) {
      if (text_[pos_] == ')') {
        fail(pos_, "unmatched `)`");
      }
      unexpected("`*`, `/` or the end of the unit");
    }
    return term;
  }

 private:
  [[noreturn]] void fail(std::size_t pos, std::string_view what, std::string_view hint = {}) const {
    std::string message(what);
    message += " at character ";
    message += std::to_string(character_column(text_, pos));
    message += " of ";
    message += quoted(text_);
    if (!hint.empty()) {
      message += "; ";
      message += hint;
    }
    throw QuantityError(std::move(message), pos);
  }

  [[noreturn]] void unexpected(std::string_view expected) const {
    if (pos_ >= text_.size()) {
      fail(pos_, "unexpected end", std::string("expected ") + std::string(expected));
    }
    fail(pos_, "unexpected " + quoted(character_at(text_, pos_)),
         std::string("expected ") + std::string(expected));
  }

  Term expression(bool leading_slash = false) {
    const std::size_t start = skip_spaces(text_, pos_);
    Term result;
    std::size_t factors = 0;
    pos_ = start;
    if (!(leading_slash && pos_ < text_.size() && text_[pos_] == '/')) {
      result = factor();
      factors = 1;
    }
    std::size_t last_slash = std::string::npos;
    while (true) {
      const std::size_t before_space = pos_;
      pos_ = skip_spaces(text_, pos_);
      const bool had_space = pos_ > before_space;
      if (pos_ >= text_.size() || text_[pos_] == ')') {
        break;
      }
      bool divide = false;
      if (text_[pos_] == '/') {
        divide = true;
        last_slash = pos_;
        ++pos_;
      } else if (const std::size_t n = times_at(text_, pos_)) {
        if (text_.substr(pos_).starts_with("**")) {
          fail(pos_, "unexpected `**`", "write powers with `^`, e.g. `m^2`");
        }
        if (last_slash != std::string::npos) {
          ambiguous(start, last_slash, pos_, "a `*`");
        }
        pos_ += n;
      } else if (had_space && starts_factor(pos_)) {
        if (last_slash != std::string::npos) {
          ambiguous(start, last_slash, pos_, "a product");
        }
      } else {
        unexpected("`*`, `/` or the end of the unit");
      }
      pos_ = skip_spaces(text_, pos_);
      if (pos_ >= text_.size() || text_[pos_] == ')') {
        unexpected(divide ? "a unit after `/`" : "a unit after `*`");
      }
      const Term right = factor();
      result.multiplier *= divide ? right.divisor : right.multiplier;
      result.divisor *= divide ? right.multiplier : right.divisor;
      result.dimension = divide ? result.dimension / right.dimension : result.dimension * right.dimension;
      ++factors;
      check_range(result, pos_);
    }
    result.lone_celsius = factors == 1 && result.lone_celsius;
    return result;
  }

  [[noreturn]] void ambiguous(std::size_t start, std::size_t slash, std::size_t pos,
                              std::string_view what) const {
    // Suggest grouping everything after the last `/` of this group: the end is the matching `)` or the end.
    std::size_t end = pos;
    int depth = 0;
    while (end < text_.size() && !(depth == 0 && text_[end] == ')')) {
      depth += text_[end] == '(' ? 1 : (text_[end] == ')' ? -1 : 0);
      ++end;
    }
    const std::string_view numerator = trim(text_.substr(start, slash - start));
    const std::string_view denominator = trim(text_.substr(slash + 1, end - slash - 1));
    std::string hint = "write ";
    hint += quoted(std::string(numerator) + "/(" + std::string(denominator) + ")");
    hint += " if all of it divides";
    fail(pos, "ambiguous: " + std::string(what) + " after `/`", hint);
  }

  bool starts_factor(std::size_t pos) const {
    return letter_at(text_, pos) > 0 || text_[pos] == '(' || text_[pos] == '%' || is_digit(text_[pos]);
  }

  Term factor() {
    const std::size_t start = pos_;
    if (pos_ >= text_.size()) {
      unexpected("a unit");
    }
    Term term;
    bool symbol = false;
    bool ends_in_letter = false;
    if (text_[pos_] == '(') {
      if (++depth_ > max_depth) {
        fail(pos_, "parentheses nested too deeply");
      }
      ++pos_;
      pos_ = skip_spaces(text_, pos_);
      if (pos_ >= text_.size() || text_[pos_] == ')') {
        unexpected("a unit after `(`");
      }
      term = expression();
      pos_ = skip_spaces(text_, pos_);
      if (pos_ >= text_.size() || text_[pos_] != ')') {
        fail(pos_, "missing `)`",
             "expected `)` to close the `(` at character " + std::to_string(character_column(text_, start)));
      }
      ++pos_;
      --depth_;
    } else if (is_digit(text_[pos_])) {
      std::size_t end = pos_;
      while (end < text_.size() && (is_digit(text_[end]) || text_[end] == '.')) {
        ++end;
      }
      if (text_.substr(pos_, end - pos_) != "1") {
        fail(pos_, "unexpected number " + quoted(text_.substr(pos_, end - pos_)),
             "expected a unit (only `1` may stand for one, as in `1/s`)");
      }
      pos_ = end;
    } else {
      std::size_t end = pos_;
      while (const std::size_t n = letter_at(text_, end)) {
        end += n;
      }
      ends_in_letter = end > pos_;
      if (end < text_.size() && text_[end] == '%') {
        ++end;
      }
      if (end == pos_) {
        unexpected("a unit");
      }
      term = lookup(pos_, end);
      symbol = true;
      pos_ = end;
    }
    check_range(term, start);

    // Exponent: `m3`, `s-1` directly after a symbol's letters, or `^2`, `^-1`, `^(-1)` after any primary.
    int power = 1;
    bool has_power = false;
    const std::size_t power_pos = pos_;
    if (symbol && ends_in_letter && pos_ < text_.size() &&
        (is_digit(text_[pos_]) || ((text_[pos_] == '-' || text_[pos_] == '+') && pos_ + 1 < text_.size() &&
                                   is_digit(text_[pos_ + 1])))) {
      power = integer();
      has_power = true;
    } else {
      const std::size_t after = skip_spaces(text_, pos_);
      if (after < text_.size() && text_[after] == '^') {
        pos_ = skip_spaces(text_, after + 1);
        const bool parenthesised = pos_ < text_.size() && text_[pos_] == '(';
        if (parenthesised) {
          pos_ = skip_spaces(text_, pos_ + 1);
        }
        power = integer();
        if (parenthesised) {
          pos_ = skip_spaces(text_, pos_);
          if (pos_ >= text_.size() || text_[pos_] != ')') {
            unexpected("`)` after the exponent");
          }
          ++pos_;
        }
        has_power = true;
      }
    }
    if (has_power) {
      if (term.lone_celsius) {
        fail(power_pos, "`degC` raised to a power",
             "write powers of a temperature difference with `K`, e.g. `K^2`");
      }
      const double multiplier = std::pow(power < 0 ? term.divisor : term.multiplier, std::abs(power));
      term.divisor = std::pow(power < 0 ? term.multiplier : term.divisor, std::abs(power));
      term.multiplier = multiplier;
      term.dimension = term.dimension.pow(power);
      check_range(term, power_pos);
      term.lone_celsius = false;
    }
    return term;
  }

  /// An optionally signed integer exponent at pos_.
  int integer() {
    const std::size_t start = pos_;
    std::size_t digits = pos_;
    if (digits < text_.size() && (text_[digits] == '-' || text_[digits] == '+')) {
      ++digits;
    }
    const bool negative = start < text_.size() && text_[start] == '-';
    int magnitude = 0;
    const char* first = text_.data() + digits;
    const char* last = text_.data() + text_.size();
    const auto [end, error] = std::from_chars(first, last, magnitude);
    if (error == std::errc::invalid_argument || (first != last && (*first == '-' || *first == '+'))) {
      unexpected("an integer exponent");
    }
    pos_ = static_cast<std::size_t>(end - text_.data());
    if (error == std::errc::result_out_of_range || magnitude > max_exponent) {
      fail(start, "exponent too large");
    }
    if (pos_ < text_.size() && (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) {
      fail(pos_, "exponent is not an integer", "only integer powers such as `^2` or `^-1` are allowed");
    }
    return negative ? -magnitude : magnitude;
  }

  Term lookup(std::size_t begin, std::size_t end) const {
    const std::string_view word = text_.substr(begin, end - begin);
    const UnitSymbol* entry = nullptr;
    if (word.starts_with("\u00b5") || word.starts_with("\u03bc")) {
      std::string ascii = "u";
      ascii += word.substr(2);
      entry = find_symbol(ascii);
    } else {
      entry = find_symbol(word);
    }
    if (entry == nullptr) {
      const std::string suggestion = suggestion_for(word);
      std::string hint;
      if (!suggestion.empty()) {
        hint = "did you mean " + quoted(suggestion) + "?";
      } else {
        hint = "known units:";
        for (const auto& known : unit_symbols) {
          hint += ' ';
          hint += known.symbol;
        }
      }
      fail(begin, "unknown unit " + quoted(word), hint);
    }
    return Term{entry->multiplier, entry->divisor, entry->dimension, entry->celsius};
  }

  void check_range(const Term& term, std::size_t pos) const {
    for (const int exponent : term.dimension.exponents) {
      if (exponent > max_exponent || exponent < -max_exponent) {
        fail(pos, "exponent too large");
      }
    }
    if (!std::isnormal(term.multiplier) || !std::isnormal(term.divisor) ||
        !std::isnormal(term.multiplier / term.divisor)) {
      fail(pos, "unit too large or too small to represent");
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

double offset_of(const Term& term) { return term.lone_celsius ? celsius_offset : 0.0; }

Unit to_unit(const Term& term) {
  return Unit{term.multiplier / term.divisor, offset_of(term), term.dimension};
}

Term parse_term(std::string_view text) {
  if (skip_spaces(text, 0) == text.size()) {
    return Term{};
  }
  return UnitParser(text, 0).parse_to_end(false);
}

/// The number at the start of `text` (after whitespace): decimal (`1e-3`, `.5`, `-4`, `+2.`) or hexadecimal
/// (`0x1p-3`) floating point, finite. Sets `end` to the first byte after it.
double parse_number(std::string_view text, std::size_t& end) {
  std::size_t pos = skip_spaces(text, 0);
  const std::size_t start = pos;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    negative = text[pos] == '-';
    ++pos;
  }
  const auto expected_number = [&]() -> QuantityError {
    return QuantityError("expected a number at character " + std::to_string(character_column(text, start)) +
                             " of " + quoted(text) + "; write e.g. `80 degC` or `150 g/L`",
                         start);
  };
  if (pos >= text.size() || text[pos] == '+' || text[pos] == '-') {
    throw expected_number();
  }
  std::chars_format format = std::chars_format::general;
  if (text.substr(pos).starts_with("0x") || text.substr(pos).starts_with("0X")) {
    format = std::chars_format::hex;
    pos += 2;
    if (pos >= text.size() || text[pos] == '+' || text[pos] == '-') {
      throw expected_number();
    }
  }
  double value = 0.0;
  const char* first = text.data() + pos;
  const auto [last, error] = std::from_chars(first, text.data() + text.size(), value, format);
  if (error == std::errc::invalid_argument) {
    throw expected_number();
  }
  end = static_cast<std::size_t>(last - text.data());
  if (error == std::errc::result_out_of_range) {
    throw QuantityError("number out of range at character " + std::to_string(character_column(text, start)) +
                            " of " + quoted(text) + "; a double holds magnitudes from about 1e-308 to 1e308",
                        start);
  }
  if (!std::isfinite(value)) {
    throw QuantityError(
        "expected a finite number, got " + quoted(text.substr(start, end - start)) + " in " + quoted(text),
        start);
  }
  return negative ? -value : value;
}

struct ParsedQuantity {
  Quantity quantity;
  bool has_unit = false;
};

ParsedQuantity parse_quantity_impl(std::string_view text, std::string_view default_unit) {
  if (trim(text).empty()) {
    throw QuantityError("expected a number with an optional unit, got an empty string", 0);
  }
  std::size_t pos = 0;
  const double number = parse_number(text, pos);
  if (pos + 1 < text.size() && text[pos] == ',' && is_digit(text[pos + 1])) {
    throw QuantityError("unexpected `,` at character " + std::to_string(character_column(text, pos)) +
                            " of " + quoted(text) + "; write the decimal separator as `.`",
                        pos);
  }
  const std::size_t unit_start = skip_spaces(text, pos);
  const bool has_unit = unit_start < text.size();
  const Term unit = has_unit ? UnitParser(text, unit_start).parse_to_end(true) : parse_term(default_unit);
  const double value = number * unit.multiplier / unit.divisor + offset_of(unit);
  if (!std::isfinite(value)) {
    throw QuantityError("value out of range after conversion to SI: " + quoted(trim(text)), 0);
  }
  if (unit.lone_celsius && value < 0.0) {
    std::array<char, 32> kelvin{};
    std::snprintf(kelvin.data(), kelvin.size(), "%.6g", value);
    throw QuantityError(
        "temperature below absolute zero: " + quoted(trim(text)) + " is " + std::string(kelvin.data()) + " K",
        0);
  }
  return {Quantity{value, unit.dimension}, has_unit};
}

}  // namespace

std::string si_unit_string(const Dimension& dimension) {
  static constexpr std::array<std::string_view, 5> symbols{"m", "kg", "s", "mol", "K"};
  std::string result;
  for (const bool positive : {true, false}) {
    for (std::size_t i = 0; i < symbols.size(); ++i) {
      const int exponent = dimension.exponents[i];
      if (exponent == 0 || (exponent > 0) != positive) {
        continue;
      }
      if (!result.empty()) {
        result += ' ';
      }
      result += symbols[i];
      if (exponent != 1) {
        result += '^';
        result += std::to_string(exponent);
      }
    }
  }
  return result;
}

std::string describe(const Dimension& dimension) {
  if (const NamedDimension* named = find_named(dimension)) {
    return std::string(named->words);
  }
  return si_unit_string(dimension);
}

Unit parse_unit(std::string_view text) { return to_unit(parse_term(text)); }

Quantity parse_quantity(std::string_view text, std::string_view default_unit) {
  return parse_quantity_impl(text, default_unit).quantity;
}

double parse_quantity_as(std::string_view text, const Dimension& expected, std::string_view default_unit) {
  const ParsedQuantity parsed = parse_quantity_impl(text, default_unit);
  if (parsed.quantity.dimension == expected) {
    return parsed.quantity.value;
  }
  std::string message = "expected " + describe(expected) + ", got " + quoted(trim(text)) + " (" +
                        describe(parsed.quantity.dimension) + ")";
  if (!parsed.has_unit && default_unit.empty()) {
    const NamedDimension* named = find_named(expected);
    const std::string unit = named != nullptr ? std::string(named->example_unit) : si_unit_string(expected);
    message += "; give a unit, e.g. " + quoted(std::string(trim(text)) + " " + unit);
  }
  throw QuantityError(std::move(message), 0);
}

double from_si(double si_value, std::string_view unit) {
  const Term parsed = parse_term(unit);
  return (si_value - offset_of(parsed)) * parsed.divisor / parsed.multiplier;
}

double to_si(double value, std::string_view unit) {
  const Term parsed = parse_term(unit);
  return value * parsed.multiplier / parsed.divisor + offset_of(parsed);
}

}  // namespace hydromet
