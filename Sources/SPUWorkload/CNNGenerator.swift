import SPUCore
import SPUFormats  // NumberFormat's cases (a default argument names one)

/// CNNs lowered to GEMMs (im2col): a convolution with N images, output H×W, Cin input and Cout
/// output channels and an R×S kernel is the matmul C[m,n] = Σ_k A[m,k]·W[k,n] with
/// m = N·H·W, k = Cin·R·S, n = Cout. BatchNorm is folded into the convolution; BN+ReLU is one
/// elementwise op (3 ops per element), the residual add another.
public enum CNNGenerator {
    struct Conv {
        var name: String
        var inChannels: Int, outChannels: Int, kernel: Int, stride: Int
        var inSize: Int
        var outSize: Int { (inSize + stride - 1) / stride }
    }

    /// ResNet-50 v1.5 (torchvision: stride on the 3×3 convolution of each bottleneck),
    /// 224×224 input. 4.09 GMACs and 25.5 M weights per image.
    /// Throws when `batch` is outside `WorkloadLimits.batch` or makes a dimension (batch × 112 × 112
    /// output pixels of the first convolution) exceed the trace reader's limits.
    public static func resnet50(batch: Int, format: NumberFormat = .bf16) throws(WorkloadGeneratorError) -> Workload {
        guard WorkloadLimits.batch.contains(batch) else {
            throw .invalid("batch must be in [\(WorkloadLimits.batch.lowerBound), \(WorkloadLimits.batch.upperBound)], got \(batch)")
        }
        // batch ≤ 2^24 and at most 112 × 112 output pixels: batch · H · W ≤ 2^38 cannot overflow;
        // the limits check at the end refuses dimensions beyond the trace reader's.
        var ops: [Op] = []
        func append(_ op: Op) {
            var op = op
            if let last = ops.last { op.after = [last.name] }
            ops.append(op)
        }
        func conv(_ c: Conv, repeat r: Int = 1, relu: Bool = true) {
            let m = batch * c.outSize * c.outSize, k = c.inChannels * c.kernel * c.kernel, n = c.outChannels
            append(Op(name: c.name, kind: .matmul, repeatCount: r, dims: ["m": m, "k": k, "n": n],
                      inputs: [TensorRef(dims: ["m", "k"], format: format),
                               TensorRef(name: c.name, dims: ["k", "n"], format: format, role: .weight)],
                      output: TensorRef(dims: ["m", "n"], format: format)))
            if relu {
                append(Op(name: c.name + ".bn_relu", kind: .elementwise, repeatCount: r, dims: ["m": m, "n": n],
                          inputs: [TensorRef(dims: ["m", "n"], format: format)], output: TensorRef(dims: ["m", "n"], format: format),
                          opsPerElement: 3))
            }
        }
        func pointwise(_ name: String, repeat r: Int = 1, m: Int, n: Int, inputs: Int, opsPerElement: Double) {
            append(Op(name: name, kind: .elementwise, repeatCount: r, dims: ["m": m, "n": n],
                      inputs: Array(repeating: TensorRef(dims: ["m", "n"], format: format), count: inputs),
                      output: TensorRef(dims: ["m", "n"], format: format), opsPerElement: opsPerElement))
        }

        conv(Conv(name: "conv1", inChannels: 3, outChannels: 64, kernel: 7, stride: 2, inSize: 224))
        pointwise("maxpool", m: batch * 56 * 56, n: 64, inputs: 1, opsPerElement: 9)
        var channels = 64, size = 56
        let stages: [(blocks: Int, mid: Int, out: Int, stride: Int)] = [(3, 64, 256, 1), (4, 128, 512, 2), (6, 256, 1024, 2), (3, 512, 2048, 2)]
        for (index, stage) in stages.enumerated() {
            let prefix = "layer\(index + 1)"
            let outSize = (size + stage.stride - 1) / stage.stride
            // First block: strided, with a projection shortcut.
            conv(Conv(name: "\(prefix).0.conv1", inChannels: channels, outChannels: stage.mid, kernel: 1, stride: 1, inSize: size))
            conv(Conv(name: "\(prefix).0.conv2", inChannels: stage.mid, outChannels: stage.mid, kernel: 3, stride: stage.stride, inSize: size))
            conv(Conv(name: "\(prefix).0.conv3", inChannels: stage.mid, outChannels: stage.out, kernel: 1, stride: 1, inSize: outSize), relu: false)
            conv(Conv(name: "\(prefix).0.downsample", inChannels: channels, outChannels: stage.out, kernel: 1, stride: stage.stride, inSize: size), relu: false)
            pointwise("\(prefix).0.residual_relu", m: batch * outSize * outSize, n: stage.out, inputs: 2, opsPerElement: 2)
            // Remaining identical blocks: evaluated once, repeated.
            let r = stage.blocks - 1
            conv(Conv(name: "\(prefix).n.conv1", inChannels: stage.out, outChannels: stage.mid, kernel: 1, stride: 1, inSize: outSize), repeat: r)
            conv(Conv(name: "\(prefix).n.conv2", inChannels: stage.mid, outChannels: stage.mid, kernel: 3, stride: 1, inSize: outSize), repeat: r)
            conv(Conv(name: "\(prefix).n.conv3", inChannels: stage.mid, outChannels: stage.out, kernel: 1, stride: 1, inSize: outSize), repeat: r, relu: false)
            pointwise("\(prefix).n.residual_relu", repeat: r, m: batch * outSize * outSize, n: stage.out, inputs: 2, opsPerElement: 2)
            channels = stage.out
            size = outSize
        }
        pointwise("avgpool", m: batch, n: 2048, inputs: 1, opsPerElement: Double(size * size))
        append(Op(name: "fc", kind: .matmul, dims: ["m": batch, "k": 2048, "n": 1000],
                  inputs: [TensorRef(dims: ["m", "k"], format: format), TensorRef(name: "fc", dims: ["k", "n"], format: format, role: .weight)],
                  output: TensorRef(dims: ["m", "n"], format: format)))
        for op in ops { if let violation = WorkloadLimits.check(op) { throw .invalid(violation) } }
        return Workload(name: "resnet50-b\(batch)-\(format.rawValue)", description: "ResNet-50 v1.5, 224x224, batch \(batch), lowered to GEMMs",
                        phase: .inference, devices: 1, throughputUnit: "samples", itemsPerIteration: Double(batch), ops: ops,
                        provenance: "spusim CNN generator: resnet50, batch \(batch), format \(format.rawValue)")
    }
}
