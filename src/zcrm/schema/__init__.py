"""An org's schema: the model (modules, fields, layouts, users, profiles, roles), the org file and snapshots."""
