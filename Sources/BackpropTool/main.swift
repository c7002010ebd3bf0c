#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BackpropCommands

// Everything happens in BackpropCommands, where tests can run it in-process.
exit(BackpropCommandLine.run(Array(CommandLine.arguments.dropFirst())))
