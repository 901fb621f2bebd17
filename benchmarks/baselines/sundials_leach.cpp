// Hand-written SUNDIALS baseline: a train of continuous leach tanks with the segregated core-size population
// balance of docs/models/leaching.md (second-order linear reconstruction of ψ in each core-size class,
// positivity bounds on the slopes, two-point Gauss–Legendre reaction integral, upwind edge flux), one mineral
// under reaction control consuming the reagent: scheelite + CO3-2 -> calcite + WO4-2. The same case as
// bench_leaching.cpp `scheelite_train_*`: 4 tanks of 1 m3 at 1 m3/h, 50 classes 75 -> 1.5 um, k_s = 6.3e-8
// m/s. States per tank: n(CO3-2), n(WO4-2), then the mineral in each class (inert Na+ and the calcite product
// do not act on the rates and are left out). The Jacobian is exact: forward-mode dual numbers on column
// colours. Usage: sundials_leach --mode steady|dynamic|check [--tanks N] [--classes K] [--rtol R] [--repeat
// K]
#include <array>
#include <cmath>
#include <exception>
#include <iostream>
#include <numbers>

#include "baseline_support.hpp"

namespace {

// A number with one directional derivative.
struct Dual {
  double v = 0.0;
  double d = 0.0;
  Dual() = default;
  Dual(double value) : v(value) {}  // NOLINT: constants promote implicitly, as doubles do
  Dual(double value, double derivative) : v(value), d(derivative) {}
};
inline Dual operator+(Dual a, Dual b) { return {a.v + b.v, a.d + b.d}; }
inline Dual operator-(Dual a, Dual b) { return {a.v - b.v, a.d - b.d}; }
inline Dual operator*(Dual a, Dual b) { return {a.v * b.v, a.d * b.v + a.v * b.d}; }
inline Dual operator/(Dual a, Dual b) { return {a.v / b.v, (a.d * b.v - a.v * b.d) / (b.v * b.v)}; }
inline Dual operator-(Dual a) { return {-a.v, -a.d}; }
inline double value(double x) { return x; }
inline double value(const Dual& x) { return x.v; }
// The branch is chosen on the value, as std::max chooses it.
template <typename T>
T max_of(const T& a, const T& b) {
  return value(a) < value(b) ? b : a;
}
inline Dual sqrt_of(Dual a) {
  const double root = std::sqrt(a.v);
  return {root, a.d / (2.0 * root)};
}
inline double sqrt_of(double x) { return std::sqrt(x); }
// hydromet's smooth positivity guards (docs/models/leaching.md): ½ (x + √(x² + w²)) and s b / √(b² + s²).
template <typename T>
T smooth_positive(const T& x, double w) {
  return 0.5 * (x + sqrt_of(x * x + w * w));
}
template <typename T>
T smooth_limit(const T& s, const T& b) {
  return s * b / sqrt_of(b * b + s * s);
}

struct CoreClass {
  double top = 0.0, bottom = 0.0, centre = 0.0, width = 0.0;
  double mass_integral = 0.0;  // ∫ m dr over the class, m(r) = (4/3) π ρ r³
  double mass_moment = 0.0;    // ∫ (r − centre) m dr
  double bottom_moles = 0.0;   // m(bottom)
  std::array<double, 2> nodes{};
};

struct LeachTrain {
  std::size_t tanks = 4;
  std::size_t classes = 50;
  double volume = 1.0;                                          // [m3]
  double flow = 1.0 / 3600.0;                                   // [m3/s]
  double feed_carbonate = 1000.0;                               // [mol/m3]
  double molar_mass = (40.078 + 183.84 + 4 * 15.999e0) * 1e-3;  // CaWO4 [kg/mol], hydromet's atomic weights
  double molar_density = 6120.0 / molar_mass;                   // [mol/m3]
  double feed_mineral = 60.0 / 3600.0 / molar_mass;             // [mol/s], into the top class
  double rate_constant = 6.3e-8;                                // k_s [m/s], first order in CO3-2, a = 1
  std::vector<CoreClass> cells;

  static constexpr std::size_t stencil = 4;  // a class column acts on class rows within ± 4
  static constexpr std::size_t colours = 2 * stencil + 1;

