import Foundation
import ModalJOSE

/// Passkeys on the dashboard: the list, adding, renaming and removing at `/account/security`, and
/// the passkey button of the second sign-in step and of the fresh-factor form (`PasskeyScript`).
extension Dashboard {
  /// The form fields a passkey sign-in response arrives in.
  private static let assertionFields = [
    "webauthn_credential", "webauthn_client_data", "webauthn_authenticator_data", "webauthn_signature",
  ]

  /// The script tag pages with a passkey button carry.
  static let passkeyScript: HTML = "<script src=\"/static/passkeys.js\" defer></script>"

  /// Hidden fields and a "Use a passkey" button with a fresh sign-in challenge, for a form that
  /// then posts the response; empty when `user` has no passkeys.
  func passkeyButton(for user: User) async throws -> HTML {
    let passkeys = try await backend.dependencies.store.passkeys(userID: user.id)
    guard !passkeys.isEmpty else { return "" }
    let verifier = try backend.passkeys.verifier()
    let challenge = try await backend.passkeys.challenge(for: user, ceremony: .signIn)
    let hidden: [HTML] = Self.assertionFields.map { "<input type=\"hidden\" name=\"\($0)\" value=\"\">" }
    return """
      \(hidden)
      <button type="button" id="use-passkey" data-passkey="get" data-challenge="\(Base64URL.encode(challenge))" \
      data-rp-id="\(verifier.rpID)" data-credentials="\(passkeys.map(\.credentialID).joined(separator: ","))">Use a passkey</button>
      <p id="passkey-status" class="hint"></p>
      \(Self.passkeyScript)
      """
  }

  /// `nil` when `form` carries no passkey response; otherwise whether it verified for `user` (the
  /// passkey's counter and last use are then recorded).
  func checkPasskey(_ form: FormData, user: User) async throws -> Bool? {
    let values = Self.assertionFields.map { form[$0] ?? "" }
    guard values.contains(where: { !$0.isEmpty }) else { return nil }
    guard let clientData = Self.decodedField(values[1]), let authenticatorData = Self.decodedField(values[2]),
      let signature = Self.decodedField(values[3])
    else { return false }
    do {
      _ = try await backend.passkeys.authenticate(
        user: user, credentialID: values[0], clientDataJSON: clientData, authenticatorData: authenticatorData,
        signature: signature)
      return true
    } catch {
      // A refused passkey is a wrong answer; a failing store is not.
      guard error.code == .unauthenticated else { throw error }
      return false
    }
  }

  /// A base64url field of at most 8 KiB decoded, or `nil`.
  private static func decodedField(_ value: String) -> [UInt8]? {
    value.utf8.count <= 11_000 ? Base64URL.decode(value) : nil
  }

  /// The status of a page for a passkey error: 400 for what the user sent, 404, 429, else 500.
  private static func passkeyStatus(_ error: ServerError) -> Int {
    switch error.code {
    case .unauthenticated, .invalidArgument, .alreadyExists, .failedPrecondition: 400
    case .notFound: 404
    case .resourceExhausted: 429
    default: 500
    }
  }

  // MARK: /account/security

