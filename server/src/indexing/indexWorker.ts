// Index worker (being written).
