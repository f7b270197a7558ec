"""Entries to JSON lines, column-wise with polars (no dict per entry).

Lines look exactly like the original generator's `json.dumps` output:
`{"timestamp": "2025-01-05T14:22:31.123456", "server": "server_1", "component": "CPU", "value": 95.3, "anomalous": true, "anomaly_type": "spike"}`
`anomaly_type` appears only on anomalous lines.
"""

from __future__ import annotations

import io
import json

import polars as pl


def _quoted(column: str, frame: pl.DataFrame) -> pl.Expr:
    """The column as JSON strings; escaping is done once per distinct name."""
    names = frame.get_column(column).unique().to_list()
    return pl.col(column).replace_strict(names, [json.dumps(n) for n in names], return_dtype=pl.String)


def encode_json_lines(frame: pl.DataFrame) -> bytes:
    """Encode a generated frame as newline-terminated JSON lines (UTF-8)."""
    if frame.height == 0:
        return b""
    tail = pl.lit("}")
    if "anomalous" in frame.columns:
        tail = (
            pl.when(pl.col("anomalous"))
            .then(pl.lit(', "anomalous": true, "anomaly_type": ') + _quoted("anomaly_type", frame) + pl.lit("}"))
            .otherwise(pl.lit(', "anomalous": false}'))
        )
    line = pl.concat_str([
        pl.lit('{"timestamp": "'),
        pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S%.6f"),
        pl.lit('", "server": '), _quoted("server", frame),
        pl.lit(', "component": '), _quoted("component", frame),
        pl.lit(', "value": '), pl.col("value").cast(pl.String),
        tail,
    ])
    buffer = io.BytesIO()
    frame.select(line.alias("line")).write_csv(buffer, include_header=False, quote_style="never")
    return buffer.getvalue()
