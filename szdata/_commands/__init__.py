"""The command line's commands, one module each; each module defines ``register(app)``."""
