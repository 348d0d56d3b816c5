/// Arithmetic in GF(256) with the Rijndael polynomial x⁸ + x⁴ + x³ + x + 1, and the Lagrange
/// interpolation SLIP-0039 builds its Shamir sharing on (section "Shamir's secret sharing").
///
/// Multiplication goes through exp/log tables with generator x + 1 (3). Table look-ups depend on
/// secret bytes, as in the reference implementation; the ceremony runs on an offline machine
/// with no co-resident attacker able to time it.
enum GF256 {
    /// `exp[i]` = 3^i for i in 0..<255; `log[exp[i]]` = i (log[0] is unused).
    static let (exp, log): ([UInt8], [Int]) = {
        var exp = [UInt8](repeating: 0, count: 255)
        var log = [Int](repeating: 0, count: 256)
        var value = 1
        for power in 0..<255 {
            exp[power] = UInt8(value)
            log[value] = power
            value ^= value << 1  // multiply by x + 1
            if value & 0x100 != 0 { value ^= 0x11B }
        }
        return (exp, log)
    }()

    /// One point (x, f(x)) for a vector of polynomials, one per byte.
    struct Point {
        var x: Int
        var y: [UInt8]
    }

    /// f(x) for the polynomials of degree < `points.count` through `points`, byte by byte.
    /// The x values must be distinct and all y the same length (callers check both).
    static func interpolate(_ points: [Point], at x: Int) -> [UInt8] {
        if let known = points.first(where: { $0.x == x }) { return known.y }
        let length = points.first?.y.count ?? 0
        // log of ∏ (x_i − x); subtraction is XOR in GF(2⁸).
        let logProduct = points.reduce(0) { $0 + log[$1.x ^ x] }
        var result = [UInt8](repeating: 0, count: length)
        for point in points {
            var logBasis = logProduct - log[point.x ^ x]
            for other in points where other.x != point.x { logBasis -= log[point.x ^ other.x] }
            logBasis = ((logBasis % 255) + 255) % 255
            for i in 0..<length where point.y[i] != 0 {
                result[i] ^= exp[(log[Int(point.y[i])] + logBasis) % 255]
            }
        }
        return result
    }
}
