"""Starting the TUI never imports TensorFlow (retraining runs it in a subprocess only)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import asyncio, json, sys
    from pathlib import Path
    from logwatch.tui.app import LogwatchApp
    from logwatch.tui.options import MonitorOptions

    async def main():
        app = LogwatchApp(MonitorOptions(model_dir=Path(sys.argv[1]), auto_train=False))
        async with app.run_test(size=(80, 24)) as pilot:
            while len(app.state.history) < 500:
                await pilot.pause(0.1)
            await pilot.press("m", "escape", "question_mark", "escape", "q")
        return app.state.model.backend

    backend = asyncio.run(main())
    heavy = sorted({name.split(".")[0] for name in sys.modules} & {"tensorflow", "keras", "tf2onnx", "torch"})
    print(json.dumps({"backend": backend, "heavy": heavy, "onnxruntime": "onnxruntime" in sys.modules}))
""")


@pytest.mark.slow  # trains the tiny bundle once per session
def test_running_the_tui_with_a_model_does_not_import_tensorflow(tiny_bundle):
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tiny_bundle)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"backend": "sklearn", "heavy": [], "onnxruntime": True}
