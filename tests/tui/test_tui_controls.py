"""Every control of the main screen, driven by key presses on the real app (`run_test`)."""

from __future__ import annotations

import re
import threading

from tui_support import generated, make_app, screen_text, settle, wait_until

from logwatch.tui.screens.details import DetailsScreen
from logwatch.tui.screens.help import HelpScreen
from logwatch.tui.screens.model import ModelScreen
from logwatch.tui.screens.recalibrate import RecalibrateScreen
from logwatch.tui.screens.server_picker import ServerPicker
from logwatch.tui.screens.threshold_confirm import ConfirmThreshold
from logwatch.tui.widgets.feed_table import FeedTable
from logwatch.tui.widgets.metric_spark import MetricSpark
from logwatch.tui.widgets.server_bar import ServerBar


def feed_rows(app) -> list[tuple[str, str]]:
    table = app.main.query_one(FeedTable)
    return [(str(table.get_row_at(i)[1]), str(table.get_row_at(i)[2])) for i in range(table.row_count)]


def flagged(app) -> int:
    return app.state.flagged_count(len(app.state.history))


async def test_threshold_keys_change_the_flagged_set_everywhere(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        before, rows, share = flagged(app), app.main.query_one(FeedTable).row_count, app.state.flagged_share()
        assert before > 0 and rows > 0
        await pilot.press("plus", "plus", "plus", "plus", "plus", "plus", "plus", "plus")
        await pilot.pause()
        assert app.state.threshold > app.state.model.threshold * 2
        assert flagged(app) < before
        assert app.main.query_one(FeedTable).row_count < rows
        assert app.state.flagged_share() <= share
        for _ in range(16):
            await pilot.press("minus")
        await pilot.pause()
        assert flagged(app) > before
        assert app.main.query_one(FeedTable).row_count > rows


async def test_exact_threshold_and_recalibration(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        model = app.state.model.threshold
        await pilot.press("t")
        await pilot.pause()
        field = app.screen.query_one("#value")
        field.value = ""
        await pilot.press("n", "enter")  # not a number: the dialog stays
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ThresholdInput"
        field.value = "1e9"
        await pilot.press("enter")
        await pilot.pause()
        # Far above the model's own: asked first, and "n" keeps the old threshold.
        assert isinstance(app.screen, ConfirmThreshold) and app.state.threshold == model
        await pilot.press("n")
        await pilot.pause()
        assert app.state.threshold == model
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one("#value").value = "1e9"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.state.threshold == 1e9 and flagged(app) == 0 and feed_rows(app) == []
        await pilot.press("a")
        await pilot.pause()
        # The proposal is shown next to the current threshold before anything changes.
        assert isinstance(app.screen, RecalibrateScreen) and app.state.threshold == 1e9
        shown = screen_text(app)
        assert "recalibrated" in shown and "the model's own" in shown and "1.0e+09" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert app.state.threshold == 1e9
        await pilot.press("0")  # back to the model's own
        await pilot.pause()
        assert app.state.threshold == model
        await pilot.press("a")
        await pilot.pause()
        proposal = app.screen.proposal
        assert proposal.left_out == proposal.flagged_now > 0  # what is flagged now is left out
        await pilot.press("enter")
        await pilot.pause()
        assert app.state.threshold == proposal.value
        assert model / 2 < app.state.threshold < 2 * model
        assert 0 < flagged(app) <= 0.05 * len(app.state.history)


async def test_raising_the_threshold_past_three_times_the_models_asks_once(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        model = app.state.model.threshold
        for _ in range(11):  # 1.1 ** 11 = 2.85
            await pilot.press("plus")
        await pilot.pause()
        assert app.state.threshold < 3 * model and app.screen is app.main
        await pilot.press("plus")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmThreshold)
        await pilot.press("y")
        await pilot.pause()
        assert app.state.threshold > 3 * model
        await pilot.press("plus")
        await pilot.pause()
        assert app.screen is app.main  # already past it: no second question


async def test_filter_narrows_the_feed_and_escape_clears_it(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        everything = feed_rows(app)
        assert {server for server, _ in everything} >= {"server_1", "server_2"}
        await pilot.press("slash", *"server_2")
        await pilot.pause()
        narrowed = feed_rows(app)
        assert narrowed and all(server == "server_2" for server, _ in narrowed)
        await pilot.press("enter")  # keeps the filter, back to the table
        assert isinstance(app.focused, FeedTable) and feed_rows(app) == narrowed
        await pilot.press("escape")
        await pilot.pause()
        assert feed_rows(app) == everything


async def test_server_switch_by_key_and_from_the_list(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        bar = app.main.query_one(ServerBar)
        assert bar.server == "server_1"
        first = [s.columns.current for s in app.main.query(MetricSpark)]
        await pilot.press("s")
        assert bar.server == "server_2"
        assert [s.columns.current for s in app.main.query(MetricSpark)] != first
        await pilot.press("S", "S")
        assert bar.server == "server_3"
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, ServerPicker)
        await pilot.press("k", "k", "j", "enter")  # server_3 -> 2 -> 1 -> 2
        await pilot.pause()
        assert app.screen is app.main and bar.server == "server_2"


async def test_enter_opens_details_with_shares_and_neighbours(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("j", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DetailsScreen)
        incident = screen.incident
        text = screen_text(app)
        assert "Share of the error" in text and "Actual (expected)" in text
        for component in ("CPU", "Memory", "Disk"):
            assert component in text
        assert incident.id == app.state.feed.view()[1].id  # j moved to the second row
        await pilot.press("escape")
        assert app.screen is app.main


async def test_details_of_a_server_that_sends_only_cpu_say_what_it_lacks(tmp_path):
    from logwatch.engine.batch import Batch
    from tui_support import Finite

    batches = []
    for batch in generated(3000):
        frame = batch.frame
        keep = (frame["server"] != "server_1") | (frame["component"] == "CPU")
        frame = frame.filter(keep)
        spike = (frame["server"] == "server_1") & (frame["timestamp"] == frame["timestamp"].max())
        batches.append(Batch(frame.with_columns(value=frame["value"].zip_with(~spike, frame["value"] * 0 + 999.0))))
    app = make_app(tmp_path)
    app.ingest.source = Finite(batches)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        mine = [i for i in app.state.feed.view() if i.server == "server_1"]
        assert mine
        app.show_details(mine[0].id)
        await pilot.pause()
        text = screen_text(app)
        assert "not sent by this server (other servers send them): Memory, Disk" in text


class GatedSource:
    """The first batches at once, the rest only after `gate` is set."""

    def __init__(self, batches, first: int) -> None:
        self.batches, self.first, self.gate = batches, first, threading.Event()

    def __iter__(self):
        for index, batch in enumerate(self.batches):
            if index == self.first:
                while not self.gate.wait(0.05):
                    pass
            yield batch

    def stop(self) -> None:
        self.gate.set()


async def test_pause_freezes_the_display_not_the_ingest(tmp_path):
    from tui_support import FROZEN_NOW

    from logwatch.tui.app import LogwatchApp
    from logwatch.tui.options import MonitorOptions

    batches = generated(1200)
    source = GatedSource(batches, first=3)
    first = sum(b.frame.height for b in batches[:3])
    options = MonitorOptions(model_dir=tmp_path / "none", auto_train=False, zoom=300.0)
    app = LogwatchApp(options, source=source, clock=lambda: FROZEN_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.state.history) == first)
        app.main.repaint(force=True)
        await pilot.press("p")
        shown = app.main.query_one(ServerBar).newest
        source.gate.set()
        await wait_until(pilot, lambda: app.ended is not None)
        await pilot.pause(0.6)  # a few timer ticks
        assert len(app.state.history) > first
        assert app.main.query_one(ServerBar).newest == shown
        await pilot.press("p")
        assert app.main.query_one(ServerBar).newest > shown


async def test_help_model_and_palette_screens(tmp_path):
    app = make_app(tmp_path, steps=600)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        lines = [line.strip() for line in screen_text(app).splitlines()]
        for _ in range(12):  # at 80x24 the list is taller than the screen: j scrolls it
            await pilot.press("j")
        lines += [line.strip() for line in screen_text(app).splitlines()]
        for key in ("?", "/", "+", "-", "t", "a", "r", "m", "p", "q", "s", "l", "Enter", "x", "M", "U", "i", "e", "n"):
            assert any(line.startswith(f"{key} ") for line in lines), key
        await pilot.press("escape", "m")
        assert isinstance(app.screen, ModelScreen)
        assert "z-score baseline" in screen_text(app)
        await pilot.press("escape")
        commands = [c.title for c in app.get_system_commands(app.main)]
        for key in ("Raise the threshold", "Train a new model", "Filter the feed", "Mute the selected", "Quit and restore"):
            assert any(c.startswith(key) for c in commands), key
        before = app.state.threshold
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"raise the threshold")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen is app.main and app.state.threshold > before


async def test_q_quits_and_stops_the_ingest(tmp_path):
    app = make_app(tmp_path, steps=600)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_value == 0
    assert app.ingest._stop.is_set()


async def test_a_timer_tick_while_quitting_is_harmless(tmp_path):
    """The screens go a moment before the refresh timer stops; a tick in between once
    crashed the app on its way out."""
    app = make_app(tmp_path, steps=50)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert app.screen_stack == []
    app.tick()
    assert app.training.job is None


async def test_a_tiny_threshold_keeps_the_ratio_column_readable(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one("#value").value = "1e-300"
        await pilot.press("enter")
        await wait_until(pilot, lambda: feed_rows(app) != [])
        table = app.main.query_one(FeedTable)
        ratios = [str(table.get_row_at(row)[list(table.columns).index("ratio")]) for row in range(table.row_count)]
        assert ratios and all(len(r) <= 5 and "e" in r for r in ratios), ratios
        await pilot.press("enter")
        await pilot.pause()
        assert re.search(r"\(\de\d{3}× the threshold\)", screen_text(app)), screen_text(app)


async def test_a_chosen_zscore_detector_is_not_called_a_missing_model(tmp_path, tiny_bundle):
    import shutil

    shutil.copytree(tiny_bundle, tmp_path / "models" / "current")
    for detector, words in (("zscore", "│ z-score │"), ("auto", "│ current sklearn")):
        app = make_app(tmp_path, steps=50, detector=detector)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot, app)
            first = screen_text(app).splitlines()[0]
            assert words in first and "no model" not in first, first


async def test_g_and_G_go_to_the_top_and_bottom_of_the_model_screen(tmp_path, tiny_bundle):
    import shutil

    shutil.copytree(tiny_bundle, tmp_path / "models" / "current")
    app = make_app(tmp_path, steps=300)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("m")
        assert isinstance(app.screen, ModelScreen)
        body = app.screen.query_one("#model-body")
        await wait_until(pilot, lambda: body.max_scroll_y > 0)
        await pilot.press("G")
        await wait_until(pilot, lambda: body.scroll_y == body.max_scroll_y, timeout=5)
        assert "trained on" in screen_text(app)  # the metadata, at the end
        await pilot.press("g")
        await wait_until(pilot, lambda: body.scroll_y == 0, timeout=5)
        app.stop_background()


async def test_the_retrain_dialog_remembers_the_backend_chosen_last(tmp_path):
    from logwatch.tui.retrain.screen import RetrainScreen

    app = make_app(tmp_path, steps=300)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("r")
        assert isinstance(app.screen, RetrainScreen) and "backend: sklearn" in screen_text(app)
        await pilot.press("b", "escape")
        assert app.screen is app.main
        await pilot.press("r")
        assert isinstance(app.screen, RetrainScreen) and app.screen.backend == "keras"
        assert "backend: keras" in screen_text(app)
        await pilot.press("escape")
        app.stop_background()
