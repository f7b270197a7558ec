"""Errors a user can act on: printed as one line, never as a traceback."""


class UserError(Exception):
    """Bad input (config, arguments, files). The message names the place: a key path,
    `file:line`, or the argument, and what was expected."""
