"""Detection quality, measured (minutes, not part of `make bench`): `python -m bench.quality`.

`generated.py`: train on one simulated seed, evaluate on another (point-wise, per anomaly
kind, autoencoder against z-score). `nab.py`: every real NAB AWS file, first 15 % to train,
the rest scored against the labeled windows.
"""
