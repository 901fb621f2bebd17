from typing import Sequence

import pandas as pd

from .flowsheet import Flowsheet

def sensitivities(
    flowsheet: Flowsheet, parameters: Sequence[str], outputs: Sequence[str], relative_step: float = 1e-6
) -> pd.DataFrame: ...
