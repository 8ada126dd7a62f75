"""The public site: home with totals, declare, receipt lookup, published
statements. Server-rendered, no JavaScript, no third-party resources."""
