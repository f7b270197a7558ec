"""Retraining from the monitor: the training subprocess (`process`), one run of it with its
plan and comparison (`job`), the app-side control of background and user retrains
(`control`), and the dialog (`screen`)."""
