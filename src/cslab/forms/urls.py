"""URLs of the forms area: each views module lists its own patterns."""

from cslab.forms.views.builder import urlpatterns as builder_patterns
from cslab.forms.views.pages import urlpatterns as page_patterns
from cslab.forms.views.webform import urlpatterns as webform_patterns

urlpatterns = [
    *page_patterns,
    *builder_patterns,
    *webform_patterns,
]