  void build() {
    // Class upper diameters 75 (1 − k/K) um; the particle radius is the largest class's.
    const double top_diameter = 75e-6;
    const double radius = 0.5 * top_diameter;
    const double quartic = std::numbers::pi * molar_density / 3.0;
    const double node = 0.5 / std::numbers::sqrt3;
    cells.clear();
    for (std::size_t k = 0; k < classes; ++k) {
      CoreClass c;
      const auto diameter = [&](std::size_t j) {
        return top_diameter * (1.0 - static_cast<double>(j) / static_cast<double>(classes));
      };
      c.top = std::min(0.5 * diameter(k), radius);
      c.bottom = k + 1 < classes ? std::min(0.5 * diameter(k + 1), radius) : 0.0;
      c.centre = 0.5 * (c.top + c.bottom);
      c.width = c.top - c.bottom;
      const auto power = [&](int n) { return std::pow(c.top, n) - std::pow(c.bottom, n); };
      c.mass_integral = quartic * power(4);
      c.mass_moment =
          4.0 / 3.0 * std::numbers::pi * molar_density * power(5) / 5.0 - c.centre * c.mass_integral;
      c.bottom_moles = 4.0 / 3.0 * std::numbers::pi * molar_density * c.bottom * c.bottom * c.bottom;
      c.nodes = {c.centre + node * c.width, c.centre - node * c.width};
      cells.push_back(c);
    }
  }

  [[nodiscard]] std::size_t per_tank() const { return classes + 2; }
  [[nodiscard]] std::size_t size() const { return tanks * per_tank(); }

  // Slopes dψ/dr of the linear reconstruction from the class means (see docs/models/leaching.md).
  template <typename T>
  void slopes(const std::vector<T>& mean, std::vector<T>& slope) const {
    const std::size_t count = classes;
    for (std::size_t k = 0; k < count; ++k) {
      const CoreClass& c = cells[k];
      T s = 0.0;
      if (k == 0 && count >= 3) {
        const double x0 = c.centre, x1 = cells[1].centre, x2 = cells[2].centre;
        s = mean[0] * ((2.0 * x0 - x1 - x2) / ((x0 - x1) * (x0 - x2))) +
            mean[1] * ((x0 - x2) / ((x1 - x0) * (x1 - x2))) + mean[2] * ((x0 - x1) / ((x2 - x0) * (x2 - x1)));
      } else if (k == 0) {
        s = (mean[0] - mean[1]) / (c.centre - cells[1].centre);
      } else if (k + 1 == count) {
        s = (mean[k - 1] - mean[k]) / (cells[k - 1].centre - c.centre);
      } else {
        s = (mean[k - 1] - mean[k + 1]) / (cells[k - 1].centre - cells[k + 1].centre);
      }
      // Bounds on the smooth positive part of the mean, of width 1e-10 × the class's state scale.
      const T positive =
          smooth_positive(mean[k], 1e-10 * (volume / static_cast<double>(classes)) / c.mass_integral);
      const T node_bound = positive * (2.0 * std::numbers::sqrt3 / c.width);
      const T upper = positive * std::min(k + 1 < count ? 2.0 / c.width : 2.0 * std::numbers::sqrt3 / c.width,
                                          c.mass_integral / c.mass_moment);
      slope[k] = smooth_limit(s, value(s) > 0.0 ? upper : node_bound);
    }
  }

  // One tank's reaction terms: g_k = Φ_{k−1} − Φ_k − R_k on the class rows and the moles reacted R_k, from
  // the tank's states y = [CO3, WO4, M_0 .. M_K−1].
  template <typename T>
  void reactions(const T* y, std::vector<T>& g, std::vector<T>& reacted) const {
    std::vector<T> moles(classes), mean(classes), slope(classes);
    for (std::size_t k = 0; k < classes; ++k) {
      moles[k] = y[2 + k];
      mean[k] = moles[k] / cells[k].mass_integral;
    }
    slopes(mean, slope);
    for (std::size_t k = 0; k < classes; ++k) {
      mean[k] = (moles[k] - slope[k] * cells[k].mass_moment) / cells[k].mass_integral;
    }
    slopes(mean, slope);
    const T concentration = max_of(y[0] / volume, T(0.0));
    const T speed = concentration * (rate_constant / molar_density);  // core recession speed [m/s]
    const double area_moles = 4.0 * std::numbers::pi * molar_density;
    T passed_in = 0.0;
    for (std::size_t k = 0; k < classes; ++k) {
      const CoreClass& c = cells[k];
      T consumed = 0.0;
      T passed = 0.0;
      for (const double r : c.nodes) {
        consumed =
            consumed + (mean[k] + slope[k] * (r - c.centre)) * speed * (0.5 * c.width * area_moles * r * r);
      }
      if (k + 1 < classes) {
        passed = speed * (mean[k] - slope[k] * (0.5 * c.width)) * c.bottom_moles;
      }
      reacted[k] = consumed;
      g[k] = passed_in - passed - consumed;
      passed_in = passed;
    }
  }

