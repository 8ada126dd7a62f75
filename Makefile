# Two commands a newcomer needs; everything else is in scripts/.
.PHONY: demo test messages bench

demo:      ## make the environment, seed a demo data folder, serve it on 127.0.0.1:8000
	scripts/bootstrap
	.venv/bin/tuidang demo

test:      ## the whole suite: lint, SQLite, PostgreSQL (what CI runs)
	scripts/test

messages:  ## refresh translation catalogues after UI text changed
	scripts/make-messages
