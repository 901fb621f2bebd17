// Tests of the RAII owners of SUNDIALS objects.
#include <doctest/doctest.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <utility>
#include <vector>

#include "hydromet/core/error.hpp"
#include "numerics/sundials_wrappers.hpp"

using namespace hydromet::numerics;
namespace sun = hydromet::numerics::sundials;

namespace {

// [[4, −1, 0], [−1, 4, −1], [0, −1, 4]] · [1, 2, 3] = [2, 4, 10].
void solve_tridiagonal(bool sparse) {
  sun::Context context;
  const auto pattern =
      SparsityPattern::from_entries(3, std::vector<std::pair<std::size_t, std::size_t>>{
                                           {0, 0}, {1, 0}, {0, 1}, {1, 1}, {2, 1}, {1, 2}, {2, 2}});
  std::vector<double> values(pattern.nonzeros());
  for (std::size_t k = 0; k < values.size(); ++k) {
    values[k] = pattern.entries()[k].first == pattern.entries()[k].second ? 4.0 : -1.0;
  }
  const std::vector<double> rhs{2.0, 4.0, 10.0};
  sun::SerialVector x(3, context.get());
  sun::SerialVector b(rhs, context.get());
  auto matrix = sparse ? sun::Matrix::sparse(pattern, context.get()) : sun::Matrix::dense(3, context.get());
  CHECK(matrix.is_sparse() == sparse);
  sun::store_matrix(pattern, values, matrix.get());
  auto solver = sparse ? sun::LinearSolver::klu(x.get(), matrix.get(), context.get())
                       : sun::LinearSolver::dense(x.get(), matrix.get(), context.get());
  CHECK(solver.name() == (sparse ? "KLU" : "dense"));
  solver.solve(matrix.get(), x.get(), b.get());
  CHECK(x.values()[0] == doctest::Approx(1.0).epsilon(1e-14));
  CHECK(x.values()[1] == doctest::Approx(2.0).epsilon(1e-14));
  CHECK(x.values()[2] == doctest::Approx(3.0).epsilon(1e-14));
}

}  // namespace

TEST_CASE("serial vectors own and expose their data") {
  sun::Context context;
  REQUIRE(context.get() != nullptr);
  sun::SerialVector v(std::vector<double>{1.0, 2.0, 3.0}, context.get());
  CHECK(v.size() == 3);
  CHECK(sun::values_of(v.get())[2] == 3.0);
  sun::SerialVector moved = std::move(v);
  CHECK(v.get() == nullptr);  // NOLINT(bugprone-use-after-move): moved-from state is specified
  CHECK(moved.size() == 3);
  CHECK_THROWS_AS(moved.assign(std::vector<double>{1.0}), hydromet::Error);
  sun::Context other = std::move(context);
  CHECK(other.get() != nullptr);
}

TEST_CASE("a sparse matrix zeroes its values, row indices and column pointers") {
  // The integrators call SUNMatZero before every Jacobian; the wrapper's matrix does it with its own
  // function.
  sun::Context context;
  const auto pattern = SparsityPattern::from_entries(
      3, std::vector<std::pair<std::size_t, std::size_t>>{{0, 0}, {2, 0}, {1, 1}, {0, 2}, {2, 2}});
  auto matrix = sun::Matrix::sparse(pattern, context.get());
  sun::store_matrix(pattern, std::vector<double>{1.0, 2.0, 3.0, 4.0, 5.0}, matrix.get());
  REQUIRE(SM_INDEXPTRS_S(matrix.get())[3] == 5);
  REQUIRE(SUNMatZero(matrix.get()) == SUNMAT_SUCCESS);
  for (sunindextype k = 0; k < SM_NNZ_S(matrix.get()); ++k) {
    CHECK(SM_DATA_S(matrix.get())[k] == 0.0);
    CHECK(SM_INDEXVALS_S(matrix.get())[k] == 0);
  }
  for (sunindextype j = 0; j <= SM_NP_S(matrix.get()); ++j) {
    CHECK(SM_INDEXPTRS_S(matrix.get())[j] == 0);
  }
}

