"""The pure core of logwatch: sources, parsing, windows, detectors, export.

Never imports Textual or TensorFlow (tests/engine/test_import_hygiene.py proves it).
"""
