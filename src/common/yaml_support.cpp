// Reading YAML with source locations: loading, checks on keys and scalars, InputErrors at file:line:column.
#include "common/yaml_support.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>

namespace hydromet::detail {

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string current;
  for (const char c : text) {
    if (c == '\n') {
      if (!current.empty() && current.back() == '\r') {
        current.pop_back();
      }
      lines.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) {
    lines.push_back(std::move(current));
  }
  return lines;
}

/// 1-based line and column of a byte offset, for errors found before YAML parsing.
SourceLocation location_of_offset(const std::string& file, const std::string& text, std::size_t offset) {
  SourceLocation location{file, 1, 1, {}};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++location.line;
      location.column = 1;
    } else {
      ++location.column;
    }
  }
  return location;
}

/// Offset of the first byte that breaks UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF), or npos.
std::size_t first_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      low = lead == 0xE0 ? 0xA0 : 0x80;
      high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      low = lead == 0xF0 ? 0x90 : 0x80;
      high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
      return i;
    }
    if (i + length > text.size()) {
      return i;
    }
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      const unsigned char min = k == 1 ? low : 0x80;
      const unsigned char max = k == 1 ? high : 0xBF;
      if (next < min || next > max) {
        return i;
      }
    }
    i += length;
  }
  return std::string_view::npos;
}

std::string trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) {
    return {};
  }
  const auto end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

std::string lowercase(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return result;
}

/// YAML 1.2 spellings of NaN and the infinities, plus the bare words strtod would accept.
bool spells_non_finite(std::string_view text) {
  static const std::set<std::string> words = {".nan", "nan",  ".inf",     "+.inf",     "-.inf",    "inf",
                                              "+inf", "-inf", "infinity", "+infinity", "-infinity"};
  return words.count(lowercase(text)) > 0;
}

/// What a node is, for "expected X, got Y" messages.
std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) {
    return "nothing";
  }
  if (node.IsMap()) {
    return "a map";
  }
  if (node.IsSequence()) {
    return "a list";
  }
  return "`" + node.Scalar() + "`";
}

void require_scalar(const YamlDocument& document, const YAML::Node& node, std::string_view expected,
                    std::string_view what) {
  if (!node.IsDefined() || !node.IsScalar()) {
    fail_at(document, node,
            "expected " + std::string(expected) + " for " + std::string(what) + ", got " + describe(node));
  }
}

/// A line without its comment and trailing blanks (a `#` starts a comment at the line start or after a
/// blank).
std::string_view content_of(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
      line = line.substr(0, i);
      break;
    }
  }
  const auto last = line.find_last_not_of(" \t\r");
  return last == std::string_view::npos ? std::string_view() : line.substr(0, last + 1);
}

/// yaml-cpp marks an empty value (`key:` with nothing after it) at the next token, often the next key. Move
/// such a mark back to just after the `:` that introduced the value, where the user left it empty.
void relocate_implicit_null(const YamlDocument& document, std::size_t& line, std::size_t& column) {
  if (line < document.lines.size()) {
    const std::string_view here =
        std::string_view(document.lines[line]).substr(std::min(column, document.lines[line].size()));
    for (const std::string_view spelling : {"~", "null", "Null", "NULL"}) {
      if (here.substr(0, spelling.size()) == spelling) {
        return;  // an explicit null is marked where it is written
      }
    }
    const std::string_view before = std::string_view(document.lines[line]).substr(0, column);
    if (!content_of(before).empty()) {
      return;  // the mark is not at the start of the line's content: not the case handled here
    }
  }
  for (std::size_t previous = std::min(line, document.lines.size()); previous-- > 0;) {
    const std::string_view content = content_of(document.lines[previous]);
    if (content.empty()) {
      continue;
    }
    if (content.back() == ':') {
      line = previous;
      column = content.size();
    }
    return;
  }
}

// Records where each document starts; the node events themselves are not needed.
class DocumentStarts final : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> marks;
  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
  }
  void OnMapEnd() override {}
};

