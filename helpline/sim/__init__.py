"""A Twilio-faithful call simulator: signed webhooks, TwiML executed verb by verb."""
