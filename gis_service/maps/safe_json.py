"""JSON that can sit inside an HTML <script> element without ending it or changing meaning."""

from __future__ import annotations

import json
from typing import Any

# `<`, `>` and `&` would let "</script>" or "<!--" in database text end the script element;
# U+2028/2029 are line terminators in older JavaScript engines. All become \uXXXX escapes,
# which JSON.parse and JavaScript string literals read back as the same characters.
_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_TABLE = str.maketrans(_ESCAPES)


def script_json(value: Any) -> str:
    """Serialise a value as compact JSON safe to embed verbatim in an HTML <script>."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.translate(_TABLE)
