/// `modal doctor` (placeholder while being built).
enum DoctorCommand {
  static let spec = CommandSpec(name: "doctor", abstract: "Check the configuration, credentials and server.") { _ in 0 }
}
