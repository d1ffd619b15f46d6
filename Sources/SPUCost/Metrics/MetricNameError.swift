/// A metric name that is not in the catalogue (or no longer is), with what to use instead.
public struct MetricNameError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
