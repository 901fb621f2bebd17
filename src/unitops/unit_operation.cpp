// Defaults of the UnitOperation interface.
#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet {

Vector UnitOperation::element_inventory(ConstSpan y) const {
  (void)y;
  return Vector::Zero(components_ ? static_cast<Eigen::Index>(components_->elements().size()) : 0);
}

}  // namespace hydromet