// Whether the text may hold more than the document YAML::Load read: false only when the root is a block
// mapping at column 0 and every line at column 0 is blank, a comment or a plain `key:` of it (one `---` may
// open the file), since only a line at column 0 that does not continue the mapping can end it. The event
// parser that finds a second document reads the whole first one again; a flowsheet's own layout is spared
// that.
bool may_hold_more_documents(const std::vector<std::string>& lines, const YAML::Node& root) {
  if (!root.IsMap()) {
    return true;
  }
  const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
  const auto plain_key = [&](const std::string& line) {  // `name:`, `name: value`: a letter, digit or _ first
    std::size_t i = 0;
    while (i < line.size() && (word(line[i]) || (i > 0 && (line[i] == '-' || line[i] == '.')))) {
      ++i;
    }
    return i > 0 && i < line.size() && line[i] == ':' && (i + 1 == line.size() || line[i + 1] == ' ');
  };
  const auto opener = [](const std::string& line) {  // `---` alone, or before a comment
    if (line.rfind("---", 0) != 0) {
      return false;
    }
    const std::size_t rest = line.find_first_not_of(' ', 3);
    return line.size() == 3 || (line[3] == ' ' && (rest == std::string::npos || line[rest] == '#'));
  };
  bool opened = false;     // a `---` opened the file
  bool root_seen = false;  // a key at column 0 has been read
  for (const std::string& line : lines) {
    const std::size_t first = line.find_first_not_of(' ');
    if (first == std::string::npos || line[first] == '#') {
      continue;  // blank or a comment
    }
    if (first > 0) {
      if (!root_seen) {
        return true;  // an indented root: a line at column 0 would end it
      }
      continue;  // inside a value of the root
    }
    if (!root_seen && !opened && opener(line)) {
      opened = true;
      continue;
    }
    if (!plain_key(line)) {
      return true;
    }
    root_seen = true;
  }
  return false;
}

// The first line whose double- or single-quoted scalar is not closed on that line, with the column of its
// quote.
std::optional<SourceLocation> unclosed_quote(const std::vector<std::string>& lines) {
  for (std::size_t l = 0; l < lines.size(); ++l) {
    const std::string& line = lines[l];
    char open = 0;
    std::size_t column = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (open == 0) {
        if (c == '#' && (i == 0 || line[i - 1] == ' ')) {
          break;
        }
        const bool starts_value =
            i == 0 || line[i - 1] == ' ' || line[i - 1] == '[' || line[i - 1] == '{' || line[i - 1] == ',';
        if ((c == '"' || c == '\'') && starts_value) {
          open = c;
          column = i;
        }
      } else if (c == '\\' && open == '"') {
        ++i;
      } else if (c == open) {
        if (open == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
          ++i;  // '' is an escaped quote inside single quotes
        } else {
          open = 0;
        }
      }
    }
    if (open != 0) {
      return SourceLocation{"", l + 1, column + 1, line};
    }
  }
  return std::nullopt;
}

std::string_view trim_end(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

YamlDocument parse(std::string text, const std::string& file) {
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) {
    text.erase(0, 3);  // a UTF-8 byte order mark is legal but yaml-cpp columns would count it
  }
  if (const auto nul = text.find('\0'); nul != std::string::npos) {
    throw InputError("`" + file + "` is not a text file (it contains a NUL byte)",
                     location_of_offset(file, text, nul));
  }
  if (const auto bad = first_invalid_utf8(text); bad != std::string_view::npos) {
    std::ostringstream message;
    message << "`" << file << "` is not UTF-8 text (invalid byte 0x" << std::hex
            << static_cast<unsigned>(static_cast<unsigned char>(text[bad])) << ")";
    throw InputError(message.str(), location_of_offset(file, text, bad));
  }
  if (trim(text).empty()) {
    throw InputError("`" + file + "` is empty", SourceLocation{file, 0, 0, {}});
  }

  YamlDocument document;
  document.file = file;
  document.lines = split_lines(text);
  // yaml-cpp 0.7 accepts an unclosed quote when the file ends in a newline (it swallows the rest of the
  // file); without the trailing whitespace it reports the illegal end of file instead.
  const std::string parsed_text(trim_end(text));
  auto syntax_error = [&](const YAML::Exception& error, const std::string& message) {
    SourceLocation location{file, 0, 0, {}};
    if (!error.mark.is_null()) {
      location.line = static_cast<std::size_t>(error.mark.line) + 1;
      location.column = static_cast<std::size_t>(error.mark.column) + 1;
      if (location.line <= document.lines.size()) {
        location.line_text = document.lines[location.line - 1];
      }
    }
    return InputError("YAML syntax error: " + message, location);
  };
  YAML::Node root;
  try {
    root = YAML::Load(parsed_text);
    // YAML::LoadAll never returns when stray text such as `,` follows the root node, so further documents
    // are looked for with the event parser, which is stopped at the second document whatever it holds.
    DocumentStarts starts;
    if (may_hold_more_documents(document.lines, root)) {
      std::istringstream stream(parsed_text);
      YAML::Parser parser(stream);
      while (starts.marks.size() < 2 && parser.HandleNextDocument(starts)) {
      }
    }
    if (starts.marks.size() > 1) {
      const YAML::Mark& mark = starts.marks[1];
      SourceLocation location{
          file, static_cast<std::size_t>(mark.line) + 1, static_cast<std::size_t>(mark.column) + 1, {}};
      if (location.line <= document.lines.size()) {
        location.line_text = document.lines[location.line - 1];
      }
      throw InputError(
          "YAML syntax error: expected one YAML document; found more from here (a `---` separator or stray "
          "text)",
          location);
    }
  } catch (const YAML::DeepRecursion& error) {
    throw syntax_error(error, "nesting too deep (more than yaml-cpp's limit of nested lists or maps)");
  } catch (const YAML::Exception& error) {
    if (error.msg.find("EOF in scalar") != std::string::npos) {
      // yaml-cpp marks the end of the file; the opening quote is the place to show.
      if (auto opened = unclosed_quote(document.lines)) {
        opened->file = file;
        throw InputError("YAML syntax error: a quoted string opened here is never closed", *opened);
      }
    }
    throw syntax_error(error, error.msg);
  }
  if (!root || root.IsNull()) {
    throw InputError("`" + file + "` is empty (it holds only comments)", SourceLocation{file, 0, 0, {}});
  }
  document.root = root;
  return document;
}

}  // namespace

