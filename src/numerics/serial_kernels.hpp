// Internal to numerics: compiled-here replacements for the element-wise operations of SUNDIALS's serial
// N_Vector, with the same arithmetic element by element (so the solvers' results do not change).
#pragma once

#include <nvector/nvector_serial.h>

namespace hydromet::numerics::detail {

/// Points the element-wise operations of a serial N_Vector (linear sums, scaling, weighted norms, ...) at
/// kernels built with this library's optimisation flags. A distribution's SUNDIALS may be built without
/// optimisation (Debian's 6.4 is: one N_VLinearSum on 3300 entries costs ~68k instructions), and the
/// integrators spend most of their own time in these operations. Vectors cloned from `vector` (every
/// vector CVODES and IDAS allocate from y0) inherit the table. Each kernel computes what SUNDIALS's serial
/// vector computes, case by case, in the same order, so results are identical to the last bit.
void use_compiled_kernels(N_Vector vector);

}  // namespace hydromet::numerics::detail
