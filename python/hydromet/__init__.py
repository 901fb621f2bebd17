"""hydromet: hydrometallurgical flowsheet simulation for tungsten, niobium and tantalum.

The compiled core lives in ``hydromet._core``; this package adds NumPy/pandas conveniences.
"""

from . import _core
from ._core import Error, InputError, SimulationOptions, SolverError, SteadyStateOptions, __version__
from .flowsheet import Flowsheet
from .results import Result, SteadyResult
from .speciation import Speciation, speciate
from .sensitivity import dynamic_sensitivities, sensitivities
from .sweep import sweep
from . import plotting  # noqa: E402  (hydromet.plotting.plot_*; matplotlib is imported only when plotting)

__all__ = [
    "Error", "InputError", "SolverError", "Flowsheet", "Result", "SteadyResult", "SimulationOptions",
    "SteadyStateOptions", "Speciation", "speciate", "sweep", "sensitivities",
    "dynamic_sensitivities", "plotting",
    "__version__",
]
