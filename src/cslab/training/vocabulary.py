"""Words of training that other code relies on."""

# Module slugs that would clash with the fixed pages under /training/ (`/training/new/`,
# `/training/mine/`).
RESERVED_SLUGS = frozenset({"new", "mine"})

# Limits of authoring: enough for a short learning path, small enough to render on one page.
MAX_QUESTIONS_PER_LESSON = 50
MAX_CHOICES_PER_QUESTION = 10
MAX_LESSONS_PER_MODULE = 100
MAX_FILES_PER_LESSON = 10
# A submitted quiz may name at most this many answers in all (the largest quiz has 500 choices).
MAX_ANSWERS = MAX_QUESTIONS_PER_LESSON * MAX_CHOICES_PER_QUESTION
