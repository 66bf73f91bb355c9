import Foundation
import ModalServer

// modal-server: parse argv, run the command, exit with its status.
let status = await ServerCommandLine.run(Array(CommandLine.arguments.dropFirst()))
exit(status)
