"""The impact API: outputs and impact statements (`outputs.py`), a project's and the Lab's
figures (`figures.py`), the meta-research exports (`meta_research.py`)."""

from ninja import Router

from cslab.impact.api.figures import router as figures_router
from cslab.impact.api.meta_research import router as meta_research_router
from cslab.impact.api.outputs import router as outputs_router

router = Router()
router.add_router("/", outputs_router)
router.add_router("/", figures_router)
router.add_router("/", meta_research_router)
