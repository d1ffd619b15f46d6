import SPUFormats

extension MACCostModel {
    /// The MAC cost model at a technology file's node: the 45 nm Horowitz anchors scaled by the
    /// file's `logic.area_factor_vs_45nm` and `logic.energy_factor_vs_45nm`. The technology files
    /// are the only source of node factors; 45 nm itself is `MACCostModel.reference45nm`.
    public init(technology: TechnologySpec) {
        self.init(areaFactor: technology.areaFactorVs45nm, energyFactor: technology.energyFactorVs45nm)
    }

    /// Names that select the 45 nm reference node, which has no technology file (factors 1).
    public static let referenceNodeNames = ["n45", "45nm"]

    /// The model at a node given by name: the 45 nm reference or a node of `technologies`
    /// (matched by name or alias, as device configs' `process_node` is); nil if neither.
    public static func at(node: String, technologies: [TechnologySpec]) -> MACCostModel? {
        if referenceNodeNames.contains(node.lowercased()) { return reference45nm }
        return technologies.first { $0.matches(node) }.map(MACCostModel.init(technology:))
    }
}
