#!/usr/bin/env python3
"""Plays a third-party OAuth app against the modal-server dashboard in headless Chromium: listens
on a loopback redirect URI, opens the authorize URL (authorization code flow with PKCE S256), signs
the user in, approves (or denies) on the consent page, receives the code and state on the loopback
redirect, checks the state, and exchanges code and verifier at /oauth/token (client_secret_post).

Usage: oauth_consent_flow.py DASHBOARD_URL CLIENT_ID PORT EMAIL SCOPE TOKEN_FILE [--deny]
with the client secret in OAUTH_CLIENT_SECRET and the user's password in OAUTH_USER_PASSWORD (kept
off the command line, where `ps` shows them). Prints one line per step (never a secret); on
approval writes the refresh token to TOKEN_FILE (mode 0600). Exits non-zero on any failure.
Needs selenium, chromium, chromedriver.
"""
import base64
import hashlib
import http.server
import json
import os
import secrets
import sys
import threading
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By

import headless_chromium


class Callback(http.server.BaseHTTPRequestHandler):
    """The app's redirect URI: remembers the query of the first request to /callback."""

    received = threading.Event()
    query = {}

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/callback" and not Callback.received.is_set():
            Callback.query = dict(urllib.parse.parse_qsl(url.query))
            Callback.received.set()
        body = b"<!doctype html><title>App</title><p id='app-done'>You can close this tab.</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def exchange(dashboard, client_id, client_secret, code, redirect_uri, verifier):
    form = urllib.parse.urlencode({
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier,
        "client_id": client_id, "client_secret": client_secret,
    }).encode()
    request = urllib.request.Request(dashboard + "/oauth/token", data=form, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def main() -> int:
    dashboard, client_id, port, email, scope, token_file = sys.argv[1:7]
    deny = "--deny" in sys.argv[7:]
    client_secret, password = os.environ["OAUTH_CLIENT_SECRET"], os.environ["OAUTH_USER_PASSWORD"]
    redirect_uri = f"http://127.0.0.1:{port}/callback"
    server = http.server.HTTPServer(("127.0.0.1", int(port)), Callback)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state = secrets.token_urlsafe(16)
    authorize = dashboard + "/oauth/authorize?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": scope, "state": state,
        "code_challenge": challenge, "code_challenge_method": "S256",
    })
    driver = headless_chromium.start()
    try:
        driver.get(authorize)  # not signed in: the dashboard sends the browser to /login?next=...
        print("landed on", driver.current_url.split("?")[0], flush=True)
        driver.find_element(By.ID, "email").send_keys(email)
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.ID, "login").click()
        print("consent page for", driver.find_element(By.ID, "app-name").text, "in workspace",
              driver.find_element(By.ID, "workspace").text, "at", driver.current_url.split("?")[0], flush=True)
        print("scopes:", driver.find_element(By.ID, "scopes").text.replace("\n", "; "), flush=True)
        driver.find_element(By.ID, "deny" if deny else "approve").click()
        if not Callback.received.wait(30):
            print("the redirect URI was never reached; the browser is on", driver.current_url.split("?")[0], flush=True)
            return 1
        print("the app page says:", driver.find_element(By.ID, "app-done").text, flush=True)
    except Exception:
        headless_chromium.print_failure(driver)
        raise
    finally:
        driver.quit()
        server.shutdown()

    query = Callback.query
    if query.get("state") != state:
        print("state mismatch: the redirect carried", repr(query.get("state")), flush=True)
        return 1
    print("state checked", flush=True)
    if deny:
        print("denied:", query.get("error"), "-", query.get("error_description"), flush=True)
        return 0 if query.get("error") == "access_denied" and "code" not in query else 1
    if "code" not in query:
        print("no code in the redirect:", query.get("error"), query.get("error_description"), flush=True)
        return 1
    tokens = exchange(dashboard, client_id, client_secret, query["code"], redirect_uri, verifier)
    print("exchanged: token_type", tokens.get("token_type"), "scope", tokens.get("scope"), flush=True)
    descriptor = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(tokens["refresh_token"])
    print("refresh token written", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
