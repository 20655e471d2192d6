"""OAuth tokens, scopes and the identity behind a request."""
