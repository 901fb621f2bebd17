"""Type stubs of the hydromet package."""

from . import _core as _core
from . import plotting as plotting
from ._core import Error as Error
from ._core import InputError as InputError
from ._core import SimulationOptions as SimulationOptions
from ._core import SolverError as SolverError
from ._core import SteadyStateOptions as SteadyStateOptions
from ._core import __version__ as __version__
from .flowsheet import Flowsheet as Flowsheet
from .results import Result as Result
from .results import SteadyResult as SteadyResult
from .speciation import Speciation as Speciation
from .speciation import speciate as speciate
from .sensitivity import dynamic_sensitivities as dynamic_sensitivities
from .sensitivity import sensitivities as sensitivities
from .sweep import sweep as sweep

__all__: list[str]
