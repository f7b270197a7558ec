"""Model bundles: a folder with `model.onnx`, `model.json` and `charts/`, complete or absent.

This module is the only reader and writer of bundles. `write_bundle` builds the folder under
a temporary sibling name and renames it into place, so a crash leaves the previous bundle.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from logwatch.engine.errors import UserError
from logwatch.engine.files import apply_umask
from logwatch.engine.window.spec import FeatureSpec, Scaling

FORMAT_VERSION = 1
"""model.json layout this code reads and writes."""

REQUIRED_KEYS = (
    "format_version",
    "backend",
    "created",
    "components",
    "window",
    "step_seconds",
    "features",
    "scaling",
    "threshold",
    "onnx",
)
"""Keys without which a bundle cannot score."""

MODEL_FILE = "model.onnx"
META_FILE = "model.json"
CHARTS_DIR = "charts"


@dataclass(frozen=True, slots=True)
class Bundle:
    """A loaded bundle: the parsed model.json plus the objects the engine needs."""

    path: Path
    meta: dict[str, Any]
    spec: FeatureSpec
    scaling: Scaling
    threshold: float
    onnx_input: str
    onnx_output: str

    @property
    def onnx_path(self) -> Path:
        return self.path / MODEL_FILE

    @property
    def charts_dir(self) -> Path:
        return self.path / CHARTS_DIR

    @property
    def backend(self) -> str:
        return str(self.meta["backend"])

    @property
    def created(self) -> str:
        return str(self.meta["created"])

    def describe(self) -> str:
        """One line for status bars and summaries."""
        return (
            f"{self.path} ({self.backend}, {self.created}, window {self.spec.window} x "
            f"{self.spec.step_seconds:g}s, {', '.join(self.spec.components)})"
        )


def default_model_dir() -> Path:
    """The per-user bundle folder: $XDG_DATA_HOME/logwatch/models/current
    (~/.local/share/logwatch/models/current when XDG_DATA_HOME is unset)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "logwatch" / "models" / "current"


def bundle_exists(path: str | Path) -> bool:
    """True when `path` holds both bundle files (says nothing about their validity)."""
    p = Path(path)
    return (p / META_FILE).is_file() and (p / MODEL_FILE).is_file()


def make_meta(
    *,
    spec: FeatureSpec,
    scaling: Scaling,
    threshold: dict[str, Any],
    onnx_input: str,
    onnx_output: str,
    backend: str,
    **extra: Any,
) -> dict[str, Any]:
    """A model.json dict in the current format; `extra` adds training_data, metrics, history,
    error_histogram and anything else worth keeping."""
    if "value" not in threshold:
        raise ValueError("threshold needs a 'value'")
    return {
        "format_version": FORMAT_VERSION,
        "backend": backend,
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "components": list(spec.components),
        "window": spec.window,
        "step_seconds": spec.step_seconds,
        "features": spec.to_json(),
        "scaling": scaling.to_json(),
        "threshold": dict(threshold),
        "onnx": {"input": onnx_input, "output": onnx_output},
        **extra,
    }


