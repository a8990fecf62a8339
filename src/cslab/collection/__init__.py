"""Collective data gathering: forms (XLSForm), observations, media, geoprivacy, OpenRosa."""
