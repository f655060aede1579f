"""Operations: pointing the Twilio number at the service, and checking a deployment.

- ``fallback``  the static TwiML document Twilio plays when the service is down
- ``number``    the number's webhook URLs, set and compared through Twilio's REST API
- ``doctor``    every check of a running deployment, one line each with its fix

Entry points (``helpline twilio ...``, ``helpline doctor``) stay thin and call these.
It sits beside ``startup`` over the service's parts (:mod:`helpline.bootstrap`).
"""
