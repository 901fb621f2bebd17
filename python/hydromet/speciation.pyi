from typing import List, Mapping, Optional, Sequence, Union

import pandas as pd

from . import _core

class Speciation:
    pH: float
    ionic_strength: float
    charge_imbalance: float
    water_activity: float
    temperature: float
    species: List[str]
    minerals: List[str]
    def __init__(self, core_result: _core.Speciation) -> None: ...
    def molality(self, name: str) -> float: ...
    def activity(self, name: str) -> float: ...
    def activity_coefficient(self, name: str) -> float: ...
    def saturation_index(self, mineral: str) -> float: ...
    def dissolved(self, mineral: str) -> float: ...
    def to_dataframe(self) -> pd.DataFrame: ...

def speciate(
    composition: Mapping[str, Union[float, str]],
    T: Union[float, str] = 298.15,
    activity_model: str = "davies",
    minerals: Sequence[str] = (),
    pH: Optional[float] = None,
    equilibrium_minerals: Sequence[str] = (),
    charge_balance: str = "H+",
) -> Speciation: ...