def parse_meta(meta: dict[str, Any], path: Path) -> Bundle:
    """Check a model.json dict and build the Bundle; UserError names the bad key."""
    where = path / META_FILE
    missing = [k for k in REQUIRED_KEYS if k not in meta]
    if missing:
        raise UserError(f"{where}: missing key {missing[0]!r} (not a logwatch model bundle?)")
    version = meta["format_version"]
    if version != FORMAT_VERSION:
        raise UserError(
            f"{where}: format_version {version!r} is not supported by this logwatch "
            f"(it reads {FORMAT_VERSION}); retrain with `logwatch train`"
        )
    try:
        spec = FeatureSpec.from_json(
            meta["features"],
            components=list(meta["components"]),
            window=int(meta["window"]),
            step_seconds=float(meta["step_seconds"]),
        )
        scaling = Scaling.from_json(meta["scaling"], list(meta["components"]))
        threshold = float(meta["threshold"]["value"])
        onnx_input, onnx_output = str(meta["onnx"]["input"]), str(meta["onnx"]["output"])
    except (KeyError, TypeError, ValueError) as error:
        raise UserError(f"{where}: invalid bundle metadata ({_describe(error)})") from None
    if not spec.components or spec.window < 2 or not (spec.step_seconds or 0) > 0:
        raise UserError(f"{where}: components, window (>= 2) and step_seconds (> 0) are required")
    if not math.isfinite(threshold):
        raise UserError(f"{where}: threshold.value must be a finite number")
    profiles = [scaling.default_profile, *scaling.profiles.values()] if scaling.default_profile is not None else []
    if spec.profile_bins and (not profiles or any(len(p) != spec.profile_bins for p in profiles)):
        raise UserError(
            f"{where}: scaling.daily_profile needs {spec.profile_bins} levels per component "
            "(features.daily_profile_bins)"
        )
    if spec.adaptive_scale and scaling.default_noise is None:
        raise UserError(f"{where}: features.adaptive_scale needs scaling.noise (the training noise levels)")
    return Bundle(path, meta, spec, scaling, threshold, onnx_input, onnx_output)


def _describe(error: BaseException) -> str:
    if isinstance(error, KeyError):
        return f"missing key {error.args[0]!r}"
    return str(error)


def load_bundle(path: str | Path) -> Bundle:
    """Read a bundle folder. Raises UserError (one line) when it is missing, corrupt or
    written by an incompatible version."""
    p = Path(path).expanduser()
    if not p.is_dir():
        raise UserError(f"{p}: no model bundle there (train one with `logwatch train`)")
    for name in (META_FILE, MODEL_FILE):
        if not (p / name).is_file():
            raise UserError(f"{p}: incomplete model bundle ({name} is missing)")
    try:
        meta = json.loads((p / META_FILE).read_text(encoding="utf-8"))
    except OSError as error:
        raise UserError(f"{p / META_FILE}: cannot read ({error.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UserError(f"{p / META_FILE}: not valid JSON ({error})") from None
    if not isinstance(meta, dict):
        raise UserError(f"{p / META_FILE}: expected a JSON object")
    return parse_meta(meta, p)


def _finite(obj: Any) -> Any:
    """JSON has no NaN/inf: store them as null."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {str(k): _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    if hasattr(obj, "tolist"):  # numpy scalars and arrays
        return _finite(obj.tolist())
    return obj


def write_bundle(
    path: str | Path,
    onnx_bytes: bytes,
    meta: dict[str, Any],
    charts: dict[str, bytes] | str | Path | None = None,
) -> Path:
    """Write a complete bundle at `path` atomically and return `path`.

    `charts` is {file name: bytes} or a folder whose files are copied. The metadata is
    checked first (the same checks as `load_bundle`); the previous bundle at `path`, if any,
    is replaced only once the new one is complete.
    """
    target = Path(path).expanduser().absolute()
    meta = _finite(dict(meta))
    parse_meta(meta, target)  # refuse to write what could not be loaded
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        (tmp / MODEL_FILE).write_bytes(onnx_bytes)
        (tmp / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        charts_out = tmp / CHARTS_DIR
        charts_out.mkdir()
        if isinstance(charts, dict):
            for name, data in charts.items():
                (charts_out / Path(name).name).write_bytes(data)
        elif charts is not None:
            for item in Path(charts).iterdir():
                if item.is_file():
                    shutil.copy2(item, charts_out / item.name)
                    apply_umask(charts_out / item.name)  # not the source's mode (maybe 0600)
        apply_umask(tmp, folder=True)  # mkdtemp makes it 0700; a bundle gets a plain new folder's mode
        _swap_into_place(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _swap_into_place(tmp: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        old.rmdir()
        target.rename(old)
    try:
        tmp.rename(target)
    except BaseException:
        if old is not None:
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
