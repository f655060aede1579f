from __future__ import annotations

import logging

import pytest

from helpline.privacy import call_ref, install_log_redaction, keyed_hash, redact


def test_keyed_hashes_are_stable_secret_dependent_and_purpose_separated() -> None:
    assert call_ref("s", "CA1") == call_ref("s", "CA1")
    assert call_ref("s", "CA1") != call_ref("t", "CA1")
    caller = keyed_hash("s", "+4712345678", purpose="caller")
    assert call_ref("s", "+4712345678") != caller
    assert len(call_ref("s", "CA1")) == 32
    assert "4712345678" not in caller


@pytest.mark.parametrize(
    "text",
    ["call from +4798765432", "call from 98765432", "from +47 987 65 432", "0047-98-76-54-32"],
)
def test_redact_blanks_phone_numbers(text: str) -> None:
    assert "[number]" in redact(text)
    assert "9876" not in redact(text)


def test_redact_keeps_ordinary_text() -> None:
    assert redact("call CA12 in so, attempt 2, 300 s") == "call CA12 in so, attempt 2, 300 s"


def test_every_log_record_is_redacted(caplog: pytest.LogCaptureFixture) -> None:
    install_log_redaction()
    install_log_redaction()  # twice is harmless
    with caplog.at_level(logging.INFO):
        logging.getLogger("anything").info("caller %s hung up", "+4798765432")
    assert "98765432" not in caplog.text
    assert "[number]" in caplog.text


@pytest.mark.parametrize("text", ["From=%2B4798765432&To=x", "number_4798765432_", "(98765432)",
                                  "tel:+4798765432", "+47 987 65 432."])
def test_redact_blanks_numbers_however_they_are_framed(text: str) -> None:
    assert "98765432" not in redact(text).replace(" ", "")


@pytest.mark.parametrize("ref", [call_ref("s", f"CA{n}") for n in range(200)] + [
    "94aca1234567890fe1d2c3b4a5968778", "1234567abcdef0123456789abcdef012", "CA" + "1" * 32])
def test_redact_keeps_call_refs_and_sids(ref: str) -> None:
    line = f"call {ref} closed"
    assert redact(line) == line
