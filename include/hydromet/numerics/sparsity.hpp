// Sparsity patterns of square Jacobians in compressed sparse column (CSC) form, and their
// Curtis–Powell–Reid column colouring for finite-difference Jacobians.
#pragma once

#include <cstddef>
#include <limits>
#include <span>
#include <utility>
#include <vector>

namespace hydromet::numerics {

/// The structural nonzeros of an n×n matrix, stored CSC: the rows of column j are
/// `row_indices()[column_pointers()[j] .. column_pointers()[j + 1])`, sorted and unique.
/// Values of a matrix with this pattern are stored in the same order ("pattern order").
class SparsityPattern {
 public:
  static constexpr std::size_t npos = std::numeric_limits<std::size_t>::max();

  /// A 0×0 pattern.
  SparsityPattern() = default;
  /// An n×n pattern with no entries.
  explicit SparsityPattern(std::size_t n);

  /// Every entry of an n×n matrix.
  [[nodiscard]] static SparsityPattern dense(std::size_t n);
  /// The n diagonal entries.
  [[nodiscard]] static SparsityPattern diagonal(std::size_t n);
  /// From (row, column) pairs; duplicates are merged. Throws hydromet::Error on an index ≥ n.
  [[nodiscard]] static SparsityPattern from_entries(
      std::size_t n, std::span<const std::pair<std::size_t, std::size_t>> entries);
  /// From CSC arrays (rows within a column may come unsorted; duplicates are merged).
  /// Throws hydromet::Error when the arrays are inconsistent.
  [[nodiscard]] static SparsityPattern from_csc(std::size_t n, std::span<const std::size_t> column_pointers,
                                                std::span<const std::size_t> row_indices);

  /// n, the number of rows and of columns.
  [[nodiscard]] std::size_t size() const { return n_; }
  /// Number of stored entries.
  [[nodiscard]] std::size_t nonzeros() const { return row_indices_.size(); }
  /// n + 1 offsets into row_indices().
  [[nodiscard]] std::span<const std::size_t> column_pointers() const { return column_pointers_; }
  [[nodiscard]] std::span<const std::size_t> row_indices() const { return row_indices_; }
  /// Sorted rows of column j.
  [[nodiscard]] std::span<const std::size_t> rows_of_column(std::size_t j) const;
  /// Position of (row, column) in pattern order, or npos when it is not an entry.
  [[nodiscard]] std::size_t find(std::size_t row, std::size_t column) const;
  [[nodiscard]] bool contains(std::size_t row, std::size_t column) const { return find(row, column) != npos; }
  /// Every entry as (row, column), in pattern order.
  [[nodiscard]] std::vector<std::pair<std::size_t, std::size_t>> entries() const;

  /// Entries of this pattern or of `other` (same size, else hydromet::Error).
  [[nodiscard]] SparsityPattern union_with(const SparsityPattern& other) const;
  /// This pattern plus the whole diagonal (the Newton matrices I − γJ need it).
  [[nodiscard]] SparsityPattern with_diagonal() const;

  bool operator==(const SparsityPattern& other) const = default;

 private:
  std::size_t n_ = 0;
  std::vector<std::size_t> column_pointers_{0};
  std::vector<std::size_t> row_indices_;
};

/// A partition of the columns into groups ("colours") of structurally orthogonal columns:
/// two columns of one colour never have an entry in the same row, so one evaluation of f with
/// all of a colour's columns perturbed at once gives every one of those columns.
struct ColumnColouring {
  std::vector<std::size_t> colour_of_column;  ///< colour of each column, in [0, colours)
  std::size_t colours = 0;                    ///< number of colours

  /// Columns of each colour, ascending.
  [[nodiscard]] std::vector<std::vector<std::size_t>> columns_by_colour() const;
};

/// Greedy Curtis–Powell–Reid colouring (Curtis, Powell & Reid 1974, J. Inst. Maths Applics 13,
/// 117–119): columns in natural order each take the smallest colour not used by a column that
/// shares a row with them. A tridiagonal pattern takes 3 colours, a dense one n.
[[nodiscard]] ColumnColouring colour_columns(const SparsityPattern& pattern);

}  // namespace hydromet::numerics
