// Sparsity patterns and their greedy Curtis–Powell–Reid column colouring.
#include "hydromet/numerics/sparsity.hpp"

#include <algorithm>
#include <iterator>
#include <string>

#include "hydromet/core/error.hpp"

namespace hydromet::numerics {

namespace {

// Sorts (where they are not yet) and deduplicates the rows of every column in place, compacting the arrays.
void normalise_columns(std::vector<std::size_t>& pointers, std::vector<std::size_t>& rows) {
  std::size_t write = 0;
  std::size_t begin = pointers[0];
  for (std::size_t j = 0; j + 1 < pointers.size(); ++j) {
    const std::size_t end = pointers[j + 1];
    const auto first = rows.begin() + static_cast<std::ptrdiff_t>(begin);
    const auto last = rows.begin() + static_cast<std::ptrdiff_t>(end);
    if (!std::is_sorted(first, last)) {
      std::sort(first, last);
    }
    const auto unique_end = std::unique(first, last);
    pointers[j] = write;
    for (auto it = first; it != unique_end; ++it) {
      rows[write++] = *it;
    }
    begin = end;
  }
  pointers.back() = write;
  rows.resize(write);
}

}  // namespace

SparsityPattern::SparsityPattern(std::size_t n) : n_(n), column_pointers_(n + 1, 0) {}

SparsityPattern SparsityPattern::dense(std::size_t n) {
  SparsityPattern pattern(n);
  pattern.row_indices_.reserve(n * n);
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t i = 0; i < n; ++i) {
      pattern.row_indices_.push_back(i);
    }
    pattern.column_pointers_[j + 1] = pattern.row_indices_.size();
  }
  return pattern;
}

SparsityPattern SparsityPattern::diagonal(std::size_t n) {
  SparsityPattern pattern(n);
  pattern.row_indices_.resize(n);
  for (std::size_t j = 0; j < n; ++j) {
    pattern.row_indices_[j] = j;
    pattern.column_pointers_[j + 1] = j + 1;
  }
  return pattern;
}

SparsityPattern SparsityPattern::from_entries(std::size_t n,
                                              std::span<const std::pair<std::size_t, std::size_t>> entries) {
  // Two stable counting sorts, by row and then by column, leave the rows of every column in order (duplicates
  // adjacent) in O(entries + n): the patterns assembled here have tens of thousands of entries.
  std::vector<std::size_t> row_pointers(n + 1, 0);
  SparsityPattern pattern(n);
  for (const auto& [row, column] : entries) {
    if (row >= n || column >= n) {
      throw Error("sparsity pattern entry (" + std::to_string(row) + ", " + std::to_string(column) +
                  ") is outside a " + std::to_string(n) + "x" + std::to_string(n) + " matrix");
    }
    ++row_pointers[row + 1];
    ++pattern.column_pointers_[column + 1];
  }
  for (std::size_t j = 0; j < n; ++j) {
    row_pointers[j + 1] += row_pointers[j];
    pattern.column_pointers_[j + 1] += pattern.column_pointers_[j];
  }
  std::vector<std::size_t> columns_by_row(entries.size());
  {
    std::vector<std::size_t> next(row_pointers.begin(), row_pointers.end() - 1);
    for (const auto& [row, column] : entries) {
      columns_by_row[next[row]++] = column;
    }
  }
  pattern.row_indices_.resize(entries.size());
  std::vector<std::size_t> next(pattern.column_pointers_.begin(), pattern.column_pointers_.end() - 1);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = row_pointers[i]; k < row_pointers[i + 1]; ++k) {
      pattern.row_indices_[next[columns_by_row[k]]++] = i;
    }
  }
  normalise_columns(pattern.column_pointers_, pattern.row_indices_);
  return pattern;
}

