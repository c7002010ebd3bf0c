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
/// Every catalogue's lookup by name, in the order they are searched.
let catalogues: [(String) -> StudentSubmission?] = [
    WrongSubmissions.named, StudentInventions.named, ClassCatalogue.named, HeldOutCatalogue.named,
    HeldOut2Catalogue.named, HeldOut3Catalogue.named, HeldOut4Catalogue.named, HeldOut5Catalogue.named,
    HeldOut6Catalogue.named, HeldOut7Catalogue.named, HeldOut8Catalogue.named, HeldOut9Catalogue.named,
    HeldOut10Catalogue.named, HeldOut11Catalogue.named, HeldOut12Catalogue.named, HeldOut13Catalogue.named,
    HeldOut14Catalogue.named, HeldOut15Catalogue.named, HeldOut16Catalogue.named, HeldOut17Catalogue.named,
    HeldOut18Catalogue.named, HeldOut19Catalogue.named, HeldOut20Catalogue.named, HeldOut21Catalogue.named,
    HeldOut22Catalogue.named, HeldOut23Catalogue.named, HeldOut24Catalogue.named, MechanismSubmissions.named,
]
guard let submission = catalogues.lazy.compactMap({ $0(name) }).first else {
    FileHandle.standardError.write(Data("backprop-fixture: no submission named '\(name)'\n".utf8))
    exit(2)
}
var engines = CommandEngines.library
engines.student = submission
exit(BackpropCommandLine.run(Array(CommandLine.arguments.dropFirst()), engines: engines))
