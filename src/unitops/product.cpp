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

}  // namespace hydromet
