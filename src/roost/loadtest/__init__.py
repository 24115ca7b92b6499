"""Load generation: data sets loaded straight into the database, and simulated users."""
