import Foundation

/// A small, fast, seedable pseudo-random generator (Steele, Lea & Flood's SplitMix64).
///
/// The fuzz tests use it too, so a failing case replays from its seed.
///
/// The simulator gives every device its own generator, seeded from the run's seed and the
/// device id, so a device behaves the same whichever other devices share the fleet. The
/// system generator is never used: a replayed seed must give byte-identical captures.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    /// Creates a generator; equal seeds give equal sequences on every platform.
    public init(seed: UInt64) {
        state = seed
    }

    /// Creates a generator from a seed and a label, so streams for different purposes differ.
    init(seed: UInt64, label: String) {
        state = seed ^ StableHash.fnv1a(label)
        // Warm up once so that nearby seeds do not start with correlated first outputs.
        _ = next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in 0..<bound (0 for an empty range); modulo bias is negligible here.
    public mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }

    /// A uniform double in [0, 1) using the top 53 bits.
    @inline(__always)
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform double in the given range.
    @inline(__always)
    mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + unit() * (range.upperBound - range.lowerBound)
    }

    /// A uniform integer in the given range; the modulo bias is negligible for small ranges.
    @inline(__always)
    mutating func int(_ range: ClosedRange<Int64>) -> Int64 {
        let width = UInt64(range.upperBound - range.lowerBound) &+ 1
        if width == 0 { return Int64(bitPattern: next()) }
        return range.lowerBound + Int64(next() % width)
    }

    /// True with the given probability.
    @inline(__always)
    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// Roughly normal noise with mean 0 and standard deviation 1.
    ///
    /// A sum of uniforms (Irwin–Hall) is used rather than Box–Muller: it costs no
    /// logarithm or cosine, and sensor noise does not need true Gaussian tails.
    @inline(__always)
    mutating func noise() -> Double {
        (unit() + unit() + unit() + unit() - 2.0) * 1.732_050_807_568_877
    }

    /// An exponentially distributed wait with mean 1.
    @inline(__always)
    mutating func exponential() -> Double {
        -log(1.0 - unit())
    }
}
