"""Edits carry their version (STYLE.md): a form that saves several fields
posts the version it was read at and the values it showed; the service
writes only if the record is still at that version, and otherwise refuses,
naming what changed since the form was read.

The values shown travel as `initial-<name>` hidden inputs, the names Django
itself gives them (`Field.show_hidden_initial`), so that a refusal can say
which fields someone else changed rather than which ones differ from the
post — and so that a grid of one-value cells can apply only the cells the
user changed.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# A long text is named, not quoted in full.
QUOTE_MAX = 30


def update_at_version(queryset: models.QuerySet, *, version: int, field: str = "version", **values) -> bool:
    """Write `values` to the one row of `queryset` if it is still at `version`,
    moving it to version + 1 in the same statement; False if it has moved on.

    One UPDATE … WHERE version = v: the database's row lock makes two saves
    read at the same version land one after the other, and the second finds
    nothing to update."""
    return queryset.filter(**{field: version}).update(**values, **{field: version + 1}) == 1


def save_at_version(instance: models.Model, *, version: int, values: Mapping[str, Any],
                    seen: Mapping[str, Any] | None = None, field: str = "version",
                    labels: Mapping[str, str] | None = None,
                    show: Mapping[str, Callable[[Any], str]] | None = None) -> None:
    """Write `values` to `instance`'s row if it is still at `version` (call it
    inside the writing transaction), else raise StaleEdit naming each field
    whose stored value is no longer the one the form showed (`seen`; a field
    it did not say is judged against the value posted). Labels are the model
    fields' verbose names unless `labels` says otherwise. Afterwards the
    instance holds what was written."""
    model = type(instance)
    if not update_at_version(model.objects.filter(pk=instance.pk), version=version, field=field, **values):
        now = model.objects.get(pk=instance.pk)
        labels = labels or {name: model._meta.get_field(name).verbose_name for name in values}
        raise StaleEdit.naming([(name, labels[name]) for name in values], {**values, **(seen or {})},
                               {name: getattr(now, name) for name in values}, show=show)
    for name, value in values.items():
        setattr(instance, name, value)
    setattr(instance, field, version + 1)


def _normal(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    if isinstance(value, (list, tuple, set, frozenset)):
        return frozenset(value)
    return value


def same(a, b) -> bool:
    """Equal as a user would read them: blank is blank, line endings and the
    surrounding spaces of a text do not count, a choice list has no order."""
    return _normal(a) == _normal(b)


def shown(value) -> str:
    """A stored value inside a message: texts quoted (long ones cut), numbers as written."""
    value = _normal(value)
    if value in ("", frozenset()):
        return _("空白")
    if isinstance(value, frozenset):
        return "“" + "、".join(sorted(map(str, value))) + "”"
    if isinstance(value, Decimal):
        return " " + format(value.normalize(), "f")
    if isinstance(value, str):
        text = value.replace("\n", " ")
        return "“" + (text if len(text) <= QUOTE_MAX else text[:QUOTE_MAX] + "…") + "”"
    return f" {value}"


def what_changed(fields: Iterable[tuple[str, str]], seen: Mapping[str, Any], now: Mapping[str, Any], *,
                 show: Mapping[str, Callable[[Any], str]] | None = None) -> list[tuple[str, str]]:
    """(label, the stored value as the user reads it) of each field whose
    stored value `now` is no longer the one `seen`; fields not in `seen` are
    not judged. `show` writes a field's value for the user (a choice's label,
    a share as a percentage)."""
    show = show or {}
    out = []
    for name, label in fields:
        if name not in seen or same(seen[name], now.get(name)):
            continue
        value = now.get(name)
        blank = _normal(value) in ("", frozenset())
        out.append((str(label), " " + show[name](value) if name in show and not blank else shown(value)))
    return out


def stale_message(changes: Sequence[tuple[str, str]]) -> str:
    if not changes:
        return _("此记录已被他人修改。请核对后再保存。")
    listed = "，".join(_("%(label)s 现为%(value)s") % {"label": label, "value": value} for label, value in changes)
    return _("此记录已被他人修改：%(changes)s。请核对后再保存。") % {"changes": listed}


class StaleEdit(ValidationError):
    """A save refused because the record moved on since its form was read.

    Nothing was written. A ValidationError, so that a view that does not know
    it still shows the message; the views that do answer 409 with a fresh form."""

    def __init__(self, changes: Sequence[tuple[str, str]] = ()):
        self.changes = list(changes)
        super().__init__(stale_message(self.changes), code="stale")

    @classmethod
    def naming(cls, fields: Iterable[tuple[str, str]], seen: Mapping[str, Any], now: Mapping[str, Any], *,
               show: Mapping[str, Callable[[Any], str]] | None = None) -> "StaleEdit":
        """The refusal naming each of `fields` whose value now differs from the one seen."""
        return cls(what_changed(fields, seen, now, show=show))


class VersionedForm:
    """Mixin for a form that saves several fields of one record: it posts the
    record's version (`version`) and, through `read_at`, the values it showed
    (`initial-<name>`); `seen()` reads those back. `conflict` is the message
    of a refused save, shown with the fresh form."""

    version_messages = {
        "required": gettext_lazy("缺少版本号：请刷新页面后再保存"),
        "invalid": gettext_lazy("版本号无效：请刷新页面后再保存"),
        "min_value": gettext_lazy("版本号无效：请刷新页面后再保存"),
    }

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=0,
                                                    error_messages=self.version_messages)
        if version is not None:
            self.initial["version"] = version
        self.conflict = ""

    def full_clean(self):
        super().full_clean()
        # The version is a hidden input: its error is the form's, shown above the fields.
        if self._errors and "version" in self._errors:
            self._errors.setdefault(NON_FIELD_ERRORS, self.error_class(error_class="nonfield")).extend(
                self._errors.pop("version"))

    def _shown_fields(self):
        return [name for name, field in self.fields.items() if name != "version" and not field.disabled]

    def read_at(self) -> SafeString:
        """The hidden inputs that say what the form was read at: the version and every value shown."""
        return mark_safe(str(self["version"]) + "".join(
            str(self[name].as_hidden(only_initial=True)) for name in self._shown_fields()))

    def seen(self) -> dict:
        """{name: value} as the form showed it, each parsed by its field.

        A field posted without what it showed is left out (the caller then
        compares with the value posted). A multiple choice that showed
        nothing has no hidden input at all: when the form says what it showed,
        its absence means the empty choice."""
        out = {}
        said = any(key.startswith("initial-") for key in self.data)
        for name in self._shown_fields():
            field, key = self.fields[name], self.add_initial_prefix(name)
            multiple = isinstance(field.hidden_widget(), forms.MultipleHiddenInput)
            if key not in self.data and not (multiple and said):
                continue
            raw = field.hidden_widget().value_from_datadict(self.data, self.files, key)
            try:
                out[name] = field.clean(raw)
            except ValidationError:
                try:  # a value the field refuses as input (an empty required choice) was still what it showed
                    out[name] = field.to_python(raw)
                except ValidationError:
                    continue
        return out
