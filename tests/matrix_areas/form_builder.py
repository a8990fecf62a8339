"""Matrix rows of the form builder pages (collection area)."""

from tests.permission_matrix import Row, every, leads_and_staff, signed_in, team_and_staff

# fmt: off
ROWS: list[Row] = [
    Row("form builder for a new form on a private project", "GET",
        lambda w: f"/projects/{w.team_project.slug}/forms/new/",
        team_and_staff(403, 404, staff=200, superuser=200, owner=200, researcher=200),
        api=False, route="form_builder_new"),
    Row("form builder for a new form on a public project", "GET",
        lambda w: f"/projects/{w.public_project.slug}/forms/new/",
        signed_in(403, 302, staff=200, superuser=200), api=False, route="form_builder_new"),
    Row("form builder for a new version of a private project's form", "GET",
        lambda w: f"/projects/{w.team_project.slug}/forms/matrix_form/builder/",
        team_and_staff(403, 404, staff=200, superuser=200, owner=200, researcher=200),
        api=False, route="form_builder"),
    Row("publish from the form builder with nothing filled in", "POST",
        lambda w: f"/projects/{w.team_project.slug}/forms/new/",
        team_and_staff(403, 404, staff=400, superuser=400, owner=400, researcher=400),
        api=False, route="form_builder_new"),
    # The live preview: only for those who may build the project's forms, a 404 for anyone
    # else (as for a form they may not see), on a public project too.
    Row("preview the form builder's rows on a private project", "POST",
        lambda w: f"/projects/{w.team_project.slug}/forms/preview/",
        leads_and_staff(200, 404, anonymous=404), api=False, route="form_builder_preview"),
    Row("preview the form builder's rows on a public project", "POST",
        lambda w: f"/projects/{w.public_project.slug}/forms/preview/",
        every(404, staff=200, superuser=200), api=False, route="form_builder_preview"),
]
# fmt: on

MATRIX_FORM_ROWS = {
    "survey": [{"type": "integer", "name": "count", "label": "Count"}],
    "settings": [{"form_id": "matrix_form", "form_title": "Matrix", "version": "1"}],
}

# fmt: off
ROWS += [
    Row("forms of a private project (API)", "GET",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/forms",
        team_and_staff(200, 404), route="/api/v1/projects/{slug}/forms"),
    Row("forms of a public project (API)", "GET",
        lambda w: f"/api/v1/projects/{w.public_project.slug}/forms",
        every(200), route="/api/v1/projects/{slug}/forms"),
    Row("a private project's form (API)", "GET",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/forms/matrix_form",
        team_and_staff(200, 404), route="/api/v1/projects/{slug}/forms/{form_id}"),
    # The same version string again: leads get as far as the conflict, nothing is stored.
    Row("publish a form version that exists (API)", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/forms",
        team_and_staff(403, 404, anonymous=401, staff=409, superuser=409, owner=409,
                       researcher=409),
        body=MATRIX_FORM_ROWS, route="/api/v1/projects/{slug}/forms"),
]
# fmt: on
