from typing import Any, List, Optional, Sequence, Union

import pandas as pd
from matplotlib.axes import Axes

from .flowsheet import Flowsheet
from .results import Result, SteadyResult

_AnyResult = Union[Result, SteadyResult]

def plot_time_series(
    result: Result, outputs: Optional[Sequence[str]] = None, unit: Optional[str] = None, ax: Optional[Axes] = None
) -> Axes: ...
def plot_leach_curves(result: Result, ax: Optional[Axes] = None) -> Axes: ...
def plot_concentrations(result: Result, ax: Optional[Axes] = None) -> Axes: ...
def plot_conversion_by_size(
    result: _AnyResult, unit: str, flowsheet: Optional[Flowsheet] = None, time_index: int = -1,
    ax: Optional[Axes] = None
) -> Axes: ...
def sx_profile(result: _AnyResult, stages: Optional[Sequence[str]] = None, time_index: int = -1) -> pd.DataFrame: ...
def plot_sx_profile(
    result: _AnyResult, stages: Optional[Sequence[str]] = None, species: Optional[Sequence[str]] = None,
    time_index: int = -1, ax: Optional[Axes] = None
) -> Axes: ...
def plot_mccabe_thiele(
    result: _AnyResult, metal: str, complex: str, stages: Optional[Sequence[str]] = None, time_index: int = -1,
    ax: Optional[Axes] = None
) -> Axes: ...
def size_distribution(
    result: _AnyResult, unit: str, flowsheet: Optional[Flowsheet] = None, time_index: int = -1
) -> pd.DataFrame: ...
def plot_size_distribution(
    result: _AnyResult, unit: str, flowsheet: Optional[Flowsheet] = None, time_indices: Sequence[int] = (-1,),
    ax: Optional[Axes] = None
) -> Axes: ...
def element_flows(result: _AnyResult, element: str, flowsheet: Optional[Flowsheet] = None) -> pd.Series: ...
def plot_sankey(
    result: _AnyResult, element: str, flowsheet: Optional[Flowsheet] = None, ax: Optional[Axes] = None,
    threshold: float = 1e-9
) -> List[Any]: ...
