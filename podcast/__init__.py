"""podcast: turn a folder of episodes into a published podcast."""

__version__ = "0.1.0"
