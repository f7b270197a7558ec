"""CSV with a header: `timestamp,server,component,value[,anomalous]` or `timestamp,value`.

Fields are split on commas (no quoted commas: metric logs have none), all lines at once with
polars string functions. A single series (`timestamp,value`) belongs to a server named after
the file and a component called `value`.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from logwatch.engine.batch import Batch
from logwatch.engine.parse.lines import CleanLines, clean_lines, is_plain, plain_lines
from logwatch.engine.parse.validate import RAW_SCHEMA, finish

_TRUE = ["true", "1", "yes", "t", "y"]
_FALSE = ["false", "0", "no", "f", "n", ""]


@dataclass(frozen=True, slots=True)
class CsvFormat:
    """How to read the data lines of one CSV file, learned from its header."""

    columns: tuple[str, ...]
    """Header names, lower-cased, in file order."""
    server: str
    """Server name for files without a `server` column (the file's stem)."""
    component: str = "value"
    header_lines: int = 1

    @property
    def has_labels(self) -> bool:
        return "anomalous" in self.columns

    def parse(self, chunk: bytes, *, where: str, first_line: int, n_lines: int | None = None) -> Batch:
        """Parse complete data lines (no header); bad lines are counted, never raised.
        (`n_lines` is not needed: the lines are split here anyway.)"""
        clean = plain_lines(chunk, first_line) if is_plain(chunk) else clean_lines(chunk, first_line)
        raw, bad = self._raw(clean)
        return finish(raw, sorted(clean.bad + bad), where=where, labels=self.has_labels)

    def _raw(self, clean: CleanLines) -> tuple[pl.DataFrame, list[tuple[int, str]]]:
        text = clean.data.decode("utf-8").split("\n")[:-1]
        lines = pl.Series("text", text, pl.String).str.strip_chars_end("\r")
        fields = lines.str.split(",")
        frame = pl.DataFrame({"line": pl.Series(clean.numbers, dtype=pl.Int64), "f": fields})
        n = len(self.columns)
        frame = frame.with_columns(pl.col("f").list.len().alias("n"))

        def field(name: str) -> pl.Expr:
            i = self.columns.index(name)
            return pl.col("f").list.get(i, null_on_oob=True).str.strip_chars().str.strip_chars('"')

        exprs = {
            "timestamp": field("timestamp"),
            "server": field("server") if "server" in self.columns else pl.lit(self.server),
            "component": (
                field("component") if "component" in self.columns else pl.lit(self.component)
            ),
            "value_text": field("value"),
            "anomalous": (
                field("anomalous").str.to_lowercase()
                if "anomalous" in self.columns
                else pl.lit(None, pl.String)
            ),
            "anomaly_type": (
                field("anomaly_type") if "anomaly_type" in self.columns else pl.lit(None, pl.String)
            ),
        }
        frame = frame.select("line", "n", **exprs).with_columns(
            pl.col("value_text").cast(pl.Float64, strict=False).alias("value"),
            pl.when(pl.col("anomalous").is_in(_TRUE))
            .then(True)
            .when(pl.col("anomalous").is_in(_FALSE))
            .then(False)
            .alias("anomalous"),
            pl.when(pl.col("anomaly_type") != "").then(pl.col("anomaly_type")).alias("anomaly_type"),
        )
        reason = (
            pl.when(pl.col("n") != n)
            .then(pl.format("expected {} fields, found {}", pl.lit(n), pl.col("n")))
            .when(pl.col("value").is_null() & (pl.col("value_text") != ""))
            .then(pl.lit("value is not a number"))
        )
        frame = frame.with_columns(reason.alias("reason"))
        rejected = frame.filter(pl.col("reason").is_not_null())
        bad = list(rejected.select("line", "reason").iter_rows())
        raw = frame.filter(pl.col("reason").is_null()).with_columns(
            pl.when(pl.col("value_text") != "").then(pl.col("value")).alias("value"),
            pl.when(pl.col("timestamp") != "").then(pl.col("timestamp")).alias("timestamp"),
            pl.when(pl.col("server") != "").then(pl.col("server")).alias("server"),
            pl.when(pl.col("component") != "").then(pl.col("component")).alias("component"),
        )
        raw = raw.select(*(pl.col(c).cast(t) for c, t in RAW_SCHEMA.items()), "line")
        return raw, bad


def csv_format(header: str, *, server: str) -> CsvFormat | None:
    """The format a header line announces, or None when it is not a usable CSV header."""
    names = tuple(h.strip().strip('"').strip().lower() for h in header.strip().split(","))
    if "timestamp" not in names or "value" not in names or len(set(names)) != len(names):
        return None
    return CsvFormat(columns=names, server=server)


__all__ = ["CsvFormat", "csv_format"]