SparsityPattern SparsityPattern::from_csc(std::size_t n, std::span<const std::size_t> column_pointers,
                                          std::span<const std::size_t> row_indices) {
  if (column_pointers.size() != n + 1 || column_pointers.front() != 0 ||
      column_pointers.back() != row_indices.size()) {
    throw Error("CSC column pointers must have n + 1 = " + std::to_string(n + 1) +
                " entries, start at 0 and end at the number of row indices");
  }
  for (std::size_t j = 0; j < n; ++j) {
    if (column_pointers[j + 1] < column_pointers[j]) {
      throw Error("CSC column pointers must not decrease (column " + std::to_string(j) + ")");
    }
  }
  for (const std::size_t row : row_indices) {
    if (row >= n) {
      throw Error("CSC row index " + std::to_string(row) + " is outside a matrix of size " +
                  std::to_string(n));
    }
  }
  SparsityPattern pattern(n);
  pattern.column_pointers_.assign(column_pointers.begin(), column_pointers.end());
  pattern.row_indices_.assign(row_indices.begin(), row_indices.end());
  normalise_columns(pattern.column_pointers_, pattern.row_indices_);
  return pattern;
}

std::span<const std::size_t> SparsityPattern::rows_of_column(std::size_t j) const {
  return std::span<const std::size_t>(row_indices_)
      .subspan(column_pointers_[j], column_pointers_[j + 1] - column_pointers_[j]);
}

std::size_t SparsityPattern::find(std::size_t row, std::size_t column) const {
  if (row >= n_ || column >= n_) {
    return npos;
  }
  const auto rows = rows_of_column(column);
  const auto it = std::lower_bound(rows.begin(), rows.end(), row);
  if (it == rows.end() || *it != row) {
    return npos;
  }
  return column_pointers_[column] + static_cast<std::size_t>(it - rows.begin());
}

void SparsityPattern::find_sorted(std::size_t column, std::span<const std::size_t> rows,
                                  std::span<std::size_t> positions) const {
  if (positions.size() != rows.size()) {
    throw Error("SparsityPattern::find_sorted: " + std::to_string(rows.size()) + " rows but " +
                std::to_string(positions.size()) + " positions");
  }
  if (column >= n_) {
    std::fill(positions.begin(), positions.end(), npos);
    return;
  }
  const auto own = rows_of_column(column);
  std::size_t q = 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (r > 0 && rows[r] < rows[r - 1]) {
      throw Error("SparsityPattern::find_sorted: the rows must be sorted");
    }
    while (q < own.size() && own[q] < rows[r]) {
      ++q;
    }
    positions[r] = q < own.size() && own[q] == rows[r] ? column_pointers_[column] + q : npos;
  }
}

std::vector<std::pair<std::size_t, std::size_t>> SparsityPattern::entries() const {
  std::vector<std::pair<std::size_t, std::size_t>> result;
  result.reserve(nonzeros());
  for (std::size_t j = 0; j < n_; ++j) {
    for (const std::size_t i : rows_of_column(j)) {
      result.emplace_back(i, j);
    }
  }
  return result;
}

SparsityPattern SparsityPattern::union_with(const SparsityPattern& other) const {
  if (other.n_ != n_) {
    throw Error("cannot unite sparsity patterns of sizes " + std::to_string(n_) + " and " +
                std::to_string(other.n_));
  }
  SparsityPattern result(n_);
  result.row_indices_.reserve(std::max(nonzeros(), other.nonzeros()));
  for (std::size_t j = 0; j < n_; ++j) {
    const auto a = rows_of_column(j);
    const auto b = other.rows_of_column(j);
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(result.row_indices_));
    result.column_pointers_[j + 1] = result.row_indices_.size();
  }
  return result;
}

SparsityPattern SparsityPattern::with_diagonal() const { return union_with(diagonal(n_)); }

std::vector<std::size_t> JacobianStructure::coloured_row_lengths() const {
  std::vector<std::size_t> lengths(direct.size(), 0);
  for (const std::size_t i : direct.row_indices()) {
    ++lengths[i];
  }
  for (const auto& aggregate : aggregates) {
    for (const std::size_t i : aggregate.rows) {
      ++lengths.at(i);
    }
  }
  return lengths;
}

