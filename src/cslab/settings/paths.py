"""Folders and the environment reader shared by the settings modules."""

from pathlib import Path

import environ

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

VAR_DIR = Path(env.str("CSLAB_VAR_DIR", default=str(BASE_DIR / "var")))
