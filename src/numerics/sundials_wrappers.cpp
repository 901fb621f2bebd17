// RAII owners of SUNDIALS objects.
#include "numerics/sundials_wrappers.hpp"

#include <sunlinsol/sunlinsol_dense.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "hydromet/core/error.hpp"

namespace hydromet::numerics::sundials {

namespace {

sunindextype to_index(std::size_t n) { return static_cast<sunindextype>(n); }

[[noreturn]] void allocation_failed(const char* what) {
  throw SolverError(std::string(what) + " returned no object (out of memory?)",
                    SolverError::Details{"SUNDIALS", "", std::numeric_limits<double>::quiet_NaN(), {}});
}

}  // namespace

void check_flag(int flag, const char* what) {
  if (flag != 0) {
    throw SolverError(
        std::string(what) + " failed with flag " + std::to_string(flag),
        SolverError::Details{"SUNDIALS", std::to_string(flag), std::numeric_limits<double>::quiet_NaN(), {}});
  }
}

// ---- Context ----

Context::Context() { check_flag(create_context(&context_), "SUNContext_Create"); }

Context::~Context() {
  if (context_ != nullptr) {
    SUNContext_Free(&context_);
  }
}

Context::Context(Context&& other) noexcept : context_(std::exchange(other.context_, nullptr)) {}

Context& Context::operator=(Context&& other) noexcept {
  if (this != &other) {
    if (context_ != nullptr) {
      SUNContext_Free(&context_);
    }
    context_ = std::exchange(other.context_, nullptr);
  }
  return *this;
}

// ---- SerialVector ----

SerialVector::SerialVector(std::size_t size, SUNContext context)
    : vector_(N_VNew_Serial(to_index(size), context)) {
  if (vector_ == nullptr) {
    allocation_failed("N_VNew_Serial");
  }
  std::fill(values().begin(), values().end(), 0.0);
}

SerialVector::SerialVector(std::span<const double> values, SUNContext context)
    : SerialVector(values.size(), context) {
  assign(values);
}

SerialVector::~SerialVector() {
  if (vector_ != nullptr) {
    N_VDestroy(vector_);
  }
}

SerialVector::SerialVector(SerialVector&& other) noexcept : vector_(std::exchange(other.vector_, nullptr)) {}

SerialVector& SerialVector::operator=(SerialVector&& other) noexcept {
  if (this != &other) {
    if (vector_ != nullptr) {
      N_VDestroy(vector_);
    }
    vector_ = std::exchange(other.vector_, nullptr);
  }
  return *this;
}

std::size_t SerialVector::size() const {
  return vector_ ? static_cast<std::size_t>(NV_LENGTH_S(vector_)) : 0;
}

std::span<double> SerialVector::values() const { return vector_ ? values_of(vector_) : std::span<double>(); }

void SerialVector::assign(std::span<const double> source) {
  const auto target = values();
  if (source.size() != target.size()) {
    throw Error("SerialVector::assign: " + std::to_string(source.size()) + " values for a vector of " +
                std::to_string(target.size()));
  }
  std::copy(source.begin(), source.end(), target.begin());
}

std::span<double> values_of(N_Vector vector) {
  return {NV_DATA_S(vector), static_cast<std::size_t>(NV_LENGTH_S(vector))};
}

// ---- Matrix ----

Matrix Matrix::dense(std::size_t n, SUNContext context) {
  SUNMatrix matrix = SUNDenseMatrix(to_index(n), to_index(n), context);
  if (matrix == nullptr) {
    allocation_failed("SUNDenseMatrix");
  }
  return Matrix(matrix);
}

namespace {

// SUNMatZero_Sparse's result (every value, row index and column pointer zero) with std::fill: the integrators
// zero the matrix before every Jacobian call, and the distribution's SUNDIALS may be built without
// optimisation (Debian's 6.4: 0.5 M instructions for the W plant's 24 k entries).
int zero_sparse(SUNMatrix matrix) {
  const auto entries = static_cast<std::size_t>(SM_NNZ_S(matrix));
  const auto pointers = static_cast<std::size_t>(SM_NP_S(matrix)) + 1;
  std::fill(SM_DATA_S(matrix), SM_DATA_S(matrix) + entries, 0.0);
  std::fill(SM_INDEXVALS_S(matrix), SM_INDEXVALS_S(matrix) + entries, sunindextype{0});
  std::fill(SM_INDEXPTRS_S(matrix), SM_INDEXPTRS_S(matrix) + pointers, sunindextype{0});
  return SUNMAT_SUCCESS;
}

// B = A. Debian's build copies element by element after zeroing B (about 30 instructions an entry): CVODES
// copies its saved Jacobian at every linear-solver set-up. B too small or of another shape: SUNDIALS's own.
int copy_sparse(SUNMatrix from, SUNMatrix to) {
  const sunindextype used = SM_INDEXPTRS_S(from)[SM_NP_S(from)];
  if (SM_NNZ_S(to) < used || SM_NP_S(to) != SM_NP_S(from) || SM_ROWS_S(to) != SM_ROWS_S(from) ||
      SM_COLUMNS_S(to) != SM_COLUMNS_S(from) || SM_SPARSETYPE_S(to) != SM_SPARSETYPE_S(from)) {
    return SUNMatCopy_Sparse(from, to);
  }
  const auto count = static_cast<std::size_t>(used);
  const auto room = static_cast<std::size_t>(SM_NNZ_S(to));
  std::copy_n(SM_DATA_S(from), count, SM_DATA_S(to));
  std::copy_n(SM_INDEXVALS_S(from), count, SM_INDEXVALS_S(to));
  std::fill(SM_DATA_S(to) + count, SM_DATA_S(to) + room, 0.0);
  std::fill(SM_INDEXVALS_S(to) + count, SM_INDEXVALS_S(to) + room, sunindextype{0});
  std::copy_n(SM_INDEXPTRS_S(from), static_cast<std::size_t>(SM_NP_S(from)) + 1, SM_INDEXPTRS_S(to));
  return SUNMAT_SUCCESS;
}

// A = c A + I in place (CVODES' Newton matrix I − γJ at every set-up), when every column (row, CSR) holds its
// diagonal entry, as the solvers' patterns do; else SUNDIALS's own, which inserts the missing ones.
int scale_add_identity_sparse(sunrealtype c, SUNMatrix matrix) {
  const sunindextype lines = SM_NP_S(matrix);
  const sunindextype* starts = SM_INDEXPTRS_S(matrix);
  const sunindextype* indices = SM_INDEXVALS_S(matrix);
  if (SM_ROWS_S(matrix) != SM_COLUMNS_S(matrix)) {
    return SUNMatScaleAddI_Sparse(c, matrix);
  }
  for (sunindextype j = 0; j < lines; ++j) {
    if (std::find(indices + starts[j], indices + starts[j + 1], j) == indices + starts[j + 1]) {
      return SUNMatScaleAddI_Sparse(c, matrix);
    }
  }
  sunrealtype* values = SM_DATA_S(matrix);
  for (sunindextype j = 0; j < lines; ++j) {
    for (sunindextype k = starts[j]; k < starts[j + 1]; ++k) {
      values[k] *= c;
      if (indices[k] == j) {
        values[k] += 1.0;
      }
    }
  }
  return SUNMAT_SUCCESS;
}

// A clone (CVODES' saved Jacobian) with the original's operations, this one included.
SUNMatrix clone_sparse(SUNMatrix matrix) {
  SUNMatrix clone = SUNMatClone_Sparse(matrix);
  if (clone != nullptr && SUNMatCopyOps(matrix, clone) != SUNMAT_SUCCESS) {
    SUNMatDestroy(clone);
    return nullptr;
  }
  return clone;
}

void use_own_sparse_operations(SUNMatrix matrix) {
  matrix->ops->zero = zero_sparse;
  matrix->ops->copy = copy_sparse;
  matrix->ops->scaleaddi = scale_add_identity_sparse;
  matrix->ops->clone = clone_sparse;
}

}  // namespace

Matrix Matrix::sparse(const SparsityPattern& pattern, SUNContext context) {
  // SUNDIALS rejects NNZ = 0; one slot of room costs nothing.
  const std::size_t capacity = std::max<std::size_t>(pattern.nonzeros(), 1);
  SUNMatrix matrix = SUNSparseMatrix(to_index(pattern.size()), to_index(pattern.size()), to_index(capacity),
                                     CSC_MAT, context);
  if (matrix == nullptr) {
    allocation_failed("SUNSparseMatrix");
  }
  use_own_sparse_operations(matrix);
  Matrix result(matrix);
  std::vector<double> zeros(pattern.nonzeros(), 0.0);
  store_matrix(pattern, zeros, matrix);
  return result;
}

Matrix::~Matrix() {
  if (matrix_ != nullptr) {
    SUNMatDestroy(matrix_);
  }
}

Matrix::Matrix(Matrix&& other) noexcept : matrix_(std::exchange(other.matrix_, nullptr)) {}

Matrix& Matrix::operator=(Matrix&& other) noexcept {
  if (this != &other) {
    if (matrix_ != nullptr) {
      SUNMatDestroy(matrix_);
    }
    matrix_ = std::exchange(other.matrix_, nullptr);
  }
  return *this;
}

bool Matrix::is_sparse() const { return matrix_ != nullptr && SUNMatGetID(matrix_) == SUNMATRIX_SPARSE; }

void store_matrix(const SparsityPattern& pattern, std::span<const double> values, SUNMatrix matrix) {
  const std::size_t n = pattern.size();
  if (values.size() != pattern.nonzeros()) {
    throw Error("store_matrix: " + std::to_string(values.size()) + " values for a pattern with " +
                std::to_string(pattern.nonzeros()) + " entries");
  }
  const auto column_pointers = pattern.column_pointers();
  const auto row_indices = pattern.row_indices();
  switch (SUNMatGetID(matrix)) {
    case SUNMATRIX_DENSE: {
      if (static_cast<std::size_t>(SM_ROWS_D(matrix)) != n ||
          static_cast<std::size_t>(SM_COLUMNS_D(matrix)) != n) {
        throw Error("store_matrix: dense matrix size does not match the pattern");
      }
      for (std::size_t j = 0; j < n; ++j) {
        double* column = SM_COLUMN_D(matrix, j);
        std::fill(column, column + n, 0.0);
        for (std::size_t k = column_pointers[j]; k < column_pointers[j + 1]; ++k) {
          column[row_indices[k]] = values[k];
        }
      }
      return;
    }
    case SUNMATRIX_SPARSE: {
      if (SM_SPARSETYPE_S(matrix) != CSC_MAT || static_cast<std::size_t>(SM_ROWS_S(matrix)) != n ||
          static_cast<std::size_t>(SM_COLUMNS_S(matrix)) != n) {
        throw Error("store_matrix: sparse matrix is not CSC of the pattern's size");
      }
      // A solver may have shrunk or grown the storage (SUNMatCopy); make room again.
      if (static_cast<std::size_t>(SM_NNZ_S(matrix)) < pattern.nonzeros()) {
        check_flag(SUNSparseMatrix_Reallocate(matrix, to_index(pattern.nonzeros())),
                   "SUNSparseMatrix_Reallocate");
      }
      sunindextype* pointers = SM_INDEXPTRS_S(matrix);
      sunindextype* rows = SM_INDEXVALS_S(matrix);
      double* data = SM_DATA_S(matrix);
      for (std::size_t j = 0; j <= n; ++j) {
        pointers[j] = to_index(column_pointers[j]);
      }
      for (std::size_t k = 0; k < pattern.nonzeros(); ++k) {
        rows[k] = to_index(row_indices[k]);
        data[k] = values[k];
      }
      return;
    }
    default:
      throw Error("store_matrix: only dense and sparse SUNMatrix are supported");
  }
}

// ---- LinearSolver ----

namespace {

// A value of the KLU content's first_factorize flag that SUNDIALS never sets (it uses 0 and 1): factorise
// with fresh pivots at the next setup, keeping the symbolic analysis.
constexpr int factorise_with_kept_analysis = 2;

// SUNLinSolSetup_KLU, except when LinearSolver::pivot_afresh asked for a factorisation with fresh pivots.
int klu_setup(SUNLinearSolver solver, SUNMatrix matrix) {
  auto* content = static_cast<SUNLinearSolverContent_KLU>(solver->content);
  if (content->first_factorize == factorise_with_kept_analysis) {
    if (content->numeric != nullptr) {
      sun_klu_free_numeric(&content->numeric, &content->common);
    }
    content->numeric = sun_klu_factor(SM_INDEXPTRS_S(matrix), SM_INDEXVALS_S(matrix), SM_DATA_S(matrix),
                                      content->symbolic, &content->common);
    if (content->numeric != nullptr) {
      content->first_factorize = 0;
      content->last_flag = SUNLS_SUCCESS;
      return SUNLS_SUCCESS;
    }
    content->first_factorize = 1;  // analyse afresh too, and let SUNDIALS report what fails
  }
  return SUNLinSolSetup_KLU(solver, matrix);
}

}  // namespace

LinearSolver LinearSolver::dense(N_Vector y, SUNMatrix matrix, SUNContext context) {
  SUNLinearSolver solver = SUNLinSol_Dense(y, matrix, context);
  if (solver == nullptr) {
    allocation_failed("SUNLinSol_Dense");
  }
  return LinearSolver(solver, "dense");
}

LinearSolver LinearSolver::klu(N_Vector y, SUNMatrix matrix, SUNContext context) {
  SUNLinearSolver solver = SUNLinSol_KLU(y, matrix, context);
  if (solver == nullptr) {
    allocation_failed("SUNLinSol_KLU");
  }
  // AMD on A + A^T, KLU's own default, instead of the wrapper's COLAMD: our Jacobians are nearly structurally
  // symmetric, and AMD never filled more in the measured cases (leach train L+U 2 220 against 11 040 entries,
  // Nb/Ta plant 6 629 against 12 566, W plant 27 979 against 28 830; docs/models/numerics.md).
  constexpr int amd_ordering = 0;
  LinearSolver owned(solver, "KLU");
  check_flag(SUNLinSol_KLUSetOrdering(solver, amd_ordering), "SUNLinSol_KLUSetOrdering");
  solver->ops->setup = klu_setup;
  return owned;
}

void LinearSolver::pivot_afresh(SUNMatrix matrix) {
  if (name_ != "KLU") {
    return;
  }
  auto* content = static_cast<SUNLinearSolverContent_KLU>(solver_->content);
  if (content->first_factorize == factorise_with_kept_analysis) {
    return;
  }
  if (content->first_factorize == 0 && content->symbolic != nullptr) {
    content->first_factorize = factorise_with_kept_analysis;
    return;
  }
  check_flag(SUNLinSol_KLUReInit(solver_, matrix, SM_NNZ_S(matrix), SUNKLU_REINIT_PARTIAL),
             "SUNLinSol_KLUReInit");
}

LinearSolver::~LinearSolver() {
  if (solver_ != nullptr) {
    SUNLinSolFree(solver_);
  }
}

LinearSolver::LinearSolver(LinearSolver&& other) noexcept
    : solver_(std::exchange(other.solver_, nullptr)), name_(std::move(other.name_)) {}

LinearSolver& LinearSolver::operator=(LinearSolver&& other) noexcept {
  if (this != &other) {
    if (solver_ != nullptr) {
      SUNLinSolFree(solver_);
    }
    solver_ = std::exchange(other.solver_, nullptr);
    name_ = std::move(other.name_);
  }
  return *this;
}

void LinearSolver::solve(SUNMatrix matrix, N_Vector x, N_Vector b) {
  check_flag(SUNLinSolInitialize(solver_), "SUNLinSolInitialize");
  check_flag(SUNLinSolSetup(solver_, matrix), "SUNLinSolSetup");
  check_flag(SUNLinSolSolve(solver_, matrix, x, b, 0.0), "SUNLinSolSolve");
}

// ---- SolverMemory ----

SolverMemory::SolverMemory(Package package, SUNContext context) : package_(package) {
  switch (package) {
    case Package::cvodes:
      memory_ = CVodeCreate(CV_BDF, context);
      break;
    case Package::idas:
      memory_ = IDACreate(context);
      break;
    case Package::kinsol:
      memory_ = KINCreate(context);
      break;
  }
  if (memory_ == nullptr) {
    allocation_failed(package == Package::cvodes ? "CVodeCreate"
                      : package == Package::idas ? "IDACreate"
                                                 : "KINCreate");
  }
}

SolverMemory::~SolverMemory() { release(); }

SolverMemory::SolverMemory(SolverMemory&& other) noexcept
    : package_(other.package_), memory_(std::exchange(other.memory_, nullptr)) {}

SolverMemory& SolverMemory::operator=(SolverMemory&& other) noexcept {
  if (this != &other) {
    release();
    package_ = other.package_;
    memory_ = std::exchange(other.memory_, nullptr);
  }
  return *this;
}

void SolverMemory::release() noexcept {
  if (memory_ == nullptr) {
    return;
  }
  switch (package_) {
    case Package::cvodes:
      CVodeFree(&memory_);
      break;
    case Package::idas:
      IDAFree(&memory_);
      break;
    case Package::kinsol:
      KINFree(&memory_);
      break;
  }
  memory_ = nullptr;
}

}  // namespace hydromet::numerics::sundials
