"""The pure-Python core of IDTrainer. Nothing in this package imports Qt."""
