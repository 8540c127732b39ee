"""Letter classes for personal names in regular expressions.

`[A-Z][a-z]+` misses every name with an accented letter: 'Zoë Martínez' matched as nothing, so a
sexual-offence victim so named was never withheld, and 'Quiñones' became 'Qui'. `UPPER` and
`LOWER` are the contents of a character class (use as `[{UPPER}]`): ASCII plus the Latin letters
of Unicode's Latin-1 Supplement and Latin Extended-A/B blocks, by their Unicode category (read from
the Unicode database, not written out by hand).
"""

from __future__ import annotations

import unicodedata

_LATIN = range(0x00C0, 0x0250)

UPPER = "A-Z" + "".join(c for c in map(chr, _LATIN) if unicodedata.category(c) == "Lu")
LOWER = "a-z" + "".join(c for c in map(chr, _LATIN) if unicodedata.category(c) == "Ll")
