public import TOML

/// One configuration setting: its key, default, how raw values are transformed, and how it is shown.
///
/// The table ``Setting/all`` matches the settings of the Python client 1.6.4 (`modal/config.py`).
public struct Setting: Sendable, Hashable {
  /// The key in a profile table, e.g. `server_url`.
  public let key: String
  /// The value used when neither the environment nor the profile sets it (not transformed).
  public let defaultValue: TOMLValue?
  /// How a raw environment or file value becomes the setting's value.
  let transform: SettingTransform
  /// Internal settings are hidden from `modal config show` unless asked for.
  public let isInternal: Bool
  /// Secret settings are redacted in `modal config show` unless `--no-redact` is given.
  public let isSecret: Bool

  /// The environment variable that overrides the setting: `MODAL_` and the key in capitals.
  public var environmentVariable: String { "MODAL_" + key.uppercased() }

  init(
    _ key: String, default defaultValue: TOMLValue? = nil, _ transform: SettingTransform = .identity,
    internal isInternal: Bool = false, secret isSecret: Bool = false
  ) {
    self.key = key
    self.defaultValue = defaultValue
    self.transform = transform
    self.isInternal = isInternal
    self.isSecret = isSecret
  }

  /// Settings compare by key.
  public static func == (lhs: Setting, rhs: Setting) -> Bool { lhs.key == rhs.key }

  /// Hashes the key.
  public func hash(into hasher: inout Hasher) { hasher.combine(key) }

  /// Applies the setting's transform to a raw value, with Python's error text on failure.
  func transformed(_ raw: TOMLValue) throws(ModalError) -> TOMLValue? {
    do throws(SettingTransform.Failure) {
      return try transform.apply(to: raw)
    } catch {
      throw ModalError(
        .invalidSetting, "Invalid value for \(key) config (\(PythonRepr.of(raw))): \(error.reason)")
    }
  }
}

extension Setting {
  /// The default server: Modal's API with failover to its second domain.
  public static let defaultServerURL = "https://api.modal.com,https://api.modal2.com"

  /// Every setting, in the order of the Python client's table.
  public static let all: [Setting] = [
    Setting("server_url", default: .string(defaultServerURL)),
    Setting("token_id"),
    Setting("token_secret", secret: true),
    Setting("oauth_refresh_token", secret: true),
    Setting("oauth_client_id"),
    Setting("oauth_client_secret", secret: true),
    Setting("oauth_jwt_key", secret: true),
    Setting("loglevel", default: .string("WARNING"), .uppercase),
    Setting("log_format", default: .string("STRING"), .uppercase),
    Setting("log_pattern"),
    Setting("sandbox_v2", default: .boolean(true), .boolean),
    Setting("payload_format", default: .string("pickle"), .oneOf(["pickle", "cbor"])),
    Setting("async_warnings", default: .boolean(true), .boolean),
    Setting("environment"),
    Setting("dev_suffix", default: .string(""), .suffix),
    Setting("traceback", default: .boolean(false), .boolean),
    Setting("build_validation", default: .string("error"), .oneOf(["error", "warn", "ignore"])),
    Setting("image_builder_version"),
    Setting("force_build", default: .boolean(false), .boolean),
    Setting("ignore_cache", default: .boolean(false), .boolean),
    Setting("disable_api_proxy", default: .boolean(false), .boolean),
    Setting("default_cloud", .emptyToNone),
    Setting("max_throttle_wait", .optionalInteger),
    Setting("logs_timeout", default: .integer(10), .float),
    Setting("serve_timeout", .float),
    Setting("sandbox_channel_idle_timeout", default: .integer(30), .float),
    Setting("volume_block_read_timeout", default: .integer(60), .float),
    Setting(
      "streams_url", default: .string("https://modal-labs-streams--streams-service-proxy.modal.run"),
      internal: true),
    Setting("sync_entrypoint", internal: true),
    Setting("heartbeat_interval", default: .integer(15), .float, internal: true),
    Setting("function_runtime", internal: true),
    Setting("function_runtime_debug", default: .boolean(false), .boolean, internal: true),
    Setting("runtime_perf_record", default: .boolean(false), .boolean, internal: true),
    Setting("use_control_plane_sidecar_create", default: .boolean(true), .boolean, internal: true),
    Setting("worker_id", internal: true),
    Setting("task_id", internal: true),
    Setting("image_id", internal: true),
    Setting("cuda_checkpoint_path", default: .string("/__modal/.bin/cuda-checkpoint"), internal: true),
    Setting("restore_state_path", default: .string("/__modal/restore-state.json"), internal: true),
    Setting("snapshot_debug", default: .boolean(false), .boolean, internal: true),
    Setting("override_headers", .headers, internal: true),
  ]

  /// The setting with this key, or nil for a key the client does not know. (A search of the 41
  /// settings: building a dictionary of them cost more at start than every lookup of a command.)
  public static func named(_ key: String) -> Setting? { all.first { $0.key == key } }

  /// The API server URL(s), possibly a comma-separated failover list.
  public static let serverURL = named("server_url")!
  /// The token id (`ak-…`).
  public static let tokenID = named("token_id")!
  /// The token secret (`as-…`).
  public static let tokenSecret = named("token_secret")!
  /// The default Modal environment (e.g. `main`).
  public static let environment = named("environment")!
  /// How long to wait at most for throttled requests, in seconds.
  public static let maxThrottleWait = named("max_throttle_wait")!
}