YamlDocument load_yaml_file(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    throw InputError("cannot open `" + path + "`: no such file", SourceLocation{path, 0, 0, {}});
  }
  if (std::filesystem::is_directory(path, error)) {
    throw InputError("cannot read `" + path + "`: it is a directory", SourceLocation{path, 0, 0, {}});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError("cannot read `" + path + "` (permission denied or unreadable)",
                     SourceLocation{path, 0, 0, {}});
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    throw InputError("cannot read `" + path + "`: read error", SourceLocation{path, 0, 0, {}});
  }
  return parse(std::move(text), path);
}

YamlDocument load_yaml_string(const std::string& text, const std::string& origin) {
  return parse(text, origin);
}

SourceLocation location_of(const YamlDocument& document, const YAML::Node& node) {
  SourceLocation location{document.file, 0, 0, {}};
  if (!node.IsDefined()) {
    return location;  // a zombie node (missing key) carries no mark
  }
  const YAML::Mark mark = node.Mark();
  if (mark.is_null() || mark.line < 0 || mark.column < 0) {
    return location;
  }
  std::size_t line = static_cast<std::size_t>(mark.line);
  std::size_t column = static_cast<std::size_t>(mark.column);
  if (node.IsNull()) {
    relocate_implicit_null(document, line, column);
  }
  location.line = line + 1;
  location.column = column + 1;
  if (line < document.lines.size()) {
    location.line_text = document.lines[line];
  }
  return location;
}

void fail_at(const YamlDocument& document, const YAML::Node& node, const std::string& message) {
  throw InputError(message, location_of(document, node));
}

void check_keys(const YamlDocument& document, const YAML::Node& map,
                std::initializer_list<std::string_view> allowed, std::string_view what) {
  std::vector<std::string> keys;
  keys.reserve(allowed.size());
  for (const auto key : allowed) {
    keys.emplace_back(key);
  }
  check_keys(document, map, keys, what);
}

void check_keys(const YamlDocument& document, const YAML::Node& map, const std::vector<std::string>& allowed,
                std::string_view what) {
  if (!map.IsDefined() || !map.IsMap()) {
    fail_at(document, map, "expected a map for " + std::string(what) + ", got " + describe(map));
  }
  std::set<std::string> seen;
  for (const auto& entry : map) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) {
      fail_at(document, key, "expected a plain key in " + std::string(what) + ", got " + describe(key));
    }
    const std::string& name = key.Scalar();
    // yaml-cpp keeps both entries of a repeated key; reading would silently take the first.
    if (!seen.insert(name).second) {
      fail_at(document, key, "duplicate key `" + name + "` in " + std::string(what));
    }
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) {
      continue;
    }
    std::string message = "unknown key `" + name + "` in " + std::string(what);
    if (const std::string suggestion = closest_match(name, allowed); !suggestion.empty()) {
      message += "; did you mean `" + suggestion + "`?";
    } else if (!allowed.empty()) {
      message += "; allowed keys: ";
      for (std::size_t i = 0; i < allowed.size(); ++i) {
        message += (i > 0 ? ", `" : "`") + allowed[i] + "`";
      }
    } else {
      message += "; it takes no keys";
    }
    fail_at(document, key, message);
  }
}

