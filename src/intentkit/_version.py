"""The one version string of intentkit (read by the build and by ``intentkit.__version__``)."""

__version__ = "0.1.0"
