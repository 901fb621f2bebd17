from concurrent.futures import Executor
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import pandas as pd

from .flowsheet import Flowsheet

def sweep(
    flowsheet: Flowsheet,
    params: Union[Mapping[str, Any], Iterable[Mapping[str, Any]], pd.DataFrame],
    outputs: Sequence[str],
    mode: str = "steady",
    threads: Optional[int] = None,
    executor: Optional[Executor] = None,
    progress: Optional[bool] = None,
) -> pd.DataFrame: ...
