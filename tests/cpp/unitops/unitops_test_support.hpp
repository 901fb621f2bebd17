// Shared fixtures of the unit-operation tests: a component list, stream builders and a conservation check.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/core/error.hpp"
#include "hydromet/io/flowsheet_loader.hpp"
#include "hydromet/streams/component_list.hpp"
#include "hydromet/streams/stream.hpp"

namespace unitops_test {

using namespace hydromet;

/// Bundled database plus one made-up organic species (tungsten loaded on an extractant), for tests only.
inline const Database& database() {
  static const Database db = [] {
    Database merged = Database::bundled();
    merged.merge(Database::from_string(R"(
species:
  - {name: WO3-org, formula: WO3, phase: organic, source: test species}
)",
                                       "test organic"));
    return merged;
  }();
  return db;
}

/// Aqueous H2O, Na+, Cl-, WO4-2 (indices 0..3); solids scheelite, quartz; organic WO3-org; two size classes.
inline const ComponentList& components() {
  static const ComponentList list(database(), {"H2O", "Na+", "Cl-", "WO4-2"}, {"scheelite", "quartz"},
                                  {"WO3-org"}, {50e-6, 150e-6});
  return list;
}

/// A stream with flow [m3/s], concentrations of H2O, Na+, Cl-, WO4-2 [mol/m3], solid flows [mol/s] per
/// (solid, size class) and organic flow [m3/s] with its WO3-org flow [mol/s].
inline Stream make_stream(double temperature, double flow, std::vector<double> concentrations,
                          std::vector<double> solids = {0, 0, 0, 0}, double organic_flow = 0.0,
                          double organic_moles = 0.0) {
  Stream s = Stream::empty(components());
  s.temperature = temperature;
  s.aqueous_flow = flow;
  for (std::size_t i = 0; i < concentrations.size(); ++i) {
    s.aqueous_moles[static_cast<Eigen::Index>(i)] = concentrations[i] * flow;
  }
  for (Eigen::Index r = 0; r < 2; ++r) {
    for (Eigen::Index k = 0; k < 2; ++k) {
      s.solid_moles(r, k) = solids[static_cast<std::size_t>(2 * r + k)];
    }
  }
  s.organic_flow = organic_flow;
  s.organic_moles[0] = organic_moles;
  return s;
}

/// Element flows of inlets and outlets agree to `tolerance` relative to the largest inlet flow of each
/// element.
inline void check_conservation(std::span<const Stream> inlets, std::span<const Stream> outlets,
                               double tolerance = 1e-14) {
  Vector in = Vector::Zero(static_cast<Eigen::Index>(components().elements().size()));
  Vector out = in;
  for (const auto& s : inlets) {
    in += s.element_flows(components());
  }
  for (const auto& s : outlets) {
    out += s.element_flows(components());
  }
  for (Eigen::Index e = 0; e < in.size(); ++e) {
    INFO("element " << components().elements()[static_cast<std::size_t>(e)] << ": in " << in[e] << ", out "
                    << out[e]);
    CHECK(std::abs(out[e] - in[e]) <= tolerance * std::max(std::abs(in[e]), 1e-300));
  }
  double volume_in = 0.0;
  double volume_out = 0.0;
  for (const auto& s : inlets) {
    volume_in += s.aqueous_flow;
  }
  for (const auto& s : outlets) {
    volume_out += s.aqueous_flow;
  }
  CHECK(std::abs(volume_out - volume_in) <= tolerance * volume_in);
}

/// 1-based line of the first line of `text` containing `marker`.
inline std::size_t line_of(const std::string& text, const std::string& marker) {
  const auto at = text.find(marker);
  REQUIRE(at != std::string::npos);
  return static_cast<std::size_t>(
             std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n')) +
         1;
}

/// Loading `yaml` fails with an InputError whose message contains `fragment`, located at `line`.
inline void check_load_error(const std::string& yaml, const std::string& fragment, std::size_t line) {
  INFO(yaml);
  try {
    (void)load_flowsheet_string(yaml);
    FAIL("no InputError; expected `" << fragment << "` at line " << line);
  } catch (const InputError& error) {
    INFO(std::string(error.what()));
    CHECK(error.message().find(fragment) != std::string::npos);
    CHECK(error.location().line == line);
  }
}

}  // namespace unitops_test
