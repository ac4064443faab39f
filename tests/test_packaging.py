"""The built wheel works outside the checkout: installed into a fresh virtualenv (its
dependencies taken from the test environment, no network), it gives a working
``newsarchive list``, ``newsarchive demo`` and ``scrapy crawl`` in a new Scrapy project
that uses newsarchive's settings; it claims no generic top-level name (``spiders``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT


def test_every_package_is_listed_in_pyproject() -> None:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    listed = set(tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {str(d.relative_to(REPO_ROOT)).replace(os.sep, ".") for d in (REPO_ROOT / "newsarchive").rglob("*")
             if d.is_dir() and (d / "__init__.py").is_file()} | {"newsarchive", "newsarchive.spiders"}
    assert found == listed, (sorted(found - listed), sorted(listed - found))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel built from this checkout (its dependencies from
    the test environment's site-packages, through a .pth file: no download)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"  # a copy: building writes build/ and *.egg-info beside the sources
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        source.mkdir(exist_ok=True)
        shutil.copy2(REPO_ROOT / name, source / name)
    for name in ("newsarchive", "spiders"):
        shutil.copytree(REPO_ROOT / name, source / name, ignore=ignore)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(root / "dist"), str(source)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (root / "dist").glob("newsarchive-*.whl")
    env_dir = root / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")  # dependencies only
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                              "--no-index", "-q", str(wheel)], capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stdout + install.stderr
    assert not (site / "spiders").exists() and (site / "newsarchive" / "spiders" / "timesca.py").is_file()
    assert (site / "newsarchive" / "sites" / "timesca.toml").is_file() and (site / "newsarchive" / "py.typed").is_file()
    return env_dir


def run(env_dir: Path, *args: str, cwd: Path) -> Any:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run([str(env_dir / "bin" / "python"), *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


def test_the_wheel_works_outside_the_checkout(installed: Path, sample_site: Any, tmp_path: Path) -> None:
    where = run(installed, "-c", "import newsarchive, sys; print(newsarchive.__file__);"
                               "import importlib.util; print(importlib.util.find_spec('spiders'))", cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    assert str(REPO_ROOT) not in where.stdout.splitlines()[0] and where.stdout.splitlines()[1] == "None"
    listed = run(installed, "-m", "newsarchive", "list", cwd=tmp_path)
    assert listed.returncode == 0 and "timesca" in listed.stdout and "timesca.toml" in listed.stdout, listed.stderr
    demo = run(installed, "-m", "newsarchive", "demo", "--articles", "12", "--out", str(tmp_path / "demo"), cwd=tmp_path)
    assert demo.returncode == 0 and "items written:  12" in demo.stdout, demo.stdout + demo.stderr[-2000:]

    # a new Scrapy project of a user's, on newsarchive's settings
    project = tmp_path / "myproject"
    (project / "mynews").mkdir(parents=True)
    (project / "scrapy.cfg").write_text("[settings]\ndefault = mynews.settings\n")
    (project / "mynews" / "__init__.py").write_text("")
    (project / "mynews" / "settings.py").write_text("from newsarchive.settings import *  # noqa: F403\n"
                                                     "BOT_NAME = 'mynews'\n")
    crawled = run(installed, "-m", "scrapy", "crawl", "timesca", "-a", f"base_url={sample_site.url}", "-a", "max_pages=1",
                  "-O", "items.jsonl", "-s", f"NEWSARCHIVE_WARC_DIR={tmp_path / 'warc'}", cwd=project)
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    assert len((project / "items.jsonl").read_text().splitlines()) == 10
    assert list((tmp_path / "warc").glob("*.warc.gz"))
