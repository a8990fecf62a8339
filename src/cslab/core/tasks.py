"""Tasks for the task backend: parse arguments, call a service, nothing else."""

from typing import Any

from django.core.mail import EmailMultiAlternatives
from django_tasks import task

from cslab.core.services.jobs import job_run


@task()
def run_job(*, job_id: str) -> None:
    job_run(job_id=job_id)


@task()
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html_body: str | None = None,
    headers: dict[str, Any] | None = None,
    attachments: list[tuple[str, str, str]] | None = None,
) -> None:
    """Send one e-mail; `attachments` are (filename, text content, mimetype) triples, plain
    strings so the task's arguments stay JSON (e.g. an .ics as
    `text/calendar; method=PUBLISH; charset=utf-8`)."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email, to=to, headers=headers or {}
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    message.send()
