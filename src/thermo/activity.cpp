// Activity models: Debye-Hueckel parameters, Davies, B-dot, SIT and the activity of water.
#include "hydromet/thermo/activity.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <numbers>
#include <string>

#include "hydromet/core/error.hpp"
#include "hydromet/thermo/log_k.hpp"
#include "hydromet/thermo/water.hpp"

namespace hydromet {
namespace {

// CODATA 2018 exact or recommended values.
constexpr double elementary_charge = 1.602176634e-19;     // [C]
constexpr double avogadro = 6.02214076e23;                // [1/mol]
constexpr double boltzmann = 1.380649e-23;                // [J/K]
constexpr double vacuum_permittivity = 8.8541878128e-12;  // [F/m]
constexpr double ln10 = std::numbers::ln10;
constexpr double sit_ba_298 = 1.5;  // B a_j [kg^0.5 mol^-0.5] at 25 degC, NEA-TDB convention

// Helgeson (1969) b-dot as tabulated in LLNL thermo.com.V8.R6.230.
constexpr std::array<double, 8> b_dot_celsius = {0.01, 25.0, 60.0, 100.0, 150.0, 200.0, 250.0, 300.0};
constexpr std::array<double, 8> b_dot_values = {0.0374, 0.041, 0.0438, 0.046, 0.047, 0.047, 0.034, 0.0};

double b_dot_at(double temperature) {
  const double t = temperature - 273.15;
  if (t <= b_dot_celsius.front()) {
    return b_dot_values.front();
  }
  for (std::size_t i = 1; i < b_dot_celsius.size(); ++i) {
    if (t <= b_dot_celsius[i]) {
      const double f = (t - b_dot_celsius[i - 1]) / (b_dot_celsius[i] - b_dot_celsius[i - 1]);
      return b_dot_values[i - 1] + f * (b_dot_values[i] - b_dot_values[i - 1]);
    }
  }
  return b_dot_values.back();
}

}  // namespace

const char* to_string(ActivityModel model) {
  switch (model) {
    case ActivityModel::ideal:
      return "ideal";
    case ActivityModel::davies:
      return "davies";
    case ActivityModel::b_dot:
      return "b-dot";
    case ActivityModel::sit:
      return "sit";
  }
  return "?";
}

ActivityModel parse_activity_model(std::string_view name) {
  std::string key(name);
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) {
    return c == '_' || c == ' ' ? '-' : static_cast<char>(std::tolower(c));
  });
  if (key == "ideal") {
    return ActivityModel::ideal;
  }
  if (key == "davies") {
    return ActivityModel::davies;
  }
  if (key == "b-dot" || key == "bdot" || key == "debye-huckel" || key == "extended-debye-huckel" ||
      key == "debye-hueckel" || key == "extended-debye-hueckel") {
    return ActivityModel::b_dot;
  }
  if (key == "sit") {
    return ActivityModel::sit;
  }
  throw InputError("unknown activity model `" + std::string(name) +
                   "`; expected one of ideal, davies, b-dot, sit");
}

DebyeHuckelParameters debye_huckel_parameters(double temperature) {
  if (!(temperature >= min_temperature && temperature <= max_temperature)) {
    throw InputError("temperature " + std::to_string(temperature) + " K is outside the range " +
                     std::to_string(min_temperature) + "-" + std::to_string(max_temperature) +
                     " K of the activity models");
  }
  const double rho = water_density(temperature);
  const double eps = water_dielectric_constant(temperature, reference_pressure(temperature));
  // Bjerrum length [m].
  const double bjerrum = elementary_charge * elementary_charge /
                         (4.0 * std::numbers::pi * vacuum_permittivity * eps * boltzmann * temperature);
  DebyeHuckelParameters dh;
  dh.a = std::sqrt(2.0 * std::numbers::pi * avogadro * rho) * std::pow(bjerrum, 1.5) / ln10;
  dh.b = std::sqrt(8.0 * std::numbers::pi * avogadro * rho * bjerrum);
  dh.b_dot = b_dot_at(temperature);
  return dh;
}

double davies_log_gamma(double charge, double ionic_strength, double a) {
  const double s = std::sqrt(ionic_strength);
  return -a * charge * charge * (s / (1.0 + s) - 0.3 * ionic_strength);
}

double b_dot_log_gamma(double charge, double ionic_strength, double ion_size,
                       const DebyeHuckelParameters& dh) {
  if (charge == 0.0) {
    return 0.0;
  }
  const double s = std::sqrt(ionic_strength);
  return -dh.a * charge * charge * s / (1.0 + dh.b * ion_size * s) + dh.b_dot * ionic_strength;
}

double sit_debye_huckel_term(double ionic_strength, double a, double ba) {
  const double s = std::sqrt(ionic_strength);
  return a * s / (1.0 + ba * s);
}

double osmotic_sigma(double x) {
  if (x < 0.05) {
    // Series 3 sum_{n>=3} (-1)^(n+1) (n-2)/n x^(n-3): the closed form cancels badly near 0.
    double sum = 0.0;
    double power = 1.0;
    for (int n = 3; n < 16; ++n) {
      const double sign = (n % 2 == 1) ? 1.0 : -1.0;
      sum += sign * (n - 2.0) / n * power;
      power *= x;
    }
    return 3.0 * sum;
  }
  return 3.0 / (x * x * x) * (1.0 + x - 1.0 / (1.0 + x) - 2.0 * std::log1p(x));
}

