"""The audit log: who read or changed personal data, when, where from (public schema, append-only)."""
