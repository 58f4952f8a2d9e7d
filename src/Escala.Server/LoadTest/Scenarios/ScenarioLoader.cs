using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Escala.Server.LoadTest.Scenarios;

/// <summary>
/// Reads a scenario from YAML or JSON (JSON is YAML) and checks it whole: every error names its field
/// (<c>operations[1].weight: '-1' is not a number from 0 to 1000000</c>), unknown fields included.
/// </summary>
public static class ScenarioLoader
{
    private const string ResourcePrefix = "scenarios/";

    /// <summary>The scenarios shipped inside the tool (<c>3-pge-ms</c>, …), usable by name without a checkout.</summary>
    public static IReadOnlyList<string> BuiltIn { get; } = [.. typeof(ScenarioLoader).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
        .Select(n => Path.GetFileNameWithoutExtension(n[ResourcePrefix.Length..]))
        .Order(StringComparer.Ordinal)];

    /// <summary>Loads a file, or a built-in scenario by name when no such file exists.</summary>
    public static Scenario LoadFile(string pathOrName)
    {
        if (File.Exists(pathOrName))
        {
            return Parse(File.ReadAllText(pathOrName), Path.GetFileName(pathOrName));
        }

        var name = Path.GetFileNameWithoutExtension(pathOrName);
        using var stream = typeof(ScenarioLoader).Assembly.GetManifestResourceStream($"{ResourcePrefix}{name}.yaml");
        if (stream is null)
        {
            throw new ScenarioException(pathOrName, [$"no such file, and not a built-in scenario ({string.Join(", ", BuiltIn)})"]);
        }

        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), name + ".yaml");
    }

    public static Scenario Parse(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new ScenarioException(source, [$"line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}"]);
        }

        var errors = new List<string>();
        var root = new Field(stream.Documents.FirstOrDefault()?.RootNode, "", errors);
        if (!root.IsMapping)
        {
            throw new ScenarioException(source, ["the scenario must be a mapping with name, workload, operations and sla"]);
        }

        var scenario = ScenarioReader.Read(root, errors);
        if (errors.Count > 0 || scenario is null)
        {
            throw new ScenarioException(source, errors);
        }

        return scenario;
    }
}
