"""Media: the files attached to observations: checked, re-encoded and served."""
