"""Sensitivities of unit outputs and KPIs to parameters: at a steady state from the Jacobian (implicit function
theorem), along a dynamic run by IDAS forward sensitivities."""

from . import _core


def sensitivities(flowsheet, parameters, outputs, relative_step=1e-6):
    """d(output)/d(parameter) at the steady state, as a DataFrame (one row per output, one column per parameter).

    With f the steady residual and g the outputs: dy*/dp = -(df/dy)^-1 df/dp and dg/dp = dg/dy dy*/dp + dg/dp|y,
    df/dy being the Jacobian at the steady state (see hydromet/io/sensitivity.hpp); no steady solve is repeated.
    Derivatives are per unit of each parameter as written in the YAML: for ``leach1.temperature: 90`` in degC,
    per degC; the frame's ``attrs`` hold ``values`` (the outputs), ``parameter_texts`` and ``parameter_values``.
    Outputs are unit outputs such as ``"s3.c[WO4-2]"`` or the names of the file's KPIs.
    """
    import pandas as pd

    parameters, outputs = list(parameters), list(outputs)
    values, derivatives, texts, numbers = _core.steady_sensitivities(flowsheet.to_yaml(), parameters, outputs,
                                                                     relative_step)
    frame = pd.DataFrame(derivatives, index=pd.Index(outputs, name="output"),
                         columns=pd.Index(parameters, name="parameter"))
    frame.attrs["values"] = dict(zip(outputs, values))
    frame.attrs["parameter_texts"] = dict(zip(parameters, texts))
    frame.attrs["parameter_values"] = dict(zip(parameters, numbers))
    return frame


def dynamic_sensitivities(flowsheet, parameters, outputs, times=None, relative_step=1e-6):
    """d(output)/d(parameter) along a dynamic run from t = 0 (forward sensitivities), as a DataFrame indexed by
    (time [s], output) with one column per parameter; ``attrs["values"]`` holds the outputs (times x outputs).

    The states and their sensitivities s = dy/dp are integrated together by IDAS forward sensitivity analysis:
    M ds/dt = (df/dy) s + df/dp with s(0) = dy0/dp, algebraic rows included (see hydromet/io/sensitivity.hpp).
    ``times`` default to the file's own output times. Outputs are unit outputs or KPI names (KPIs cumulative
    over the run, as in ``simulate``). Derivatives are per unit of each parameter as written in the YAML.
    """
    import numpy as np
    import pandas as pd

    parameters, outputs = list(parameters), list(outputs)
    times = [float(t) for t in (flowsheet.default_times() if times is None else times)]
    values, derivatives = _core.dynamic_sensitivities(flowsheet.to_yaml(), parameters, outputs, times,
                                                      relative_step)
    index = pd.MultiIndex.from_product([times, outputs], names=["time [s]", "output"])
    frame = pd.DataFrame(np.vstack([np.asarray(d).reshape(len(outputs), len(parameters)) for d in derivatives]),
                         index=index, columns=pd.Index(parameters, name="parameter"))
    frame.attrs["values"] = pd.DataFrame(np.asarray(values), index=pd.Index(times, name="time [s]"),
                                         columns=outputs)
    return frame
