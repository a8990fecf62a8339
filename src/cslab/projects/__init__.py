"""The project incubator: organisations, projects and their lifecycle, teams, PPSR Core."""
