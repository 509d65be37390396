"""The user flows over the engine: demand, recommendations, alignment, needs, pathways."""
