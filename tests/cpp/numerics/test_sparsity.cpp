// Tests of SparsityPattern and the Curtis–Powell–Reid column colouring.
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "hydromet/core/error.hpp"
#include "hydromet/numerics/sparsity.hpp"

using hydromet::numerics::colour_columns;
using hydromet::numerics::ColumnColouring;
using hydromet::numerics::SparsityPattern;

namespace {

using Entries = std::vector<std::pair<std::size_t, std::size_t>>;

SparsityPattern tridiagonal(std::size_t n) {
  Entries entries;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = (i == 0 ? 0 : i - 1); j <= i + 1 && j < n; ++j) {
      entries.emplace_back(i, j);
    }
  }
  return SparsityPattern::from_entries(n, entries);
}

// Independent check: within every row, the columns present have pairwise different colours.
bool colouring_is_valid(const SparsityPattern& pattern, const ColumnColouring& colouring) {
  if (colouring.colour_of_column.size() != pattern.size()) {
    return false;
  }
  std::vector<std::set<std::size_t>> colours_in_row(pattern.size());
  for (const auto& [row, column] : pattern.entries()) {
    const std::size_t colour = colouring.colour_of_column[column];
    if (colour >= colouring.colours || !colours_in_row[row].insert(colour).second) {
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("SparsityPattern from entries merges duplicates and sorts rows") {
  const Entries entries{{2, 0}, {0, 0}, {2, 0}, {1, 2}, {0, 2}, {2, 2}};
  const auto pattern = SparsityPattern::from_entries(3, entries);
  CHECK(pattern.size() == 3);
  CHECK(pattern.nonzeros() == 5);
  CHECK(std::vector<std::size_t>(pattern.column_pointers().begin(), pattern.column_pointers().end()) ==
        std::vector<std::size_t>{0, 2, 2, 5});
  CHECK(std::vector<std::size_t>(pattern.row_indices().begin(), pattern.row_indices().end()) ==
        std::vector<std::size_t>{0, 2, 0, 1, 2});
  CHECK(pattern.contains(1, 2));
  CHECK_FALSE(pattern.contains(1, 0));
  CHECK(pattern.find(2, 2) == 4);
  CHECK(pattern.find(5, 0) == SparsityPattern::npos);
  CHECK_THROWS_AS((void)SparsityPattern::from_entries(3, Entries{{3, 0}}), hydromet::Error);
}

TEST_CASE("SparsityPattern dense, diagonal, union and with_diagonal") {
  CHECK(SparsityPattern::dense(4).nonzeros() == 16);
  CHECK(SparsityPattern::diagonal(4).nonzeros() == 4);
  CHECK(SparsityPattern(4).nonzeros() == 0);

  const auto a = SparsityPattern::from_entries(3, Entries{{0, 1}, {2, 2}});
  const auto b = SparsityPattern::from_entries(3, Entries{{1, 1}, {0, 1}});
  const auto u = a.union_with(b);
  CHECK(u == SparsityPattern::from_entries(3, Entries{{0, 1}, {1, 1}, {2, 2}}));
  CHECK(a.with_diagonal() == SparsityPattern::from_entries(3, Entries{{0, 0}, {1, 1}, {2, 2}, {0, 1}}));
  CHECK(SparsityPattern::dense(3).with_diagonal() == SparsityPattern::dense(3));
  CHECK_THROWS_AS((void)a.union_with(SparsityPattern(4)), hydromet::Error);
}

TEST_CASE("SparsityPattern from CSC arrays") {
  const std::vector<std::size_t> pointers{0, 3, 4};
  const std::vector<std::size_t> rows{1, 0, 1, 1};
  const auto pattern = SparsityPattern::from_csc(2, pointers, rows);
  CHECK(pattern == SparsityPattern::from_entries(2, Entries{{0, 0}, {1, 0}, {1, 1}}));
  const std::vector<std::size_t> bad_pointers{0, 3};
  CHECK_THROWS_AS((void)SparsityPattern::from_csc(2, bad_pointers, rows), hydromet::Error);
  const std::vector<std::size_t> bad_rows{0, 2, 1, 1};
  CHECK_THROWS_AS((void)SparsityPattern::from_csc(2, pointers, bad_rows), hydromet::Error);
}

TEST_CASE("colouring of structured patterns") {
  const auto chain = tridiagonal(12);
  const auto colouring = colour_columns(chain);
  CHECK(colouring.colours == 3);
  CHECK(colouring_is_valid(chain, colouring));
  CHECK(colouring.columns_by_colour().size() == 3);

  CHECK(colour_columns(SparsityPattern::dense(7)).colours == 7);
  CHECK(colour_columns(SparsityPattern::diagonal(7)).colours == 1);
  CHECK(colour_columns(SparsityPattern(0)).colours == 0);

  // Block diagonal with dense 3×3 blocks: 3 colours whatever the number of blocks.
  Entries blocks;
  for (std::size_t b = 0; b < 5; ++b) {
    for (std::size_t i = 0; i < 3; ++i) {
      for (std::size_t j = 0; j < 3; ++j) {
        blocks.emplace_back(3 * b + i, 3 * b + j);
      }
    }
  }
  CHECK(colour_columns(SparsityPattern::from_entries(15, blocks)).colours == 3);
}

TEST_CASE("SparsityPattern from random entries: every entry once, sorted; find_sorted agrees with find") {
  std::mt19937 generator(20261129);
  for (const std::size_t n : {1UL, 7UL, 60UL}) {
    std::uniform_int_distribution<std::size_t> index(0, n - 1);
    Entries entries;
    for (std::size_t k = 0; k < 3 * n * n / 4 + 1; ++k) {
      entries.emplace_back(index(generator), index(generator));
    }
    const auto pattern = SparsityPattern::from_entries(n, entries);
    const std::set<std::pair<std::size_t, std::size_t>> unique(entries.begin(), entries.end());
    CHECK(pattern.nonzeros() == unique.size());
    for (const auto& [row, column] : unique) {
      CHECK(pattern.contains(row, column));
    }
    for (std::size_t j = 0; j < n; ++j) {
      const auto rows = pattern.rows_of_column(j);
      CHECK(std::is_sorted(rows.begin(), rows.end()));
      // Every row index, present or not: positions as find() gives them.
      std::vector<std::size_t> all(n);
      std::iota(all.begin(), all.end(), 0UL);
      std::vector<std::size_t> positions(n);
      pattern.find_sorted(j, all, positions);
      for (std::size_t i = 0; i < n; ++i) {
        CHECK(positions[i] == pattern.find(i, j));
      }
    }
  }
  const auto pattern = tridiagonal(4);
  std::vector<std::size_t> positions(2);
  CHECK_THROWS_AS(pattern.find_sorted(1, std::vector<std::size_t>{2, 0}, positions), hydromet::Error);
  CHECK_THROWS_AS(pattern.find_sorted(1, std::vector<std::size_t>{0}, positions), hydromet::Error);
}

TEST_CASE("colouring is valid on random patterns") {
  std::mt19937 generator(20240611);
  for (const std::size_t n : {1UL, 5UL, 40UL, 200UL}) {
    for (const double density : {0.01, 0.05, 0.2, 0.6}) {
      std::uniform_int_distribution<std::size_t> index(0, n - 1);
      const auto count = static_cast<std::size_t>(density * static_cast<double>(n * n)) + 1;
      Entries entries;
      for (std::size_t k = 0; k < count; ++k) {
        entries.emplace_back(index(generator), index(generator));
      }
      const auto pattern = SparsityPattern::from_entries(n, entries).with_diagonal();
      const auto colouring = colour_columns(pattern);
      CAPTURE(n);
      CAPTURE(density);
      CHECK(colouring_is_valid(pattern, colouring));
      CHECK(colouring.colours <= n);
      // Every colour is used.
      for (const auto& group : colouring.columns_by_colour()) {
        CHECK_FALSE(group.empty());
      }
    }
  }
}