  void rhs(const double* y, double* f) const {
    const double rate = flow / volume;
    std::vector<double> g(classes), reacted(classes);
    for (std::size_t i = 0; i < tanks; ++i) {
      const double* local = y + i * per_tank();
      double* out = f + i * per_tank();
      const double* upstream = i > 0 ? y + (i - 1) * per_tank() : nullptr;
      reactions(local, g, reacted);
      double total = 0.0;
      for (const double r : reacted) {
        total += r;
      }
      out[0] = (upstream != nullptr ? upstream[0] * rate : flow * feed_carbonate) - local[0] * rate - total;
      out[1] = (upstream != nullptr ? upstream[1] * rate : 0.0) - local[1] * rate + total;
      for (std::size_t k = 0; k < classes; ++k) {
        const double in = upstream != nullptr ? upstream[2 + k] * rate : (k == 0 ? feed_mineral : 0.0);
        out[2 + k] = in - local[2 + k] * rate + g[k];
      }
    }
  }

  // Rows of column j of tank i, in ascending order (see jacobian()).
  void column_rows(std::size_t i, std::size_t local, std::vector<sunindextype>& rows) const {
    const auto at = [&](std::size_t tank, std::size_t l) {
      return static_cast<sunindextype>(tank * per_tank() + l);
    };
    if (local == 0) {  // CO3: its own tank's aqueous rows and every class, the next tank's CO3
      for (std::size_t l = 0; l < per_tank(); ++l) {
        rows.push_back(at(i, l));
      }
    } else if (local == 1) {  // WO4: flows only
      rows.push_back(at(i, 1));
    } else {
      const std::size_t j = local - 2;
      rows.push_back(at(i, 0));
      rows.push_back(at(i, 1));
      for (std::size_t k = j >= stencil ? j - stencil : 0; k <= std::min(j + stencil, classes - 1); ++k) {
        rows.push_back(at(i, 2 + k));
      }
    }
    if (i + 1 < tanks) {
      rows.push_back(at(i + 1, local));
    }
  }

  void pattern(std::vector<sunindextype>& colptr, std::vector<sunindextype>& rowind) const {
    colptr.assign(1, 0);
    rowind.clear();
    for (std::size_t i = 0; i < tanks; ++i) {
      for (std::size_t l = 0; l < per_tank(); ++l) {
        column_rows(i, l, rowind);
        colptr.push_back(static_cast<sunindextype>(rowind.size()));
      }
    }
  }

