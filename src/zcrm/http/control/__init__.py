"""zcrm's own endpoints under ``/__zcrm/`` (docs/control-plane.md), a module per area: ``org`` (the caller's org:
record state, users, roles, profiles, clients, tokens, workflow rules, automation log, webhook deliveries; new
orgs), ``orgs`` (an org as a whole: snapshot, reset, seed, delete), ``functions``, ``processes``, ``clock``,
``faults`` (the request log and fault rules) and ``limits``."""
