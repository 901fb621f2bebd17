"""The type stubs (.pyi) list every public name of hydromet._core and of the package, and nothing else."""

import ast
import importlib
import inspect
import pathlib

import pytest

import hydromet
from hydromet import _core

PACKAGE_DIR = pathlib.Path(hydromet.__file__).parent
PUBLIC_DUNDERS = {"__version__"}


def stub_of(module_name):
    path = PACKAGE_DIR / f"{module_name}.pyi"
    assert path.exists(), f"no stub {path.name}"
    return ast.parse(path.read_text())


def names_in(body):
    names = set()
    for node in body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.asname for alias in node.names if alias.asname and alias.asname == alias.name)
    return names


def public(names):
    return {n for n in names if not n.startswith("_") or n in PUBLIC_DUNDERS}


def classes_in(tree):
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


def test_core_stub_lists_every_public_name():
    tree = stub_of("_core")
    assert public(names_in(tree.body)) == public(dir(_core))
    for name, node in classes_in(tree).items():
        cls = getattr(_core, name)
        if issubclass(cls, BaseException):
            continue
        inherited = set(dir(object)) | {"__init__"}
        members = {m for m in dir(cls) if m not in inherited}
        assert public(names_in(node.body)) == public(members), name


@pytest.mark.parametrize("module_name", ["flowsheet", "results", "sweep", "speciation", "plotting", "sensitivity"])
def test_package_stubs_list_every_public_name(module_name):
    module = importlib.import_module(f"hydromet.{module_name}")
    tree = stub_of(module_name)
    defined = {name for name, value in vars(module).items()
               if (inspect.isfunction(value) or inspect.isclass(value)) and value.__module__ == module.__name__}
    stubbed = {n for n in names_in(tree.body) if not n.startswith("_")}
    constants = {n for n in vars(module) if n.isupper() and not n.startswith("_")}
    assert stubbed == public(defined) | constants
    for name, node in classes_in(tree).items():
        cls = getattr(module, name)
        members = {m for m, v in vars(cls).items() if not m.startswith("_")}
        stub_members = public(names_in(node.body))
        assert members <= stub_members, f"{name}: {sorted(members - stub_members)} missing from the stub"


def test_package_init_stub_matches_all():
    tree = stub_of("__init__")
    assert set(hydromet.__all__) <= names_in(tree.body)
    assert (PACKAGE_DIR / "py.typed").exists()
