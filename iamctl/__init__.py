"""iamctl: AWS IAM on your own machine."""

__version__ = "0.1.0"
