"""Use cases and domain logic of Nianbao. Never imports Qt."""
