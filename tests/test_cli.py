"""``h3session`` on the command line: seal, unseal (tokens, cookies, chunks, legacy seals), gen-password.

``main()`` runs in-process with stdin swapped; one test runs the real process.  Cookies
captured from real h3 v1 and v2 servers live in ``vectors/h3_captured.json``.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from h3session import iron
from h3session.cli import main, pick_token

PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"
OTHER = "another-password-that-is-long-enough-0123"
NOW = 1_795_751_712_798
SESSION = {"id": "ffeefbfd-12e1-4db8-b511-375c1b14cfcc", "createdAt": NOW, "data": {"count": 1, "name": "Zoë 🍪"}}
CAPTURED = json.loads((Path(__file__).parent / "vectors" / "h3_captured.json").read_text(encoding="utf-8"))


class Run:
    """``main(argv)`` with ``stdin``; the exit code and both streams."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def __call__(self, *argv: str, stdin: str = "") -> tuple[int, str, str]:
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(argv))
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    return Run(capsys, monkeypatch)


def sealed(obj: Any = SESSION, password: iron.PasswordInput = PASSWORD, profile: str = "v2", **options: Any) -> str:
    return iron.seal(obj, password, iron.resolve_options(options, iron.preset(profile)), now=NOW)


def assert_failed(result: tuple[int, str, str], error: str, message: str) -> None:
    code, out, err = result
    assert code == 1
    assert out == ""
    assert err == f"h3session: {error}: {message}\n"
    assert PASSWORD not in err


# --- seal -----------------------------------------------------------------------------------------------------


def test_seal_reads_json_on_stdin_and_prints_a_v2_token(run: Run) -> None:
    code, out, err = run("seal", "--password", PASSWORD, stdin=json.dumps(SESSION))
    assert (code, err) == (0, "")
    token = out.strip()
    assert out == token + "\n"
    assert token.startswith("Fe26.2**")
    assert iron.unseal(token, PASSWORD, iron.PRESET_V2) == SESSION


def test_seal_with_the_v1_profile_uses_one_iteration(run: Run) -> None:
    _, out, _ = run("seal", "--password", PASSWORD, "--profile", "v1", stdin=json.dumps(SESSION))
    assert iron.unseal(out.strip(), PASSWORD, iron.PRESET_V1) == SESSION


def test_seal_options_are_deep_merged_and_now_sets_the_expiration(run: Run) -> None:
    argv = ("seal", "--password", PASSWORD, "--seal-options", '{"ttl": 5000, "encryption": {"iterations": 1}}')
    _, out, _ = run(*argv, "--now", str(NOW), stdin="{}")
    token = out.strip()
    assert token.split("*")[5] == str(NOW + 5000)
    options = iron.resolve_options({"encryption": {"iterations": 1}}, iron.PRESET_V2)
    assert iron.unseal(token, PASSWORD, options, now=NOW) == {}


def test_seal_with_a_password_id_and_the_first_of_several_passwords(run: Run) -> None:
    _, out, _ = run("seal", "--password", f"k2={OTHER}", "--password", f"k1={PASSWORD}", stdin="[1]")
    token = out.strip()
    assert token.split("*")[1] == "k2"
    assert iron.unseal(token, {"k2": OTHER}) == [1]


