"""Pages of the projects area, one module per part: directory, pages, team, ppsr."""
