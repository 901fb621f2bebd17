"""hydromet: hydrometallurgical flowsheet simulation for tungsten, niobium and tantalum.

The compiled core lives in ``hydromet._core``; this package adds NumPy/pandas conveniences.
"""

from . import _core
from ._core import Error, InputError, SimulationOptions, SolverError, SteadyStateOptions, __version__
from .results import Result, SteadyResult
from .speciation import Speciation, speciate

__all__ = [
    "Error", "InputError", "SolverError", "Flowsheet", "Result", "SteadyResult", "SimulationOptions",
    "SteadyStateOptions", "Speciation", "speciate",
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
