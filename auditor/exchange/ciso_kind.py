"""What a CISO Assistant library file holds when it holds no framework: the folder of
libraries mixes frameworks with mapping sets, risk matrices and catalogues, and the user
is told which of these the file is rather than that it is not what was wanted."""

from __future__ import annotations

from typing import Any

from auditor.domain.text import escape_controls

# objects.<key> -> what it is, for a person
KINDS = {
    "requirement_mapping_set": "a requirement mapping set (links between the requirements "
                               "of two frameworks)",
    "requirement_mapping_sets": "requirement mapping sets (links between the requirements "
                                "of two frameworks)",
    "risk_matrix": "a risk matrix",
    "reference_controls": "a catalogue of reference controls",
    "threats": "a threat catalogue",
    "preset": "a preset (a ready-made set-up of CISO Assistant)",
    "presets": "presets (ready-made set-ups of CISO Assistant)",
}
TAKES = "import-ciso takes framework libraries (objects.framework with requirement_nodes)"


def not_a_framework(data: Any) -> tuple[str, str] | None:
    """What `data` (a loaded library file) holds instead of a framework, short ("a risk
    matrix", for a summary) and in full (the message), or None if it holds one."""
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "nothing" \
            if data is None else "a single value"
        return "not a library", f"holds {kind}, not a CISO Assistant library; {TAKES}"
    objects = data.get("objects")
    if isinstance(objects, dict) and isinstance(objects.get("framework"), dict):
        return None
    if isinstance(objects, dict) and objects:
        known = [KINDS[k] for k in objects if k in KINDS]
        other = sorted(escape_controls(k)[:80] for k in objects
                       if k not in KINDS and k != "framework")
        held = known + ([f"objects of kind {', '.join(other)}"] if other else [])
        short = held[0].split(" (")[0]
        return short, f"holds {' and '.join(held)}, not a framework; {TAKES}"
    for key in ("preset", "presets"):
        if key in data:
            return KINDS[key].split(" (")[0], f"holds {KINDS[key]}, not a framework; {TAKES}"
    if "urn" in data and "objects" in data:
        return "an empty library", f"is a CISO Assistant library with no objects in it; " \
                                   f"{TAKES}"
    return "not a library", f"not a CISO Assistant library (no objects.framework); {TAKES}"
