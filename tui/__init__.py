"""The terminal front end: the `logwatch` command line and the Textual app.

Importing this package (and the CLI) must not import Textual; the app is imported only
when the UI starts.
"""
