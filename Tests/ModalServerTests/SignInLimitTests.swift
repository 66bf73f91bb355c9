import Foundation
import ModalServer
import Testing
import TestSupport

/// The review's sign-in attacks over real HTTP from several loopback addresses (127.0.0.x):
/// lockout from many addresses, spraying from one, sign-up floods, and a real sign-in during a
/// flood of guesses.
@Suite(.serialized) struct SignInLimitTests {
  static let password = "a-long-enough-password"
  static let owner = "me@example.com"

  private func withWeb(settings: ServerSettings = ServerSettings(), _ body: (DashboardHTTPTests.Web) async throws -> Void)
    async throws
  {
    let harness = try await Harness.start(settings: settings)
    let web = try DashboardHTTPTests.Web(harness: harness)
    defer { web.server.stop() }
    do {
      try await body(web)
    } catch {
      await harness.stop()
      throw error
    }
    await harness.stop()
  }

  private func client(_ web: DashboardHTTPTests.Web, _ host: Int) -> WebClient {
    WebClient(port: web.server.port, source: "127.0.0.\(host)")
  }

  /// Signs the owner up from 127.0.0.1, then in from 127.0.0.`host` (which gets the known-device cookie).
  private func signedInOwner(_ web: DashboardHTTPTests.Web, host: Int) async -> WebClient {
    let signedUp = await client(web, 1).signUp(email: Self.owner, password: Self.password, workspace: "mews")
    #expect(signedUp.status == 303, "\(signedUp.status) \(signedUp.body)")
    let owner = client(web, host)
    #expect(await owner.logIn(email: Self.owner, password: Self.password).status == 303)
    return owner
  }

  /// 55 wrong passwords from 11 addresses do not lock the owner out: the right password from a
  /// fresh address signs in at once; an address that failed waits a bounded time, unless its
  /// browser has the known-device cookie of an earlier sign-in.
  @Test func manyAddressesCannotLockTheOwnerOut() async throws {
    try await withWeb { web in
      let device = await signedInOwner(web, host: 60)
      let deviceCookie = try #require(device.cookies[KnownDevice.cookieName])
      var statuses: [Int] = []
      for host in 2...12 {
        for guess in 0..<5 {
          statuses.append(await client(web, host).logIn(email: Self.owner, password: "wrong-password-\(guess)").status)
        }
      }
      #expect(statuses.allSatisfy { $0 == 401 || $0 == 429 }, "\(statuses)")
      #expect(await client(web, 40).logIn(email: Self.owner, password: Self.password).status == 303)
      #expect(await client(web, 2).logIn(email: Self.owner, password: Self.password).status == 429)
      let failedHere = client(web, 41)
      await failedHere.logIn(email: Self.owner, password: "wrong-password-x")
      let slowed = await failedHere.logIn(email: Self.owner, password: Self.password)
      #expect(slowed.status == 429 && slowed.body.contains("must wait"), "\(slowed.status)")
      failedHere.cookies[KnownDevice.cookieName] = deviceCookie
      #expect(await failedHere.logIn(email: Self.owner, password: Self.password).status == 303)
      let waited = client(web, 42)
      await waited.logIn(email: Self.owner, password: "wrong-password-y")
      web.harness.clock.advance(seconds: LoginLimits.slowCapSeconds + 1)
      #expect(await waited.logIn(email: Self.owner, password: Self.password).status == 303)
    }
  }

  /// 102 guesses at random emails from one address: 401 up to the per-address budget, then 429.
  @Test func sprayingFromOneAddressHitsItsBudget() async throws {
    try await withWeb { web in
      let budget = ServerSettings().loginFailuresPerAddress
      var statuses: [Int] = []
      for index in 0..<102 {
        statuses.append(await client(web, 3).logIn(email: "user\(index)@example.com", password: "guess-\(index)-123").status)
      }
      #expect(statuses.prefix(budget).allSatisfy { $0 == 401 }, "\(statuses)")
      #expect(statuses.dropFirst(budget).allSatisfy { $0 == 429 }, "\(statuses)")
      let refused = await client(web, 3).logIn(email: "user0@example.com", password: "guess-0-123")
      #expect(refused.body.contains("from your address"))
      // Another address is not affected.
      #expect(await client(web, 4).logIn(email: "user0@example.com", password: "guess-0-123").status == 401)
    }
  }

  /// 25 sign-ups from one address: the first five succeed, the rest get 429; other addresses and
  /// an unlimited setting are not affected.
  @Test func signUpsArePerAddressLimited() async throws {
    try await withWeb { web in
      let limit = ServerSettings().signUpsPerAddressPerHour
      var statuses: [Int] = []
      for index in 0..<25 {
        let signedUp = await client(web, 5).signUp(email: "s\(index)@example.com", password: Self.password, workspace: "s\(index)")
        statuses.append(signedUp.status)
      }
      #expect(statuses.prefix(limit).allSatisfy { $0 == 303 }, "\(statuses)")
      #expect(statuses.dropFirst(limit).allSatisfy { $0 == 429 }, "\(statuses)")
      #expect(await client(web, 6).signUp(email: "t@example.com", password: Self.password, workspace: "tws").status == 303)
      web.harness.clock.advance(seconds: 3601)
      #expect(await client(web, 5).signUp(email: "u@example.com", password: Self.password, workspace: "uws").status == 303)
    }
    var unlimited = ServerSettings()
    unlimited.signUpsPerAddressPerHour = 0
    try await withWeb(settings: unlimited) { web in
      for index in 0..<7 {
        #expect(await client(web, 5).signUp(email: "s\(index)@example.com", password: Self.password, workspace: "s\(index)").status == 303)
      }
    }
  }

  /// A flood of strangers' guesses (more than the queue holds) does not delay a sign-in from a
  /// browser with the known-device cookie: it goes first, and strangers beyond the queue get 429
  /// at once.
  @Test func aKnownDeviceSignsInDuringAFlood() async throws {
    try await withWeb { web in
      let owner = await signedInOwner(web, host: 1)
      let flooders = (0..<48).map { client(web, 100 + $0) }
      var forms: [(WebClient, String)] = []
      for flooder in flooders { forms.append((flooder, await flooder.request("GET", "/login").csrf ?? "")) }
      let ownerForm = await owner.request("GET", "/login").csrf ?? ""
      let clock = ContinuousClock()
      let (statuses, ownerTime) = await withTaskGroup(of: (Int, Duration?).self) { group in
        for (index, (flooder, csrf)) in forms.enumerated() {
          group.addTask {
            let form = [("csrf", csrf), ("email", "x\(index)@example.com"), ("password", "wrong-guess-\(index)"), ("next", "/")]
            return (await flooder.request("POST", "/login", form: form).status, nil)
          }
        }
        group.addTask {
          try? await Task.sleep(for: .milliseconds(300))
          let start = clock.now
          let form = [("csrf", ownerForm), ("email", Self.owner), ("password", Self.password), ("next", "/")]
          return (await owner.request("POST", "/login", form: form).status, clock.now - start)
        }
        var statuses: [Int] = []
        var ownerTime: Duration?
        for await (status, time) in group {
          if let time { ownerTime = time; #expect(status == 303) } else { statuses.append(status) }
        }
        return (statuses, ownerTime)
      }
      #expect(statuses.allSatisfy { $0 == 401 || $0 == 429 }, "\(statuses)")
      #expect(statuses.contains(429), "strangers beyond the queue are turned away: \(statuses)")
      let time = try #require(ownerTime)
      #expect(time < .seconds(3), "the known device waited \(time)")
    }
  }
}
