// Parameter paths into flowsheet YAML.
#include "hydromet/io/parameters.hpp"

#include <yaml-cpp/yaml.h>

#include "hydromet/core/error.hpp"

namespace hydromet {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  // Segments are separated by dots, except inside square brackets (species names never contain dots, but
  // output-style names such as c[Na+] may be used as keys).
  std::vector<std::string> segments;
  std::string current;
  for (const char c : path) {
    if (c == '.') {
      segments.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  segments.push_back(current);
  for (const auto& segment : segments) {
    if (segment.empty()) {
      throw InputError("parameter path `" + path +
                       "`: expected `unit.key` or `section.key` without empty parts");
    }
  }
  return segments;
}

std::vector<std::string> keys_of(const YAML::Node& map) {
  std::vector<std::string> keys;
  if (map.IsMap()) {
    for (const auto& entry : map) {
      keys.push_back(entry.first.as<std::string>());
    }
  }
  return keys;
}

[[noreturn]] void unknown(const std::string& path, const std::string& segment, const YAML::Node& map) {
  std::string message = "parameter path `" + path + "`: no `" + segment + "` here";
  const auto keys = keys_of(map);
  if (auto suggestion = closest_match(segment, keys); !suggestion.empty()) {
    message += "; did you mean `" + suggestion + "`?";
  } else if (!keys.empty()) {
    message += "; keys here:";
    for (const auto& key : keys) {
      message += " `" + key + "`";
    }
  }
  throw InputError(message);
}

YAML::Node parse(const std::string& yaml_text) {
  try {
    YAML::Node root = YAML::Load(yaml_text);
    if (!root.IsMap()) {
      throw InputError("flowsheet text is not a YAML map");
    }
    return root;
  } catch (const YAML::Exception& error) {
    throw InputError(std::string("flowsheet text is not valid YAML: ") + error.what());
  }
}

// The node that holds the path's first segment: the equipment map for unit names, else the root.
YAML::Node start_of(YAML::Node root, const std::vector<std::string>& segments) {
  YAML::Node equipment = root["equipment"];
  if (equipment && equipment.IsMap() && equipment[segments.front()]) {
    return equipment;
  }
  return root;
}

}  // namespace

std::string get_parameter(const std::string& yaml_text, const std::string& path) {
  const auto segments = split_path(path);
  YAML::Node node = start_of(parse(yaml_text), segments);
  for (const auto& segment : segments) {
    if (!node.IsMap() || !node[segment]) {
      unknown(path, segment, node);
    }
    node.reset(node[segment]);  // rebinds; plain assignment would overwrite the parent's content
  }
  if (!node.IsScalar()) {
    YAML::Emitter emitter;
    emitter << YAML::Flow << node;
    return emitter.c_str();
  }
  return node.Scalar();
}

void set_parameter(YAML::Node& root, const std::string& path, const std::string& value) {
  const auto segments = split_path(path);
  if (!root.IsMap()) {
    throw InputError("flowsheet text is not a YAML map");
  }
  YAML::Node node = start_of(root, segments);
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    if (!node.IsMap() || !node[segments[i]]) {
      unknown(path, segments[i], node);
    }
    node.reset(node[segments[i]]);
  }
  if (!node.IsMap()) {
    throw InputError("parameter path `" + path + "`: `" + segments[segments.size() - 2] + "` is not a map");
  }
  node[segments.back()] = value;
}

std::string set_parameter(const std::string& yaml_text, const std::string& path, const std::string& value) {
  YAML::Node root = parse(yaml_text);
  set_parameter(root, path, value);
  YAML::Emitter emitter;
  emitter << root;
  return std::string(emitter.c_str()) + "\n";
}

std::string set_parameters(const std::string& yaml_text,
                           const std::vector<std::pair<std::string, std::string>>& assignments) {
  std::string text = yaml_text;
  for (const auto& [path, value] : assignments) {
    text = set_parameter(text, path, value);
  }
  return text;
}

}  // namespace hydromet
