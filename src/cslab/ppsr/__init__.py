"""PPSR Core: every listed project as a PPSR Core catalogue, and the import of another
platform's catalogue as draft projects (staff only)."""
