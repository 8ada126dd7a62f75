"""tuidang: the registry of a service centre for withdrawals from the CCP and its
affiliated organisations, with a public log that lets anyone check the totals."""

__version__ = "0.1.0"
