// Mixer of N streams.
#include "hydromet/unitops/mixer.hpp"

#include "hydromet/core/error.hpp"
#include "unitops/stream_report.hpp"

namespace hydromet {

Mixer::Mixer(std::string name, MixerParameters parameters)
    : StreamReportingUnit(std::move(name)), parameters_(parameters) {
  if (parameters_.inlet_count == 0) {
    throw InputError("mixer `" + this->name() + "`: needs at least one inlet");
  }
}

std::vector<std::string> Mixer::inlet_ports() const {
  std::vector<std::string> ports;
  for (std::size_t i = 1; i <= parameters_.inlet_count; ++i) {
    ports.push_back("in" + std::to_string(i));
  }
  return ports;
}

void Mixer::compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                            std::span<Stream> outlets) const {
  (void)t, (void)y;
  outlets[0] = inlets.front();
  for (std::size_t p = 1; p < inlets.size(); ++p) {
    mix_into(outlets[0], inlets[p]);
  }
}

std::vector<UnitOutput> Mixer::stream_outputs(double t, std::span<const Stream> inlets) const {
  Stream out = Stream::empty(*components_);
  compute_outlets(t, {}, inlets, {&out, 1});
  std::vector<UnitOutput> result;
  detail::report_stream("", out, *components_, result);
  return result;
}

std::optional<StreamCoupling> Mixer::stream_coupling() const { return mixing_coupling(*components_); }

}  // namespace hydromet
