#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BackpropCommands
import BackpropExercises
import ExerciseSolutions
import Foundation

// The `backprop` command with a known submission in the student's place, chosen by BACKPROP_SUBMISSION (a name of
// WrongSubmissions.all or .correct, or of StudentInventions.all): the checker's tests run it as a subprocess, exactly as a student runs
// `backprop exercises`, and the checker re-runs this binary for each step, so the same submission.
let name = ProcessInfo.processInfo.environment["BACKPROP_SUBMISSION"] ?? "solution"
guard let submission = (WrongSubmissions.named(name) ?? StudentInventions.named(name) ?? ClassCatalogue.named(name) ?? HeldOutCatalogue.named(name) ?? HeldOut2Catalogue.named(name) ?? HeldOut3Catalogue.named(name) ?? HeldOut4Catalogue.named(name) ?? HeldOut5Catalogue.named(name) ?? HeldOut6Catalogue.named(name)) as StudentSubmission? ?? (HeldOut7Catalogue.named(name)
    ?? HeldOut8Catalogue.named(name)
    ?? HeldOut9Catalogue.named(name)
    ?? HeldOut10Catalogue.named(name)
    ?? HeldOut11Catalogue.named(name)) as StudentSubmission?
    ?? (HeldOut12Catalogue.named(name)
    ?? HeldOut13Catalogue.named(name)
    ?? HeldOut14Catalogue.named(name)
    ?? HeldOut15Catalogue.named(name)
    ?? HeldOut16Catalogue.named(name)
    ?? HeldOut17Catalogue.named(name)
    ?? HeldOut18Catalogue.named(name)
    ?? HeldOut19Catalogue.named(name)) as StudentSubmission?
    ?? MechanismSubmissions.named(name) else {
    FileHandle.standardError.write(Data("backprop-fixture: no submission named '\(name)'\n".utf8))
    exit(2)
}
var engines = CommandEngines.library
engines.student = submission
exit(BackpropCommandLine.run(Array(CommandLine.arguments.dropFirst()), engines: engines))
