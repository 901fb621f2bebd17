"""Aqueous speciation from Python: amounts with units, salts or basis species, results as DataFrames."""

from . import _core

_MOLALITY = (0, -1, 0, 1, 0)
_TEMPERATURE = (0, 0, 0, 0, 1)


def _molality(name, value):
    if isinstance(value, str):
        si, exponents, description = _core.parse_quantity(value, "mol/kg")
        if tuple(exponents) != _MOLALITY:
            raise _core.InputError(f"`{name}`: expected a molality such as `0.1 mol/kg`, got `{value}` ({description})")
        return si
    value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise _core.InputError(f"`{name}`: the amount must be finite")
    return value


def _temperature(value):
    if isinstance(value, str):
        si, exponents, description = _core.parse_quantity(value, "K")
        if tuple(exponents) != _TEMPERATURE:
            raise _core.InputError(f"T: expected a temperature such as `60 degC`, got `{value}` ({description})")
        return si
    return float(value)


class Speciation:
    """A speciated solution (molal scale): pH, ionic strength and per-species values."""

    def __init__(self, core_result):
        self._core = core_result
        self.pH = core_result.pH
        self.ionic_strength = core_result.ionic_strength
        self.charge_imbalance = core_result.charge_imbalance
        self.water_activity = core_result.water_activity
        self.temperature = core_result.temperature
        self.species = list(core_result.species)
        self.minerals = list(core_result.minerals)

    def molality(self, name):
        """Molality [mol/kg water]."""
        return self._core.molality(name)

    def activity(self, name):
        return self._core.activity(name)

    def activity_coefficient(self, name):
        return self._core.activity_coefficient(name)

    def saturation_index(self, mineral):
        """log10(IAP/Ksp) of a mineral named in `minerals=`."""
        return self._core.saturation_index(mineral)

    def dissolved(self, mineral):
        """Amount of an equilibrium mineral dissolved (negative: precipitated) [mol/kg water]."""
        return self._core.dissolved(mineral)

    def to_dataframe(self):
        """One row per species: molality [mol/kg], activity coefficient [-], activity [-], log10 activity."""
        import numpy as np
        import pandas as pd

        molality = np.array([self._core.molality(s) for s in self.species])
        gamma = np.array([self._core.activity_coefficient(s) for s in self.species])
        activity = np.array([self._core.activity(s) for s in self.species])
        with np.errstate(divide="ignore"):
            log_activity = np.where(activity > 0, np.log10(np.maximum(activity, 1e-300)), -np.inf)
        return pd.DataFrame(
            {"molality [mol/kg]": molality, "activity coefficient [-]": gamma, "activity [-]": activity,
             "log10 activity [-]": log_activity},
            index=pd.Index(self.species, name="species"))

    def __repr__(self):
        return f"<hydromet.Speciation pH={self.pH:.3f} I={self.ionic_strength:.4g} mol/kg>"


def speciate(composition, T=298.15, activity_model="davies", minerals=(), pH=None, equilibrium_minerals=(),
             charge_balance="H+"):
    """Speciate a solution.

    composition: {name: amount}; names are basis species (`Na+`, `WO4-2`), other database species or salt
    formulas (`Na2CO3`, `Na2WO4:2H2O`); amounts are molalities as numbers [mol/kg water] or strings with
    units (`"0.1 mol/kg"`). T: kelvin or a string (`"60 degC"`). activity_model: ideal, davies, b-dot, sit.
    minerals: report their saturation indices; equilibrium_minerals: hold them at saturation.
    pH: fix the pH instead of closing the charge balance on `charge_balance`.
    """
    totals = {}
    for name, amount in composition.items():
        molality = _molality(name, amount)
        for basis, coefficient in _core.basis_composition(name).items():
            if basis == "H2O":
                continue
            totals[basis] = totals.get(basis, 0.0) + coefficient * molality
    totals.setdefault("H+", 0.0)
    for mineral in (*minerals, *equilibrium_minerals):
        for basis in _core.basis_composition(mineral):
            if basis != "H2O":
                totals.setdefault(basis, 0.0)
    every_mineral = list(dict.fromkeys([*minerals, *equilibrium_minerals]))
    result = _core.speciate(totals, _temperature(T), activity_model, every_mineral, pH,
                            list(equilibrium_minerals), charge_balance)
    return Speciation(result)
