"""Proxy mode (``zcrm serve --proxy-port``, docs/proxy.md): an HTTPS proxy for Zoho's own hosts, served by zcrm
itself with certificates from its own CA, so that clients built for Zoho's data centres run unmodified."""
