from typing import Optional, Sequence

import pandas as pd

from .flowsheet import Flowsheet

def sensitivities(
    flowsheet: Flowsheet, parameters: Sequence[str], outputs: Sequence[str], relative_step: float = 1e-6
) -> pd.DataFrame: ...
def dynamic_sensitivities(
    flowsheet: Flowsheet, parameters: Sequence[str], outputs: Sequence[str], times: Optional[Sequence[float]] = None,
    relative_step: float = 1e-6
) -> pd.DataFrame: ...
