"""iamctl: AWS IAM on your own machine."""

__version__ = "0.2.0"
