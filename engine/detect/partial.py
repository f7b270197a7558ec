"""Entries the model cannot judge: servers that send only some of its components, and
components it was never trained on.

The autoencoder reads a server's components together. A server that sends only CPU (a
small agent, a host with the memory collector off) leaves the other inputs at their
centre: to the model that is a broken relation, and it flagged every entry such a server
sent. A component the model does not know has no input at all. Both are judged instead by
the robust z-score of their own recent values (`ZScoreDetector`), in the model's units
(a z-score at its own threshold scores the model's threshold), and the reason says why.
"""

from __future__ import annotations

import polars as pl

from logwatch.engine.detect.zscore import ZScoreDetector

ENTRY_ID = "_entry"
"""A running number given to every entry, to find its fallback score again when the
autoencoder releases it (it may hold an entry until its time step is complete)."""


class PartialServers:
    """Scores the entries of servers lacking model components, and of unknown components,
    with a z-score; `take` puts those scores on the autoencoder's entries."""

    def __init__(self, components: tuple[str, ...], model_threshold: float) -> None:
        self.components = components
        self._known = set(components)
        self._sent: dict[str, set[str]] = {}
        """Model components each server has sent so far."""
        self._zscore = ZScoreDetector()
        self._factor = model_threshold / self._zscore.default_threshold
        self._pending: list[pl.DataFrame] = []
        self._next_id = 0

    def warm(self, frame: pl.DataFrame) -> None:
        """Warm the fallback up on entries that are not scored (`Detector.fit`)."""
        self._note_sent(frame)
        needs = frame.filter(~self._model_can_judge())
        if needs.height:
            self._zscore.fit(needs)

    def _note_sent(self, frame: pl.DataFrame) -> None:
        for server, component in frame.select("server", "component").unique().iter_rows():
            if component in self._known:
                self._sent.setdefault(server, set()).add(component)

    def number(self, frame: pl.DataFrame) -> pl.DataFrame:
        """`frame` with ENTRY_ID; the entries that may need a fallback are scored now."""
        numbered = frame.with_row_index(ENTRY_ID, offset=self._next_id).with_columns(pl.col(ENTRY_ID).cast(pl.Int64))
        self._next_id += frame.height
        self._note_sent(frame)
        needs = numbered.filter(~self._model_can_judge())
        if needs.height:
            scored = self._zscore.score(needs.drop(ENTRY_ID)).with_columns(needs[ENTRY_ID])
            self._pending.append(scored.select(
                ENTRY_ID,
                (pl.col("score") * self._factor).alias("_fallback_score"),
                pl.col("expected").alias("_fallback_expected"),
                pl.col("reason").alias("_fallback_reason"),
            ))
        return numbered

    def take(self, scored: pl.DataFrame) -> pl.DataFrame:
        """The autoencoder's scored entries (with ENTRY_ID), where the model cannot judge an
        entry (see module docstring) with the fallback's score, expected value and reason."""
        if not self._pending:
            return scored.drop(ENTRY_ID)
        pending = pl.concat(self._pending)
        out = scored.join(pending, on=ENTRY_ID, how="left", maintain_order="left")
        use = ~self._model_can_judge() & ~pl.col("late").fill_null(False) & pl.col("_fallback_reason").is_not_null()
        out = out.with_columns(
            pl.when(use).then(pl.col("_fallback_score")).otherwise(pl.col("score")).alias("score"),
            pl.when(use).then(pl.col("_fallback_expected")).otherwise(pl.col("expected")).alias("expected"),
            pl.when(use).then(pl.concat_str(pl.col("_fallback_reason"), self._why())).otherwise(pl.col("reason"))
            .alias("reason"),
        )
        left = pending.filter(~pl.col(ENTRY_ID).is_in(scored[ENTRY_ID].implode()))
        self._pending = [left] if left.height else []
        return out.drop(ENTRY_ID, "_fallback_score", "_fallback_expected", "_fallback_reason")

    def _lacking(self) -> dict[str, str]:
        """Servers that have not sent every model component, with the ones they lack."""
        out = {}
        for server, sent in self._sent.items():
            if len(sent) < len(self.components):
                out[server] = ", ".join(c for c in self.components if c not in sent)
        return out

    def _model_can_judge(self) -> pl.Expr:
        return pl.col("component").is_in(list(self.components)) & ~pl.col("server").is_in(list(self._lacking()))

    def _why(self) -> pl.Expr:
        """' (z-score: ...)' naming what the model lacks for the entry."""
        lacking = pl.col("server").replace_strict(self._lacking(), default=None, return_dtype=pl.String)
        return (
            pl.when(~pl.col("component").is_in(list(self.components)))
            .then(pl.concat_str(pl.lit(" (z-score: "), pl.col("component"), pl.lit(" is not in the model)")))
            .otherwise(pl.concat_str(pl.lit(" (z-score: the server sends no "), lacking, pl.lit(")")))
        )
