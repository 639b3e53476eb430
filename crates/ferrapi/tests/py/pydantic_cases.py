"""Regenerates the pydantic expectations checked by `crates/ferrapi/tests/validation.rs`.

Every case validates one input with pydantic's `TypeAdapter(...).validate_python(...)` (lax
"python" mode, which is what FastAPI uses for text parameters and for parsed JSON bodies) and
records either the validated value or `e.errors(include_url=False)`.

Regenerate (from the workspace root) with the versions the expectations were taken from:

    python3 -m venv /tmp/pydantic-venv
    /tmp/pydantic-venv/bin/pip install "pydantic==2.13.*" "fastapi==0.165.*" httpx
    /tmp/pydantic-venv/bin/python crates/ferrapi/tests/py/pydantic_cases.py \
        > crates/ferrapi/tests/py/pydantic_corpus.json

The expectations in the repository were produced by pydantic 2.13.5 (pydantic-core 2.46.5)
with FastAPI 0.165.0 installed.

Case shape (one JSON object per case):

    {"ty": "Vec<i64>",          # the Rust type the test validates as
     "mode": "text" | "json" | "many",
                                # text: `validate_str(input)`; json: `validate(&input)`;
                                # many: `validate_many(&inputs)` (a repeated query key, which
                                # FastAPI validates as a list of strings)
     "constraints": {...},      # `Constraints` to apply (the Rust side calls
                                # `Constraints::validate*` when this is not empty)
     "input": ...,
     "value": ...,              # on success, when it is JSON (no inf/nan); absent otherwise
     "errors": [...]}           # pydantic's errors, [] on success

Rust's fixed-width integers have no pydantic equivalent; the corpus models them as
`Annotated[int, Field(ge=MIN, le=MAX)]`, which is the documented behaviour of ferrapi (a value
outside the type is reported as that implied bound). `f32` is `Annotated[float,
Field(ge=-3.4028234663852886e38, le=3.4028234663852886e38)]`. Cases with declared constraints
only use values inside the type's range, so the order of declared and implied bounds (declared
first in ferrapi, a ferrapi decision) never matters here.
"""

import json
import sys
from typing import Annotated, Any, Optional

import pydantic
import pydantic_core
from pydantic import Field, TypeAdapter, ValidationError

F32_MAX = 3.4028234663852886e38


def bounded(lo, hi):
    return Annotated[int, Field(ge=lo, le=hi)]


SCALARS = {
    "i8": bounded(-(2**7), 2**7 - 1),
    "i16": bounded(-(2**15), 2**15 - 1),
    "i32": bounded(-(2**31), 2**31 - 1),
    "i64": bounded(-(2**63), 2**63 - 1),
    "isize": bounded(-(2**63), 2**63 - 1),
    "u8": bounded(0, 2**8 - 1),
    "u16": bounded(0, 2**16 - 1),
    "u32": bounded(0, 2**32 - 1),
    "u64": bounded(0, 2**64 - 1),
    "usize": bounded(0, 2**64 - 1),
    "f64": float,
    "f32": Annotated[float, Field(ge=-F32_MAX, le=F32_MAX)],
    "bool": bool,
    "String": str,
    "Value": Any,
}


def py_type(ty: str):
    """The pydantic type for a Rust type name (a tiny parser for the names used below)."""
    ty = ty.replace(" ", "")
    if ty in SCALARS:
        return SCALARS[ty]
    for wrapper in ("Option", "Vec", "Box"):
        if ty.startswith(wrapper + "<") and ty.endswith(">"):
            inner = py_type(ty[len(wrapper) + 1 : -1])
            return {"Option": Optional[inner], "Vec": list[inner], "Box": inner}[wrapper]
    for m in ("HashMap<String,", "BTreeMap<String,"):
        if ty.startswith(m) and ty.endswith(">"):
            return dict[str, py_type(ty[len(m) : -1])]
    raise ValueError(ty)


CASES = []


def run(ty, mode, value, constraints):
    tp = py_type(ty)
    if constraints:
        # Declared constraints on a bounded int replace the implied bounds (cases keep values
        # in range, see the module doc).
        base = tp
        if ty in SCALARS and ty not in ("f64", "bool", "String", "Value"):
            base = float if ty == "f32" else int
        tp = Annotated[base, Field(**constraints)]
    try:
        out = TypeAdapter(tp).validate_python(value)
    except ValidationError as e:
        return None, e.errors(include_url=False)
    try:
        return json.loads(json.dumps(out, allow_nan=False)), []
    except ValueError:
        return "nonfinite", []


