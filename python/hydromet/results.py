"""Simulation results as NumPy arrays and pandas DataFrames."""

import numpy as np

from . import _core


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


def _kpi_frame(snapshot):
    """KPIs as a DataFrame: one row per KPI, ``value`` and ``unit``."""
    import pandas as pd

    return pd.DataFrame({"value": [k.value for k in snapshot.kpis], "unit": [k.unit for k in snapshot.kpis]},
                        index=pd.Index([k.name for k in snapshot.kpis], name="kpi"))


def _unit_balance_frame(balances, elements, rate_unit="mol/s"):
    """Unit element balances: one row per (unit, element); in, out, accumulation and their residual."""
    import pandas as pd

    rows, index = [], []
    for balance in balances:
        inflow, outflow, accumulation = (np.asarray(v, dtype=float) for v in
                                         (balance.inflow, balance.outflow, balance.accumulation))
        for e, element in enumerate(elements):
            index.append((balance.unit, element))
            rows.append((inflow[e], outflow[e], accumulation[e], inflow[e] - outflow[e] - accumulation[e]))
    columns = [f"in [{rate_unit}]", f"out [{rate_unit}]", f"accumulation [{rate_unit}]",
               f"in - out - accumulation [{rate_unit}]"]
    return pd.DataFrame(rows, columns=columns, index=pd.MultiIndex.from_tuples(index, names=["unit", "element"]))


def _plant_balance_frame(balance, amount, inventory=True):
    """Plant element balance: initial and final inventory (dynamic runs), in and out, and the relative closure
    per element."""
    import pandas as pd

    initial, final, inflow, outflow = (np.asarray(v, dtype=float) for v in
                                       (balance.initial, balance.final, balance.inflow, balance.outflow))
    reference = np.maximum.reduce([np.abs(initial), np.abs(final), np.abs(inflow), np.abs(outflow)])
    residual = final - initial - inflow + outflow
    closure = np.divide(residual, reference, out=np.zeros_like(residual), where=reference > 0)
    columns = {f"initial [{amount}]": initial, f"final [{amount}]": final} if inventory else {}
    columns.update({f"in [{amount}]": inflow, f"out [{amount}]": outflow, "closure [-]": closure})
    return pd.DataFrame(columns, index=pd.Index(list(balance.elements), name="element"))


def _html_summary(title, lines, kpis, streams):
    parts = [f"<p><b>{title}</b><br>" + "<br>".join(lines) + "</p>"]
    if len(kpis):
        parts.append("<p><b>KPIs</b></p>" + kpis._repr_html_())
    if len(streams):
        parts.append("<p><b>Stream table</b></p>" + streams._repr_html_())
    return "".join(parts)


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
        """One row per stream; temperature [degC], flows [m3/h], concentrations [mol/L], solids [kg/h]."""
        return _stream_table(self._core.snapshot.streams, self._core.components)

    def to_dataframe(self):
        """Outputs as a one-column DataFrame with their units."""
        import pandas as pd

        return pd.DataFrame({"value": self.outputs, "unit": self.output_units},
                            index=pd.Index(self.output_names, name="output"))

    def kpi_table(self):
        """KPIs: one row per KPI with ``value`` and ``unit``."""
        return _kpi_frame(self._core.snapshot)

    def unit_balance_table(self):
        """Element balance of every unit [mol/s], indexed by (unit, element)."""
        return _unit_balance_frame(self._core.snapshot.unit_balances, self._core.components.elements)

    def plant_balance_table(self):
        """Plant element balance [mol/s]: in (sources), out (sinks), closure."""
        return _plant_balance_frame(self.balance, "mol/s", inventory=False)

    @property
    def components(self):
        """Names of the tracked aqueous, organic and solid species and the elements."""
        return self._core.components

    @property
    def streams(self):
        """The stream records (name, source, destination, stream) at the steady state."""
        return list(self._core.snapshot.streams)

    def table(self):
        return self._flowsheet._core.format_steady_table(self._core)

    def _repr_html_(self):
        lines = [f"converged by {self.method}, max |f| = {self.residual_norm:.2e}",
                 f"plant balance closure {self.balance.closure():.1e}"]
        return _html_summary("hydromet steady state", lines, self.kpi_table(), self.stream_table())

    def to_html(self):
        """The self-contained HTML page of ``hydromet report``: diagram, KPIs, streams, balances, plots."""
        if self._flowsheet is None:
            raise ValueError("this result was made without its flowsheet")
        return _core.html_report(self._flowsheet._core, self._core)

    def write_report(self, path):
        """Write :meth:`to_html` to ``path`` atomically (a failure leaves no partial file)."""
        _core.write_file_atomically(str(path), self.to_html())

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

    def kpi_table(self):
        """KPIs at the end of the run: one row per KPI with ``value`` and ``unit``."""
        return _kpi_frame(self._core.final)

    def unit_balance_table(self):
        """Element balance of every unit at the last output time [mol/s], indexed by (unit, element)."""
        return _unit_balance_frame(self._core.final.unit_balances, self._core.components.elements)

    def plant_balance_table(self):
        """Plant element balance over the run [mol]: initial and final inventory, in, out, closure."""
        return _plant_balance_frame(self.balance, "mol")

    def unit_dataframe(self, unit):
        """The outputs of one unit against time; columns ``quantity [unit]`` without the unit prefix."""
        frame = self.to_dataframe()
        prefix = f"{unit}."
        chosen = [c for c in frame.columns if c.startswith(prefix)]
        if not chosen:
            units = sorted({n.split(".")[0] for n in self.output_names})
            raise KeyError(f"no outputs of a unit named {unit!r}; units with outputs: {units}")
        return frame[chosen].rename(columns=lambda c: c[len(prefix):])

    @property
    def components(self):
        """Names of the tracked aqueous, organic and solid species and the elements."""
        return self._core.components

    @property
    def streams(self):
        """The stream records (name, source, destination, stream) at the last output time."""
        return list(self._core.final.streams)

    def _repr_html_(self):
        lines = [f"{len(self.times)} output times from {self.times[0]:g} to {self.times[-1]:g} s"
                 if len(self.times) else "no output times",
                 f"{self.statistics.method}: {self.statistics.steps} steps; "
                 f"plant balance closure {self.balance.closure():.1e}"]
        return _html_summary("hydromet dynamic run (streams at the last time)", lines, self.kpi_table(),
                             self.stream_table())

    def to_html(self):
        """The self-contained HTML page of ``hydromet report``: diagram, KPIs, streams, balances, plots."""
        if self._flowsheet is None:
            raise ValueError("this result was made without its flowsheet")
        return _core.html_report(self._flowsheet._core, self._core)

    def write_report(self, path):
        """Write :meth:`to_html` to ``path`` atomically (a failure leaves no partial file)."""
        _core.write_file_atomically(str(path), self.to_html())

    def __repr__(self):
        return (f"<hydromet.Result {len(self.times)} times, {len(self.output_names)} outputs, "
                f"balance closure {self.balance.closure():.1e}>")