def test_seal_reads_the_password_from_the_environment(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("H3_PASSWORD", PASSWORD)
    _, out, _ = run("seal", "--password-env", "k1=H3_PASSWORD", stdin='"x"')
    token = out.strip()
    assert token.split("*")[1] == "k1"
    assert iron.unseal(token, PASSWORD) == "x"


@pytest.mark.parametrize(
    ("argv", "stdin", "error", "message"),
    [
        ((), "", "CliError", "nothing to seal: pass the session as JSON on stdin"),
        ((), "{nope", "CliError", "stdin is not valid JSON: Expecting property name enclosed in double quotes"),
        (("--seal-options", "{"), "{}", "CliError", "--seal-options is not valid JSON: Expecting property name"),
        (("--seal-options", '{"ttL": 1}'), "{}", "IronConfigError", "unknown seal option 'ttL'"),
    ],
)
def test_seal_failures_exit_1_with_the_error_on_stderr(
    run: Run, argv: tuple[str, ...], stdin: str, error: str, message: str
) -> None:
    code, out, err = run("seal", "--password", PASSWORD, *argv, stdin=stdin)
    assert (code, out) == (1, "")
    assert err.startswith(f"h3session: {error}: {message}")


def test_a_short_password_is_refused_and_never_echoed(run: Run) -> None:
    result = run("seal", "--password", "hunter2-hunter2", stdin="{}")
    assert_failed(result, "PasswordTooShortError", "Password string too short (min 32 characters required)")
    assert "hunter2" not in result[2]


def test_a_missing_environment_variable_is_named(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("H3_NO_SUCH_VARIABLE", raising=False)
    result = run("seal", "--password-env", "H3_NO_SUCH_VARIABLE", stdin="{}")
    assert_failed(result, "CliError", "environment variable H3_NO_SUCH_VARIABLE is not set or empty")


def test_a_password_is_required(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["seal"])
    assert exited.value.code == 2
    assert "a password is required" in capsys.readouterr().err


# --- unseal ---------------------------------------------------------------------------------------------------


def test_unseal_prints_compact_json_with_raw_unicode(run: Run) -> None:
    code, out, err = run("unseal", "--password", PASSWORD, sealed())
    assert (code, err) == (0, "")
    head = '{"id":"ffeefbfd-12e1-4db8-b511-375c1b14cfcc",'
    expected = head + '"createdAt":1795751712798,"data":{"count":1,"name":"Zoë 🍪"}}'
    assert out == expected + "\n"


@pytest.mark.parametrize("argv", [("-",), ()])
def test_unseal_reads_stdin(run: Run, argv: tuple[str, ...]) -> None:
    code, out, _ = run("unseal", "--password", PASSWORD, *argv, stdin=sealed() + "\n")
    assert code == 0
    assert json.loads(out) == SESSION


@pytest.mark.parametrize(
    "template",
    ["h3={}", "Cookie: foo=bar; h3={}; baz=qux", "cookie:h3={}", "h3={}; Path=/; HttpOnly; Secure; SameSite=Lax"],
)
def test_unseal_picks_the_session_cookie_from_a_header(run: Run, template: str) -> None:
    code, out, _ = run("unseal", "--password", PASSWORD, template.format(sealed()))
    assert code == 0
    assert json.loads(out) == SESSION


def test_unseal_picks_a_named_cookie(run: Run) -> None:
    header = f"h3={sealed({'other': 1})}; my-session={sealed()}"
    assert json.loads(run("unseal", "--password", PASSWORD, "--name", "my-session", header)[1]) == SESSION


def test_unseal_reassembles_v2_chunks(run: Run) -> None:
    token = sealed({"big": "x" * 5000})
    header = f"h3=__chunked__2; h3.1={token[:4000]}; h3.2={token[4000:]}"
    code, out, _ = run("unseal", "--password", PASSWORD, header)
    assert code == 0
    assert json.loads(out) == {"big": "x" * 5000}
    broken = f"h3=__chunked__3; h3.1={token[:4000]}; h3.2={token[4000:]}"
    assert_failed(
        run("unseal", "--password", PASSWORD, broken),
        "CliError",
        "cookie 'h3' is chunked, but a chunk is missing or its count is invalid",
    )


def test_unseal_reads_the_header_as_the_profile_does(run: Run) -> None:
    token = sealed(profile="v1")
    assert run("unseal", "--password", PASSWORD, "--profile", "v1", f'h3="{token}"')[0] == 0  # v1 strips quotes
    assert run("unseal", "--password", PASSWORD, "--profile", "v1", f"h3={token.replace('*', '%2A')}")[0] == 0


def test_unseal_names_the_cookies_it_found_when_the_session_is_missing(run: Run) -> None:
    assert_failed(
        run("unseal", "--password", PASSWORD, "a=1; b=2"),
        "CliError",
        "no 'h3' cookie in the input (cookies found: 'a', 'b'); choose one with --name",
    )


def test_unseal_refuses_a_tampered_token(run: Run) -> None:
    token = sealed()
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert_failed(run("unseal", "--password", PASSWORD, "--no-legacy", tampered), "MacError", "Bad hmac value")


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("hello", "PartCountError", "Incorrect number of sealed components"),
        ("Fe26.1*a*b*c*d*e*f*g", "PrefixError", "Wrong mac prefix"),
        ("Fe26.2*k9*a*b*c**d*e", "UnknownPasswordError", "Cannot find password: k9"),
    ],
)
def test_unseal_reports_irons_error_class_and_message(run: Run, text: str, error: str, message: str) -> None:
    assert_failed(run("unseal", "--password", f"k1={PASSWORD}", text), error, message)


def test_unseal_with_a_rotation_map(run: Run) -> None:
    old = sealed(password={"id": "k1", "secret": PASSWORD})
    argv = ("unseal", "--password", f"k2={OTHER}", "--password", f"k1={PASSWORD}")
    assert json.loads(run(*argv, old)[1]) == SESSION
    no_id = sealed()
    assert_failed(run(*argv, no_id), "UnknownPasswordError", "Cannot find password: default")
    assert json.loads(run(*argv, "--password", PASSWORD, no_id)[1]) == SESSION  # an id-less one is "default"


