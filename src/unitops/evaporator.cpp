// Evaporator by removal rate or concentration factor.
#include "hydromet/unitops/evaporator.hpp"

#include <algorithm>
#include <cmath>

#include "hydromet/core/error.hpp"
#include "unitops/stream_report.hpp"

namespace hydromet {

Evaporator::Evaporator(std::string name, EvaporatorParameters parameters)
    : StreamReportingUnit(std::move(name)), parameters_(parameters) {
  const std::string where = "evaporator `" + this->name() + "`";
  if (parameters_.water_removal.has_value() == parameters_.concentration_factor.has_value()) {
    throw InputError(where + ": give either water_removal or concentration_factor");
  }
  if (parameters_.water_removal &&
      !(std::isfinite(parameters_.water_removal->value()) && parameters_.water_removal->value() >= 0.0)) {
    throw InputError(where + ": water_removal must be >= 0");
  }
  if (parameters_.concentration_factor &&
      !(std::isfinite(*parameters_.concentration_factor) && *parameters_.concentration_factor >= 1.0)) {
    throw InputError(where + ": concentration_factor must be >= 1");
  }
  for (const auto& [species, fraction] : parameters_.volatiles) {
    if (!(fraction >= 0.0 && fraction <= 1.0)) {
      throw InputError(where + ": the volatile fraction of `" + species + "` must be in [0, 1]");
    }
  }
}

void Evaporator::bind(const ComponentList& components) {
  components_ = &components;
  solvents_.clear();
  for (std::size_t i = 0; i < components.aqueous_count(); ++i) {
    if (components.aqueous(i).phase == Phase::solvent) {
      solvents_.push_back(static_cast<Eigen::Index>(i));
    }
  }
  volatiles_.clear();
  for (const auto& [species, fraction] : parameters_.volatiles) {
    volatiles_.emplace_back(static_cast<Eigen::Index>(components.aqueous_index(species, name())), fraction);
  }
}

double Evaporator::removed_volume(double inlet_flow) const {
  if (parameters_.water_removal) {
    return std::min(parameters_.water_removal->value(), inlet_flow);
  }
  return inlet_flow * (1.0 - 1.0 / *parameters_.concentration_factor);
}

void Evaporator::compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                                 std::span<Stream> outlets) const {
  (void)t, (void)y;
  const Stream& in = inlets.front();
  Stream& concentrate = outlets[0];
  Stream& vapour = outlets[1];
  const double removed = removed_volume(in.aqueous_flow);
  vapour = Stream::empty(*components_);
  vapour.temperature = in.temperature;
  vapour.aqueous_flow = removed;
  concentrate = in;
  concentrate.aqueous_flow = in.aqueous_flow - removed;
  if (in.aqueous_flow > 0.0) {
    for (const auto i : solvents_) {
      vapour.aqueous_moles[i] = in.aqueous_moles[i] * (removed / in.aqueous_flow);
      concentrate.aqueous_moles[i] = in.aqueous_moles[i] - vapour.aqueous_moles[i];
    }
  }
  for (const auto& [i, fraction] : volatiles_) {
    vapour.aqueous_moles[i] = in.aqueous_moles[i] * fraction;
    concentrate.aqueous_moles[i] = in.aqueous_moles[i] - vapour.aqueous_moles[i];
  }
}

std::vector<UnitOutput> Evaporator::stream_outputs(double t, std::span<const Stream> inlets) const {
  std::vector<Stream> outlets(2, Stream::empty(*components_));
  compute_outlets(t, {}, inlets, outlets);
  std::vector<UnitOutput> result;
  result.push_back({"water_removed", outlets[1].aqueous_flow, "m3/s"});
  detail::report_stream("concentrate.", outlets[0], *components_, result);
  return result;
}

std::optional<StreamCoupling> Evaporator::stream_coupling() const {
  // The water boiled off is a share of the inlet flow.
  auto coupling = mixing_coupling(*components_);
  const StreamLayout layout(*components_);
  for (const auto i : solvents_) {
    coupling.outlet_inlets.push_back({StreamCoupling::every_port, layout.aqueous(static_cast<std::size_t>(i)),
                                      StreamCoupling::every_port, StreamLayout::aqueous_flow});
  }
  return coupling;
}

}  // namespace hydromet
