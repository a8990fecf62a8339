"""The Dutch catalogue is complete, compiled, consistent with the code, and used by the site."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest
from django.utils import translation

import cslab
from tests.conftest import skip_or_fail

PACKAGE_DIR = Path(cslab.__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
DUTCH_PO = LOCALE_DIR / "nl" / "LC_MESSAGES" / "django.po"
DUTCH_MO = LOCALE_DIR / "nl" / "LC_MESSAGES" / "django.mo"

GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")

# printf-style placeholders: %(name)s, %s, %d, %(count)05.2f …; "%%" is a literal percent sign.
# No space flag and few conversions, so prose such as "50% of" or "100% done" is not taken for one.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0+-]*(?:\d+|\*)?(?:\.\d+)?[sdifr]")


def placeholders(text: str) -> set[str]:
    return {match.group(0) for match in PLACEHOLDER.finditer(text.replace("%%", ""))}


def describe(entries: list[polib.POEntry]) -> str:
    return "\n".join(
        f"  {entry.msgid!r} ({', '.join(entry.flags) or 'empty'})" for entry in entries
    )


def translations(entries: Any) -> dict[tuple[str | None, str], Any]:
    """Map (context, msgid) to the translation: a string, or {plural index: string}."""
    found: dict[tuple[str | None, str], Any] = {}
    for entry in entries:
        if entry.obsolete or not entry.msgid:
            continue
        if entry.msgid_plural:
            value: Any = {int(index): text for index, text in entry.msgstr_plural.items()}
        else:
            value = entry.msgstr
        found[(entry.msgctxt, entry.msgid)] = value
    return found


@pytest.fixture(autouse=True)
def _back_to_default_language() -> Iterator[None]:
    """Requests activate a language in this thread; leave the next test in the default one."""
    yield
    translation.deactivate()


def test_dutch_catalogue_has_no_untranslated_or_fuzzy_entries() -> None:
    catalogue = polib.pofile(str(DUTCH_PO))
    assert catalogue.metadata.get("Language") == "nl"
    assert not catalogue.metadata_is_fuzzy, "the catalogue header is marked fuzzy"
    untranslated = catalogue.untranslated_entries()
    fuzzy = catalogue.fuzzy_entries()
    assert not untranslated, f"untranslated Dutch entries:\n{describe(untranslated)}"
    assert not fuzzy, f"fuzzy Dutch entries (check, then drop the flag):\n{describe(fuzzy)}"
    assert len(catalogue.translated_entries()) > 0


def test_committed_mo_file_matches_the_po_file() -> None:
    assert DUTCH_MO.is_file(), "run `cslab compilemessages -l nl` and commit django.mo"
    source = translations(polib.pofile(str(DUTCH_PO)).translated_entries())
    compiled = translations(polib.mofile(str(DUTCH_MO)))
    stale = {key: value for key, value in source.items() if compiled.get(key) != value}
    extra = sorted(key[1] for key in compiled.keys() - source.keys())
    assert not stale, f"django.mo is out of date for: {sorted(key[1] for key in stale)}"
    assert not extra, f"django.mo holds messages the .po no longer has: {extra}"


def test_translations_keep_the_placeholders_of_their_source_text() -> None:
    mismatches = []
    for entry in polib.pofile(str(DUTCH_PO)).translated_entries():
        if entry.msgid_plural:
            pairs = [
                (entry.msgid if int(index) == 0 else entry.msgid_plural, text)
                for index, text in entry.msgstr_plural.items()
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, translated in pairs:
            if placeholders(source) != placeholders(translated):
                mismatches.append(f"  {source!r} -> {translated!r}")
    assert not mismatches, "placeholders differ:\n" + "\n".join(mismatches)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_translatable_string_in_the_code_is_in_the_dutch_catalogue(
    tmp_path: Path,
) -> None:
    missing_tools = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing_tools:
        skip_or_fail(f"GNU gettext is not installed (missing {', '.join(missing_tools)})")
    copy = tmp_path / "cslab"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    real_po_before = _digest(DUTCH_PO)
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cslab.settings.base",
        "DEBUG": "true",
        "CSLAB_VAR_DIR": str(var_dir),
    }
    command = Path(sys.executable).with_name("cslab")
    completed = subprocess.run(
        [str(command), "makemessages", "-l", "nl", "--no-obsolete", "--ignore", "*/migrations/*"],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    # makemessages writes into the locale/ folder next to the files it scans: the copy's.
    assert _digest(DUTCH_PO) == real_po_before, "makemessages changed the real catalogue"
    regenerated = polib.pofile(str(copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    untranslated = regenerated.untranslated_entries()
    fuzzy = regenerated.fuzzy_entries()
    hint = "run `cslab makemessages -l nl --no-obsolete --ignore '*/migrations/*'` in src/cslab"
    assert not untranslated, (
        f"strings missing from the catalogue ({hint}):\n{describe(untranslated)}"
    )
    assert not fuzzy, f"strings only guessed by msgmerge ({hint}):\n{describe(fuzzy)}"


def _dutch(message: str) -> str:
    with translation.override("nl"):
        dutch = translation.gettext(message)
    assert dutch != message, f"{message!r} has no Dutch translation"
    return dutch


HERO = "Research together with citizens"


def test_home_page_is_dutch_for_a_browser_that_asks_for_dutch(client: Any, db: Any) -> None:
    html = client.get("/", headers={"accept-language": "nl"}).content.decode()

    assert '<html lang="nl">' in html
    assert _dutch(HERO) in html
    assert HERO not in html


def test_home_page_is_dutch_after_choosing_dutch_in_the_language_menu(client: Any, db: Any) -> None:
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    assert response.status_code == 302

    html = client.get("/", headers={"accept-language": "en"}).content.decode()

    assert '<html lang="nl">' in html
    assert _dutch(HERO) in html


def test_home_page_is_english_for_a_browser_that_asks_for_english(client: Any, db: Any) -> None:
    html = client.get("/", headers={"accept-language": "en"}).content.decode()

    assert '<html lang="en">' in html
    assert HERO in html
    assert _dutch(HERO) not in html