  // Exact Jacobian: per tank, one dual evaluation for CO3 and one per class colour (classes ≥ 9 apart share a
  // seed: each acts on class rows within ± 4 only). The aqueous rows take −/+ Σ_k ∂R_k, the flows q/V.
  void jacobian(const double* y, double* values) const {
    const double rate = flow / volume;
    const std::size_t n = per_tank();
    std::vector<Dual> local(n), g(classes), reacted(classes);
    // d_g[c][k], d_reacted[c][k]: derivatives of colour c; colour `colours` is the CO3 seed.
    std::vector<std::vector<double>> d_g(colours + 1, std::vector<double>(classes));
    std::vector<std::vector<double>> d_reacted(colours + 1, std::vector<double>(classes));
    std::size_t position = 0;
    for (std::size_t i = 0; i < tanks; ++i) {
      for (std::size_t c = 0; c <= colours; ++c) {
        for (std::size_t l = 0; l < n; ++l) {
          const bool seeded = c == colours ? l == 0 : (l >= 2 && (l - 2) % colours == c);
          local[l] = Dual(y[i * n + l], seeded ? 1.0 : 0.0);
        }
        reactions(local.data(), g, reacted);
        for (std::size_t k = 0; k < classes; ++k) {
          d_g[c][k] = g[k].d;
          d_reacted[c][k] = reacted[k].d;
        }
      }
      const bool downstream = i + 1 < tanks;
      // CO3 column.
      double total = 0.0;
      for (std::size_t k = 0; k < classes; ++k) {
        total += d_reacted[colours][k];
      }
      values[position++] = -rate - total;
      values[position++] = total;
      for (std::size_t k = 0; k < classes; ++k) {
        values[position++] = d_g[colours][k];
      }
      if (downstream) {
        values[position++] = rate;
      }
      // WO4 column.
      values[position++] = -rate;
      if (downstream) {
        values[position++] = rate;
      }
      // Class columns.
      for (std::size_t j = 0; j < classes; ++j) {
        const std::size_t c = j % colours;
        const std::size_t low = j >= stencil ? j - stencil : 0;
        const std::size_t high = std::min(j + stencil, classes - 1);
        double sum = 0.0;
        for (std::size_t k = low; k <= high; ++k) {
          sum += d_reacted[c][k];
        }
        values[position++] = -sum;
        values[position++] = sum;
        for (std::size_t k = low; k <= high; ++k) {
          values[position++] = d_g[c][k] - (k == j ? rate : 0.0);
        }
        if (downstream) {
          values[position++] = rate;
        }
      }
    }
  }

  // Exact Jacobian column by column (one seed per state), for checking the coloured one.
  [[nodiscard]] std::vector<double> dense_jacobian(const double* y) const {
    const std::size_t n = size();
    std::vector<double> dense(n * n, 0.0);
    std::vector<Dual> g(classes), reacted(classes);
    std::vector<Dual> local(per_tank());
    const double rate = flow / volume;
    for (std::size_t col = 0; col < n; ++col) {
      for (std::size_t i = 0; i < tanks; ++i) {
        for (std::size_t l = 0; l < per_tank(); ++l) {
          const std::size_t index = i * per_tank() + l;
          local[l] = Dual(y[index], index == col ? 1.0 : 0.0);
        }
        reactions(local.data(), g, reacted);
        double total = 0.0;
        for (const auto& r : reacted) {
          total += r.d;
        }
        const auto row = [&](std::size_t l) -> double& { return dense[(i * per_tank() + l) * n + col]; };
        const auto upstream = [&](std::size_t l) {
          return i > 0 && col == (i - 1) * per_tank() + l ? rate : 0.0;
        };
        const auto own = [&](std::size_t l) { return col == i * per_tank() + l ? rate : 0.0; };
        row(0) = upstream(0) - own(0) - total;
        row(1) = upstream(1) - own(1) + total;
        for (std::size_t k = 0; k < classes; ++k) {
          row(2 + k) = upstream(2 + k) - own(2 + k) + g[k].d;
        }
      }
    }
    return dense;
  }