ActivityCalculator::ActivityCalculator(ActivityModel model, Vector charges, Vector ion_sizes,
                                       Matrix sit_epsilon)
    : model_(model),
      charge_(std::move(charges)),
      ion_size_(std::move(ion_sizes)),
      sit_epsilon_(std::move(sit_epsilon)) {
  has_sit_ = sit_epsilon_.size() > 0 && sit_epsilon_.cwiseAbs().maxCoeff() > 0.0;
  set_temperature(reference_temperature);
}

void ActivityCalculator::set_temperature(double temperature) {
  if (temperature != temperature_) {
    dh_ = debye_huckel_parameters(temperature);
    temperature_ = temperature;
    // B a_j = 1.5 at 25 degC scaled with B(T) (a_j = 4.56 A), as tabulated in NEA-TDB vol. 12, table B-2.
    static const double b_298 = debye_huckel_parameters(298.15).b;
    sit_ba_ = sit_ba_298 * dh_.b / b_298;
  }
}

void ActivityCalculator::evaluate(double ionic_strength, const Vector& molality, Vector& ln_gamma,
                                  Vector& dln_gamma_dln_i) const {
  const Eigen::Index n = charge_.size();
  const double s = std::sqrt(ionic_strength);
  switch (model_) {
    case ActivityModel::ideal:
      ln_gamma.setZero();
      dln_gamma_dln_i.setZero();
      return;
    case ActivityModel::davies: {
      const double f = s / (1.0 + s) - 0.3 * ionic_strength;
      const double df = s / (2.0 * (1.0 + s) * (1.0 + s)) - 0.3 * ionic_strength;
      for (Eigen::Index i = 0; i < n; ++i) {
        const double z2 = charge_[i] * charge_[i];
        ln_gamma[i] = -ln10 * dh_.a * z2 * f;
        dln_gamma_dln_i[i] = -ln10 * dh_.a * z2 * df;
      }
      return;
    }
    case ActivityModel::b_dot:
      for (Eigen::Index i = 0; i < n; ++i) {
        if (charge_[i] == 0.0) {
          ln_gamma[i] = 0.0;
          dln_gamma_dln_i[i] = 0.0;
          continue;
        }
        const double z2 = charge_[i] * charge_[i];
        const double d = 1.0 + dh_.b * ion_size_[i] * s;
        ln_gamma[i] = ln10 * (-dh_.a * z2 * s / d + dh_.b_dot * ionic_strength);
        dln_gamma_dln_i[i] = ln10 * (-dh_.a * z2 * s / (2.0 * d * d) + dh_.b_dot * ionic_strength);
      }
      return;
    case ActivityModel::sit: {
      const double d_term = dh_.a * s / (1.0 + sit_ba_ * s);
      const double d_deriv = dh_.a * s / (2.0 * (1.0 + sit_ba_ * s) * (1.0 + sit_ba_ * s));
      for (Eigen::Index i = 0; i < n; ++i) {
        const double z2 = charge_[i] * charge_[i];
        ln_gamma[i] = -ln10 * z2 * d_term;
        dln_gamma_dln_i[i] = -ln10 * z2 * d_deriv;
      }
      if (has_sit_) {
        ln_gamma.noalias() += ln10 * (sit_epsilon_ * molality);
      }
      return;
    }
  }
}

double ActivityCalculator::ln_water_activity(double ionic_strength, const Vector& molality) const {
  const double total = molality.sum();
  const double i15 = ionic_strength * std::sqrt(ionic_strength);
  const double s = std::sqrt(ionic_strength);
  double excess = 0.0;  // sum m ln g - G_ex/(w R T)
  switch (model_) {
    case ActivityModel::ideal:
      break;
    case ActivityModel::davies:
      excess = -2.0 / 3.0 * ln10 * dh_.a * i15 * osmotic_sigma(s) +
               ln10 * dh_.a * 0.3 * ionic_strength * ionic_strength;
      break;
    case ActivityModel::b_dot: {
      // One ion size for the solution: the mean a0 weighted by m z^2 (exact for one electrolyte).
      double weight = 0.0;
      double weighted = 0.0;
      for (Eigen::Index i = 0; i < charge_.size(); ++i) {
        const double w = molality[i] * charge_[i] * charge_[i];
        weight += w;
        weighted += w * ion_size_[i];
      }
      const double size = weight > 0.0 ? weighted / weight : 0.0;
      excess = -2.0 / 3.0 * ln10 * dh_.a * i15 * osmotic_sigma(dh_.b * size * s) +
               ln10 * dh_.b_dot * ionic_strength * ionic_strength;
      break;
    }
    case ActivityModel::sit:
      excess = -2.0 / 3.0 * ln10 * dh_.a * i15 * osmotic_sigma(sit_ba_ * s);
      if (has_sit_) {
        excess += 0.5 * ln10 * molality.dot(sit_epsilon_ * molality);
      }
      break;
  }
  return -water_molar_mass * (total + excess);
}

}  // namespace hydromet
