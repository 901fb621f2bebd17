"""The corpus of broken flowsheets (tests/bad_inputs/): every file is rejected with exit 2 / InputError, the
expected message and the expected line, and nothing crashes. Generated cases (empty, binary, deeply nested,
very large) are written at run time. How to add a case: docs/reliability.md."""

import json
import pathlib
import re
import resource
import subprocess
import sys
import time

import pytest

import hydromet

BAD_INPUTS = pathlib.Path(__file__).resolve().parents[1] / "bad_inputs"
TIME_LIMIT = 10.0  # seconds per case, for the command and for Python alike

# Cases that reveal a library bug reported to the lead: name -> reason. Remove the entry once fixed. They run
# in a child process with a time limit and a 2 GB address-space limit, so that a hang cannot take the machine.
KNOWN_BUGS = {}  # stem -> reason, for library bugs not yet fixed (strict xfail)
MEMORY_LIMIT = 2 << 30

# Text that shows a crash rather than an orderly InputError.
CRASH_SIGNS = ("Traceback", "terminate called", "Sanitizer", "Segmentation fault", "core dumped", "Aborted")


def read_header(path):
    """(line or None, fragment) from the `# expect-line:` and `# expect:` header comments."""
    text = path.read_text(encoding="utf-8")
    line = re.search(r"^# expect-line: (\d+|none)$", text, re.MULTILINE)
    fragment = re.search(r"^# expect: (.+)$", text, re.MULTILINE)
    assert line and fragment, f"{path.name}: needs `# expect-line: N` and `# expect: fragment` header lines"
    return (None if line.group(1) == "none" else int(line.group(1))), fragment.group(1)


