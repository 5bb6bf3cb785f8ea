"""The audio pipeline: plan, synthesize, post-process, validate and publish fact MP3s."""
