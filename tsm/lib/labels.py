"""Labels of an enumeration as plain text, looked up when read.

The enumerations (TextChoices) are the one source of every label; their
labels are lazy translations. Charts, Excel and joined reasons need text, in
the language of the request that reads them — not of the one that imported
the module — so a lookup here translates at the moment it is made."""

from collections.abc import Mapping


class Labels(Mapping):
    __slots__ = ("_choices",)

    def __init__(self, choices):
        """`choices`: a TextChoices class, or (value, label) pairs."""
        self._choices = dict(getattr(choices, "choices", choices))

    def __getitem__(self, value) -> str:
        return str(self._choices[value])

    def __iter__(self):
        return iter(self._choices)

    def __len__(self):
        return len(self._choices)