  // Tanks full of feed solution; the solids enter with the feed from t = 0 (hydromet's start, see the docs).
  void initial(double* y) const {
    std::fill(y, y + size(), 0.0);
    for (std::size_t i = 0; i < tanks; ++i) {
      y[i * per_tank()] = feed_carbonate * volume;
    }
  }
  // Steady guess, tank by tank down the train: each class's balance at the tank's inlet composition with the
  // first-order upwind edge flux, marched down the classes (each class's inflow is known once the class
  // above is solved). Newton from tanks full of feed slurry does not converge (the slope bounds switch).
  void guess(double* y) const {
    const double residence = volume / flow;
    const double area_moles = 4.0 * std::numbers::pi * molar_density;
    for (std::size_t i = 0; i < tanks; ++i) {
      double* local = y + i * per_tank();
      const double* upstream = i > 0 ? y + (i - 1) * per_tank() : nullptr;
      const double carbonate_in = upstream != nullptr ? upstream[0] / volume : feed_carbonate;
      local[0] = carbonate_in * volume;
      local[1] = upstream != nullptr ? upstream[1] : 0.0;
      const double speed = carbonate_in * rate_constant / molar_density;
      double passed = 0.0;
      double reacted = 0.0;
      for (std::size_t k = 0; k < classes; ++k) {
        const CoreClass& c = cells[k];
        const double fed = upstream != nullptr ? upstream[2 + k] / residence : (k == 0 ? feed_mineral : 0.0);
        double consumed = 0.0;
        for (const double r : c.nodes) {
          consumed += 0.5 * c.width * speed * area_moles * r * r;
        }
        const double carried = k + 1 < classes ? speed * c.bottom_moles : 0.0;
        const double density = (fed + passed) / (c.mass_integral / residence + consumed + carried);
        local[2 + k] = density * c.mass_integral;
        passed = density * carried;
        reacted += density * consumed * residence;
      }
      local[0] = std::max(local[0] - reacted, 0.0);
      local[1] += reacted;
    }
  }
  // hydromet's state scales: the holdup scale max(initial, 1 mol/m3 V), over K for the classes.
  [[nodiscard]] double scale(std::size_t index) const {
    const std::size_t l = index % per_tank();
    if (l == 0) {
      return feed_carbonate * volume;
    }
    return l == 1 ? volume : volume / static_cast<double>(classes);
  }
  void outputs(const double* y, const std::string& suffix, std::map<std::string, double>& out) const {
    for (std::size_t i = 0; i < tanks; ++i) {
      out["leach" + std::to_string(i + 1) + "_WO4" + suffix] = y[i * per_tank() + 1] / volume;
    }
    const double* last = y + (tanks - 1) * per_tank();
    out["leach" + std::to_string(tanks) + "_CO3" + suffix] = last[0] / volume;
    double mineral = 0.0;
    for (std::size_t k = 0; k < classes; ++k) {
      mineral += last[2 + k];
    }
    out["leach" + std::to_string(tanks) + "_scheelite_kg" + suffix] = mineral * molar_mass;
  }
};

// Compares the coloured Jacobian with the column-by-column one at a smooth positive state with a kink-free
// neighbourhood; returns the largest difference relative to the largest entry.
double check_jacobian(const LeachTrain& train) {
  std::vector<double> y(train.size());
  train.initial(y.data());
  for (std::size_t i = 0; i < train.tanks; ++i) {
    for (std::size_t k = 0; k < train.classes; ++k) {
      const double x = static_cast<double>(k) / static_cast<double>(train.classes);
      y[i * train.per_tank() + 2 + k] = 2.0 * (0.2 + x * (1.0 - x)) / static_cast<double>(i + 1);
    }
    y[i * train.per_tank() + 1] = 50.0 * static_cast<double>(i);
  }
  std::vector<sunindextype> colptr, rowind;
  train.pattern(colptr, rowind);
  std::vector<double> values(static_cast<std::size_t>(colptr.back()));
  train.jacobian(y.data(), values.data());
  const std::vector<double> dense = train.dense_jacobian(y.data());
  const std::size_t n = train.size();
  std::vector<double> sparse(n * n, 0.0);
  for (std::size_t col = 0; col < n; ++col) {
    for (auto p = colptr[col]; p < colptr[col + 1]; ++p) {
      sparse[static_cast<std::size_t>(rowind[static_cast<std::size_t>(p)]) * n + col] =
          values[static_cast<std::size_t>(p)];
    }
  }
  double largest = 0.0, difference = 0.0;
  for (std::size_t e = 0; e < n * n; ++e) {
    largest = std::max(largest, std::abs(dense[e]));
    difference = std::max(difference, std::abs(dense[e] - sparse[e]));
  }
  // Finite-difference check of the dense one on the first tank's columns.
  return difference / largest;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const auto options = baseline::parse_options(argc, argv);
    LeachTrain train;
    train.tanks = static_cast<std::size_t>(baseline::number(options, "tanks", 4));
    train.classes = static_cast<std::size_t>(baseline::number(options, "classes", 50));
    if (train.tanks < 1 || train.classes < 3) {
      throw std::invalid_argument("need --tanks >= 1 and --classes >= 3");
    }
    train.build();
    const std::string mode = baseline::text(options, "mode", "dynamic");
    if (mode == "check") {
      const double error = check_jacobian(train);
      std::printf("{\"jacobian_relative_difference\": %.3e}\n", error);
      return error < 1e-12 ? 0 : 1;
    }
    return baseline::main_loop("sundials", "leach_train_" + mode, train, options);
  } catch (const std::exception& error) {
    std::cerr << "sundials_leach: " << error.what() << '\n';
    return 1;
  }
}
