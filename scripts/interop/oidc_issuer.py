"""A test OIDC issuer for workload identity federation tests: serves the OpenID discovery document
and a JWKS over HTTPS (a throwaway CA's certificate), on loopback.

The JWKS is read from --jwks on every request, so a test rotates keys by rewriting the file.
Each request path is appended to --log, so a test can count fetches.

  python oidc_issuer.py --cert server.pem --key server.key --jwks jwks.json --port-file port --log log
"""
import argparse
import http.server
import json
import ssl


def main():
    parser = argparse.ArgumentParser()
    for name in ("--cert", "--key", "--jwks", "--port-file", "--log"):
        parser.add_argument(name, required=True)
    options = parser.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            with open(options.log, "a") as log:
                log.write(self.path + "\n")
            issuer = f"https://localhost:{self.server.server_address[1]}"
            if self.path == "/.well-known/openid-configuration":
                body = json.dumps({"issuer": issuer, "jwks_uri": issuer + "/jwks", "id_token_signing_alg_values_supported": ["ES256", "RS256", "EdDSA"]}).encode()
            elif self.path == "/jwks":
                body = open(options.jwks, "rb").read()
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *arguments):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(options.cert, options.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(options.port_file, "w") as port_file:
        port_file.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
