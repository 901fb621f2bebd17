// Hand-written SUNDIALS baseline: open counter-current SX cascade, constant D, the floor for framework
// overhead. The equilibrium stage (metal and complex in equilibrium, c_C = D c_M) is written for the stage's
// total metal x = n_M + n_C, the invariant of the extraction reaction, which turns the index-1 DAE into an
// ODE:
//   dx_s/dt = q_aq c_M,s−1 + q_org c_C,s+1 − x_s q / V,   c_M = x / (V_aq + D V_org),   c_C = D c_M,
// V_aq = V q_aq / q (every phase leaves at n q / V). Aqueous enters stage 1, organic stage N. Same case as
// bench_sx.cpp `sx_compare_*` (V = 1 m3, q_aq = q_org = 1e-3 m3/s, feed 20 mol/m3, D = 2).
// Usage: sundials_sx --stages N --mode steady|dynamic [--rtol R] [--repeat K]
#include <exception>
#include <iostream>

#include "baseline_support.hpp"

namespace {

struct Cascade {
  std::size_t stages = 5;
  double volume = 1.0;           // [m3] per stage
  double aqueous_flow = 1.0e-3;  // [m3/s]
  double organic_flow = 1.0e-3;  // [m3/s]
  double feed = 20.0;            // [mol/m3] metal in the aqueous feed
  double distribution = 2.0;     // D [-]

  [[nodiscard]] double flow() const { return aqueous_flow + organic_flow; }
  // V_aq + D V_org: moles of metal per unit aqueous concentration in a stage [m3].
  [[nodiscard]] double capacity() const {
    return volume * (aqueous_flow + distribution * organic_flow) / flow();
  }
  [[nodiscard]] std::size_t size() const { return stages; }

  void rhs(const double* x, double* f) const {
    const double alpha = capacity();
    const double rate = flow() / volume;
    for (std::size_t s = 0; s < stages; ++s) {
      const double aqueous_in = s == 0 ? feed : x[s - 1] / alpha;
      const double organic_in = s + 1 < stages ? distribution * x[s + 1] / alpha : 0.0;
      f[s] = aqueous_flow * aqueous_in + organic_flow * organic_in - rate * x[s];
    }
  }
  // Tridiagonal: column s holds rows s−1 (organic to the stage before), s, s+1 (aqueous to the next).
  void pattern(std::vector<sunindextype>& colptr, std::vector<sunindextype>& rowind) const {
    colptr.assign(1, 0);
    rowind.clear();
    for (std::size_t s = 0; s < stages; ++s) {
      for (std::size_t r = s == 0 ? 0 : s - 1; r <= std::min(s + 1, stages - 1); ++r) {
        rowind.push_back(static_cast<sunindextype>(r));
      }
      colptr.push_back(static_cast<sunindextype>(rowind.size()));
    }
  }
  void jacobian(const double*, double* values) const {
    const double alpha = capacity();
    std::size_t k = 0;
    for (std::size_t s = 0; s < stages; ++s) {
      if (s > 0) {
        values[k++] = organic_flow * distribution / alpha;
      }
      values[k++] = -flow() / volume;
      if (s + 1 < stages) {
        values[k++] = aqueous_flow / alpha;
      }
    }
  }
  // Stages full of barren aqueous and barren organic; feed and solvent flow from t = 0.
  void initial(double* x) const { std::fill(x, x + stages, 0.0); }
  void guess(double* x) const { std::fill(x, x + stages, 0.0); }
  // hydromet's holdup scale: 1 mol/m3 times the stage volume.
  [[nodiscard]] double scale(std::size_t) const { return volume; }
  void outputs(const double* x, const std::string& suffix, std::map<std::string, double>& out) const {
    const double alpha = capacity();
    out["loaded_org" + suffix] = distribution * x[0] / alpha;
    out["E1_aq" + suffix] = x[0] / alpha;
    out["E2_aq" + suffix] = x[1] / alpha;
    out["raffinate" + suffix] = x[stages - 1] / alpha;
  }
};

}  // namespace

int main(int argc, char** argv) {
  try {
    const auto options = baseline::parse_options(argc, argv);
    Cascade cascade;
    cascade.stages = static_cast<std::size_t>(baseline::number(options, "stages", 5));
    if (cascade.stages < 2) {
      throw std::invalid_argument("--stages must be at least 2");
    }
    const std::string mode = baseline::text(options, "mode", "dynamic");
    return baseline::main_loop("sundials", "sx_" + mode + "/" + std::to_string(cascade.stages), cascade,
                               options);
  } catch (const std::exception& error) {
    std::cerr << "sundials_sx: " << error.what() << '\n';
    return 1;
  }
}
