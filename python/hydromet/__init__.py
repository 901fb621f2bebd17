"""hydromet: hydrometallurgical flowsheet simulation for tungsten, niobium and tantalum.

The compiled core lives in ``hydromet._core``; this package adds NumPy/pandas conveniences.
"""

from . import _core
from ._core import Error, InputError, SimulationOptions, SolverError, SteadyStateOptions, __version__
from .results import Result, SteadyResult
from .speciation import Speciation, speciate
from .sweep import sweep

__all__ = [
    "Error", "InputError", "SolverError", "Flowsheet", "Result", "SteadyResult", "SimulationOptions",
    "SteadyStateOptions", "Speciation", "speciate", "sweep",
    "__version__",
]


class Flowsheet:
    """A flowsheet: units connected by streams, solved as one SUNDIALS system."""

    def __init__(self, core):
        self._core = core

    @classmethod
    def from_yaml(cls, path):
        """Load a flowsheet from a YAML file (raises InputError with file:line:column)."""
        return cls(_core.Flowsheet.from_yaml(str(path)))

    @classmethod
    def from_yaml_string(cls, text, origin="<string>"):
        """Load a flowsheet from YAML text."""
        return cls(_core.Flowsheet.from_yaml_string(text, origin))

    @property
    def name(self):
        return self._core.name

    def to_yaml(self):
        """The flowsheet as YAML text (edits made by parameter path included); loads to the same model."""
        return self._core.source_text

    def write_yaml(self, path):
        with open(path, "w", encoding="utf-8") as file:
            file.write(self.to_yaml())

    def __getitem__(self, path):
        """A parameter by path, as written: ``fs["autoclave.temperature"]`` -> ``"200"``."""
        return _core.get_parameter(self.to_yaml(), path)

    def __setitem__(self, path, value):
        """Set a parameter by path with units: ``fs["autoclave.temperature"] = "210 degC"`` (re-validated)."""
        text = _core.set_parameter(self.to_yaml(), path, str(value))
        self._core = _core.Flowsheet.from_yaml_string(text, self._core.source_file or "<edited>")

    def copy(self):
        return Flowsheet.from_yaml_string(self.to_yaml(), self._core.source_file or "<copy>")

    def __getstate__(self):
        return {"yaml": self.to_yaml(), "origin": self._core.source_file}

    def __setstate__(self, state):
        self._core = _core.Flowsheet.from_yaml_string(state["yaml"], state.get("origin") or "<pickle>")

    @property
    def unit_names(self):
        return list(self._core.unit_names)

    def default_times(self):
        """Output times [s] the file's ``simulation:`` section asks for."""
        return list(self._core.default_times())

    def simulate(self, times=None, options=None):
        """Integrate from t = 0 and report at ``times`` [s] (default: the file's own).

        Returns a :class:`Result` with NumPy arrays and ``to_dataframe()``.
        """
        if times is None:
            times = self.default_times()
        times = [float(t) for t in times]
        return Result(self._core.simulate(times, options), self)

    def solve_steady(self, options=None, *, pseudo_transient=None, tolerance=None):
        """Solve for the steady state (KINSOL Newton, then pseudo-transient continuation if Newton fails).

        Returns a :class:`SteadyResult`; raises SolverError when neither converges.
        """
        if options is None:
            options = self._core.steady_options
        if pseudo_transient is not None:
            options.force_pseudo_transient = bool(pseudo_transient)
        if tolerance is not None:
            options.tolerance = float(tolerance)
        return SteadyResult(self._core.solve_steady(options), self)

    def to_dot(self):
        """The flowsheet as Graphviz DOT text."""
        return self._core.to_dot()

    def __repr__(self):
        return f"<hydromet.Flowsheet {self.name!r} units={self.unit_names}>"
