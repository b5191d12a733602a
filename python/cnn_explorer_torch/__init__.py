"""CNN Explorer's torch engine: the trainer that `python -m cnn_explorer_torch <run>/spec.json` runs.

It speaks the trainer protocol (docs/trainer-protocol.md) and writes the run folder
(docs/run-folder.md) as the tfjs trainer does; docs/torch-engine.md is the contract with the
TypeScript starter that prepares its spec.json, model.py and prepared dataset.
"""