YAML::Node require(const YamlDocument& document, const YAML::Node& map, std::string_view key,
                   std::string_view what) {
  if (!map.IsDefined() || !map.IsMap()) {
    fail_at(document, map, "expected a map for " + std::string(what) + ", got " + describe(map));
  }
  const YAML::Node value = map[std::string(key)];
  if (!value.IsDefined()) {
    fail_at(document, map, "missing key `" + std::string(key) + "` in " + std::string(what));
  }
  return value;
}

std::string as_string(const YamlDocument& document, const YAML::Node& node, std::string_view what) {
  require_scalar(document, node, "text", what);
  return node.Scalar();
}

double as_number(const YamlDocument& document, const YAML::Node& node, std::string_view what) {
  require_scalar(document, node, "a number", what);
  const std::string text = trim(node.Scalar());
  if (spells_non_finite(text)) {
    fail_at(document, node, std::string(what) + " must be a finite number, got `" + text + "`");
  }
  // from_chars takes no leading '+', which YAML allows.
  const std::size_t start = !text.empty() && text.front() == '+' ? 1 : 0;
  double value = 0.0;
  const char* begin = text.data() + start;
  const char* end = text.data() + text.size();
  const auto [stop, status] = std::from_chars(begin, end, value);
  if (status == std::errc::result_out_of_range) {
    fail_at(document, node, std::string(what) + " is out of the range of a double: `" + text + "`");
  }
  if (text.empty() || status != std::errc() || stop != end ||
      (start == 1 && (*begin == '-' || *begin == '+'))) {
    fail_at(document, node, "expected a number for " + std::string(what) + ", got " + describe(node));
  }
  if (!std::isfinite(value)) {
    fail_at(document, node, std::string(what) + " must be a finite number, got `" + text + "`");
  }
  return value;
}

bool as_bool(const YamlDocument& document, const YAML::Node& node, std::string_view what) {
  require_scalar(document, node, "`true` or `false`", what);
  const std::string text = trim(node.Scalar());
  if (text == "true" || text == "True" || text == "TRUE") {
    return true;
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    return false;
  }
  fail_at(document, node, "expected `true` or `false` for " + std::string(what) + ", got " + describe(node));
}

long as_count(const YamlDocument& document, const YAML::Node& node, std::string_view what) {
  require_scalar(document, node, "a positive whole number", what);
  const std::string text = trim(node.Scalar());
  const std::size_t start = !text.empty() && text.front() == '+' ? 1 : 0;
  long value = 0;
  const char* begin = text.data() + start;
  const char* end = text.data() + text.size();
  const auto [stop, status] = std::from_chars(begin, end, value);
  if (text.empty() || status != std::errc() || stop != end || value <= 0 ||
      (start == 1 && (*begin == '-' || *begin == '+'))) {
    fail_at(document, node,
            "expected a positive whole number for " + std::string(what) + ", got " + describe(node));
  }
  return value;
}

double as_quantity(const YamlDocument& document, const YAML::Node& node, const Dimension& expected,
                   std::string_view default_unit, std::string_view what) {
  require_scalar(document, node, "a number or a quantity with units", what);
  const std::string& text = node.Scalar();
  const std::string number = trim(text).substr(0, trim(text).find_first_of(" \t"));
  if (spells_non_finite(number)) {
    fail_at(document, node, std::string(what) + " must be a finite number, got `" + trim(text) + "`");
  }
  double value = 0.0;
  try {
    value = parse_quantity_as(text, expected, default_unit);
  } catch (const QuantityError& error) {
    SourceLocation location = location_of(document, node);
    // Move the caret onto the character at fault when the scalar sits verbatim on its line (plain or quoted).
    if (location.known() && error.offset() > 0) {
      std::size_t start = location.column - 1;
      if (start < location.line_text.size() &&
          (location.line_text[start] == '"' || location.line_text[start] == '\'')) {
        ++start;
      }
      if (start + error.offset() <= location.line_text.size() &&
          location.line_text.compare(start, error.offset(), text, 0, error.offset()) == 0) {
        location.column = start + error.offset() + 1;
      }
    }
    throw InputError(std::string(what) + ": " + error.message(), location);
  } catch (const InputError& error) {
    fail_at(document, node, std::string(what) + ": " + error.message());
  }
  if (!std::isfinite(value)) {
    fail_at(document, node, std::string(what) + " must be finite, got `" + trim(text) + "`");
  }
  return value;
}

}  // namespace hydromet::detail
