"""Form fields the pages share."""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import BaseTemporalField
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from src.common.time import local_time_problem


class LocalDateTimeField(forms.DateTimeField):
    """A date and time; without an offset it is Rome's wall clock.

    A wall-clock time that does not exist (02:30 on the spring night) or happens twice
    (02:30 on the autumn night) is refused with a message that says which and why, never
    moved to a neighbouring instant. With an offset (what the pages' own links carry) it
    is that instant.
    """

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None
            if parsed is None:
                try:
                    parsed = BaseTemporalField.to_python(self, value)  # the field's input formats
                except ValidationError:
                    parsed = None
            value = parsed if parsed is not None else value
        if isinstance(value, datetime) and timezone.is_naive(value):
            problem = local_time_problem(value.date(), value.time())
            if problem:
                raise ValidationError(problem, code="local_time_problem")
        return super().to_python(value)