def add(ty, mode, inputs, **constraints):
    for value in inputs:
        out, errors = run(ty, mode, value, constraints)
        case = {"ty": ty, "mode": mode, "constraints": constraints, "input": value}
        if not errors and out != "nonfinite":
            case["value"] = out
        case["errors"] = errors
        CASES.append(case)


def text(ty, inputs, **c):
    add(ty, "text", inputs, **c)


def js(ty, inputs, **c):
    add(ty, "json", inputs, **c)


def many(ty, inputs, **c):
    add(ty, "many", inputs, **c)


# --- integers ------------------------------------------------------------------------------
INT_TEXT = [
    "42", "-7", "0", "-0", "abc", " 42 ", "\t5\n", "\u00a05", "\u30005", "\x0b5\x0c", "\x1c5",
    "5\x00", "4.0", "4.00", "-4.0", "0.0", "-0.0", "-00.00", "4.5", "4.", ".5", "4e0", "1e3",
    "1_000", "1_0.0", "1_000.00", "1__0", "5_", "_5", "0_1", "0__1", "0_0", "0_", "1_000.0_0",
    "+5", " +5 ", "+ 5", "- 5", "+-1", "-+1", "--1", "-", "+", "", "  ", "0x10", "0b1", "007",
    "-007", "00", "01.0", "1 000", "\u0663", "\u22125", "4.0000000000000001", "inf", "nan",
    "1e400", "0-1", "00-5", "-0-5", "0+1", "0_-1", "1-", "0.", "-.0", "-0.", "+0.0", "+.0",
    "0_.0", "1_.0", "1._0", "-0_1", "1.0_0", "1.00_", "1 .0",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "99999999999999999999999", "-99999999999999999999999",
    "1" * 50, "-" + "1" * 50,
    "1" * 4300, "1" * 4301, "-" + "1" * 4299, "-" + "1" * 4300, "+" + "1" * 4301,
    " " + "1" * 4301, "1" * 4301 + " ", "1" * 4300 + "x", "1" * 4301 + "x", "1" * 4300 + ".0",
    "1" * 4301 + ".0", "0" + "1" * 4301, "0" * 4400,
]
text("i64", INT_TEXT)
INT_JSON = [
    0, 42, -7, 4.0, -4.0, 4.5, -0.5, True, False, None, [1], {}, {"a": 1}, "42", " 42 ", "abc",
    "4.5", 1e20, -1e20, 9.223372036854776e18, -9.223372036854776e18, 9.223372036854775e18,
    1.5e300, -0.0, 9223372036854775807, -9223372036854775808, 18446744073709551615,
]
js("i64", INT_JSON)
for ty in ["i8", "i16", "i32", "isize", "u8", "u16", "u32", "u64", "usize"]:
    text(ty, ["0", "-1", "127", "128", "-128", "-129", "255", "256", "65535", "65536",
              "4294967295", "4294967296", "18446744073709551615", "18446744073709551616",
              "-9223372036854775809", "1" * 60, "-" + "1" * 60, "abc", "7.0"])
    js(ty, [0, -1, 127, 128, -129, 255, 256, 65536, 4294967296, 18446744073709551615,
            -9223372036854775808, 1.0, 300.0, -1.0, 4.5, True, None, "300"])

# --- floats --------------------------------------------------------------------------------
FLOAT_TEXT = [
    "1.5", "abc", " 1.5 ", "1_000.5", "", "  ", "inf", "-inf", "+inf", "nan", "NaN", "Infinity",
    "infinity", "1e3", "1E3", "1.", ".5", "1e400", "-1e400", "1e-400", " 1_0 ", "1_0", "0x10",
    "1,5", "+1.5", "--1", "1.5e", "e5", "1__0", "_1", "1_", "1_0.5_5", "1e1_0", "\u0663", "4",
    "-0", "1" * 80 + "_1", "\u00a01.5",
]
text("f64", FLOAT_TEXT)
js("f64", [1.5, 4, -4, 0, True, False, None, [1], {}, "1.5", " 2 ", "abc", "inf",
           18446744073709551615, 9223372036854775807, 1e300])
# `inf` and `nan` are valid `f32`s (only finite values beyond its range fail): not modelled.
text("f32", ["1.5", "3.4e38", "3.5e38", "-3.5e38", "1e39", "abc"])
js("f32", [1.5, 3.5e38, -1e39, 1e300, "1e39", None])

