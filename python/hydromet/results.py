"""Simulation results as NumPy arrays and pandas DataFrames."""

import numpy as np


def _stream_table(records, components):
    """Stream table as a DataFrame: one row per stream, flows and concentrations with units in the columns."""
    import pandas as pd

    rows = {}
    for record in records:
        stream = record.stream
        row = {"from": record.source, "to": record.destination, "temperature [degC]": stream.temperature - 273.15,
               "aqueous flow [m3/h]": stream.aqueous_flow * 3600.0}
        flow = stream.aqueous_flow
        for name, moles in zip(components.aqueous, np.asarray(stream.aqueous_moles)):
            row[f"{name} [mol/L]"] = moles / flow / 1000.0 if flow > 0 else 0.0
        if components.organic:
            row["organic flow [m3/h]"] = stream.organic_flow * 3600.0
            for name, moles in zip(components.organic, np.asarray(stream.organic_moles)):
                row[f"{name} (org) [mol/L]"] = moles / stream.organic_flow / 1000.0 if stream.organic_flow > 0 else 0.0
        masses = np.asarray(components.solid_molar_masses)
        for name, moles, mass in zip(components.solids, np.asarray(stream.solid_moles), masses):
            row[f"{name} [kg/h]"] = moles * mass * 3600.0
        rows[record.name] = row
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "stream"
    return frame


def _kpis(snapshot):
    return {k.name: k.value for k in snapshot.kpis}


class SteadyResult:
    """A steady state: outputs, stream table, element balances and KPIs.

    ``converged``, ``method`` ("newton" or "pseudo-transient"), ``residual_norm``; ``outputs`` as a dict-like
    Series; ``stream_table()`` as a DataFrame; ``kpis`` as a dict; ``balance`` (plant, rates in mol/s).
    """

    def __init__(self, core_result, flowsheet=None):
        self._core = core_result
        self._flowsheet = flowsheet
        self.converged = core_result.converged
        self.method = core_result.statistics.method
        self.residual_norm = core_result.statistics.residual_norm
        self.statistics = core_result.statistics
        self.balance = core_result.balance
        self.output_names = list(core_result.output_names)
        self.output_units = list(core_result.output_units)
        self.outputs = np.asarray(core_result.outputs, dtype=float)
        self.states = np.asarray(core_result.states, dtype=float)
        self.state_names = list(core_result.state_names)
        self.kpis = _kpis(core_result.snapshot)
        self.unit_balances = list(core_result.snapshot.unit_balances)

    def output(self, name):
        try:
            return float(self.outputs[self.output_names.index(name)])
        except ValueError:
            raise KeyError(f"no output named {name!r}; outputs are {self.output_names}") from None

    def stream_table(self):
        return _stream_table(self._core.snapshot.streams, self._core.components)

    def to_dataframe(self):
        """Outputs as a one-column DataFrame with their units."""
        import pandas as pd

        return pd.DataFrame({"value": self.outputs, "unit": self.output_units},
                            index=pd.Index(self.output_names, name="output"))

    def table(self):
        return self._flowsheet._core.format_steady_table(self._core)

    def _repr_html_(self):
        return self.stream_table()._repr_html_()

    def __repr__(self):
        return (f"<hydromet.SteadyResult converged={self.converged} by {self.method}, "
                f"max|f|={self.residual_norm:.1e}, balance closure {self.balance.closure():.1e}>")


class Result:
    """Results of a dynamic simulation.

    ``times`` [s], ``outputs`` (times x outputs), ``states`` (times x states), ``output_names`` like
    ``leach1.conversion[scheelite]`` with ``output_units``, the element ``balance`` and solver ``statistics``.
    """

    def __init__(self, core_result, flowsheet=None):
        self._core = core_result
        self._flowsheet = flowsheet
        self.times = np.asarray(core_result.times, dtype=float)
        self.outputs = np.asarray(core_result.outputs, dtype=float)
        self.states = np.asarray(core_result.states, dtype=float)
        self.output_names = list(core_result.output_names)
        self.output_units = list(core_result.output_units)
        self.state_names = list(core_result.state_names)
        self.balance = core_result.balance
        self.statistics = core_result.statistics

    def output(self, name):
        """One output over time, as a NumPy array."""
        try:
            return self.outputs[:, self.output_names.index(name)]
        except ValueError:
            raise KeyError(f"no output named {name!r}; outputs are {self.output_names}") from None

    def to_dataframe(self):
        """Outputs as a pandas DataFrame indexed by time [s]; columns carry their units."""
        import pandas as pd

        columns = [f"{n} [{u}]" for n, u in zip(self.output_names, self.output_units)]
        frame = pd.DataFrame(self.outputs, columns=columns)
        frame.index = pd.Index(self.times, name="time [s]")
        return frame

    def states_dataframe(self):
        """States (moles per unit) as a DataFrame indexed by time [s]."""
        import pandas as pd

        frame = pd.DataFrame(self.states, columns=self.state_names)
        frame.index = pd.Index(self.times, name="time [s]")
        return frame

    def table(self):
        """The text report the command line prints."""
        return self._flowsheet._core.format_table(self._core)

    @property
    def kpis(self):
        """KPIs at the end of the run (recoveries over the whole run)."""
        return _kpis(self._core.final)

    def stream_table(self):
        """Streams at the last output time as a DataFrame."""
        return _stream_table(self._core.final.streams, self._core.components)

    def _repr_html_(self):
        return self.to_dataframe()._repr_html_()

    def __repr__(self):
        return (f"<hydromet.Result {len(self.times)} times, {len(self.output_names)} outputs, "
                f"balance closure {self.balance.closure():.1e}>")
