from cslab.training.models.module import (
    Lesson,
    LessonFile,
    QuizChoice,
    QuizQuestion,
    TrainingModule,
)
from cslab.training.models.progress import (
    Certificate,
    LessonCompletion,
    QuizAttempt,
    RoleRequirement,
)

__all__ = [
    "Certificate",
    "Lesson",
    "LessonCompletion",
    "LessonFile",
    "QuizAttempt",
    "QuizChoice",
    "QuizQuestion",
    "RoleRequirement",
    "TrainingModule",
]
