"""Zoho data types: turning input values into stored values (``coerce``) and back (``render``)."""

from zcrm.fields.coerce import FieldValueError, coerce, parse_datetime, parse_id
from zcrm.fields.render import Renderer

__all__ = ["FieldValueError", "Renderer", "coerce", "parse_datetime", "parse_id"]
