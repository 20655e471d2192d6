"""zcrm: a stateful server that speaks Zoho CRM's v5 REST API."""

__version__ = "0.1.0"
__all__ = ["__version__"]