def test_the_same_id_twice_is_refused(run: Run) -> None:
    result = run("unseal", "--password", f"k1={PASSWORD}", "--password", f"k1={OTHER}", sealed())
    assert_failed(result, "CliError", "password id 'k1' is given twice")


def test_a_secret_that_is_not_an_id_pair_is_taken_whole(run: Run) -> None:
    secret = "not-an-id=" + PASSWORD  # '-' cannot be in an iron id, so this is one secret
    token = sealed(password=secret)
    assert json.loads(run("unseal", "--password", secret, token)[1]) == SESSION


def test_now_acts_as_of_a_given_time(run: Run) -> None:
    token = sealed(ttl=1000)
    assert_failed(run("unseal", "--password", PASSWORD, token), "ExpiredError", "Expired seal")
    assert run("unseal", "--password", PASSWORD, "--now", str(NOW), token)[0] == 0


def test_v2_falls_back_to_the_1_iteration_seal_of_h3_v1(run: Run) -> None:
    v1_token = sealed(profile="v1")
    code, out, err = run("unseal", "--password", PASSWORD, v1_token)
    assert code == 0
    assert json.loads(out) == SESSION
    assert err == "h3session: note: opened with the 1-iteration seal of h3 v1 (legacy fallback)\n"
    assert_failed(run("unseal", "--password", PASSWORD, "--no-legacy", v1_token), "MacError", "Bad hmac value")
    assert_failed(run("unseal", "--password", PASSWORD, "--profile", "v1", sealed()), "MacError", "Bad hmac value")


def test_pick_token_leaves_bare_tokens_alone() -> None:
    assert pick_token("  Fe26.2**a=b  ") == "Fe26.2**a=b"
    assert pick_token("garbage") == "garbage"


# --- tokens captured from real h3 servers ------------------------------------------------------------------------


@pytest.mark.parametrize("captured", CAPTURED["cookies"], ids=lambda c: c["profile"])
def test_unseal_opens_a_cookie_captured_from_a_real_h3_server(run: Run, captured: dict[str, Any]) -> None:
    argv = ("unseal", "--password", CAPTURED["password"], "--profile", captured["profile"], "--name", captured["name"])
    code, out, err = run(*argv, "--now", str(captured["at_ms"]), captured["set_cookie"])
    assert (code, err) == (0, "")
    assert json.loads(out) == captured["session"]


@pytest.mark.parametrize("captured", CAPTURED["cookies"], ids=lambda c: c["profile"])
def test_unseal_refuses_a_tampered_captured_cookie(run: Run, captured: dict[str, Any]) -> None:
    token = pick_token(captured["set_cookie"], captured["name"], captured["profile"])
    parts = token.split("*")
    parts[4] = parts[4][:-1] + ("A" if parts[4][-1] != "A" else "B")
    argv = ("unseal", "--password", CAPTURED["password"], "--profile", captured["profile"], "--no-legacy")
    assert_failed(run(*argv, "--now", str(captured["at_ms"]), "*".join(parts)), "MacError", "Bad hmac value")


# --- gen-password and the installed command -------------------------------------------------------------------------


def test_gen_password_prints_43_base64url_characters(run: Run) -> None:
    first, second = run("gen-password")[1], run("gen-password")[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}\n", first)
    assert first != second
    assert iron.unseal(iron.seal(SESSION, first.strip()), first.strip()) == SESSION


def test_the_console_script_points_at_main() -> None:
    found = metadata.entry_points()
    scripts = found.select(group="console_scripts") if hasattr(found, "select") else found["console_scripts"]
    assert any(ep.name == "h3session" and ep.value == "h3session.cli:main" for ep in scripts)


def test_a_real_process_seals_and_unseals() -> None:
    env_password = {**os.environ, "H3_PASSWORD": PASSWORD, "PYTHONIOENCODING": "utf-8"}
    command = [sys.executable, "-m", "h3session.cli"]
    seal = subprocess.run(
        [*command, "seal", "--password-env", "H3_PASSWORD"],
        input=json.dumps(SESSION),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env_password,
        check=True,
        timeout=60,
    )
    opened = subprocess.run(
        [*command, "unseal", "--password-env", "H3_PASSWORD", f"Cookie: h3={seal.stdout.strip()}"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env_password,
        check=True,
        timeout=60,
    )
    assert json.loads(opened.stdout) == SESSION
    refused = subprocess.run(
        [*command, "unseal", "--password-env", "H3_PASSWORD", "hello"],
        capture_output=True,
        text=True,
        env=env_password,
        check=False,
        timeout=60,
    )
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr == "h3session: PartCountError: Incorrect number of sealed components\n"
