// What `print`, `dump` and `String(reflecting:)` show of the SDK's values that hold secrets: the
// same fields, with every secret masked (`Credentials.mask`) and file texts and variable values
// that could hold one left out or redacted. Without these, printing an `Options` or dumping a
// client showed token secrets (and the cached JWT) in full.

extension Credentials: CustomReflectable {
  /// The token id (masked if it is really a secret), the masked secret and the source.
  public var customMirror: Mirror {
    Mirror(self, children: ["tokenID": shownTokenID, "tokenSecret": maskedSecret, "source": source], displayStyle: .struct)
  }
}

extension TokenFlow.Token: CustomReflectable {
  /// The token id, the masked secret and the workspace.
  public var customMirror: Mirror {
    Mirror(
      self, children: ["tokenID": tokenID, "tokenSecret": Credentials.mask(tokenSecret), "workspace": workspace],
      displayStyle: .struct)
  }
}

extension ModalClient.Options: CustomReflectable {
  /// Every option, with the token secret masked.
  public var customMirror: Mirror {
    Mirror(
      self,
      children: [
        "tokenID": tokenID.map(Credentials.shownTokenID) as Any, "tokenSecret": tokenSecret.map(Credentials.mask) as Any,
        "credentialProvider": credentialProvider as Any, "profile": profile as Any, "configPath": configPath as Any,
        "serverURL": serverURL as Any, "environment": environment as Any, "host": host as Any,
        "retryPolicy": retryPolicy as Any, "channelOptions": channelOptions as Any,
        "tokenSecretCommandTimeout": tokenSecretCommandTimeout as Any,
      ], displayStyle: .struct)
  }
}

extension ModalClient: CustomReflectable {
  /// The credentials (secret masked), server, environment and profile; not the transport or the
  /// cached auth token, which hold secrets.
  public var customMirror: Mirror {
    Mirror(
      self,
      children: [
        "credentialProvider": credentialProvider.description, "serverURL": serverURL, "environmentName": environmentName,
        "profile": config.profileName, "configPath": config.file.path,
      ], displayStyle: .class)
  }
}

extension ModalConfig: CustomReflectable {
  /// The selected profile and the file's path and profile names; not the file's contents.
  public var customMirror: Mirror {
    Mirror(self, children: ["selection": selection, "file": file, "host": host], displayStyle: .struct)
  }
}

extension ConfigFile: CustomReflectable {
  /// The path, whether it exists and the profile names; not the values, which include secrets.
  public var customMirror: Mirror {
    Mirror(self, children: ["path": path, "exists": exists, "profileNames": profileNames], displayStyle: .struct)
  }
}

extension HostEnvironment: CustomReflectable {
  /// The variables with `MODAL_TOKEN_SECRET` masked and anything secret-looking in the others
  /// redacted (`SecretRedaction`), and the home folder.
  public var customMirror: Mirror {
    var shown: [String: String] = [:]
    for (name, value) in variables {
      shown[name] = name == "MODAL_TOKEN_SECRET" ? Credentials.mask(value) : SecretRedaction.redact(value)
    }
    return Mirror(self, children: ["variables": shown, "homeDirectory": homeDirectory], displayStyle: .struct)
  }
}
