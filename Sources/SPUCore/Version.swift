/// The SPUSim version recorded with every run in the results database.
public enum SPUSimVersion {
    public static let current = "0.1.0"
}
