"""Local development helpers: run the skill as a web service, the way Alexa calls it."""
