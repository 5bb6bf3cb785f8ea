"""A text simulator of Alexa's language understanding over interaction_model/."""
