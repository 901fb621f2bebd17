// Product sink.
#include "hydromet/unitops/product.hpp"

#include "unitops/stream_report.hpp"

namespace hydromet {

std::vector<UnitOutput> Product::stream_outputs(double t, std::span<const Stream> inlets) const {
  (void)t;
  std::vector<UnitOutput> result;
  detail::report_stream("", inlets.front(), *components_, result);
  return result;
}

void Product::report_values(double t, ConstSpan y, std::span<const Stream> inlets,
                            std::vector<double>& values) const {
  (void)t, (void)y;
  detail::report_stream_values(inlets.front(), *components_, values);
}

}  // namespace hydromet
