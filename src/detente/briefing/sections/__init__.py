"""The briefing's sections: one module per topic, each a dataclass and the builder that fills it
from the engines' results (see the section table in :mod:`detente.briefing.build`)."""
