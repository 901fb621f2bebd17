"""Flowsheets from YAML or built in code: both are YAML text that the loader checks, so they behave the same."""

import difflib
import os
import re
import sys

from . import _core

BUILT_ORIGIN = "<built in Python>"
_LOCATION = re.compile(r"^(?P<file>.*?):(?P<line>\d+):(?P<column>\d+): ")
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _call_site():
    """`file:line` of the first caller outside this package (where the user wrote the builder call)."""
    frame = sys._getframe(1)
    while frame is not None and os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == _PACKAGE_DIR:
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else "<unknown>"


def _port(text, what):
    if not isinstance(text, str) or text.count(".") != 1 or text.startswith(".") or text.endswith("."):
        raise _core.InputError(f"{what}: expected `unit.port`, got `{text}`")
    return text.strip()


class Flowsheet:
    """A flowsheet: units connected by streams, solved as one SUNDIALS system.

    Load one with :meth:`from_yaml` / :meth:`from_string`, or build one in code::

        fs = hydromet.Flowsheet("tracer", units={"volume": "m3", "flow": "m3/h"})
        fs.add_unit("feed", "feed", {"flow": 10, "solution": {"Na+": "0.1 mol/L"}})
        fs.add_unit("tank", "tank", volume=5)
        fs.add_unit("out", "product")
        fs.connect("feed.out", "tank.in")
        fs.connect("tank.out", "out.in")
        fs.set_simulation(until="2 h", outputs=9)

    Either way the flowsheet *is* its YAML text (:meth:`to_yaml`), checked by the same loader: a mistake in a
    built flowsheet is an InputError at the line and column of that text, naming the Python line that added
    the offending unit. Builder calls are checked when the model is next needed (``simulate``,
    ``solve_steady``, ``validate``...); parameter edits (``fs["tank.volume"] = "3 m3"``) on a complete model are
    checked at once and, when rejected, leave the flowsheet unchanged.
    """

    def __init__(self, name=None, *, description=None, units=None):
        self._text = ""
        self._origin = BUILT_ORIGIN
        self._built = None  # the compiled flowsheet of _text, None until needed
        self._valid = False  # _text loaded without error at least once since the last builder call
        self._call_sites = {}  # item key -> "file:line" of the builder call that added it
        self._loaded_text = None  # the text as read from a file or string, to tell edited text apart
        if name is not None:
            self._edit(["name"], str(name))
        if description is not None:
            self._edit(["description"], str(description))
        if units:
            self.set_units(units)

    # ---- loading -------------------------------------------------------------------------------------------
    @classmethod
    def _from_core(cls, core, origin):
        flowsheet = cls.__new__(cls)
        flowsheet._text = core.source_text
        flowsheet._origin = origin
        flowsheet._built = core
        flowsheet._valid = True
        flowsheet._call_sites = {}
        flowsheet._loaded_text = core.source_text
        return flowsheet

    @classmethod
    def from_yaml(cls, path):
        """Load a flowsheet from a YAML file (raises InputError with file:line:column)."""
        return cls._from_core(_core.Flowsheet.from_yaml(str(path)), str(path))

    @classmethod
    def from_string(cls, text, origin="<string>"):
        """Load a flowsheet from YAML text; ``origin`` names it in error messages."""
        return cls._from_core(_core.Flowsheet.from_yaml_string(text, origin), origin)

    from_yaml_string = from_string

    # ---- the compiled model --------------------------------------------------------------------------------
    @property
    def _core(self):
        if self._built is None:
            self._built = self._load(self._text)
            self._valid = True
        return self._built

    def _load(self, text):
        origin = self._origin
        if self._loaded_text is not None and text != self._loaded_text:
            origin += " (edited: lines of to_yaml())"  # edits re-emit the YAML, so the file's lines moved
        try:
            return _core.Flowsheet.from_yaml_string(text, origin)
        except _core.InputError as error:
            raise self._located(error, text) from None

    def _located(self, error, text):
        """The loader's error, plus the Python line that added the item it points at (built flowsheets)."""
        message = str(error)
        match = _LOCATION.match(message)
        if not match or not self._call_sites:
            return error
        line = int(match.group("line"))
        try:
            items = sorted(_core.yaml_item_lines(text) + self._top_level_lines(text), key=lambda item: item[1])
        except _core.InputError:
            return error
        owner = None
        for key, start in items:
            if start <= line:
                owner = key
        key = self._site_key(owner, text) if owner else None
        site = self._call_sites.get(key) if key else None
        if site is None:
            return error
        section, _, name = key.partition(".")
        kinds = {"equipment": "unit", "reactions": "reaction", "connections": "connection"}
        what = f"{kinds[section]} `{name}`" if section in kinds and name else f"`{section}`"
        return _core.InputError(f"{message}\n  ({what} was added at {site})")

    @staticmethod
    def _top_level_lines(text):
        lines = []
        for number, line in enumerate(text.splitlines(), 1):
            key = re.match(r"^([A-Za-z_][A-Za-z0-9_]*):", line)
            if key:
                lines.append((key.group(1), number))
        return lines

    @staticmethod
    def _site_key(owner, text):
        section, _, rest = owner.partition(".")
        if section == "connections" and rest.isdigit():
            connections = _core.yaml_to_python(text).get("connections", [])
            index = int(rest)
            return f"connections.{connections[index]}" if index < len(connections) else owner
        return owner

    def _edit(self, keys, value, site=None):
        self._text = _core.yaml_set(self._text, list(keys), value)
        self._built = None
        self._valid = False
        if site is not None:
            self._call_sites[".".join(keys[:2])] = site

    def validate(self):
        """Load the model now (InputError at the offending line if it is incomplete or wrong); returns self."""
        self._core  # noqa: B018 - building is the check
        return self

    # ---- building in code ----------------------------------------------------------------------------------
    def set_units(self, defaults=None, **more):
        """Default units of bare numbers: ``temperature="degC", time="h", volume="m3", flow="m3/h", ...``."""
        merged = dict(defaults or {}, **more)
        for key, unit in merged.items():
            self._edit(["units", key], str(unit))
        self._call_sites["units"] = _call_site()

    def add_species(self, *entries):
        """Add or replace database species for this flowsheet (entries as in docs/models/database.md)."""
        doc = _core.yaml_to_python(self._text)
        species = list(doc.get("species", [])) + [dict(entry) for entry in entries]
        self._edit(["species"], species)
        self._call_sites["species"] = _call_site()

    def add_reaction(self, name, equation, mineral, reagent, kinetics, source=None):
        """A leaching reaction (``scheelite + CO3-2 -> calcite + WO4-2``) that leach tanks can name."""
        body = {"equation": equation, "mineral": mineral, "reagent": reagent, "kinetics": dict(kinetics)}
        if source is not None:
            body["source"] = source
        self._edit(["reactions", str(name)], body, _call_site())

    def add_unit(self, name, type, params=None, **more):
        """Add a unit of a ``type`` the loader knows (docs/flowsheet-format.md) with its parameters.

        Values are numbers in the file's default units or strings with units (``"80 degC"``); nested
        dicts and lists as in YAML. ``fs.add_unit("tank", "tank", volume="5 m3")``.
        """
        name = str(name)
        if not name or "." in name:
            raise _core.InputError(f"unit name `{name}` must be non-empty and contain no `.`")
        if name in self.unit_names_as_written():
            raise _core.InputError(f"a unit named `{name}` is already in the flowsheet")
        types = list(_core.unit_types())
        if type not in types:
            close = difflib.get_close_matches(str(type), types, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            raise _core.InputError(f"unknown unit type `{type}`{hint} (known: {', '.join(types)})")
        body = {"type": type}
        body.update(params or {})
        body.update(more)
        self._edit(["equipment", name], body, _call_site())

    def set_unit(self, name, **params):
        """Set several parameters of one unit (added or replaced): ``fs.set_unit("tank", volume=3)``."""
        if name not in self.unit_names_as_written():
            raise _core.InputError(f"no unit `{name}` in the flowsheet")
        for key, value in params.items():
            self._edit(["equipment", name, key], value)

    def remove_unit(self, name):
        """Remove a unit and every connection to or from it."""
        self._text = _core.yaml_remove(self._text, ["equipment", str(name)])
        kept = [c for c in self.connections if c.split("->")[0].strip().split(".")[0] != name
                and c.split("->")[1].strip().split(".")[0] != name]
        self._replace_connections(kept)
        self._call_sites.pop(f"equipment.{name}", None)

    def connect(self, source, destination):
        """Connect an outlet port to an inlet port: ``fs.connect("feed.out", "tank.in")``."""
        source, destination = _port(source, "connect: source"), _port(destination, "connect: destination")
        names = self.unit_names_as_written()
        for end in (source, destination):
            unit = end.split(".")[0]
            if unit not in names:
                raise _core.InputError(f"connect: no unit `{unit}` in the flowsheet (units: {', '.join(names)})")
        text = f"{source} -> {destination}"
        if text in self.connections:
            raise _core.InputError(f"`{text}` is already connected")
        self._text = _core.yaml_append(self._text, "connections", text)
        self._built, self._valid = None, False
        self._call_sites[f"connections.{text}"] = _call_site()

    def disconnect(self, source, destination):
        text = f"{_port(source, 'disconnect')} -> {_port(destination, 'disconnect')}"
        kept = [c for c in self.connections if c != text]
        if len(kept) == len(self.connections):
            raise _core.InputError(f"`{text}` is not a connection of this flowsheet")
        self._replace_connections(kept)

    def _replace_connections(self, connections):
        if connections:
            self._text = _core.yaml_set(self._text, ["connections"], connections)
        elif "connections" in _core.yaml_to_python(self._text):
            self._text = _core.yaml_remove(self._text, ["connections"])
        self._built, self._valid = None, False

    def set_simulation(self, **settings):
        """``until``, ``outputs`` (count or list of times), ``relative_tolerance``, ``absolute_tolerance``,
        ``matrix_cj_change``, ``max_steps``: the file's ``simulation:`` section."""
        site = _call_site()
        for key, value in settings.items():
            self._edit(["simulation", key], value, None)
        self._call_sites["simulation"] = site

    def set_steady_state(self, **settings):
        """``tolerance``, ``max_iterations``, ``max_pseudo_steps``, ``pseudo_transient``."""
        site = _call_site()
        for key, value in settings.items():
            self._edit(["steady_state", key], value, None)
        self._call_sites["steady_state"] = site

    def set_size_classes(self, diameters):
        """Particle diameters of the solids' size classes (largest first for segregated leach tanks)."""
        self._edit(["size_classes"], list(diameters), None)
        self._call_sites["size_classes"] = _call_site()

    def add_kpi(self, name, type, **fields):
        """A KPI: ``add_kpi("W recovery", "recovery", element="W", product="pls")``; see the file format."""
        self._text = _core.yaml_append(self._text, "kpis", dict(name=name, type=type, **fields))
        self._built, self._valid = None, False

    # ---- what is in it -------------------------------------------------------------------------------------
    def unit_names_as_written(self):
        """Unit names in the YAML, without loading the model (works on incomplete flowsheets)."""
        equipment = _core.yaml_to_python(self._text).get("equipment", {})
        return list(equipment) if isinstance(equipment, dict) else []

    @property
    def connections(self):
        """Connections as written, ``"feed.out -> tank.in"``."""
        return list(_core.yaml_to_python(self._text).get("connections", []))

    @property
    def name(self):
        return _core.yaml_to_python(self._text).get("name", "")

    @property
    def unit_names(self):
        return list(self._core.unit_names)

    def default_times(self):
        """Output times [s] the file's ``simulation:`` section asks for."""
        return list(self._core.default_times())

    # ---- YAML, parameters, copies --------------------------------------------------------------------------
    def to_yaml(self):
        """The flowsheet as YAML text; it loads to the same model (same results to the last bit)."""
        return self._text

    def write_yaml(self, path):
        """Write :meth:`to_yaml` to ``path`` (through a temporary file, so a failure leaves no partial file)."""
        temporary = f"{path}.tmp{os.getpid()}"
        try:
            with open(temporary, "w", encoding="utf-8") as file:
                file.write(self.to_yaml())
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)

    def __getitem__(self, path):
        """A parameter by path, as written: ``fs["autoclave.temperature"]`` -> ``"200"``."""
        return _core.get_parameter(self._text, path)

    def __setitem__(self, path, value):
        """Set a parameter by path with units: ``fs["autoclave.temperature"] = "210 degC"``.

        On a complete model the edit is checked at once; a rejected edit leaves the flowsheet unchanged.
        """
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif not isinstance(value, str):
            value = repr(float(value)) if isinstance(value, float) else str(value)
        text = _core.set_parameter(self._text, path, value)
        if self._valid:
            self._built = self._load(text)
        else:
            self._built = None
        self._text = text

    def copy(self):
        clone = Flowsheet.__new__(Flowsheet)
        clone.__setstate__(self.__getstate__())
        return clone

    def __getstate__(self):
        return {"yaml": self._text, "origin": self._origin, "call_sites": dict(self._call_sites),
                "loaded_text": self._loaded_text}

    def __setstate__(self, state):
        self._text = state["yaml"]
        self._origin = state.get("origin") or "<pickle>"
        self._call_sites = dict(state.get("call_sites", {}))
        self._loaded_text = state.get("loaded_text")
        self._built = None
        self._valid = False

    # ---- solving -------------------------------------------------------------------------------------------
    def simulate(self, times=None, options=None):
        """Integrate from t = 0 and report at ``times`` [s] (default: the file's own).

        Returns a :class:`hydromet.Result` with NumPy arrays and DataFrames.
        """
        from .results import Result

        if times is None:
            times = self.default_times()
        times = [float(t) for t in times]
        return Result(self._core.simulate(times, options), self)

    def solve_steady(self, options=None, *, pseudo_transient=None, tolerance=None):
        """Solve for the steady state (KINSOL Newton, then pseudo-transient continuation if Newton fails).

        Returns a :class:`hydromet.SteadyResult`; raises SolverError when neither converges.
        """
        from .results import SteadyResult

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

    def to_svg(self):
        """The flowsheet as an SVG diagram, units laid out in layers (the diagram of ``hydromet report``)."""
        return _core.svg_diagram(self._core)

    def _repr_svg_(self):
        try:
            return self.to_svg()
        except _core.Error:  # incomplete while being built: let Jupyter fall back to repr()
            return None

    def __repr__(self):
        return f"<hydromet.Flowsheet {self.name!r} units={self.unit_names_as_written()}>"
