"""The public log, served: the sequencer that copies the registry's log entries
into C2SP tiles and signs checkpoints, the published totals snapshot taken at
each checkpoint, the /log/ file views, inclusion proofs for receipts, and the
`sequencer`, `log` and `keys` commands. The log format itself is the pure
package `tuidang.ledger`."""