  /// The passkeys part of the security page: the list with rename and remove forms, and the form
  /// that adds one.
  func passkeySection(_ context: Context, user: User, passkeys: [PasskeyRecord]) async throws -> HTML {
    let rows: [HTML] = passkeys.map { passkey in
      """
      <tr><td>\(passkey.name)</td><td>\(HTML.time(passkey.createdAt))</td><td>\(HTML.time(passkey.lastUsedAt))</td>
      <td><form class="inline" method="post" action="/account/passkeys/rename">\(HTML.csrfField(context.csrf))
      <input type="hidden" name="credential" value="\(passkey.credentialID)">
      <input type="text" name="name" maxlength="\(PasskeyService.maximumNameLength)" value="\(passkey.name)" aria-label="New name" required>
      <button type="submit">Rename</button></form>
      <form class="inline" method="post" action="/account/passkeys/remove">\(HTML.csrfField(context.csrf))
      <input type="hidden" name="credential" value="\(passkey.credentialID)">
      <input type="password" name="password" aria-label="Password" placeholder="Password" autocomplete="current-password">
      <input type="text" name="code" aria-label="Or a current code" placeholder="or a code" maxlength="64" autocomplete="one-time-code">
      <button type="submit">Remove</button></form></td></tr>
      """
    }
    let list: HTML =
      passkeys.isEmpty
      ? "<p>No passkeys yet.</p>"
      : "<table id=\"passkeys\"><tr><th>Name</th><th>Added</th><th>Last used</th><th></th></tr>\(rows)</table>"
    let verifier: WebAuthnVerifier
    do {
      verifier = try backend.passkeys.verifier()
    } catch {
      // The rest of the page still works when the public URL cannot be a relying party.
      return "<h2>Passkeys</h2>\(list)\(HTML.notice(error.message, kind: "warning"))"
    }
    let challenge = try await backend.passkeys.challenge(for: user, ceremony: .registration)
    return """
      <h2>Passkeys</h2>
      \(list)
      <form class="card" method="post" action="/account/passkeys">
      \(HTML.csrfField(context.csrf))
      <input type="hidden" name="webauthn_client_data" value=""><input type="hidden" name="webauthn_attestation" value="">
      <label for="passkey-name">Name</label>
      <input id="passkey-name" type="text" name="name" maxlength="\(PasskeyService.maximumNameLength)" value="Passkey" required>
      <button type="button" id="add-passkey" data-passkey="create" data-challenge="\(Base64URL.encode(challenge))" \
      data-rp-id="\(verifier.rpID)" data-user-id="\(Base64URL.encode(Array(user.id.rawValue.utf8)))" \
      data-user-name="\(user.email)" data-credentials="\(passkeys.map(\.credentialID).joined(separator: ","))">Add a passkey</button>
      <p id="passkey-status" class="hint"></p>
      </form>
      \(Self.passkeyScript)
      """
  }

  func addPasskey(_ context: Context) async throws -> HTTPResponse {
    let (user, session) = try requireUser(context)
    let form = try checkedForm(context)
    let name = try field(form, "name", label: "Name", maximum: PasskeyService.maximumNameLength)
    guard let clientData = Self.decodedField(form["webauthn_client_data"] ?? ""),
      let attestation = Self.decodedField(form["webauthn_attestation"] ?? ""), !attestation.isEmpty
    else { throw PageError(400, "Passkey not added", "The browser sent no passkey; press Add a passkey again.") }
    do {
      _ = try await backend.passkeys.register(
        user: user, name: name, clientDataJSON: clientData, attestationObject: attestation)
    } catch {
      throw PageError(Self.passkeyStatus(error), "Passkey not added", error.message)
    }
    // Registering proves the authenticator is at hand, as enrolling TOTP does.
    try await backend.sessions.markSecondFactor(session.id)
    return try await securityPage(context, notice: HTML.notice("The passkey \(name) was added.", kind: "ok"))
  }

  func renamePasskey(_ context: Context) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let form = try checkedForm(context)
    let name = try field(form, "name", label: "Name", maximum: PasskeyService.maximumNameLength)
    do {
      try await backend.passkeys.rename(user: user, credentialID: form["credential"] ?? "", to: name)
    } catch {
      throw PageError(Self.passkeyStatus(error), "Not renamed", error.message)
    }
    return try await securityPage(context, notice: HTML.notice("The passkey is now called \(name).", kind: "ok"))
  }

  /// Removal needs the account's password or a current second factor (a TOTP or recovery code),
  /// as removing the authenticator app does: a session left open is not enough.
  func removePasskey(_ context: Context) async throws -> HTTPResponse {
    let (user, _) = try requireUser(context)
    let form = try checkedForm(context)
    let password = try field(form, "password", label: "Password", maximum: 1024, required: false)
    let code = try field(form, "code", label: "Code", maximum: 64, required: false)
    var proved = false
    if !password.isEmpty {
      proved = await PasswordWork.verify(password, hash: user.passwordHash)
    } else if !code.trimmingCharacters(in: .whitespaces).isEmpty {
      proved = try await checkCode(code, user: user)
    }
    guard proved else {
      throw PageError(403, "Not removed", "Enter the account's password, or a current code or recovery code.")
    }
    do {
      try await backend.passkeys.remove(user: user, credentialID: form["credential"] ?? "")
    } catch {
      throw PageError(Self.passkeyStatus(error), "Not removed", error.message)
    }
    return try await securityPage(context, notice: HTML.notice("The passkey was removed.", kind: "ok"))
  }
}
