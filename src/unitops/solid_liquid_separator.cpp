// Solid-liquid separation with cake moisture and displacement washing.
#include "hydromet/unitops/solid_liquid_separator.hpp"

#include <algorithm>
#include <cmath>

#include "hydromet/core/error.hpp"
#include "unitops/stream_report.hpp"

namespace hydromet {

SolidLiquidSeparator::SolidLiquidSeparator(std::string name, SolidLiquidSeparatorParameters parameters)
    : StreamReportingUnit(std::move(name)), parameters_(parameters) {
  const std::string where = "solid_liquid_separator `" + this->name() + "`";
  if (!(parameters_.solids_recovery >= 0.0 && parameters_.solids_recovery <= 1.0)) {
    throw InputError(where + ": solids_recovery must be from 0 to 1");
  }
  if (!(parameters_.cake_moisture >= 0.0 && parameters_.cake_moisture < 1.0)) {
    throw InputError(where + ": cake_moisture must be >= 0 and < 1");
  }
  if (!(std::isfinite(parameters_.liquor_density.value()) && parameters_.liquor_density.value() > 0.0)) {
    throw InputError(where + ": liquor_density must be positive");
  }
  if (!(parameters_.wash_efficiency >= 0.0 && parameters_.wash_efficiency <= 1.0)) {
    throw InputError(where + ": wash_efficiency must be from 0 to 1");
  }
}

std::vector<std::string> SolidLiquidSeparator::inlet_ports() const {
  return parameters_.wash ? std::vector<std::string>{"feed", "wash"} : std::vector<std::string>{"feed"};
}

SolidLiquidSeparator::Split SolidLiquidSeparator::split(std::span<const Stream> inlets,
                                                        std::span<Stream> outlets) const {
  const Stream& feed = inlets[0];
  Stream total = feed;
  const Stream* wash = parameters_.wash ? &inlets[1] : nullptr;
  if (wash != nullptr) {
    mix_into(total, *wash);
  }
  Stream& cake = outlets[0];
  Stream& filtrate = outlets[1];
  cake = Stream::empty(*components_);
  cake.temperature = total.temperature;
  cake.solid_moles = parameters_.solids_recovery * total.solid_moles;

  const double solids_mass = components_->solid_molar_masses().dot(cake.solid_totals());
  const double w = parameters_.cake_moisture;
  Split result;
  result.entrained =
      std::min(w / (1.0 - w) * solids_mass / parameters_.liquor_density.value(), feed.aqueous_flow);
  const double wash_flow = wash != nullptr ? wash->aqueous_flow : 0.0;
  result.displaced = std::min(parameters_.wash_efficiency * result.entrained, wash_flow);
  cake.aqueous_flow = result.entrained;
  if (feed.aqueous_flow > 0.0) {
    cake.aqueous_moles = feed.aqueous_moles * ((result.entrained - result.displaced) / feed.aqueous_flow);
  }
  if (wash != nullptr && wash_flow > 0.0) {
    cake.aqueous_moles += wash->aqueous_moles * (result.displaced / wash_flow);
  }
  // The filtrate is the total minus the cake: conservation by construction.
  filtrate = total;
  filtrate.aqueous_flow = std::max(total.aqueous_flow - cake.aqueous_flow, 0.0);
  filtrate.aqueous_moles -= cake.aqueous_moles;
  filtrate.solid_moles -= cake.solid_moles;
  return result;
}

void SolidLiquidSeparator::compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                                           std::span<Stream> outlets) const {
  (void)t, (void)y;
  (void)split(inlets, outlets);
}

std::vector<UnitOutput> SolidLiquidSeparator::stream_outputs(double t, std::span<const Stream> inlets) const {
  (void)t;
  std::vector<Stream> outlets(2, Stream::empty(*components_));
  const Split result = split(inlets, outlets);
  const double solids = outlets[0].solid_mass_flow(*components_);
  const double liquor = result.entrained * parameters_.liquor_density.value();
  std::vector<UnitOutput> outputs;
  outputs.push_back({"cake_solids", solids, "kg/s"});
  outputs.push_back({"cake_liquor", result.entrained, "m3/s"});
  outputs.push_back({"cake_moisture", solids + liquor > 0.0 ? liquor / (solids + liquor) : 0.0, "-"});
  outputs.push_back({"displaced", result.displaced, "m3/s"});
  detail::report_stream("cake.", outlets[0], *components_, outputs);
  detail::report_stream("filtrate.", outlets[1], *components_, outputs);
  return outputs;
}

std::optional<StreamCoupling> SolidLiquidSeparator::stream_coupling() const {
  // The entrained liquor follows the cake's solids mass and the feed and wash flows; it carries every solute.
  auto coupling = mixing_coupling(*components_);
  const StreamLayout layout(*components_);
  std::vector<std::size_t> liquor_drivers{StreamLayout::aqueous_flow};
  for (std::size_t c = layout.solids_begin(); c < layout.size(); ++c) {
    liquor_drivers.push_back(c);
  }
  const std::size_t any = StreamCoupling::every_port;
  for (const auto driver : liquor_drivers) {
    coupling.outlet_inlets.push_back({any, StreamLayout::aqueous_flow, any, driver});
    for (std::size_t i = 0; i < components_->aqueous_count(); ++i) {
      coupling.outlet_inlets.push_back({any, layout.aqueous(i), any, driver});
    }
  }
  return coupling;
}

}  // namespace hydromet