std::vector<std::vector<std::size_t>> JacobianStructure::aggregate_columns() const {
  const std::size_t n = direct.size();
  std::vector<std::vector<std::size_t>> columns(aggregates.size());
  std::vector<std::size_t> seen(n, SparsityPattern::npos);  // seen[j] == g: column j already in columns[g]
  const auto add = [&](std::size_t g, std::size_t j) {
    if (j >= n) {
      throw Error("Jacobian structure: intermediate column " + std::to_string(j) +
                  " is outside a system of size " + std::to_string(n));
    }
    if (seen[j] != g) {
      seen[j] = g;
      columns[g].push_back(j);
    }
  };
  for (std::size_t g = 0; g < aggregates.size(); ++g) {
    for (const auto& [k, coefficient] : aggregates[g].terms) {
      (void)coefficient;
      if (k >= intermediates.size()) {
        throw Error("Jacobian structure: aggregate " + std::to_string(g) + " names intermediate " +
                    std::to_string(k) + " of " + std::to_string(intermediates.size()));
      }
      for (const std::size_t j : intermediates[k].columns) {
        add(g, j);
      }
      for (const std::size_t h : intermediates[k].aggregates) {
        if (h >= g) {
          throw Error("Jacobian structure: aggregate " + std::to_string(g) + " reads aggregate " +
                      std::to_string(h) + ", which is not earlier");
        }
        for (const std::size_t j : columns[h]) {
          add(g, j);
        }
      }
    }
    std::sort(columns[g].begin(), columns[g].end());
  }
  return columns;
}

SparsityPattern JacobianStructure::full() const {
  const std::size_t n = direct.size();
  auto entries = direct.entries();
  const auto columns = aggregate_columns();
  for (std::size_t g = 0; g < aggregates.size(); ++g) {
    for (const std::size_t i : aggregates[g].rows) {
      for (const std::size_t j : columns[g]) {
        entries.emplace_back(i, j);
      }
    }
  }
  return SparsityPattern::from_entries(n, entries);
}

std::vector<std::vector<std::size_t>> ColumnColouring::columns_by_colour() const {
  std::vector<std::vector<std::size_t>> groups(colours);
  for (std::size_t j = 0; j < colour_of_column.size(); ++j) {
    groups[colour_of_column[j]].push_back(j);
  }
  return groups;
}

ColumnColouring colour_columns(const SparsityPattern& pattern) {
  const std::size_t n = pattern.size();
  // Row-wise view (the transpose), to find the columns that share a row with a given column.
  std::vector<std::size_t> row_pointers(n + 1, 0);
  for (const std::size_t i : pattern.row_indices()) {
    ++row_pointers[i + 1];
  }
  for (std::size_t i = 0; i < n; ++i) {
    row_pointers[i + 1] += row_pointers[i];
  }
  std::vector<std::size_t> columns_of_row(pattern.nonzeros());
  {
    std::vector<std::size_t> next(row_pointers.begin(), row_pointers.end() - 1);
    for (std::size_t j = 0; j < n; ++j) {
      for (const std::size_t i : pattern.rows_of_column(j)) {
        columns_of_row[next[i]++] = j;
      }
    }
  }

  constexpr std::size_t uncoloured = SparsityPattern::npos;
  ColumnColouring colouring;
  colouring.colour_of_column.assign(n, uncoloured);
  // forbidden[c] == j marks colour c as taken by a neighbour of column j (no clearing needed).
  std::vector<std::size_t> forbidden;
  for (std::size_t j = 0; j < n; ++j) {
    for (const std::size_t i : pattern.rows_of_column(j)) {
      for (std::size_t k = row_pointers[i]; k < row_pointers[i + 1]; ++k) {
        const std::size_t colour = colouring.colour_of_column[columns_of_row[k]];
        if (colour != uncoloured) {
          forbidden[colour] = j;
        }
      }
    }
    std::size_t colour = 0;
    while (colour < forbidden.size() && forbidden[colour] == j) {
      ++colour;
    }
    if (colour == forbidden.size()) {
      forbidden.push_back(uncoloured);
    }
    colouring.colour_of_column[j] = colour;
  }
  colouring.colours = forbidden.size();
  return colouring;
}

}  // namespace hydromet::numerics
