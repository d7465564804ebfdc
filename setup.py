"""Build hook: ship ``resources/`` inside the wheel, as ``workstation/resources``.

Everything else about the package is in ``pyproject.toml``. The resources stay
at the top of the checkout (the bundle, the tests and the tools read them
there); a wheel built from the checkout or its sdist carries a copy inside the
package, where :func:`workstation.paths.resources_dir` finds it. An editable
install reads the checkout's folder and gets no copy.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RESOURCES = Path(__file__).resolve().parent / "resources"


class BuildWithResources(build_py):
    """``build_py`` that also copies ``resources/`` into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "workstation" / "resources"
        for path in sorted(RESOURCES.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            destination = target / path.relative_to(RESOURCES)
            self.mkpath(str(destination.parent))
            self.copy_file(str(path), str(destination))


setup(cmdclass={"build_py": BuildWithResources})
