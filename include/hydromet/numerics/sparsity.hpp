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
  /// find(rows[r], column) into positions[r] for rows sorted ascending, in one pass down the column (the
  /// solvers' set-up maps tens of thousands of entries from one pattern into another).
  void find_sorted(std::size_t column, std::span<const std::size_t> rows,
                   std::span<std::size_t> positions) const;
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

/// The structure of df/dy for a system whose rows read some scalars ("aggregates") that are fixed linear
/// combinations of intermediate quantities, a_g = Σ_k c_gk z_k(y, a_<g), each z_k reading few columns: a
/// filter's cake solids mass summed over every size class, a sink's element flow summed over every species.
/// With the aggregates held at their values, df/dy is `direct`, sparse; the aggregates add one rank-one term
/// each,
///   df/dy = direct + Σ_g (∂f/∂a_g) (da_g/dy),   da_g/dy = Σ_k c_gk (∂z_k/∂y + Σ_h ∂z_k/∂a_h da_h/dy),
/// so the finite differences colour only the sparse parts and the dense coupling costs no colours.
struct JacobianStructure {
  struct Intermediate {
    std::vector<std::size_t> columns;     ///< columns of y that z reads (sorted), aggregates held
    std::vector<std::size_t> aggregates;  ///< aggregates that z reads (each before every aggregate using z)
  };
  struct Aggregate {
    std::vector<std::pair<std::size_t, double>> terms;  ///< (intermediate k, coefficient c_k)
    std::vector<std::size_t> rows;                      ///< rows of f that read a_g (sorted)
    double scale = 1.0;                                 ///< typical size of a_g (sets its difference step)
  };
  SparsityPattern direct;  ///< df/dy with every aggregate held
  std::vector<Intermediate> intermediates;
  std::vector<Aggregate> aggregates;

  /// The pattern of the whole df/dy: `direct` plus, for each aggregate, its rows times every column it
  /// reaches through its intermediates and the aggregates they read. Throws hydromet::Error on indices out of
  /// range or an intermediate reading an aggregate that is not earlier than every aggregate using it.
  [[nodiscard]] SparsityPattern full() const;
  /// For each aggregate, the sorted columns of y that it reaches (what full() multiplies its rows by).
  [[nodiscard]] std::vector<std::vector<std::size_t>> aggregate_columns() const;
  /// For each row of f, its entries in the matrix the finite differences colour: those of `direct` plus one
  /// per aggregate it reads. A colouring needs at least as many colours as the longest, so the rows near it
  /// are what to thin when the colours are many.
  [[nodiscard]] std::vector<std::size_t> coloured_row_lengths() const;
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
