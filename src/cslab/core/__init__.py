"""Below every area: domain errors, roles and permissions, audit log, background jobs."""