# --- booleans ------------------------------------------------------------------------------
BOOL_TEXT = [
    "0", "1", "true", "TRUE", "True", "yes", "YES", "no", "on", "off", "t", "f", "y", "n", "T",
    "F", "oN", " true", "true ", "2", "", "tru", "00", "1.0", "0.0", "-1", "nah",
]
text("bool", BOOL_TEXT)
js("bool", [True, False, 0, 1, 2, -1, 0.0, 1.0, -0.0, 0.5, 2.0, 1e300, None, [], {}, [1],
            "yes", "off", "2", 9223372036854775807, 9223372036854775808])

# --- strings, Any --------------------------------------------------------------------------
text("String", ["x", "", " padded ", "h\u00e9llo"])
js("String", ["x", "", 1, 1.5, True, None, [], {}, ["x"]])
text("Value", ["x", ""])
js("Value", [None, 1, "x", [1, "a"], {"a": None}])

# --- Option, Box ---------------------------------------------------------------------------
text("Option<i64>", ["1", "", "x"])
js("Option<i64>", [None, 1, "x", []])
js("Option<String>", [None, "a", 1])
js("Box<i64>", [1, "x"])
js("Option<Box<bool>>", [None, "yes", "maybe"])

# --- lists ---------------------------------------------------------------------------------
js("Vec<i64>", [[], [1, 2], [1, "x", "y"], "x", 1, None, {}, {"a": 1}, "[1,2]", [None, 4.5, True]])
js("Vec<String>", [["a", 1], ["a", None, []]])
js("Vec<Option<i64>>", [[1, None, "x"]])
js("Vec<Vec<i64>>", [[[1], ["x"], 3, [2, 4.5]]])
js("Option<Vec<i64>>", [None, [1, None], [1, "x"], "x"])
text("Vec<i64>", ["1", "[1]"])
many("Vec<i64>", [["1"], ["1", "2"], ["1", "x"], ["x", "1", "y"], [" 3 ", "4.0"]])
many("Vec<bool>", [["yes", "off", "maybe"]])
many("Vec<String>", [["a", ""]])
many("Option<Vec<i64>>", [["1", "x"]])

# --- dicts ---------------------------------------------------------------------------------
for ty in ["HashMap<String, i64>", "BTreeMap<String, i64>"]:
    js(ty, [{}, {"a": 1, "b": "2"}, {"a": "x", "b": 2, "c": "z"}, "x", 1, None, [], [["a", 1]], "{}"])
js("HashMap<String, Vec<i64>>", [{"a": [1, "x"], "b": "y", "c": [2]}])
js("Vec<HashMap<String, bool>>", [[{"a": "yes"}, {"b": "maybe", "c": 2}]])

# --- numeric constraints -------------------------------------------------------------------
NUMERIC = [
    {"gt": 0}, {"ge": 1}, {"lt": 0}, {"le": -1}, {"multiple_of": 3}, {"gt": 0.0},
    {"gt": 10**20}, {"gt": 10, "lt": 0, "multiple_of": 3}, {"gt": 10, "lt": 0},
    {"ge": 10, "le": 0}, {"gt": 10, "ge": 11}, {"lt": 1, "le": 0}, {"multiple_of": -3},
    {"gt": -0.0},
]
for c in NUMERIC:
    text("i64", ["-1", "5", "0", "abc", "4.0", "-9"], **c)
    js("i64", [-1, -1.0, 5, 0.5, "abc", True, None, -9], **c)
FLOAT_NUMERIC = NUMERIC + [
    {"gt": 0.5}, {"ge": 1.5}, {"multiple_of": 2.5}, {"multiple_of": 0.1}, {"multiple_of": 0.5},
    {"multiple_of": 0.01}, {"multiple_of": 1e-10}, {"le": 1e20}, {"gt": 1e-7}, {"gt": 0.1},
    {"gt": 100.0}, {"gt": 1e16}, {"gt": 123456789012345678}, {"gt": 1e300},
    {"gt": 2**63}, {"gt": 1.0000000000000002}, {"gt": 1 / 3}, {"lt": 5e-324},
    {"lt": 1.7976931348623157e308}, {"multiple_of": 0},
]
for c in FLOAT_NUMERIC:
    text("f64", ["-1", "5", "0", "0.5", "abc", "inf", "-inf", "nan", "0.3", "0.7", "1.25"], **c)
    js("f64", [-1, -1.0, 5, 0.5, 1.5, 1.25, 1.23, 0.3, 0.7, 9.0, -9, -10, 1e10 + 0.05, 1e20,
               -1e301, True, "abc", None], **c)
