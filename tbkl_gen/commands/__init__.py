"""What the command line runs: check, render a batch, and the workspace scaffolding."""
