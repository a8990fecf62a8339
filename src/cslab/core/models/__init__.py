from cslab.core.models.audit_event import AuditEvent
from cslab.core.models.job import Job

__all__ = ["AuditEvent", "Job"]
