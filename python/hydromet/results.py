"""Simulation results as NumPy arrays and pandas DataFrames."""

import numpy as np


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

    def __repr__(self):
        return (f"<hydromet.Result {len(self.times)} times, {len(self.output_names)} outputs, "
                f"balance closure {self.balance.closure():.1e}>")