text("u8", ["0", "7", "200"], gt=0, multiple_of=7)
js("u16", [0, 7, 200.0], gt=0, multiple_of=7)
text("f32", ["0", "1.5", "-2"], gt=0)
js("Option<i64>", [None, 1, 5, "x"], gt=2)
text("Option<f64>", ["1", "5"], gt=2)
js("Box<i64>", [1, 5], ge=2)

# --- string constraints --------------------------------------------------------------------
STR_CASES = [
    ({"min_length": 2}, ["a", "ab", "", "\U0001f44d"]),
    ({"min_length": 1}, ["", "x"]),
    ({"max_length": 1}, ["ab", "a", ""]),
    ({"max_length": 0}, ["a", ""]),
    ({"max_length": 3}, ["h\u00e9llo", "h\u00e9\u00e9", "\U0001f44d\U0001f44d\U0001f44d", "abcd"]),
    ({"pattern": "^a"}, ["ba", "ab"]),
    ({"pattern": "b"}, ["abc", "xyz"]),
    ({"pattern": r"^\d+$"}, ["12a", "12", "\u0661\u0662"]),
    ({"pattern": r"^\w+$"}, ["h\u00e9llo", "a b"]),
    ({"pattern": r"(?i)^abc$"}, ["ABC", "abd"]),
    ({"pattern": "^a'b$"}, ["x"]),
    ({"pattern": "^a\\\\b$"}, ["x"]),
    ({"pattern": "^\n$"}, ["x"]),
    ({"pattern": ""}, ["x"]),
    ({"pattern": "^$"}, ["x", ""]),
    ({"min_length": 3, "max_length": 1, "pattern": "^z"}, ["ab"]),
    ({"max_length": 1, "pattern": "^z"}, ["ab"]),
    ({"pattern": "^z", "max_length": 5}, ["ab", "abcdef"]),
    ({"min_length": 2, "max_length": 1}, ["a"]),
]
for c, inputs in STR_CASES:
    text("String", inputs, **c)
    js("String", inputs, **c)
js("String", [5, None], min_length=2)
js("Option<String>", [None, "a", "abc"], min_length=2)
text("Option<String>", ["a"], max_length=0)

# --- list and dict constraints -------------------------------------------------------------
LIST_CASES = [
    ({"min_length": 1}, [[], [1], "x"]),
    ({"min_length": 2}, [[1], [1, 2]]),
    ({"min_length": 3}, [["x"], [1, "x"]]),
    ({"max_length": 1}, [[1, 2], [1, 2, 3], [1]]),
    ({"max_length": 2}, [[1, "x", "y"], ["x", 1, "y", 4], [1, 2, "y", 4], [1, "x"]]),
    ({"max_length": 0}, [["x"], []]),
    ({"min_length": 1, "max_length": 0}, [[]]),
    ({"min_length": 3, "max_length": 1}, [[1, 2]]),
]
for c, inputs in LIST_CASES:
    js("Vec<i64>", inputs, **c)
js("Vec<Value>", [[1, 2], [1]], max_length=1)
js("Option<Vec<i64>>", [None, [1], [1, "x"]], min_length=2)
many("Vec<i64>", [["1", "2", "3"], ["1", "x", "y"], ["1", "x"], ["1", "2"]], max_length=2)
many("Vec<i64>", [["1"], ["x"], ["1", "2"]], min_length=2)
many("Option<Vec<i64>>", [["1"]], min_length=2)
many("Vec<String>", [["a", "b"]], max_length=1)
DICT_CASES = [
    ({"min_length": 1}, [{}, {"a": 1}]),
    ({"min_length": 2}, [{"a": 1}]),
    ({"max_length": 1}, [{"a": 1, "b": 2}, {"a": "x", "b": 2}, {"a": 1}]),
    ({"min_length": 3}, [{"a": "x", "b": 2}]),
]
for c, inputs in DICT_CASES:
    for ty in ["HashMap<String, i64>", "BTreeMap<String, i64>"]:
        js(ty, inputs, **c)
js("HashMap<String, Value>", [{"a": "x", "b": 2}], max_length=1)

if __name__ == "__main__":
    # One case per line, so a regeneration diffs case by case.
    out = sys.stdout
    out.write('{"pydantic": %s, "pydantic_core": %s, "cases": [\n' % (
        json.dumps(pydantic.VERSION), json.dumps(pydantic_core.__version__)))
    out.write(",\n".join(json.dumps(case, ensure_ascii=True) for case in CASES))
    out.write("\n]}\n")
