import ArgumentParser
import SPUAccuracy
import SPUCore
import SPUCost
import SPUWorkload

/// The technology directory `--tech` names, or the installation's `configs/tech` (found by
/// `SPUSimHome`) when it is not given; prints the places looked in and exits 2 when not found.
func resolveDefault(tech: String?) throws -> String {
    try resolveDefault(tech, default: CostInputs.defaultTechDirectory, what: "technology directory", option: "--tech DIR")
}

/// The TCO file `--tco` names, or the installation's `configs/tco/default.json`.
func resolveDefault(tco: String?) throws -> String {
    try resolveDefault(tco, default: CostInputs.defaultTCOFile, what: "TCO file", option: "--tco FILE")
}

/// The validation directory `--dir` names, or the installation's `validation/`.
func resolveDefault(validationDirectory: String?) throws -> String {
    try resolveDefault(validationDirectory, default: "validation", what: "validation directory", option: "--dir DIR")
}

/// The engine profiles file `--engines` names, or the installation's `configs/serving/engines.json`.
func resolveDefault(engines: String?) throws -> String {
    try resolveDefault(engines, default: "configs/serving/engines.json", what: "serving-engine profiles", option: "--engines FILE")
}

/// A file of the SPUSim installation (`configs/…`, `workloads/…`) named by a default argument.
func resolveInstalled(_ path: String, what: String, option: String) throws -> String {
    try resolveDefault(nil, default: path, what: what, option: option)
}

private func resolveDefault(_ given: String?, default path: String, what: String, option: String) throws -> String {
    if let given { return given }
    do {
        return try SPUSimHome.resolve(path, isDefault: true, what: what, option: option)
    } catch {
        printError("error: \(error.description)")
        throw ExitCode(2)
    }
}

/// Loads the technology library and TCO parameters of `--tech` and `--tco` (or their defaults);
/// a bad file is reported as `FILE: $.path: rule` with exit status 2.
func loadCostInputs(tech: String?, tco: String?) throws -> CostInputs {
    let techDirectory = try resolveDefault(tech: tech), tcoFile = try resolveDefault(tco: tco)
    do {
        return try CostInputs.load(techDirectory: techDirectory, tcoFile: tcoFile)
    } catch {
        throw failInput(error)
    }
}

/// Loads the workload trace at `path`. A Hugging Face model config given where a trace belongs
/// (it has `hidden_size`, `num_hidden_layers`, `model_type`… and no `format_version`) is named as
/// such, with the command that turns it into a trace; other bad files are `FILE: $.path: rule`.
func loadTrace(_ path: String) throws -> Workload {
    do {
        return try Workload.load(path: path)
    } catch {
        if isModelConfig(path) {
            printError("error: \(path): this is a model config, not a trace; generate a trace with "
                       + "'spusim workload generate --model \(path) --phase decode --out TRACE.json' (or --phase prefill) and pass that, "
                       + "or size a serving fleet from it with 'spusim fleet --model \(path) …'")
            throw ExitCode(2)
        }
        throw failInput(error)
    }
}

/// Whether the JSON file at `path` looks like a Hugging Face model config rather than a trace.
func isModelConfig(_ path: String) -> Bool {
    guard let text = try? InputFile.readText(path), let value = try? JSONParser.parse(text), value["format_version"] == nil else { return false }
    return ["hidden_size", "num_hidden_layers", "model_type", "num_attention_heads", "n_embd", "n_layer"].contains { value[$0] != nil }
}

/// The accuracy oracle (all-MiniLM-L6-v2 emulated per recipe) on `modelDirectory` (default
/// `$SPUSIM_MINILM_DIR`, else `.cache/minilm`) and the installation's sentence set; nil when the
/// model is not installed and `required` is false, else a clear error (exit 2).
func loadAccuracyOracle(modelDirectory: String?, required: Bool) throws -> AccuracyOracle? {
    let directory = modelDirectory ?? AccuracyOracle.Source.defaultModelDirectory()
    let sentences = try resolveInstalled(AccuracyOracle.Source.defaultSentencesFile, what: "accuracy sentence set", option: "--accuracy-model-dir")
    do {
        return try AccuracyOracle(source: .init(modelDirectory: directory, sentencesFile: sentences))
    } catch {
        if !required, modelDirectory == nil { return nil }
        throw failInput(error)
    }
}
