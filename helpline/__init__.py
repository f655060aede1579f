"""The helpline service: Twilio webhooks, coordinator UI, models, call log, jobs."""
