/// The O(ND) shortest-edit search (Myers 1986) with the middle-snake split, as gnulib's
/// diffseq.h does it (including its give-up heuristic for very costly comparisons, which
/// keeps big inputs fast at the price of a slightly longer script).
struct MiddleSnakeSearch {
    let x: [Int]
    let y: [Int]
    /// Indexes of x deleted and of y inserted.
    private(set) var deletedX: [Int] = []
    private(set) var insertedY: [Int] = []
    private var fd: [Int]
    private var bd: [Int]
    /// Offset that maps diagonal k to index k + offset.
    private let offset: Int
    private let tooExpensive: Int

    init(x: [Int], y: [Int]) {
        self.x = x
        self.y = y
        let diags = x.count + y.count + 3
        fd = [Int](repeating: 0, count: diags)
        bd = [Int](repeating: 0, count: diags)
        offset = y.count + 1
        var t = 1
        var d = diags
        while d != 0 { d >>= 2; t <<= 1 }
        tooExpensive = max(4096, t)
    }

    private struct Partition {
        var xmid: Int, ymid: Int
        var loMinimal: Bool, hiMinimal: Bool
    }

    mutating func compare(xoff: Int, xlim: Int, yoff: Int, ylim: Int, findMinimal: Bool) {
        var xoff = xoff, yoff = yoff, xlim = xlim, ylim = ylim
        while xoff < xlim && yoff < ylim && x[xoff] == y[yoff] { xoff += 1; yoff += 1 }
        while xoff < xlim && yoff < ylim && x[xlim - 1] == y[ylim - 1] { xlim -= 1; ylim -= 1 }
        if xoff == xlim {
            insertedY.append(contentsOf: yoff..<ylim)
        } else if yoff == ylim {
            deletedX.append(contentsOf: xoff..<xlim)
        } else {
            let part = diag(xoff: xoff, xlim: xlim, yoff: yoff, ylim: ylim, findMinimal: findMinimal)
            compare(xoff: xoff, xlim: part.xmid, yoff: yoff, ylim: part.ymid, findMinimal: part.loMinimal)
            compare(xoff: part.xmid, xlim: xlim, yoff: part.ymid, ylim: ylim, findMinimal: part.hiMinimal)
        }
    }

    private mutating func diag(xoff: Int, xlim: Int, yoff: Int, ylim: Int, findMinimal: Bool) -> Partition {
        let o = offset
        let dmin = xoff - ylim, dmax = xlim - yoff
        let fmid = xoff - yoff, bmid = xlim - ylim
        var fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid
        let odd = (fmid - bmid) & 1 != 0
        fd[fmid + o] = xoff
        bd[bmid + o] = xlim
        var c = 1
        while true {
            if fmin > dmin { fmin -= 1; fd[fmin - 1 + o] = -1 } else { fmin += 1 }
            if fmax < dmax { fmax += 1; fd[fmax + 1 + o] = -1 } else { fmax -= 1 }
            var d = fmax
            while d >= fmin {
                let tlo = fd[d - 1 + o], thi = fd[d + 1 + o]
                let x0 = tlo < thi ? thi : tlo + 1
                var xx = x0, yy = x0 - d
                while xx < xlim && yy < ylim && x[xx] == y[yy] { xx += 1; yy += 1 }
                fd[d + o] = xx
                if odd && bmin <= d && d <= bmax && bd[d + o] <= xx {
                    return Partition(xmid: xx, ymid: yy, loMinimal: true, hiMinimal: true)
                }
                d -= 2
            }
            if bmin > dmin { bmin -= 1; bd[bmin - 1 + o] = Int.max } else { bmin += 1 }
            if bmax < dmax { bmax += 1; bd[bmax + 1 + o] = Int.max } else { bmax -= 1 }
            d = bmax
            while d >= bmin {
                let tlo = bd[d - 1 + o], thi = bd[d + 1 + o]
                let x0 = tlo < thi ? tlo : thi - 1
                var xx = x0, yy = x0 - d
                while xoff < xx && yoff < yy && x[xx - 1] == y[yy - 1] { xx -= 1; yy -= 1 }
                bd[d + o] = xx
                if !odd && fmin <= d && d <= fmax && xx <= fd[d + o] {
                    return Partition(xmid: xx, ymid: yy, loMinimal: true, hiMinimal: true)
                }
                d -= 2
            }
            if !findMinimal && c >= tooExpensive {
                return giveUp(xoff: xoff, xlim: xlim, yoff: yoff, ylim: ylim, f: (fmin, fmax), b: (bmin, bmax))
            }
            c += 1
        }
    }

    /// Too costly: split at whichever of the two searches got further.
    private func giveUp(xoff: Int, xlim: Int, yoff: Int, ylim: Int, f: (Int, Int), b: (Int, Int)) -> Partition {
        let o = offset
        var fxybest = -1, fxbest = 0
        var d = f.1
        while d >= f.0 {
            var xx = min(fd[d + o], xlim)
            var yy = xx - d
            if ylim < yy { xx = ylim + d; yy = ylim }
            if fxybest < xx + yy { fxybest = xx + yy; fxbest = xx }
            d -= 2
        }
        var bxybest = Int.max, bxbest = 0
        d = b.1
        while d >= b.0 {
            var xx = max(xoff, bd[d + o])
            var yy = xx - d
            if yy < yoff { xx = yoff + d; yy = yoff }
            if xx + yy < bxybest { bxybest = xx + yy; bxbest = xx }
            d -= 2
        }
        if (xlim + ylim) - bxybest < fxybest - (xoff + yoff) {
            return Partition(xmid: fxbest, ymid: fxybest - fxbest, loMinimal: true, hiMinimal: false)
        }
        return Partition(xmid: bxbest, ymid: bxybest - bxbest, loMinimal: false, hiMinimal: true)
    }
}
