// Builder of `type: product`.
#include "hydromet/unitops/product.hpp"

#include "io/build_context.hpp"

namespace hydromet::detail {

std::unique_ptr<UnitOperation> build_product(const BuildContext& context, const std::string& name,
                                             const YAML::Node& node) {
  context.check_keys(node, {"type"}, "product `" + name + "`");
  return std::make_unique<Product>(name);
}

}  // namespace hydromet::detail
