import ModalCLI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

let code = await ModalCommandLine().run(Array(CommandLine.arguments.dropFirst()))
exit(code)