TEST_CASE("a sparse matrix's copy, clone and c A + I give SUNDIALS's own results, bit for bit") {
  // CVODES copies its saved Jacobian into a clone and forms I − γJ at every set-up, with the wrapper's own
  // operations; each must leave what SUNMatCopy_Sparse and SUNMatScaleAddI_Sparse would, the latter also
  // when a column lacks its diagonal (then SUNDIALS's own inserts it).
  sun::Context context;
  const std::vector<std::pair<std::size_t, std::size_t>> with_diagonal{
      {0, 0}, {2, 0}, {1, 1}, {0, 2}, {2, 2}};
  const std::vector<std::pair<std::size_t, std::size_t>> without{{2, 0}, {1, 1}, {0, 2}};
  for (const auto* entries : {&with_diagonal, &without}) {
    const auto pattern = SparsityPattern::from_entries(3, *entries);
    std::vector<double> values;
    for (std::size_t k = 0; k < pattern.nonzeros(); ++k) {
      values.push_back(0.1 * static_cast<double>(k + 1) + 1.0 / 3.0);
    }
    auto ours = sun::Matrix::sparse(pattern, context.get());
    sun::store_matrix(pattern, values, ours.get());
    SUNMatrix reference =
        SUNSparseMatrix(3, 3, static_cast<sunindextype>(pattern.nonzeros()), CSC_MAT, context.get());
    REQUIRE(SUNMatCopy_Sparse(ours.get(), reference) == SUNMAT_SUCCESS);

    SUNMatrix clone = SUNMatClone(ours.get());
    REQUIRE(clone != nullptr);
    const bool same_copy = clone->ops->copy == ours.get()->ops->copy;
    CHECK(same_copy);  // the clone keeps the wrapper's operations
    REQUIRE(SUNMatCopy(ours.get(), clone) == SUNMAT_SUCCESS);
    const double gamma = -0.7;
    REQUIRE(SUNMatScaleAddI(gamma, clone) == SUNMAT_SUCCESS);
    REQUIRE(SUNMatScaleAddI_Sparse(gamma, reference) == SUNMAT_SUCCESS);
    const auto nonzeros = SM_INDEXPTRS_S(reference)[3];
    REQUIRE(SM_INDEXPTRS_S(clone)[3] == nonzeros);
    CHECK(nonzeros == 5);  // the diagonal entries are there in both cases now
    for (sunindextype k = 0; k < nonzeros; ++k) {
      CHECK(SM_DATA_S(clone)[k] == SM_DATA_S(reference)[k]);
      CHECK(SM_INDEXVALS_S(clone)[k] == SM_INDEXVALS_S(reference)[k]);
    }
    for (sunindextype j = 0; j <= 3; ++j) {
      CHECK(SM_INDEXPTRS_S(clone)[j] == SM_INDEXPTRS_S(reference)[j]);
    }
    SUNMatDestroy(clone);
    SUNMatDestroy(reference);
  }
}

TEST_CASE("dense and KLU linear solvers solve through the wrappers") {
  solve_tridiagonal(false);
  solve_tridiagonal(true);
}

TEST_CASE("KLU pivots afresh on request and keeps its symbolic analysis") {
  // The 2x2 block [[a, 1], [1, 1]]: after a first factorisation with a = 4 (diagonal pivots), a = 0 puts a
  // zero on the old pivot. With fresh pivots the solve is exact, and the analysis object is the same one.
  sun::Context context;
  const auto pattern = SparsityPattern::from_entries(
      2, std::vector<std::pair<std::size_t, std::size_t>>{{0, 0}, {1, 0}, {0, 1}, {1, 1}});
  const auto entries = pattern.entries();
  const auto values_with = [&](double a) {
    std::vector<double> values(pattern.nonzeros(), 1.0);
    for (std::size_t k = 0; k < values.size(); ++k) {
      if (entries[k] == std::pair<std::size_t, std::size_t>{0, 0}) {
        values[k] = a;
      }
    }
    return values;
  };
  auto matrix = sun::Matrix::sparse(pattern, context.get());
  sun::SerialVector x(2, context.get());
  sun::SerialVector b(std::vector<double>{3.0, 5.0}, context.get());
  auto solver = sun::LinearSolver::klu(x.get(), matrix.get(), context.get());
  sun::store_matrix(pattern, values_with(4.0), matrix.get());
  REQUIRE(SUNLinSolInitialize(solver.get()) == SUNLS_SUCCESS);
  REQUIRE(SUNLinSolSetup(solver.get(), matrix.get()) == SUNLS_SUCCESS);
  REQUIRE(SUNLinSolSolve(solver.get(), matrix.get(), x.get(), b.get(), 0.0) == SUNLS_SUCCESS);
  CHECK(x.values()[0] == doctest::Approx(-2.0 / 3.0).epsilon(1e-14));  // 4 x + y = 3, x + y = 5
  const auto* analysis = SUNLinSol_KLUGetSymbolic(solver.get());

  sun::store_matrix(pattern, values_with(0.0), matrix.get());  // y = 3, x + y = 5
  solver.pivot_afresh(matrix.get());
  REQUIRE(SUNLinSolSetup(solver.get(), matrix.get()) == SUNLS_SUCCESS);
  REQUIRE(SUNLinSolSolve(solver.get(), matrix.get(), x.get(), b.get(), 0.0) == SUNLS_SUCCESS);
  CHECK(x.values()[0] == 2.0);
  CHECK(x.values()[1] == 3.0);
  CHECK(SUNLinSol_KLUGetSymbolic(solver.get()) == analysis);

  // Later setups refactorise with the new pivots.
  sun::store_matrix(pattern, values_with(-1.0), matrix.get());  // −x + y = 3, x + y = 5
  REQUIRE(SUNLinSolSetup(solver.get(), matrix.get()) == SUNLS_SUCCESS);
  REQUIRE(SUNLinSolSolve(solver.get(), matrix.get(), x.get(), b.get(), 0.0) == SUNLS_SUCCESS);
  CHECK(x.values()[0] == doctest::Approx(1.0).epsilon(1e-14));
  CHECK(x.values()[1] == doctest::Approx(4.0).epsilon(1e-14));
  CHECK(SUNLinSol_KLUGetSymbolic(solver.get()) == analysis);

  // Dense LU pivots at every factorisation: nothing to do.
  auto dense_matrix = sun::Matrix::dense(2, context.get());
  auto dense = sun::LinearSolver::dense(x.get(), dense_matrix.get(), context.get());
  dense.pivot_afresh(dense_matrix.get());
}

TEST_CASE("solver memory of each package is created and freed") {
  sun::Context context;
  for (const auto package : {sun::Package::cvodes, sun::Package::idas, sun::Package::kinsol}) {
    sun::SolverMemory memory(package, context.get());
    CHECK(memory.get() != nullptr);
    CHECK(memory.package() == package);
  }
}
