"""Rows of the permission matrix, one module per area (discovered by tests/permission_matrix.py).

A module defines `ROWS: list[Row]` and may define `build(world: World) -> None`, which creates
the objects its rows point at and stores them in `world.extra` (called once, after the shared
world is built: `world.team_project` has the published form `matrix_form`).
"""
