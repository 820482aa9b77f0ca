"""The error of a configuration the user wrote (tiers, environments): the message says what
to fix. Its own module, so the config modules can share it without importing each other."""


class ConfigError(ValueError):
    """A configuration the user wrote is invalid; the message says what to fix."""
