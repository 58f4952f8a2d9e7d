"""A PEP 517 build backend in the standard library only, so ``pip install ./clients/python`` works offline.

pip builds a package in an isolated environment and would first download setuptools and wheel from PyPI;
this backend needs nothing, so the install works on machines without an index (CI, air-gapped servers).
It packs the pure-Python ``escala`` package as a wheel (and an sdist) from the metadata in pyproject.toml.
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import tarfile
import zipfile

try:
    import tomllib  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.9/3.10
    tomllib = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "escala"



WHEEL = b"Wheel-Version: 1.0\nGenerator: escala_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"

def _project():
    if tomllib is not None:
        with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
            return tomllib.load(f)["project"]
    project, section = {}, None
    for line in open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8"):
        line = line.strip()
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "project" and "=" in line and line.split("=", 1)[1].strip().startswith('"'):
            key, value = line.split("=", 1)
            project[key.strip()] = value.strip().strip('"')
    return project


def _metadata():
    p = _project()
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    return (f"Metadata-Version: 2.1\nName: {p['name']}\nVersion: {p['version']}\nSummary: {p['description']}\n"
            f"Requires-Python: {p['requires-python']}\nDescription-Content-Type: text/markdown\n\n{readme}")


def _files():
    base = os.path.join(ROOT, PACKAGE)
    for folder, dirs, names in os.walk(base):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in sorted(names):
            if name.endswith((".py", ".typed")):
                path = os.path.join(folder, name)
                yield os.path.relpath(path, ROOT).replace(os.sep, "/"), open(path, "rb").read()


def _name_version():
    p = _project()
    return p["name"], p["version"]


def get_requires_for_build_wheel(config_settings=None):
    return []


get_requires_for_build_sdist = get_requires_for_build_editable = get_requires_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name, version = _name_version()
    dist_info = f"{name}-{version}.dist-info"
    filename = f"{name}-{version}-py3-none-any.whl"
    entries = list(_files()) + [
        (f"{dist_info}/METADATA", _metadata().encode()),
        (f"{dist_info}/WHEEL", WHEEL),
        (f"{dist_info}/top_level.txt", f"{PACKAGE}\n".encode()),
    ]
    return _write_wheel(wheel_directory, filename, dist_info, entries)


def _write_wheel(wheel_directory, filename, dist_info, entries):
    """Writes the wheel's files and its RECORD (each file's SHA-256 and size); returns the file name."""
    record = io.StringIO()
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as wheel:
        for path, data in entries:
            wheel.writestr(path, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.write(f"{path},sha256={digest},{len(data)}\n")
        record.write(f"{dist_info}/RECORD,,\n")
        wheel.writestr(f"{dist_info}/RECORD", record.getvalue())
    return filename


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    name, version = _name_version()
    dist_info = f"{name}-{version}.dist-info"
    filename = f"{name}-{version}-0.editable-py3-none-any.whl"
    entries = [
        (f"_{name}_editable.pth", (ROOT + "\n").encode()),
        (f"{dist_info}/METADATA", _metadata().encode()),
        (f"{dist_info}/WHEEL", WHEEL),
    ]
    return _write_wheel(wheel_directory, filename, dist_info, entries)


def build_sdist(sdist_directory, config_settings=None):
    name, version = _name_version()
    base = f"{name}-{version}"
    filename = f"{base}.tar.gz"
    extra = ["pyproject.toml", "README.md", "_build/escala_build.py"]
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz") as tar:
        for path, _ in _files():
            tar.add(os.path.join(ROOT, path), f"{base}/{path}")
        for path in extra:
            tar.add(os.path.join(ROOT, path), f"{base}/{path}")
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        data = _metadata().encode()
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return filename
