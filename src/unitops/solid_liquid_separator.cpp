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

bool SolidLiquidSeparator::aggregated() const {
  return parameters_.cake_moisture > 0.0 && parameters_.solids_recovery > 0.0;
}

double SolidLiquidSeparator::cake_solids_mass(std::span<const Stream> inlets) const {
  // Σ over inlets, solids and size classes of r M_s n_sk, in the order stream_coupling() declares the terms.
  const auto& molar_masses = components_->solid_molar_masses();
  double mass = 0.0;
  for (const auto& inlet : inlets) {
    for (Eigen::Index s = 0; s < inlet.solid_moles.rows(); ++s) {
      const double coefficient = parameters_.solids_recovery * molar_masses[s];
      for (Eigen::Index k = 0; k < inlet.solid_moles.cols(); ++k) {
        mass += coefficient * inlet.solid_moles(s, k);
      }
    }
  }
  return mass;
}

SolidLiquidSeparator::Split SolidLiquidSeparator::split(std::span<const Stream> inlets, double solids_mass,
                                                        std::span<Stream> outlets) const {
  // The outlets are written in place (no temporary streams): the flowsheet calls this at every evaluation.
  const Stream& feed = inlets[0];
  const Stream* wash = parameters_.wash ? &inlets[1] : nullptr;
  Stream& cake = outlets[0];
  Stream& filtrate = outlets[1];
  Stream& total = filtrate;  // the mixed inlets, from which the cake is taken below
  total = feed;
  if (wash != nullptr) {
    mix_into(total, *wash);
  }
  cake.temperature = total.temperature;
  cake.organic_flow = 0.0;
  cake.organic_moles.setZero(static_cast<Eigen::Index>(components_->organic_count()));
  cake.aqueous_moles.setZero(static_cast<Eigen::Index>(components_->aqueous_count()));
  cake.solid_moles = parameters_.solids_recovery * total.solid_moles;

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
  filtrate.aqueous_flow = std::max(total.aqueous_flow - cake.aqueous_flow, 0.0);
  filtrate.aqueous_moles -= cake.aqueous_moles;
  filtrate.solid_moles -= cake.solid_moles;
  return result;
}

void SolidLiquidSeparator::compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                                           std::span<Stream> outlets) const {
  (void)t, (void)y;
  (void)split(inlets, cake_solids_mass(inlets), outlets);
}

void SolidLiquidSeparator::compute_outlets_aggregated(double t, ConstSpan y, std::span<const Stream> inlets,
                                                      std::span<const double> aggregates,
                                                      std::span<Stream> outlets) const {
  (void)t, (void)y;
  (void)split(inlets, aggregates.empty() ? cake_solids_mass(inlets) : aggregates[0], outlets);
}

std::vector<UnitOutput> SolidLiquidSeparator::stream_outputs(double t, std::span<const Stream> inlets) const {
  (void)t;
  std::vector<Stream> outlets(2, Stream::empty(*components_));
  const Split result = split(inlets, cake_solids_mass(inlets), outlets);
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
  // The entrained liquor follows the feed and wash flows and the cake's solids mass; it carries every solute.
  // The solids mass is a sum over every solid and size class: declared as an aggregate, so that the
  // flowsheet's Jacobian holds it as one rank-one term rather than a dense block of every class column.
  auto coupling = mixing_coupling(*components_);
  const StreamLayout layout(*components_);
  const std::size_t any = StreamCoupling::every_port;
  coupling.outlet_inlets.push_back({any, StreamLayout::aqueous_flow, any, StreamLayout::aqueous_flow});
  for (std::size_t i = 0; i < components_->aqueous_count(); ++i) {
    coupling.outlet_inlets.push_back({any, layout.aqueous(i), any, StreamLayout::aqueous_flow});
  }
  if (!aggregated()) {
    return coupling;  // no entrained liquor, or no solids in the cake: the liquor does not follow the solids
  }
  StreamCoupling::Aggregate solids_mass;
  const auto& molar_masses = components_->solid_molar_masses();
  for (std::size_t port = 0; port < inlet_ports().size(); ++port) {
    for (std::size_t s = 0; s < components_->solid_count(); ++s) {
      const double coefficient = parameters_.solids_recovery * molar_masses[static_cast<Eigen::Index>(s)];
      for (std::size_t k = 0; k < components_->size_class_count(); ++k) {
        solids_mass.terms.push_back({port, layout.solid(s, k), coefficient});
      }
    }
  }
  for (std::size_t port = 0; port < 2; ++port) {
    solids_mass.readers.emplace_back(port, StreamLayout::aqueous_flow);
    for (std::size_t i = 0; i < components_->aqueous_count(); ++i) {
      solids_mass.readers.emplace_back(port, layout.aqueous(i));
    }
  }
  solids_mass.scale = 1.0;  // kg/s: only the floor of its difference step; the liquor is linear in it
  coupling.aggregates.push_back(std::move(solids_mass));
  return coupling;
}

}  // namespace hydromet
