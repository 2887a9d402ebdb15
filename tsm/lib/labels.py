"""Labels of an enumeration as plain text, looked up when read.

The enumerations (TextChoices) are the one source of every label; their
labels are lazy translations. Charts, Excel and joined reasons need text, in
the language of the request that reads them — not of the one that imported
the module — so a lookup here translates at the moment it is made."""

from collections.abc import Mapping

from django.utils.translation import get_language


class Labels(Mapping):
    __slots__ = ("_choices", "_texts")

    def __init__(self, choices):
        """`choices`: a TextChoices class, or (value, label) pairs."""
        self._choices = dict(getattr(choices, "choices", choices))
        self._texts: dict[str | None, dict] = {}  # language -> value -> label text

    def __getitem__(self, value) -> str:
        # The rules read labels thousands of times a region (one per reason):
        # each language's texts are translated once, on first use.
        language = get_language()
        texts = self._texts.get(language)
        if texts is None:
            texts = self._texts[language] = {key: str(label) for key, label in self._choices.items()}
        return texts[value]

    def __contains__(self, value) -> bool:
        # Mapping's own __contains__ looks the label up (a translation) just
        # to answer yes or no; `held & ROLES.keys()` asks this for every role.
        return value in self._choices

    def __iter__(self):
        return iter(self._choices)

    def __len__(self):
        return len(self._choices)
