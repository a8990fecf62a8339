"""A small ODK Collect emulator: the client rules Collect's source applies, over `requests`.

Written from getodk/collect (`OpenRosaFormSource`, `OpenRosaResponseParserImpl`,
`InstanceServerUploader`, `OkHttpConnection`), see ../shared/docs/standards.md §2:
- every request sends `X-OpenRosa-Version: 1.0`, `Date` and a User-Agent;
- formList: Content-Type must contain `text/xml`, `X-OpenRosa-Version` must be present, the
  root is `xforms` in the xformsList namespace and every `xform` has formID, name and
  downloadUrl (else the whole list is refused); `hash` is `md5:` of the downloaded bytes;
- a manifest must carry `X-OpenRosa-Version`;
- submitting: HEAD `submission?deviceID=…` must be 204 (any other 2xx is a failure, 404/405
  are ignored), read `X-OpenRosa-Accept-Content-Length`, then POST multipart parts
  `xml_submission_file` plus one part per attachment named by its file name, split into
  several POSTs (each with the XML and `*isIncomplete*`=yes but the last) when too large;
  only 201 and 202 count as success.
"""

import hashlib
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

import requests
from defusedxml import ElementTree

FORM_LIST_NS = "{http://openrosa.org/xforms/xformsList}"
MANIFEST_NS = "{http://openrosa.org/xforms/xformsManifest}"
RESPONSE_NS = "{http://openrosa.org/http/response}"
DEFAULT_ACCEPT_CONTENT_LENGTH = 10_000_000
DEVICE_ID = "collect:emulator-1"


class CollectRefusedError(AssertionError):
    """What Collect would show as an error."""


@dataclass
class ListedForm:
    form_id: str
    name: str
    version: str
    hash: str
    download_url: str
    manifest_url: str | None


@dataclass
class Upload:
    responses: list[requests.Response] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        return [response_message(response) for response in self.responses]


def response_message(response: requests.Response) -> str:
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{RESPONSE_NS}OpenRosaResponse", root.tag
    message = root.find(f"{RESPONSE_NS}message")
    return "" if message is None else message.text or ""


class CollectEmulator:
    def __init__(self, server_url: str, auth: Any = None) -> None:
        self.server_url = server_url.rstrip("/")
        self.session = requests.Session()
        self.session.auth = auth

    def _headers(self) -> dict[str, str]:
        return {
            "X-OpenRosa-Version": "1.0",
            "Date": formatdate(usegmt=True),
            "User-Agent": "Dalvik/2.1.0 org.odk.collect.android/v2024.3.4",
        }

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        response = self.session.request(method, url, headers=self._headers(), timeout=30, **kwargs)
        if "X-OpenRosa-Version" not in response.headers or "Date" not in response.headers:
            raise CollectRefusedError(f"{method} {url}: no OpenRosa headers")
        return response

    def form_list(self, form_id: str | None = None) -> list[ListedForm]:
        params = {"formID": form_id} if form_id else None
        response = self.request("GET", f"{self.server_url}/formList", params=params)
        if response.status_code != 200:
            raise CollectRefusedError(f"formList answered {response.status_code}")
        if "text/xml" not in response.headers.get("Content-Type", ""):
            raise CollectRefusedError("formList is not text/xml (often caused by a network proxy)")
        root = ElementTree.fromstring(response.content)
        if root.tag != f"{FORM_LIST_NS}xforms":
            raise CollectRefusedError(f"formList root is {root.tag}")
        forms = []
        for xform in root.findall(f"{FORM_LIST_NS}xform"):
            values = {child.tag.removeprefix(FORM_LIST_NS): child.text or "" for child in xform}
            if not all(values.get(name) for name in ("formID", "name", "downloadUrl")):
                raise CollectRefusedError("an xform lacks formID, name or downloadUrl")
            forms.append(
                ListedForm(
                    form_id=values["formID"],
                    name=values["name"],
                    version=values.get("version", ""),
                    hash=values.get("hash", ""),
                    download_url=values["downloadUrl"],
                    manifest_url=values.get("manifestUrl"),
                )
            )
        return forms

    def download(self, form: ListedForm) -> bytes:
        response = self.request("GET", form.download_url)
        if response.status_code != 200:
            raise CollectRefusedError(f"form download answered {response.status_code}")
        if not form.hash.startswith("md5:"):
            raise CollectRefusedError("no md5: hash")
        if hashlib.md5(response.content).hexdigest() != form.hash[4:]:  # noqa: S324
            raise CollectRefusedError("the hash does not match the downloaded bytes")
        if form.manifest_url:
            manifest = self.request("GET", form.manifest_url)
            root = ElementTree.fromstring(manifest.content)
            if manifest.status_code != 200 or root.tag != f"{MANIFEST_NS}manifest":
                raise CollectRefusedError("bad manifest")
        return response.content

    def preflight(self) -> int:
        """HEAD submission; return the accepted content length."""
        url = f"{self.server_url}/submission"
        response = self.request("HEAD", url, params={"deviceID": DEVICE_ID})
        if response.status_code == 204:
            return int(
                response.headers.get(
                    "X-OpenRosa-Accept-Content-Length", DEFAULT_ACCEPT_CONTENT_LENGTH
                )
            )
        if response.status_code in (404, 405):
            return DEFAULT_ACCEPT_CONTENT_LENGTH
        raise CollectRefusedError(f"HEAD submission answered {response.status_code} (web proxy?)")

    def submit(self, xml: bytes, attachments: dict[str, tuple[bytes, str]] | None = None) -> Upload:
        """Send a filled form; raise CollectRefusedError unless every POST answers 201 or 202."""
        limit = self.preflight()
        batches: list[list[tuple[str, tuple[bytes, str]]]] = [[]]
        size = len(xml)
        for name, (content, content_type) in (attachments or {}).items():
            if batches[-1] and size + len(content) > limit:
                batches.append([])
                size = len(xml)
            batches[-1].append((name, (content, content_type)))
            size += len(content)
        upload = Upload()
        for position, batch in enumerate(batches):
            files: list[tuple[str, tuple[str, bytes, str]]] = [
                ("xml_submission_file", ("submission.xml", xml, "text/xml"))
            ]
            files += [(name, (name, content, kind)) for name, (content, kind) in batch]
            data = {"*isIncomplete*": "yes"} if position < len(batches) - 1 else {}
            response = self.request(
                "POST",
                f"{self.server_url}/submission",
                params={"deviceID": DEVICE_ID},
                files=files,
                data=data,
            )
            upload.responses.append(response)
            if response.status_code not in (201, 202):
                raise CollectRefusedError(
                    f"submission answered {response.status_code}: {response.content[:300]!r}"
                )
        return upload
