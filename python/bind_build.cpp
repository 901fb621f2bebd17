// Python bindings that edit flowsheet YAML text node by node, so flowsheets built in code and flowsheets
// read from files are the same thing: YAML text that the loader checks (errors at line and column).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "hydromet/core/error.hpp"
#include "hydromet/io/flowsheet_loader.hpp"

namespace py = pybind11;

namespace {

YAML::Node parse_document(const std::string& text) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw hydromet::InputError(std::string("flowsheet text is not valid YAML: ") + error.what());
  }
  if (root.IsNull()) {
    return YAML::Node(YAML::NodeType::Map);
  }
  if (!root.IsMap()) {
    throw hydromet::InputError("flowsheet text is not a YAML map");
  }
  root.SetStyle(YAML::EmitterStyle::Block);  // one section per line, whatever the text started as
  return root;
}

std::string emit(const YAML::Node& root) {
  YAML::Emitter emitter;
  emitter << root;
  return std::string(emitter.c_str()) + "\n";
}

// A Python value as a YAML node. Floats are written with Python's repr (the shortest text that reads back to
// the same double), so a number set from Python loads bit for bit.
YAML::Node to_node(const py::handle& value, const std::string& where) {
  if (value.is_none()) {
    return YAML::Node(YAML::NodeType::Null);
  }
  if (py::isinstance<py::bool_>(value)) {
    return YAML::Node(value.cast<bool>() ? "true" : "false");
  }
  if (py::isinstance<py::str>(value)) {
    return YAML::Node(value.cast<std::string>());
  }
  if (py::isinstance<py::int_>(value)) {
    return YAML::Node(py::repr(py::int_(py::reinterpret_borrow<py::object>(value))).cast<std::string>());
  }
  if (py::isinstance<py::float_>(value)) {  // float(), not the subclass: NumPy 2 writes np.float64(...)
    const double number = value.cast<double>();
    if (!std::isfinite(number)) {
      throw hydromet::InputError("`" + where + "`: " + py::repr(value).cast<std::string>() +
                                 " is not finite");
    }
    return YAML::Node(py::repr(py::float_(number)).cast<std::string>());
  }
  if (py::isinstance<py::dict>(value)) {
    YAML::Node map(YAML::NodeType::Map);
    for (const auto& [key, item] : value.cast<py::dict>()) {
      const std::string name = py::str(key).cast<std::string>();
      map[name] = to_node(item, where + "." + name);
    }
    return map;
  }
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    YAML::Node sequence(YAML::NodeType::Sequence);
    std::size_t index = 0;
    for (const auto& item : value) {
      sequence.push_back(to_node(item, where + "[" + std::to_string(index++) + "]"));
    }
    return sequence;
  }
  if (py::hasattr(value, "tolist")) {  // NumPy scalars and arrays
    return to_node(value.attr("tolist")(), where);
  }
  throw hydromet::InputError("`" + where + "`: cannot write a " +
                             py::str(value.get_type().attr("__name__")).cast<std::string>() +
                             " to YAML; give a number, a string with units, a list or a dict");
}

// Walks to the map at `keys` (all but the last key), creating maps where `create` allows.
YAML::Node parent_of(YAML::Node root, const std::vector<std::string>& keys, bool create) {
  YAML::Node node = root;
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    if (!node[keys[i]]) {
      if (!create) {
        throw hydromet::InputError("no `" + keys[i] + "` in the flowsheet");
      }
      node[keys[i]] = YAML::Node(YAML::NodeType::Map);
    }
    YAML::Node next = node[keys[i]];
    if (!next.IsMap()) {
      throw hydromet::InputError("`" + keys[i] + "` is not a map");
    }
    node.reset(next);
  }
  return node;
}

}  // namespace

void bind_build(py::module_& module) {
  module.def(
      "yaml_set",
      [](const std::string& text, const std::vector<std::string>& keys, const py::handle& value) {
        if (keys.empty()) {
          throw hydromet::InputError("yaml_set needs at least one key");
        }
        YAML::Node root = parse_document(text);
        YAML::Node parent = parent_of(root, keys, true);
        parent[keys.back()] = to_node(value, keys.back());
        return emit(root);
      },
      py::arg("text"), py::arg("keys"), py::arg("value"),
      "The YAML text with the node at `keys` (maps created on the way) set to a Python value");
  module.def(
      "yaml_remove",
      [](const std::string& text, const std::vector<std::string>& keys) {
        YAML::Node root = parse_document(text);
        YAML::Node parent = parent_of(root, keys, false);
        if (keys.empty() || !parent[keys.back()]) {
          throw hydromet::InputError("no `" + (keys.empty() ? std::string() : keys.back()) +
                                     "` in the flowsheet");
        }
        parent.remove(keys.back());
        return emit(root);
      },
      py::arg("text"), py::arg("keys"), "The YAML text without the node at `keys`");
  module.def(
      "yaml_append",
      [](const std::string& text, const std::string& key, const py::handle& value) {
        YAML::Node root = parse_document(text);
        if (!root[key]) {
          root[key] = YAML::Node(YAML::NodeType::Sequence);
        }
        YAML::Node list = root[key];
        if (!list.IsSequence()) {
          throw hydromet::InputError("`" + key + "` is not a list");
        }
        list.push_back(to_node(value, key));
        return emit(root);
      },
      py::arg("text"), py::arg("key"), py::arg("value"), "The YAML text with `value` appended to list `key`");
  module.def(
      "yaml_to_python",
      [](const std::string& text) {
        // Plain Python values (dicts, lists, strings) of the document, scalars kept as written.
        std::function<py::object(const YAML::Node&)> convert = [&](const YAML::Node& node) -> py::object {
          if (node.IsMap()) {
            py::dict map;
            for (const auto& entry : node) {
              map[py::str(entry.first.Scalar())] = convert(entry.second);
            }
            return py::object(map);
          }
          if (node.IsSequence()) {
            py::list list;
            for (const auto& item : node) {
              list.append(convert(item));
            }
            return py::object(list);
          }
          if (node.IsScalar()) {
            return py::str(node.Scalar());
          }
          return py::none();
        };
        return convert(parse_document(text));
      },
      py::arg("text"), "The document as dicts, lists and strings (scalars as written)");
  module.def(
      "yaml_item_lines",
      [](const std::string& text) {
        // 1-based first line of every unit, reaction, connection and KPI, to map loader errors back to the
        // Python call that added the item.
        std::vector<std::pair<std::string, int>> lines;
        const YAML::Node root = parse_document(text);
        for (const char* section : {"equipment", "reactions"}) {
          if (root[section] && root[section].IsMap()) {
            for (const auto& entry : root[section]) {
              lines.emplace_back(std::string(section) + "." + entry.first.Scalar(),
                                 entry.first.Mark().line + 1);
            }
          }
        }
        for (const char* section : {"connections", "kpis"}) {
          if (root[section] && root[section].IsSequence()) {
            std::size_t index = 0;
            for (const auto& item : root[section]) {
              lines.emplace_back(std::string(section) + "." + std::to_string(index++), item.Mark().line + 1);
            }
          }
        }
        return lines;
      },
      py::arg("text"));
  module.def("unit_types", &hydromet::unit_types, "The `type:` names the loader knows");
}
