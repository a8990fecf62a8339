"""The pages of impact: outputs and their import, impact statements, a project's dashboard and
report, the Lab dashboard, the meta-research feed."""

from django.urls import URLPattern, URLResolver

from cslab.impact.views import dashboard, lab, meta_research, output_import, outputs, statements

urlpatterns: list[URLPattern | URLResolver] = [
    # Before outputs: /outputs/import/ is not an output.
    *output_import.urlpatterns,
    *outputs.urlpatterns,
    *statements.urlpatterns,
    *dashboard.urlpatterns,
    *lab.urlpatterns,
    *meta_research.urlpatterns,
]
