"""Django settings modules: `production` (the default for `serve`), `demo` and `test`.

All of them read `TUIDANG_*` environment variables through `tuidang.settings.env`;
`docs/settings.md` lists every variable.
"""
