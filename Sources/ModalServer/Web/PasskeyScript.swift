/// `/static/passkeys.js`: the dashboard's only script (same origin, no inline code, so the
/// Content-Security-Policy stays `script-src 'self'`). A button with `data-passkey="create"` or
/// `"get"` runs `navigator.credentials.create` or `.get` with the options in its data attributes,
/// writes the response as base64url into its form's hidden `webauthn_*` fields, and submits the
/// form (which carries the CSRF token like every other form).
enum PasskeyScript {
  /// The script's text.
  static let javaScript = #"""
    "use strict";
    (function () {
      function bytes(text) {
        const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
        const raw = atob(base64 + "===".slice((base64.length + 3) % 4));
        return Uint8Array.from(raw, (c) => c.charCodeAt(0));
      }
      function text(buffer) {
        let raw = "";
        new Uint8Array(buffer).forEach((b) => { raw += String.fromCharCode(b); });
        return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      }
      function credentials(list) {
        return (list || "").split(",").filter((id) => id).map((id) => ({ type: "public-key", id: bytes(id) }));
      }
      async function create(data, form) {
        const credential = await navigator.credentials.create({ publicKey: {
          challenge: bytes(data.challenge), rp: { id: data.rpId, name: data.rpId },
          user: { id: bytes(data.userId), name: data.userName, displayName: data.userName },
          pubKeyCredParams: [{ type: "public-key", alg: -7 }, { type: "public-key", alg: -8 }],
          excludeCredentials: credentials(data.credentials), attestation: "none", timeout: 120000,
          authenticatorSelection: { userVerification: "preferred", residentKey: "discouraged" } } });
        form.elements.webauthn_client_data.value = text(credential.response.clientDataJSON);
        form.elements.webauthn_attestation.value = text(credential.response.attestationObject);
      }
      async function get(data, form) {
        const credential = await navigator.credentials.get({ publicKey: {
          challenge: bytes(data.challenge), rpId: data.rpId, allowCredentials: credentials(data.credentials),
          userVerification: "preferred", timeout: 120000 } });
        form.elements.webauthn_credential.value = credential.id;
        form.elements.webauthn_client_data.value = text(credential.response.clientDataJSON);
        form.elements.webauthn_authenticator_data.value = text(credential.response.authenticatorData);
        form.elements.webauthn_signature.value = text(credential.response.signature);
      }
      document.querySelectorAll("button[data-passkey]").forEach((button) => {
        button.addEventListener("click", async (event) => {
          event.preventDefault();
          const status = document.getElementById("passkey-status");
          try {
            await (button.dataset.passkey === "create" ? create : get)(button.dataset, button.form);
            button.form.submit();
          } catch (error) {
            if (status) { status.textContent = "The passkey was not used: " + error.name + ". Try again."; }
          }
        });
      });
    })();
    """#
}