def corpus():
    files = sorted(BAD_INPUTS.glob("*.yaml"))
    params = []
    for path in files:
        marks = [pytest.mark.xfail(reason=KNOWN_BUGS[path.stem], strict=True)] if path.stem in KNOWN_BUGS else []
        params.append(pytest.param(path, id=path.stem, marks=marks))
    return params


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_guarded(command, guarded):
    """subprocess.run with output captured; guarded: TIME_LIMIT and MEMORY_LIMIT, a timeout fails the test."""
    try:
        return subprocess.run(
            command, capture_output=True, timeout=TIME_LIMIT if guarded else 60, preexec_fn=limit_memory if guarded else None
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`{' '.join(map(str, command))}` did not finish in {TIME_LIMIT} s (hang)")


def validate(cli, path, guarded=False):
    started = time.monotonic()
    result = run_guarded([cli, "validate", str(path)], guarded)
    elapsed = time.monotonic() - started
    return result, result.stderr.decode("utf-8", errors="replace"), elapsed


def check_cli(cli, path, line, fragment, guarded=False):
    result, stderr, elapsed = validate(cli, path, guarded)
    assert result.returncode == 2, f"exit {result.returncode}, stderr:\n{stderr}"
    assert not any(sign in stderr for sign in CRASH_SIGNS), stderr
    where = f"{path}:{line}:" if line is not None else f"{path}"
    assert where in stderr, f"expected `{where}` in:\n{stderr}"
    assert fragment in stderr, f"expected `{fragment}` in:\n{stderr}"
    assert elapsed < TIME_LIMIT, f"validate took {elapsed:.1f} s"
    return stderr


PYTHON_CHILD = """
import json, sys
import hydromet
try:
    hydromet.Flowsheet.from_yaml(sys.argv[1])
    print(json.dumps({"raised": None, "message": ""}))
except Exception as error:
    print(json.dumps({"raised": type(error).__name__, "input_error": isinstance(error, hydromet.InputError),
                      "message": str(error)}))
"""


def check_python_isolated(path, line, fragment):
    """check_python in a child process, for cases that may hang or crash."""
    result = run_guarded([sys.executable, "-c", PYTHON_CHILD, str(path)], guarded=True)
    stderr = result.stderr.decode("utf-8", errors="replace")
    assert result.returncode == 0, f"python exited {result.returncode}:\n{stderr}"
    outcome = json.loads(result.stdout)
    assert outcome["raised"] and outcome["input_error"], f"expected InputError, got {outcome}"
    assert fragment in outcome["message"], f"expected `{fragment}` in:\n{outcome['message']}"
    if line is not None:
        assert f"{path}:{line}:" in outcome["message"], f"expected line {line} in:\n{outcome['message']}"


def check_python(path, line, fragment):
    started = time.monotonic()
    with pytest.raises(hydromet.InputError) as caught:
        hydromet.Flowsheet.from_yaml(path)
    elapsed = time.monotonic() - started
    message = str(caught.value)
    assert fragment in message, f"expected `{fragment}` in:\n{message}"
    if line is not None:
        assert f"{path}:{line}:" in message, f"expected line {line} in:\n{message}"
    assert elapsed < TIME_LIMIT, f"from_yaml took {elapsed:.1f} s"
    return message


def test_corpus_is_large_enough():
    assert len(list(BAD_INPUTS.glob("*.yaml"))) >= 40


@pytest.mark.parametrize("path", corpus())
def test_cli_rejects(cli, path):
    line, fragment = read_header(path)
    check_cli(cli, path, line, fragment, guarded=path.stem in KNOWN_BUGS)


@pytest.mark.parametrize("path", corpus())
def test_python_rejects(path):
    line, fragment = read_header(path)
    if path.stem in KNOWN_BUGS:
        check_python_isolated(path, line, fragment)
    else:
        check_python(path, line, fragment)


# --- generated at run time -------------------------------------------------------------------------------


def nested_lists(depth):
    return "name: deep\nequipment: " + "[" * depth + "]" * depth + "\n"


def nested_maps(depth):
    return "name: deep\nequipment: " + "{a: " * depth + "b" + "}" * depth + "\n"


def huge_description(megabytes):
    # A long folded description, then a misspelled key on the last line.
    words = ("scheelite " * 12 + "\n").rjust(0)
    body = "  " + words * (megabytes * 1024 * 1024 // len(words))
    text = "name: huge\ndescription: >\n" + body.replace("\n", "\n  ").rstrip() + "\n"
    lines = text.count("\n")
    return text + "equipmnt: {}\n", lines + 1


def many_units(count):
    parts = ["name: many\nequipment:\n"]
    for index in range(count):
        parts.append(
            f"  tank{index}:\n    type: leach_tank\n    temperature: 300\n    volume: 1\n"
            "    solids: {scheelite: {mass: 1, particle_size: 1e-4}}\n"
        )
    parts.append("  last:\n    type: leach_tnak\n")
    text = "".join(parts)
    return text, text.count("\n")


GENERATED = {
    # name: (bytes, expected line or None, fragment)
    "empty": (b"", None, "is empty"),
    "blank": (b"  \n\n\t\n", None, "is empty"),
    "binary_with_nul": (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 64, 1, "is not a text file (it contains a NUL byte)"),
    "latin1_not_utf8": (b"name: bad input\ndescription: caf\xe9\n", 2, "is not UTF-8 text (invalid byte 0xe9)"),
    "nested_lists_10000": (nested_lists(10000).encode(), 2, "YAML syntax error: nesting too deep"),
    "nested_maps_10000": (nested_maps(10000).encode(), 2, "YAML syntax error: nesting too deep"),
    "huge_description_8MB": (huge_description(8)[0].encode(), huge_description(8)[1], "unknown key `equipmnt`"),
    "many_units_2000": (many_units(2000)[0].encode(), many_units(2000)[1], "unknown unit type `leach_tnak`"),
}

KNOWN_GENERATED_BUGS = {}  # name -> reason, as KNOWN_BUGS


def generated():
    params = []
    for name in GENERATED:
        marks = [pytest.mark.xfail(reason=KNOWN_GENERATED_BUGS[name], strict=True)] if name in KNOWN_GENERATED_BUGS else []
        params.append(pytest.param(name, id=name, marks=marks))
    return params


@pytest.mark.parametrize("name", generated())
def test_generated_cli(cli, tmp_path, name):
    content, line, fragment = GENERATED[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(content)
    check_cli(cli, path, line, fragment, guarded=name in KNOWN_GENERATED_BUGS)


@pytest.mark.parametrize("name", generated())
def test_generated_python(tmp_path, name):
    content, line, fragment = GENERATED[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(content)
    if name in KNOWN_GENERATED_BUGS:
        check_python_isolated(path, line, fragment)
    else:
        check_python(path, line, fragment)
