"""API route of the project map: a GeoJSON layer of hexagons with counts, or of points.

Register with `api.add_router("/", map_router)` after
`from cslab.observations.api.map import router as map_router`.
"""

from typing import Any, Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from cslab.api.auth import ANYONE, ApiRequest
from cslab.observations.filters import observation_filters_from_query
from cslab.observations.map_layers import map_layer_geojson, observation_map_layer
from cslab.projects.selectors import project_get_for_viewing

router = Router(tags=["observations"], auth=ANYONE)


class MapQuery(Schema):
    zoom: int = Field(2, ge=0, le=22, description="The web-map zoom level of the view.")
    bbox: str | None = Field(
        None,
        description="The view as `west,south,east,north` in degrees (default: the world).",
        examples=["4.7,52.0,5.2,52.4"],
    )


class GeometryOut(Schema):
    type: Literal["Polygon", "Point"]
    coordinates: Any


class FeatureOut(Schema):
    type: Literal["Feature"]
    id: str | int
    geometry: GeometryOut
    properties: dict[str, Any] = Field(
        ...,
        description=(
            "Hexagons: `cell` (H3 id), `count`, `resolution`. Points: `id`, `url`, `status`, "
            "`obscured` (true when drawn at the public stand-in of an obscured location)."
        ),
    )


class LayerPropertiesOut(Schema):
    mode: Literal["hexagons", "points"]
    resolution: int | None = Field(..., description="The H3 resolution of the hexagons.")
    total: int = Field(..., description="Observations in the layer.")
    true_locations: bool = Field(
        ..., description="Whether true locations were used (the viewer may see them)."
    )


class MapLayerOut(Schema):
    type: Literal["FeatureCollection"]
    features: list[FeatureOut]
    properties: LayerPropertiesOut


@router.get(
    "/projects/{slug}/observations/map",
    response=MapLayerOut,
    summary="The project's observations as a map layer (GeoJSON)",
    url_name="observation_map_layer",
)
def observation_map(
    request: ApiRequest, response: HttpResponse, slug: str, query: Query[MapQuery]
) -> Any:
    """Hexagons (H3) with observation counts when zoomed out; single observations as points
    when zoomed in (zoom 13 and more, or a view with few observations). Filters as for the
    observation list (`from`, `to`, `status`, `form`, `observer`, `field.<question>`, `mine`).
    Viewers who may not see true locations get the public (obscured) locations only; private
    observations are never on the map. 400 `invalid_filter` for filters that make no sense."""
    project = project_get_for_viewing(user=request.auth, slug=slug)
    filters = observation_filters_from_query(request.GET)
    layer = observation_map_layer(
        user=request.auth, project=project, zoom=query.zoom, bbox=filters.bbox, filters=filters
    )
    # Maps ask again on every pan; a short private cache spares repeated views of one place.
    response["Cache-Control"] = "private, max-age=30"
    return map_layer_geojson(layer, project=project)
