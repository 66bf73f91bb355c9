import Foundation

/// The versioned schema every store uses: the same tables and columns for SQLite and PostgreSQL.
/// Times are INTEGER microseconds since the epoch, booleans INTEGER 0/1, hashes hex TEXT, sealed
/// secret values BLOB, so each statement is valid in both dialects; PostgreSQL reads INTEGER as
/// BIGINT (`Dialect.postgres`), since its own INTEGER has 32 bits, and BLOB as BYTEA.
///
/// A migration is applied once, in order, inside one transaction that also records it in
/// `schema_migrations`; a database newer than the code is refused.
package enum StoreSchema {
  /// One schema change.
  package struct Migration: Sendable {
    /// Its number; applied in increasing order.
    package let version: Int
    /// What it does.
    package let name: String
    /// The statements, separated by semicolons.
    package let sql: String
  }

  /// The table recording applied migrations.
  package static let bookkeeping = """
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    )
    """

  /// Every migration, oldest first.
  package static let migrations: [Migration] = [
    Migration(
      version: 1, name: "accounts, workspaces, environments, tokens, token flows, secrets, sessions",
      sql: """
        CREATE TABLE users (
          id TEXT PRIMARY KEY,
          email TEXT NOT NULL UNIQUE,
          password_hash TEXT,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE workspaces (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          kind TEXT NOT NULL CHECK (kind IN ('personal', 'shared')),
          created_at INTEGER NOT NULL
        );
        CREATE TABLE memberships (
          workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
          user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          role TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'member')),
          created_at INTEGER NOT NULL,
          PRIMARY KEY (workspace_id, user_id)
        );
        CREATE INDEX memberships_user ON memberships(user_id);
        CREATE TABLE service_users (
          id TEXT PRIMARY KEY,
          workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          role TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'member')),
          created_by_user_id TEXT NOT NULL REFERENCES users(id),
          created_at INTEGER NOT NULL,
          UNIQUE (workspace_id, name)
        );
        CREATE TABLE environments (
          id TEXT PRIMARY KEY,
          workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          is_default INTEGER NOT NULL DEFAULT 0,
          webhook_suffix TEXT NOT NULL DEFAULT '',
          created_at INTEGER NOT NULL,
          UNIQUE (workspace_id, name)
        );
        CREATE UNIQUE INDEX environments_one_default ON environments(workspace_id) WHERE is_default = 1;
        CREATE TABLE tokens (
          id TEXT PRIMARY KEY,
          workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
          owner_kind TEXT NOT NULL CHECK (owner_kind IN ('user', 'service_user')),
          owner_id TEXT NOT NULL,
          created_by_user_id TEXT,
          name TEXT NOT NULL,
          secret_hash TEXT NOT NULL,
          hash_key_id TEXT NOT NULL,
          secret_hint TEXT NOT NULL,
          scopes TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          expires_at INTEGER,
          last_used_at INTEGER,
          revoked_at INTEGER
        );
        CREATE INDEX tokens_workspace_owner ON tokens(workspace_id, owner_id, created_at);
        CREATE TABLE token_flows (
          id TEXT PRIMARY KEY,
          code TEXT NOT NULL,
          wait_secret_hash TEXT NOT NULL,
          hash_key_id TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'consumed')),
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL,
          token_lifetime_seconds INTEGER,
          localhost_port INTEGER NOT NULL DEFAULT 0,
          utm_source TEXT NOT NULL DEFAULT '',
          next_url TEXT NOT NULL DEFAULT '',
          requesting_node TEXT NOT NULL DEFAULT '',
          requesting_peer TEXT NOT NULL DEFAULT '',
          approved_by_user_id TEXT,
          approved_workspace_id TEXT,
          approved_at INTEGER,
          token_id TEXT,
          consumed_at INTEGER
        );
        CREATE UNIQUE INDEX token_flows_pending_code ON token_flows(code) WHERE state = 'pending';
        CREATE INDEX token_flows_expiry ON token_flows(expires_at);
        CREATE TABLE secrets (
          id TEXT PRIMARY KEY,
          workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
          environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
          name TEXT,
          key_names TEXT NOT NULL,
          values_key_id TEXT NOT NULL,
          values_sealed TEXT NOT NULL,
          created_by TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          last_used_at INTEGER,
          expires_at INTEGER
        );
        CREATE UNIQUE INDEX secrets_name ON secrets(environment_id, name) WHERE name IS NOT NULL;
        CREATE INDEX secrets_listing ON secrets(environment_id, created_at);
        CREATE TABLE sessions (
          id_hash TEXT PRIMARY KEY,
          user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL
        );
        """),
    Migration(
      version: 2, name: "dashboard: flows by code, sessions by user",
      sql: """
        CREATE INDEX token_flows_code ON token_flows(code, created_at);
        CREATE INDEX sessions_user ON sessions(user_id);
        """),
    Migration(
      version: 3, name: "attempt limits shared by every replica",
      sql: """
        CREATE TABLE attempt_failures (
          key_hash TEXT NOT NULL,
          failed_at INTEGER NOT NULL
        );
        CREATE INDEX attempt_failures_key ON attempt_failures(key_hash, failed_at);
        """),
    Migration(
      version: 4, name: "fingerprints of the server keys the database was written with",
      sql: """
        CREATE TABLE server_keys (
          key_id TEXT PRIMARY KEY,
          fingerprint TEXT NOT NULL,
          recorded_at INTEGER NOT NULL
        );
        """),
    // Version 5 is the sign-in limits' (another branch); the two are independent tables.
    Migration(
      version: 5, name: "second factors: TOTP, recovery codes, passkeys, the workspace requirement",
      sql: """
        CREATE TABLE totp_secrets (
          user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
          key_id TEXT NOT NULL,
          secret_sealed TEXT NOT NULL,
          last_counter INTEGER NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE recovery_codes (
          user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          code_hash TEXT NOT NULL,
          hash_key_id TEXT NOT NULL,
          used_at INTEGER,
          PRIMARY KEY (user_id, code_hash)
        );
        CREATE TABLE passkeys (
          credential_id TEXT PRIMARY KEY,
          user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          algorithm INTEGER NOT NULL,
          public_key TEXT NOT NULL,
          sign_count INTEGER NOT NULL,
          user_verified INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          last_used_at INTEGER
        );
        CREATE INDEX passkeys_user ON passkeys(user_id);
        CREATE TABLE webauthn_challenges (
          challenge_hash TEXT PRIMARY KEY,
          user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          purpose TEXT NOT NULL,
          expires_at INTEGER NOT NULL
        );
        CREATE TABLE workspace_settings (
          workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
          require_second_factor INTEGER NOT NULL DEFAULT 0
        );
        ALTER TABLE sessions ADD COLUMN second_factor_at INTEGER
        """),
    // The table is rebuilt (SQLite cannot change a column's type); `unhex` of text that is not
    // hex is NULL, which NOT NULL refuses, so a damaged row stops the migration instead of
    // being lost. Nothing references `secrets`.
    Migration(
      version: 6, name: "secret values as bytes",
      sql: """
        CREATE TABLE secrets_bytes (
          id TEXT PRIMARY KEY,
          workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
          environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
          name TEXT,
          key_names TEXT NOT NULL,
          values_key_id TEXT NOT NULL,
          values_sealed BLOB NOT NULL,
          created_by TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          last_used_at INTEGER,
          expires_at INTEGER
        );
        INSERT INTO secrets_bytes (id, workspace_id, environment_id, name, key_names, values_key_id, values_sealed,
            created_by, created_at, updated_at, last_used_at, expires_at)
          SELECT id, workspace_id, environment_id, name, key_names, values_key_id, unhex(values_sealed),
            created_by, created_at, updated_at, last_used_at, expires_at FROM secrets;
        DROP TABLE secrets;
        ALTER TABLE secrets_bytes RENAME TO secrets;
        CREATE UNIQUE INDEX secrets_name ON secrets(environment_id, name) WHERE name IS NOT NULL;
        CREATE INDEX secrets_listing ON secrets(environment_id, created_at)
        """),
    // No foreign keys on the audit log: entries outlive the workspaces, users and tokens they name.
    // `seq` is assigned under a table lock (`SQLStore.insertAudit`), so it orders entries as
    // their transactions committed, on every replica.
    Migration(
      version: 7, name: "audit log, and the addresses each token was used from",
      sql: """
        CREATE TABLE audit_log (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          event_at INTEGER NOT NULL,
          workspace_id TEXT,
          subject_user_id TEXT,
          actor_kind TEXT NOT NULL,
          actor_id TEXT NOT NULL,
          actor_name TEXT NOT NULL,
          token_id TEXT,
          address TEXT NOT NULL,
          source TEXT NOT NULL,
          action TEXT NOT NULL,
          target_kind TEXT NOT NULL,
          target_id TEXT NOT NULL,
          target_name TEXT NOT NULL,
          outcome TEXT NOT NULL,
          detail TEXT NOT NULL,
          repeat_count INTEGER NOT NULL
        );
        CREATE INDEX audit_log_workspace ON audit_log(workspace_id, seq);
        CREATE INDEX audit_log_subject ON audit_log(subject_user_id, seq);
        CREATE INDEX audit_log_time ON audit_log(event_at);
        CREATE INDEX audit_log_address ON audit_log(address, action, event_at);
        CREATE TABLE token_addresses (
          token_id TEXT NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
          address TEXT NOT NULL,
          first_seen_at INTEGER NOT NULL,
          PRIMARY KEY (token_id, address)
        )
        """),
    // `created_by_*` are copied, not referenced: a token outlives the member who made it.
    Migration(
      version: 8, name: "proxy tokens and the environments they are allowed in",
      sql: """
        CREATE TABLE proxy_tokens (
          id TEXT PRIMARY KEY,
          workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          secret_hash TEXT NOT NULL,
          hash_key_id TEXT NOT NULL,
          secret_hint TEXT NOT NULL,
          scoped INTEGER NOT NULL,
          created_by_id TEXT NOT NULL,
          created_by_name TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX proxy_tokens_workspace ON proxy_tokens(workspace_id, created_at);
        CREATE TABLE proxy_token_environments (
          token_id TEXT NOT NULL REFERENCES proxy_tokens(id) ON DELETE CASCADE,
          environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
          PRIMARY KEY (token_id, environment_id)
        );
        CREATE INDEX proxy_token_environments_environment ON proxy_token_environments(environment_id)
        """),
    // `principal_id` is a user's or a service user's id (`principal_kind` says which), so it has no
    // foreign key: the deletions of members and service users remove their rows themselves.
    Migration(
      version: 9, name: "roles per environment for members and service users",
      sql: """
        CREATE TABLE environment_roles (
          environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
          principal_kind TEXT NOT NULL CHECK (principal_kind IN ('user', 'service_user')),
          principal_id TEXT NOT NULL,
          role TEXT NOT NULL CHECK (role IN ('viewer', 'contributor', 'no-access')),
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (environment_id, principal_id)
        );
        CREATE INDEX environment_roles_principal ON environment_roles(principal_id);
        ALTER TABLE service_users ADD COLUMN scoped INTEGER NOT NULL DEFAULT 0
        """),
    // Disabling is not revoking: a disabled token keeps its secret hash and can be enabled again.
    Migration(
      version: 10, name: "disabled tokens",
      sql: """
        ALTER TABLE tokens ADD COLUMN disabled_at INTEGER
        """),
    // A leak report carries a secret and no id: the index finds its token by keyed hash. The
    // unkeyed SHA-256 lets `modal token scan --check-server` ask about a token without sending its
    // secret; secrets are 178 random bits, so the digest reveals nothing a guess could use.
    // Older tokens have none and are answered "unknown".
    Migration(
      version: 11, name: "tokens found by their secret's hash, and its SHA-256 fingerprint",
      sql: """
        CREATE INDEX tokens_secret_hash ON tokens(secret_hash);
        ALTER TABLE tokens ADD COLUMN secret_sha256 TEXT
        """),
    // Migration 12 is workload identity federation's.
    // `key_source` is `document`, `url` or `discovery`; `key_value` the JWKS text or the URL.
    // `federation_jtis` remembers each exchanged token's `jti` until it expires, in the database
    // so that no two replicas accept one token twice.
    Migration(
      version: 12, name: "workload identity federation: trust policies, used token ids, minted tokens",
      sql: """
        CREATE TABLE federation_policies (
          id TEXT PRIMARY KEY,
          workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          issuer TEXT NOT NULL,
          audience TEXT NOT NULL,
          key_source TEXT NOT NULL CHECK (key_source IN ('document', 'url', 'discovery')),
          key_value TEXT NOT NULL,
          conditions TEXT NOT NULL,
          scopes TEXT NOT NULL,
          environment_name TEXT,
          lifetime_seconds INTEGER NOT NULL,
          service_user_id TEXT NOT NULL,
          created_by_name TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          UNIQUE (workspace_id, name)
        );
        CREATE INDEX federation_policies_issuer ON federation_policies(issuer);
        CREATE TABLE federation_jtis (
          issuer TEXT NOT NULL,
          jti TEXT NOT NULL,
          expires_at INTEGER NOT NULL,
          PRIMARY KEY (issuer, jti)
        );
        CREATE INDEX federation_jtis_expiry ON federation_jtis(expires_at);
        CREATE TABLE federated_tokens (
          token_id TEXT PRIMARY KEY REFERENCES tokens(id) ON DELETE CASCADE,
          policy_id TEXT NOT NULL,
          policy_name TEXT NOT NULL,
          issuer TEXT NOT NULL,
          subject TEXT NOT NULL
        );
        CREATE INDEX federated_tokens_policy ON federated_tokens(policy_id)
        """),
    // A client has either a secret (its keyed hash) or a public key (a JWK), never both.
    Migration(
      version: 13, name: "OAuth apps and the grants users give them",
      sql: """
        CREATE TABLE oauth_apps (
          id TEXT PRIMARY KEY,
          workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          redirect_uris TEXT NOT NULL,
          secret_hash TEXT NOT NULL,
          hash_key_id TEXT NOT NULL,
          secret_hint TEXT NOT NULL,
          public_key_jwk TEXT NOT NULL,
          scopes TEXT NOT NULL,
          created_by_id TEXT NOT NULL,
          created_by_name TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX oauth_apps_workspace ON oauth_apps(workspace_id, created_at);
        CREATE TABLE oauth_grants (
          id TEXT PRIMARY KEY,
          client_id TEXT NOT NULL REFERENCES oauth_apps(id) ON DELETE CASCADE,
          workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
          user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          scopes TEXT NOT NULL,
          refresh_hash TEXT NOT NULL,
          hash_key_id TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          revoked_at INTEGER
        );
        CREATE INDEX oauth_grants_workspace ON oauth_grants(workspace_id, created_at);
        CREATE INDEX oauth_grants_client ON oauth_grants(client_id)
        """),
    // Codes are looked up by id and kept a while after use, so a second use is recognised (and
    // revokes the grant the first made) rather than taken for an unknown code.
    Migration(
      version: 14, name: "OAuth authorization codes",
      sql: """
        CREATE TABLE oauth_codes (
          id TEXT PRIMARY KEY,
          code_hash TEXT NOT NULL,
          hash_key_id TEXT NOT NULL,
          client_id TEXT NOT NULL REFERENCES oauth_apps(id) ON DELETE CASCADE,
          workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
          user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          scopes TEXT NOT NULL,
          redirect_uri TEXT NOT NULL,
          code_challenge TEXT NOT NULL,
          consent_address TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL,
          consumed_at INTEGER,
          grant_id TEXT
        );
        CREATE INDEX oauth_codes_expiry ON oauth_codes(expires_at)
        """),
  ]

  /// The newest version this code knows.
  package static var latestVersion: Int { migrations.last?.version ?? 0 }

  /// The SQL dialect a statement is prepared for.
  package enum Dialect {
    /// SQLite: the statements as written.
    case sqlite
    /// PostgreSQL: INTEGER columns become BIGINT, BLOB columns BYTEA, `unhex(x)` `decode(x, 'hex')`.
    case postgres
  }

  /// The individual statements of a migration, for `dialect`.
  package static func statements(of migration: Migration, for dialect: Dialect = .sqlite) -> [String] {
    migration.sql.split(separator: ";").map { adapt(String($0), for: dialect).trimmingCharacters(in: .whitespacesAndNewlines) }
      .filter { !$0.isEmpty }
  }

  /// `sql` for `dialect`.
  package static func adapt(_ sql: String, for dialect: Dialect) -> String {
    switch dialect {
    case .sqlite: sql
    case .postgres:
      sql.replacing(/\bINTEGER\b/, with: "BIGINT").replacing(/\bBLOB\b/, with: "BYTEA")
        .replacing(/\bunhex\((\w+)\)/) { "decode(\($0.1), 'hex')" }
    }
  }
}
