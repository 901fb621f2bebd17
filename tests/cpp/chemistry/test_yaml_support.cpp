// Tests of the internal YAML layer: loading, locations of syntax errors, key checks and scalar conversions.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/yaml_support.hpp"
#include "hydromet/core/error.hpp"

namespace detail = hydromet::detail;
using hydromet::InputError;
using hydromet::SourceLocation;

namespace {

/// The InputError thrown by `action`, or a failed check.
template <typename Action>
InputError error_from(Action&& action) {
  try {
    action();
  } catch (const InputError& error) {
    return error;
  }
  FAIL("no InputError was thrown");
  return InputError("unreachable");
}

/// A file under the system temporary directory, removed at the end of the test.
class TemporaryFile {
 public:
  TemporaryFile(const std::string& name, const std::string& bytes)
      : path_(std::filesystem::temp_directory_path() / ("hydromet_test_chemistry_" + name)) {
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  ~TemporaryFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  [[nodiscard]] std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

/// `text` in backticks; appends rather than `"`" + text`, which trips a GCC 12 -Wrestrict false positive.
std::string backticked(const std::string& text) {
  std::string result(1, '`');
  result.append(text).push_back('`');
  return result;
}

void check_at(const SourceLocation& location, std::size_t line, std::size_t column) {
  CHECK(location.line == line);
  CHECK(location.column == column);
}

}  // namespace

TEST_CASE("a document keeps its lines and gives 1-based locations of nodes") {
  const auto document = detail::load_yaml_string("a: 1\nb:\n  c: 2\n  d: [x, y]\n", "test.yaml");
  CHECK(document.file == "test.yaml");
  REQUIRE(document.lines.size() == 4);
  CHECK(document.lines[2] == "  c: 2");
  const YAML::Node c = document.root["b"]["c"];
  const SourceLocation at_c = detail::location_of(document, c);
  CHECK(at_c.file == "test.yaml");
  check_at(at_c, 3, 6);
  CHECK(at_c.line_text == "  c: 2");
  check_at(detail::location_of(document, document.root["b"]["d"][1]), 4, 10);
  // A missing key gives a node without a mark: the location names only the file.
  const SourceLocation nowhere = detail::location_of(document, document.root["zzz"]);
  CHECK(nowhere.file == "test.yaml");
  CHECK_FALSE(nowhere.known());
}

TEST_CASE("an empty value is located just after its colon, not at the next key") {
  const auto document = detail::load_yaml_string("a: 1\nb:   # nothing here\n\nc: 2\n");
  const InputError error = error_from([&] { (void)detail::as_number(document, document.root["b"], "`b`"); });
  CHECK(error.message() == "expected a number for `b`, got nothing");
  check_at(error.location(), 2, 3);
  // An explicit null is located where it is written.
  const auto tilde = detail::load_yaml_string("a: 1\nb: ~\n");
  check_at(detail::location_of(tilde, tilde.root["b"]), 2, 4);
}

TEST_CASE("YAML syntax errors become InputErrors at yaml-cpp's mark, 1-based") {
  SUBCASE("unclosed flow sequence") {
    const InputError error =
        error_from([] { (void)detail::load_yaml_string("a: [1, 2\nb: 3\n", "flow.yaml"); });
    CHECK(error.message() == "YAML syntax error: end of sequence flow not found");
    CHECK(error.location().file == "flow.yaml");
    check_at(error.location(), 2, 2);
    CHECK(error.location().line_text == "b: 3");
  }
  SUBCASE("a second colon on a line") {
    const InputError error = error_from([] { (void)detail::load_yaml_string("key: value: other\n"); });
    CHECK(error.message() == "YAML syntax error: illegal map value");
    check_at(error.location(), 1, 11);  // the second `:` is the 11th character
  }
  SUBCASE("a mapping indented under a scalar") {
    const InputError error = error_from([] { (void)detail::load_yaml_string("a: 1\n  b: 2\n"); });
    CHECK(error.message() == "YAML syntax error: illegal map value");
    check_at(error.location(), 2, 4);
  }
  SUBCASE("a tab used for indentation") {
    const InputError error = error_from([] { (void)detail::load_yaml_string("a: 1\n\tb: 2\n"); });
    CHECK(error.message().find("illegal tab") != std::string::npos);
    check_at(error.location(), 2, 1);
  }
  SUBCASE("the caret display points at the column") {
    const InputError error =
        error_from([] { (void)detail::load_yaml_string("key: value: other\n", "f.yaml"); });
    CHECK(std::string(error.what()) ==
          "f.yaml:1:11: error: YAML syntax error: illegal map value\n  key: value: other\n            ^");
  }
  SUBCASE("two documents") {
    const InputError error = error_from([] { (void)detail::load_yaml_string("a: 1\n---\nb: 2\n"); });
    CHECK(error.message() ==
          "YAML syntax error: expected one YAML document; found more from here (a `---` separator or stray "
          "text)");
    check_at(error.location(), 2, 1);  // the separator
  }
  SUBCASE("more than one document, found wherever the first one ends") {
    struct Case {
      const char* text;
      std::size_t line;
      std::size_t column;
    };
    for (const auto& [text, line, column] : {
             Case{"a: 1\n...\nb: 2\n", 3, 1},                       // a document end marker, then more
             Case{"---\na: 1\n# note\n'b': 2\n---\nc: 3\n", 5, 1},  // opened by ---, a quoted key
             Case{"  a: 1\nb: 2\n", 2, 1},                          // an indented root, a key at column 0
             Case{"---\n    a: 1\n  b: 2\n", 3, 3},                 // the same after an opening ---
             Case{"- a\n,\n", 2, 1},  // stray text: bounded, not a hang (yaml-cpp 0.7 LoadAll loops on it)
         }) {
      CAPTURE(text);
      const InputError error = error_from([&] { (void)detail::load_yaml_string(text); });
      CHECK(error.message().find("expected one YAML document") != std::string::npos);
      check_at(error.location(), line, column);
    }
  }
  SUBCASE("an unclosed quote is reported at the quote, not at the end of the file") {
    const InputError error = error_from([] { (void)detail::load_yaml_string("a: 1\nname: \"open\nb: 2\n"); });
    CHECK(error.message() == "YAML syntax error: a quoted string opened here is never closed");
    check_at(error.location(), 2, 7);
  }
}

TEST_CASE("one document opened by `---`, with comments, nested values and a flow list across lines, loads") {
  const auto document = detail::load_yaml_string(
      "---\n# plant\na: 1\nb:\n  c: [1,\n    2]\n  d: |\n    text\ne-f.g: 2 # note\n");
  CHECK(document.root.size() == 3);
  CHECK(document.root["b"]["c"].size() == 2);
  CHECK(document.root["e-f.g"].as<int>() == 2);
}

TEST_CASE("empty, binary, non-UTF-8 and missing inputs are clear errors naming the file") {
  CHECK(error_from([] { (void)detail::load_yaml_string("", "e.yaml"); }).message() == "`e.yaml` is empty");
  CHECK(error_from([] { (void)detail::load_yaml_string(" \n\n\t\n", "e.yaml"); }).message() ==
        "`e.yaml` is empty");
  CHECK(error_from([] { (void)detail::load_yaml_string("# only a comment\n", "c.yaml"); }).message() ==
        "`c.yaml` is empty (it holds only comments)");

  const InputError binary =
      error_from([] { (void)detail::load_yaml_string(std::string("a: 1\nb: \0x", 10), "bin.yaml"); });
  CHECK(binary.message() == "`bin.yaml` is not a text file (it contains a NUL byte)");
  check_at(binary.location(), 2, 4);

  const InputError latin1 = error_from([] { (void)detail::load_yaml_string("name: caf\xE9\n", "l1.yaml"); });
  CHECK(latin1.message() == "`l1.yaml` is not UTF-8 text (invalid byte 0xe9)");
  check_at(latin1.location(), 1, 10);
  // An overlong encoding of '/' is not UTF-8 either.
  CHECK(error_from([] { (void)detail::load_yaml_string("a: \xC0\xAF\n"); })
            .message()
            .find("invalid byte 0xc0") != std::string::npos);
  // Valid multi-byte text and a byte order mark are accepted.
  const auto accented = detail::load_yaml_string(
      "\xEF\xBB\xBFname: h\xC3\xBC"
      "bnerite\n");
  CHECK(accented.root["name"].Scalar() ==
        "h\xC3\xBC"
        "bnerite");
  check_at(detail::location_of(accented, accented.root["name"]), 1, 7);

  const std::string missing =
      (std::filesystem::temp_directory_path() / "hydromet_no_such_file.yaml").string();
  const InputError not_there = error_from([&] { (void)detail::load_yaml_file(missing); });
  CHECK(not_there.message() == "cannot open " + backticked(missing) + ": no such file");
  CHECK(not_there.location().file == missing);

  const std::string directory = std::filesystem::temp_directory_path().string();
  CHECK(error_from([&] { (void)detail::load_yaml_file(directory); }).message() ==
        "cannot read " + backticked(directory) + ": it is a directory");

  const TemporaryFile empty("empty.yaml", "");
  CHECK(error_from([&] { (void)detail::load_yaml_file(empty.path()); }).message() ==
        backticked(empty.path()) + " is empty");
  const TemporaryFile binary_file("binary.yaml", std::string("\x7F"
                                                             "ELF\x02\x01\x01\0\0\0",
                                                             10));
  CHECK(error_from([&] { (void)detail::load_yaml_file(binary_file.path()); }).message() ==
        backticked(binary_file.path()) + " is not a text file (it contains a NUL byte)");
  const TemporaryFile good("good.yaml", "x: 5\n");
  const auto document = detail::load_yaml_file(good.path());
  CHECK(document.file == good.path());
  CHECK(detail::as_number(document, document.root["x"], "`x`") == 5.0);
}

TEST_CASE("check_keys rejects unknown and repeated keys at the key") {
  const std::initializer_list<std::string_view> allowed = {"temperature", "volume", "feed"};
  SUBCASE("a close match is suggested") {
    const auto document = detail::load_yaml_string("volume: 2\ntempreture: 350\n", "tank.yaml");
    const InputError error =
        error_from([&] { detail::check_keys(document, document.root, allowed, "leach_tank `leach1`"); });
    CHECK(error.message() == "unknown key `tempreture` in leach_tank `leach1`; did you mean `temperature`?");
    CHECK(error.location().file == "tank.yaml");
    check_at(error.location(), 2, 1);
  }
  SUBCASE("without a close match the allowed keys are listed") {
    const auto document = detail::load_yaml_string("volume: 2\n  # comment\nstirrer: on\n");
    const InputError error =
        error_from([&] { detail::check_keys(document, document.root, allowed, "the tank"); });
    CHECK(error.message() ==
          "unknown key `stirrer` in the tank; allowed keys: `temperature`, `volume`, `feed`");
    check_at(error.location(), 3, 1);
  }
  SUBCASE("nested keys are located at their own column") {
    const auto document = detail::load_yaml_string("unit:\n  volum: 2\n");
    const InputError error =
        error_from([&] { detail::check_keys(document, document.root["unit"], allowed, "the unit"); });
    CHECK(error.message() == "unknown key `volum` in the unit; did you mean `volume`?");
    check_at(error.location(), 2, 3);
  }
  SUBCASE("a repeated key") {
    const auto document = detail::load_yaml_string("volume: 2\nfeed: a\nvolume: 3\n");
    const InputError error =
        error_from([&] { detail::check_keys(document, document.root, allowed, "the tank"); });
    CHECK(error.message() == "duplicate key `volume` in the tank");
    check_at(error.location(), 3, 1);
  }
  SUBCASE("not a map") {
    const auto document = detail::load_yaml_string("unit: [1, 2]\n");
    const InputError error =
        error_from([&] { detail::check_keys(document, document.root["unit"], allowed, "the unit"); });
    CHECK(error.message() == "expected a map for the unit, got a list");
    check_at(error.location(), 1, 7);
  }
  SUBCASE("allowed keys pass, also from a vector") {
    const auto document = detail::load_yaml_string("volume: 2\nfeed: a\n");
    CHECK_NOTHROW(detail::check_keys(document, document.root, allowed, "the tank"));
    const std::vector<std::string> as_vector = {"volume", "feed"};
    CHECK_NOTHROW(detail::check_keys(document, document.root, as_vector, "the tank"));
    const std::vector<std::string> too_few = {"volume"};
    CHECK(error_from([&] { detail::check_keys(document, document.root, too_few, "the tank"); }).message() ==
          "unknown key `feed` in the tank; allowed keys: `volume`");
  }
}

TEST_CASE("require reports a missing key at its map") {
  const auto document = detail::load_yaml_string("units:\n  leach1:\n    type: leach_tank\n");
  const YAML::Node unit = document.root["units"]["leach1"];
  CHECK(detail::require(document, unit, "type", "unit `leach1`").Scalar() == "leach_tank");
  const InputError error =
      error_from([&] { (void)detail::require(document, unit, "volume", "unit `leach1`"); });
  CHECK(error.message() == "missing key `volume` in unit `leach1`");
  check_at(error.location(), 3, 5);
  CHECK(error_from([&] { (void)detail::require(document, unit["type"], "x", "the type"); }).message() ==
        "expected a map for the type, got `leach_tank`");
}

TEST_CASE("scalar conversions and their type errors") {
  const auto document = detail::load_yaml_string(
      "text: hello\n"     // 1
      "number: 1.5e3\n"   // 2
      "plus: +2\n"        // 3
      "word: abc\n"       // 4
      "nan: .nan\n"       // 5
      "inf: -.inf\n"      // 6
      "huge: 1e999\n"     // 7
      "list: [1, 2]\n"    // 8
      "map: {a: 1}\n"     // 9
      "yes: true\n"       // 10
      "no: False\n"       // 11
      "maybe: yes\n"      // 12
      "count: 3\n"        // 13
      "zero: 0\n"         // 14
      "half: 2.5\n"       // 15
      "quoted: \"42\"\n"  // 16
      "bare_nan: NaN\n",  // 17
      "s.yaml");
  const YAML::Node& root = document.root;
  CHECK(detail::as_string(document, root["text"], "`text`") == "hello");
  CHECK(detail::as_string(document, root["number"], "`number`") == "1.5e3");
  CHECK(detail::as_number(document, root["number"], "`number`") == 1500.0);
  CHECK(detail::as_number(document, root["plus"], "`plus`") == 2.0);
  CHECK(detail::as_number(document, root["quoted"], "`quoted`") == 42.0);
  CHECK(detail::as_bool(document, root["yes"], "`yes`"));
  CHECK_FALSE(detail::as_bool(document, root["no"], "`no`"));
  CHECK(detail::as_count(document, root["count"], "`count`") == 3);

  const auto message_and_line = [&](auto&& action) {
    const InputError error = error_from(action);
    return std::make_pair(error.message(), error.location().line);
  };
  CHECK(message_and_line([&] { (void)detail::as_string(document, root["list"], "the name"); }) ==
        std::make_pair(std::string("expected text for the name, got a list"), std::size_t{8}));
  CHECK(message_and_line([&] { (void)detail::as_number(document, root["word"], "the volume"); }) ==
        std::make_pair(std::string("expected a number for the volume, got `abc`"), std::size_t{4}));
  CHECK(message_and_line([&] { (void)detail::as_number(document, root["nan"], "the volume"); }) ==
        std::make_pair(std::string("the volume must be a finite number, got `.nan`"), std::size_t{5}));
  CHECK(message_and_line([&] { (void)detail::as_number(document, root["inf"], "the volume"); }) ==
        std::make_pair(std::string("the volume must be a finite number, got `-.inf`"), std::size_t{6}));
  CHECK(message_and_line([&] { (void)detail::as_number(document, root["bare_nan"], "the volume"); }) ==
        std::make_pair(std::string("the volume must be a finite number, got `NaN`"), std::size_t{17}));
  CHECK(message_and_line([&] { (void)detail::as_number(document, root["huge"], "the volume"); }) ==
        std::make_pair(std::string("the volume is out of the range of a double: `1e999`"), std::size_t{7}));
  CHECK(message_and_line([&] { (void)detail::as_number(document, root["map"], "the volume"); }) ==
        std::make_pair(std::string("expected a number for the volume, got a map"), std::size_t{9}));
  CHECK(message_and_line([&] { (void)detail::as_bool(document, root["maybe"], "`assumed`"); }) ==
        std::make_pair(std::string("expected `true` or `false` for `assumed`, got `yes`"), std::size_t{12}));
  CHECK(message_and_line([&] { (void)detail::as_count(document, root["zero"], "the stage count"); }) ==
        std::make_pair(std::string("expected a positive whole number for the stage count, got `0`"),
                       std::size_t{14}));
  CHECK(message_and_line([&] { (void)detail::as_count(document, root["half"], "the stage count"); }) ==
        std::make_pair(std::string("expected a positive whole number for the stage count, got `2.5`"),
                       std::size_t{15}));
  const InputError wrong = error_from([&] { (void)detail::as_number(document, root["word"], "the volume"); });
  CHECK(wrong.location().column == 7);
  CHECK(wrong.location().file == "s.yaml");
}

TEST_CASE("as_quantity converts to SI, checks the dimension and rejects non-finite values") {
  using namespace hydromet::dimension;
  const auto document = detail::load_yaml_string(
      "t: 80 degC\n"             // 1
      "bare: 300\n"              // 2
      "rho: \"6.1 g/cm3\"\n"     // 3
      "wrong: 5 kg\n"            // 4
      "nan: .nan\n"              // 5
      "nan_unit: nan degC\n"     // 6
      "list: [1]\n"              // 7
      "dh: -55.8 kJ/mol\n"       // 8
      "typo: 5 kgg/m3\n"         // 9
      "quoted: \"5 kgg/m3\"\n",  // 10
      "q.yaml");
  const YAML::Node& root = document.root;
  CHECK(detail::as_quantity(document, root["t"], temperature, "K", "the temperature") ==
        doctest::Approx(353.15).epsilon(1e-12));
  CHECK(detail::as_quantity(document, root["bare"], temperature, "K", "the temperature") == 300.0);
  CHECK(detail::as_quantity(document, root["rho"], density, "kg/m3", "the density") ==
        doctest::Approx(6100.0).epsilon(1e-12));
  CHECK(detail::as_quantity(document, root["dh"], molar_energy, "J/mol", "delta_h") ==
        doctest::Approx(-55800.0).epsilon(1e-12));

  const InputError wrong = error_from(
      [&] { (void)detail::as_quantity(document, root["wrong"], temperature, "K", "the temperature"); });
  CHECK(wrong.message().find("the temperature: expected a temperature") != std::string::npos);
  CHECK(wrong.message().find("5 kg") != std::string::npos);
  CHECK(wrong.location().line == 4);
  CHECK(wrong.location().column >= 8);  // at the value (column 8) or at the offending unit within it
  CHECK(wrong.location().column <= 10);

  // The caret goes under the unknown unit, in a plain and in a quoted scalar.
  const InputError typo =
      error_from([&] { (void)detail::as_quantity(document, root["typo"], density, "kg/m3", "the density"); });
  CHECK(typo.message().find("the density: unknown unit `kgg`") == 0);
  check_at(typo.location(), 9, 9);
  const InputError quoted = error_from(
      [&] { (void)detail::as_quantity(document, root["quoted"], density, "kg/m3", "the density"); });
  check_at(quoted.location(), 10, 12);

  const InputError nan = error_from(
      [&] { (void)detail::as_quantity(document, root["nan"], temperature, "K", "the temperature"); });
  CHECK(nan.message() == "the temperature must be a finite number, got `.nan`");
  check_at(nan.location(), 5, 6);
  CHECK(error_from([&] {
          (void)detail::as_quantity(document, root["nan_unit"], temperature, "K", "the temperature");
        }).message() == "the temperature must be a finite number, got `nan degC`");
  CHECK(error_from([&] {
          (void)detail::as_quantity(document, root["list"], temperature, "K", "the temperature");
        }).message() == "expected a number or a quantity with units for the temperature, got a list");
}
