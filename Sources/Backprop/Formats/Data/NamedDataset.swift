import Foundation

/// The image data sets `--data mnist` and `--data fashion-mnist` name: four IDX files each, gzip-compressed as they
/// are distributed (or not), with the official split of 60,000 training and 10,000 test images.
///
/// Without a folder, the files are looked for in `$BACKPROP_DATA/NAME`, `$BACKPROP_DATA`, the cache folder
/// `~/.cache/backprop/NAME` (`$XDG_CACHE_HOME/backprop/NAME` when that is set), and, for Fashion-MNIST, where
/// Debian's `dataset-fashion-mnist` installs them (`/usr/share/datasets/fashion-mnist`).
public enum NamedDataset: String, CaseIterable, Sendable {
    case mnist
    case fashionMNIST = "fashion-mnist"

    /// The four files, training images and labels then test images and labels (each also read as `NAME.gz`).
    public static let files = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                               "t10k-labels-idx1-ubyte"]

    /// Where the files can be downloaded.
    public var downloadURL: String {
        switch self {
        case .mnist: "https://ossci-datasets.s3.amazonaws.com/mnist/"
        case .fashionMNIST: "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
        }
    }

    /// The Debian package that installs the files, and where.
    public var debian: (package: String, folder: String)? {
        switch self {
        case .mnist: nil
        case .fashionMNIST: ("dataset-fashion-mnist", "/usr/share/datasets/fashion-mnist")
        }
    }

    /// The folders searched, in order, when no folder is given.
    public func searchPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var folders: [String] = []
        if let root = environment["BACKPROP_DATA"], !root.isEmpty {
            folders += [(root as NSString).appendingPathComponent(rawValue), root]
        }
        folders.append((Self.cacheRoot(environment) as NSString).appendingPathComponent(rawValue))
        if let debian { folders.append(debian.folder) }
        return folders
    }

    /// `$XDG_CACHE_HOME/backprop`, else `~/.cache/backprop`.
    public static func cacheRoot(_ environment: [String: String]) -> String {
        if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty { return (cache as NSString).appendingPathComponent("backprop") }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".cache/backprop")
    }

    /// Whether `folder` holds the four files (each plain or .gz).
    public static func holdsFiles(_ folder: String) -> Bool {
        files.allSatisfy { name in
            let path = (folder as NSString).appendingPathComponent(name)
            return FileManager.default.fileExists(atPath: path) || FileManager.default.fileExists(atPath: path + ".gz")
        }
    }

    /// The folder to read: `folder` when given, else the first of `path` (by default the search path) that holds
    /// the files.
    /// - Throws: `BackpropError`, in one line, saying where it looked and how to get the files.
    public func locate(_ folder: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                       path given: [String]? = nil) throws -> String {
        if let folder { return folder }
        let path = given ?? searchPath(environment: environment)
        if let found = path.first(where: Self.holdsFiles) { return found }
        var advice = ""
        if let debian { advice += "install it with `sudo apt-get install \(debian.package)`, or " }
        let cache = (Self.cacheRoot(environment) as NSString).appendingPathComponent(rawValue)
        advice += "download \(Self.files.map { $0 + ".gz" }.joined(separator: ", ")) from \(downloadURL) into \(cache) (or any folder, then --data \(rawValue):FOLDER)"
        throw BackpropError("--data \(rawValue): the data set is not in \(path.joined(separator: ", ")); \(advice)")
    }

    /// The training and test images of `folder`, the four files read (and inflated) at once on the machine's cores.
    public static func load(from folder: String) throws -> (train: ImageSet, test: ImageSet) {
        let contents = FileContents(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            contents.set(index, Result { try DataFile.read((folder as NSString).appendingPathComponent(files[index])) })
        }
        let bytes = try contents.results.map { try $0!.get() }
        let train = try ImageSet(images: bytes[0], labels: bytes[1], imagesName: files[0], labelsName: files[1])
        let test = try ImageSet(images: bytes[2], labels: bytes[3], imagesName: files[2], labelsName: files[3])
        guard train.pixelsPerImage == test.pixelsPerImage else {
            throw BackpropError("the training images have \(train.pixelsPerImage) pixels but the test images \(test.pixelsPerImage)")
        }
        return (train, test)
    }
}

/// The files' bytes (or errors) as the threads reading them finish.
private final class FileContents: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var results: [Result<[UInt8], any Error>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<[UInt8], any Error>) {
        lock.withLock { results[index] = result }
    }
}
