// Internal to numerics (only src/numerics and its tests include it): RAII owners of SUNDIALS
// objects (context, serial vector, dense/CSC matrix, dense/KLU linear solver, solver memory).
#pragma once

#include <nvector/nvector_serial.h>
#include <sundials/sundials_linearsolver.h>
#include <sundials/sundials_matrix.h>

#include <cstddef>
#include <span>
#include <string>
#include <utility>

#include "hydromet/numerics/sparsity.hpp"
#include "numerics/sundials_compat.hpp"

namespace hydromet::numerics::sundials {

/// Throws hydromet::SolverError("SUNDIALS", ...) when `flag` is not 0; `what` names the call.
void check_flag(int flag, const char* what);

/// Owns a SUNContext. Move-only.
class Context {
 public:
  Context();
  ~Context();
  Context(Context&& other) noexcept;
  Context& operator=(Context&& other) noexcept;
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  [[nodiscard]] SUNContext get() const { return context_; }

 private:
  SUNContext context_ = nullptr;
};

/// Owns a serial N_Vector. Move-only.
class SerialVector {
 public:
  SerialVector() = default;
  SerialVector(std::size_t size, SUNContext context);
  /// A copy of `values`.
  SerialVector(std::span<const double> values, SUNContext context);
  ~SerialVector();
  SerialVector(SerialVector&& other) noexcept;
  SerialVector& operator=(SerialVector&& other) noexcept;
  SerialVector(const SerialVector&) = delete;
  SerialVector& operator=(const SerialVector&) = delete;

  [[nodiscard]] N_Vector get() const { return vector_; }
  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] std::span<double> values() const;
  void assign(std::span<const double> values);

 private:
  N_Vector vector_ = nullptr;
};

/// The entries of a serial N_Vector owned by someone else (e.g. one SUNDIALS passes a callback).
[[nodiscard]] std::span<double> values_of(N_Vector vector);

/// Owns a dense or CSC sparse SUNMatrix. Move-only.
class Matrix {
 public:
  Matrix() = default;
  /// n×n dense (column-major) matrix.
  [[nodiscard]] static Matrix dense(std::size_t n, SUNContext context);
  /// n×n CSC matrix with room for the pattern's entries, its index arrays set from the pattern.
  [[nodiscard]] static Matrix sparse(const SparsityPattern& pattern, SUNContext context);
  ~Matrix();
  Matrix(Matrix&& other) noexcept;
  Matrix& operator=(Matrix&& other) noexcept;
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;

  [[nodiscard]] SUNMatrix get() const { return matrix_; }
  [[nodiscard]] bool is_sparse() const;

 private:
  explicit Matrix(SUNMatrix matrix) : matrix_(matrix) {}
  SUNMatrix matrix_ = nullptr;
};

/// Writes a matrix given by a pattern and its values (pattern order) into a dense or CSC
/// SUNMatrix, setting the CSC index arrays as well (the solvers zero them before a Jacobian call).
void store_matrix(const SparsityPattern& pattern, std::span<const double> values, SUNMatrix matrix);

/// Owns a SUNLinearSolver (dense LU or KLU). Move-only.
class LinearSolver {
 public:
  LinearSolver() = default;
  [[nodiscard]] static LinearSolver dense(N_Vector y, SUNMatrix matrix, SUNContext context);
  [[nodiscard]] static LinearSolver klu(N_Vector y, SUNMatrix matrix, SUNContext context);
  ~LinearSolver();
  LinearSolver(LinearSolver&& other) noexcept;
  LinearSolver& operator=(LinearSolver&& other) noexcept;
  LinearSolver(const LinearSolver&) = delete;
  LinearSolver& operator=(const LinearSolver&) = delete;

  [[nodiscard]] SUNLinearSolver get() const { return solver_; }
  /// "dense" or "KLU".
  [[nodiscard]] const std::string& name() const { return name_; }
  /// Factorises `matrix` and solves matrix·x = b in place of x (mainly for tests).
  void solve(SUNMatrix matrix, N_Vector x, N_Vector b);
  /// KLU only (a no-op for dense LU, which pivots at every factorisation): the next setup factorises with
  /// fresh partial pivoting and the kept ordering instead of refactorising with the old pivots. Cheaper than
  /// SUNLinSol_KLUReInit, which also redoes the symbolic analysis (AMD, BTF) of an unchanged pattern; that
  /// re-initialisation is the fallback when there is no analysis yet or the factorisation fails (the setup
  /// then reports the failure itself).
  void pivot_afresh(SUNMatrix matrix);

 private:
  LinearSolver(SUNLinearSolver solver, std::string name) : solver_(solver), name_(std::move(name)) {}
  SUNLinearSolver solver_ = nullptr;
  std::string name_;
};

/// Owns the memory block of one CVODES (created for BDF), IDAS or KINSOL solver. Move-only.
class SolverMemory {
 public:
  SolverMemory() = default;
  SolverMemory(Package package, SUNContext context);
  ~SolverMemory();
  SolverMemory(SolverMemory&& other) noexcept;
  SolverMemory& operator=(SolverMemory&& other) noexcept;
  SolverMemory(const SolverMemory&) = delete;
  SolverMemory& operator=(const SolverMemory&) = delete;

  [[nodiscard]] void* get() const { return memory_; }
  [[nodiscard]] Package package() const { return package_; }

 private:
  void release() noexcept;
  Package package_ = Package::cvodes;
  void* memory_ = nullptr;
};

}  // namespace hydromet::numerics::sundials
