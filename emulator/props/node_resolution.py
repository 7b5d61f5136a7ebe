"""Which file Node loads for a relative specifier: one rule for the extractor and the sandbox.

Node's CommonJS `require` tries the exact name, then added extensions, then a folder's index file,
and of the index files it knows `index.js` (never `index.mjs`); ES imports name the exact file. We
also accept `.mjs`/`.cjs` and `index.mjs`/`index.cjs` so an extensionless ES import is still read,
but never in an order that would pick another file than the one Node picks.
"""
from __future__ import annotations

import os

EXTENSIONS = ("", ".mjs", ".js", ".cjs", ".json")
INDEX_FILES = ("index.js", "index.mjs", "index.cjs", "index.json")


def is_relative(specifier: str) -> bool:
    """`./x`, `../x`, `/x`, `.` and `..` name files; anything else is a package or a builtin."""
    return specifier.startswith(("./", "../", "/")) or specifier in (".", "..")


def resolve_relative(specifier: str, from_file: str) -> str | None:
    """The absolute path of the file `specifier` names from `from_file`, or None when there is none."""
    base = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(from_file)), specifier))
    for candidate in [base + ext for ext in EXTENSIONS] + [os.path.join(base, i) for i in INDEX_FILES]:
        if os.path.isfile(candidate):
            return candidate
    return None
