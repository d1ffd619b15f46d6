// The module depends on nothing but the standard library and the platform C math library
// (glibc/Darwin libm), which is also what NumPy and the reference tools call: log2, exp2, pow.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Darwin)
@_exported import Darwin
#endif
