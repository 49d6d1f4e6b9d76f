"""What a run gives back: credit, the obligation ledger, the dataset card, Croissant, the EU
summary, model preferences and the open export, each computed from the run's own files."""
