"""Parameter sweeps: grids or sample tables of cases, on C++ threads or any concurrent.futures executor."""

import itertools
import math

from . import _core


def _cases_from(params):
    """A list of {path: value-as-text} from a grid dict, a list of dicts or a pandas DataFrame."""
    if hasattr(params, "to_dict") and hasattr(params, "columns"):
        records = params.to_dict(orient="records")
    elif isinstance(params, dict):
        paths = list(params)
        grids = [list(params[p]) if isinstance(params[p], (list, tuple, range)) or hasattr(params[p], "__array__")
                 else [params[p]] for p in paths]
        records = [dict(zip(paths, values)) for values in itertools.product(*grids)]
    else:
        records = [dict(r) for r in params]
    return [{path: str(value) for path, value in record.items()} for record in records]


def _run_block(yaml_text, block, outputs, mode):
    """A block of cases on one thread of the calling process (for executors); returns (values, errors)."""
    return _core.run_sweep(yaml_text, [list(case.items()) for case in block], list(outputs), mode, 1)


def _executor_block_size(count):
    # Several cases per task: a task costs a round trip to a worker (milliseconds on dask), a small case less
    # than that. About 32 tasks keep a few workers busy to the end.
    return max(1, min(16, math.ceil(count / 32)))


def _progress(total, enabled):
    if enabled is False or (enabled is None and total < 20):
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc="hydromet sweep", unit="case")


def sweep(flowsheet, params, outputs, mode="steady", threads=None, executor=None, progress=None):
    """Solve variants of a flowsheet and collect outputs.

    flowsheet: a :class:`hydromet.Flowsheet`. params: a grid ``{"autoclave.temperature": ["180 degC", "200 degC"],
    ...}`` (every combination), a list of ``{path: value}`` dicts, or a pandas DataFrame of cases (one per row).
    outputs: unit output names (``"autoclave.extraction[W]"``) or KPI names. mode: ``"steady"`` or ``"dynamic"``
    (outputs at the file's end time). threads: C++ worker threads (default: all cores); the GIL is released and
    results do not depend on the thread count. executor: any ``concurrent.futures.Executor`` (a
    ``dask.distributed`` Client included) to run cases elsewhere instead. A case that fails is reported in the
    ``error`` column and does not stop the sweep. Returns a pandas DataFrame: the parameters, the outputs, ``error``.
    """
    import pandas as pd

    cases = _cases_from(params)
    outputs = list(outputs)
    yaml_text = flowsheet.to_yaml()
    values = [None] * len(cases)
    errors = [None] * len(cases)
    bar = _progress(len(cases), progress)
    try:
        if executor is None:
            workers = int(threads) if threads else 0
            # One call keeps every worker busy to the end; with a progress bar, blocks of cases report as they
            # finish (each block ends when its slowest case does, so blocks are kept large).
            chunk = len(cases) if bar is None else max(1, 4 * (workers or 2), len(cases) // 25)
            for start in range(0, len(cases), max(chunk, 1)):
                block = cases[start:start + chunk]
                block_values, block_errors = _core.run_sweep(yaml_text, [list(c.items()) for c in block], outputs,
                                                             mode, workers)
                values[start:start + len(block)] = block_values
                errors[start:start + len(block)] = block_errors
                if bar is not None:
                    bar.update(len(block))
        else:
            size = _executor_block_size(len(cases))
            starts = range(0, len(cases), size)
            futures = [executor.submit(_run_block, yaml_text, cases[start:start + size], outputs, mode)
                       for start in starts]
            for start, future in zip(starts, futures):
                stop = min(start + size, len(cases))
                try:
                    values[start:stop], errors[start:stop] = future.result()
                except Exception as error:  # a worker that died: report its cases, keep going
                    values[start:stop] = [[math.nan] * len(outputs)] * (stop - start)
                    errors[start:stop] = [f"{type(error).__name__}: {error}"] * (stop - start)
                if bar is not None:
                    bar.update(stop - start)
    finally:
        if bar is not None:
            bar.close()
    frame = pd.DataFrame(cases)
    for j, name in enumerate(outputs):
        frame[name] = [row[j] for row in values]
    frame["error"] = errors
    return frame
