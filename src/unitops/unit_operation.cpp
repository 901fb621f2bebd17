// Defaults of the UnitOperation interface.
#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet {

Vector UnitOperation::element_inventory(ConstSpan y) const {
  (void)y;
  return Vector::Zero(components_ ? static_cast<Eigen::Index>(components_->elements().size()) : 0);
}

void UnitOperation::report_values(double t, ConstSpan y, std::span<const Stream> inlets,
                                  std::vector<double>& values) const {
  for (const auto& output : report(t, y, inlets)) {
    values.push_back(output.value);
  }
}

void UnitOperation::append_report(double t, ConstSpan y, std::span<const Stream> inlets,
                                  std::string_view prefix, ReportColumns& columns) const {
  for (auto& output : report(t, y, inlets)) {
    std::string name;
    name.reserve(prefix.size() + output.name.size());
    name.append(prefix).append(output.name);
    columns.names.push_back(std::move(name));
    columns.units.push_back(std::move(output.unit));
    columns.values.push_back(output.value);
  }
}

std::vector<std::string> inlet_port_names(std::size_t count) {
  if (count == 1) {
    return {"in"};
  }
  std::vector<std::string> ports;
  for (std::size_t i = 1; i <= count; ++i) {
    ports.push_back("in" + std::to_string(i));
  }
  return ports;
}

StreamCoupling mixing_coupling(const ComponentList& components) {
  StreamCoupling coupling;
  const StreamLayout layout(components);
  for (std::size_t c = 0; c < layout.size(); ++c) {
    coupling.pass_through(c);
  }
  coupling.outlet_inlets.push_back({StreamCoupling::every_port, StreamLayout::temperature,
                                    StreamCoupling::every_port, StreamLayout::aqueous_flow});
  return coupling;
}

}  // namespace hydromet
