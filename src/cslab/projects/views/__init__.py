"""Pages of the projects area, one module per part: directory, media, pages, team."""
