using Escala.Server.LoadTest.Scenarios;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.LoadTest;

/// <summary>Scenario files: what a valid one reads as, and that every mistake is reported with its field's path.</summary>
public sealed class ScenarioLoaderTests
{
    private const string Valid = """
        name: small
        timeScale: 0.5
        workload: { users: 4, rampUp: 1s, duration: 10s, think: 100ms..300ms }
        dependencies:
          llm: { latency: { p50: 2s, p95: 6s, max: 20s }, rate429: 0.01, stream: true }
          ocr: { resource: none, latency: 5s..30s }
        operations:
          - { name: ask, type: submit-wait, dependency: llm, weight: 3 }
          - { name: scan, type: submit-sse, dependency: ocr, users: 1, args: { pages: 3, lang: pt } }
          - { name: poll, type: status }
        server:
          resources: { llm: { concurrency: 2 } }
        sla:
          errorRate: 0.01
          throughput: 100/min
          operations:
            ask: { p95: 1500ms, p99: 3s }
        """;

    [Fact]
    public void Parse_ValidYaml_ReadsEveryField()
    {
        var scenario = ScenarioLoader.Parse(Valid, "small.yaml");

        Assert.Equal("small", scenario.Name);
        Assert.Equal(0.5, scenario.TimeScale);
        Assert.Equal(4, scenario.Workload.Users);
        Assert.False(scenario.Workload.IsOpen);
        Assert.Equal(TimeSpan.FromMilliseconds(300), scenario.Workload.Think.Max);
        var ask = scenario.Operations[0];
        Assert.Equal(OperationType.SubmitWait, ask.Type);
        Assert.Equal("http", ask.Kind);
        Assert.Equal(["llm"], ask.Resources);
        Assert.Equal(3, ask.Weight);
        var scan = scenario.Operations[1];
        Assert.Empty(scan.Resources);
        Assert.Equal(1, scan.Users);
        Assert.Equal(3, (double)scan.Args!["pages"]!);
        Assert.Equal("pt", (string)scan.Args!["lang"]!);
        Assert.Equal("noop", scenario.Operations[2].Kind);
        Assert.Equal("lognormal", scenario.Dependencies["llm"].Latency.Shape);
        Assert.Equal(20, scenario.Dependencies["llm"].StreamChunks);
        Assert.Null(scenario.Dependencies["ocr"].Resource);
        Assert.Equal("2", scenario.Server["resources:llm:concurrency"]);
        Assert.Equal(100.0 / 60, scenario.Sla.Throughput!.Value, 6);
        Assert.Equal(TimeSpan.FromSeconds(1.5), scenario.Sla.Operations["ask"].P95);
    }

    [Fact]
    public void Parse_Json_ReadsLikeYaml()
    {
        const string json = """
            {"name": "j", "workload": {"rate": "20/s", "duration": "5s"},
             "operations": [{"name": "send", "type": "batch", "batchSize": 50}],
             "sla": {"operations": {"send": {"p99": "200ms"}}}}
            """;

        var scenario = ScenarioLoader.Parse(json, "j.json");

        Assert.True(scenario.Workload.IsOpen);
        Assert.Equal(20, scenario.Workload.Rate);
        Assert.Equal(50, scenario.Operations[0].BatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(200), scenario.Sla.Operations["send"].P99);
    }

    [Theory]
    [InlineData("weight: 3", "wieght: 3", "operations[0].wieght: unknown field; did you mean 'weight'?")]
    [InlineData("duration: 10s", "duration: 10 parsecs", "workload.duration: '10 parsecs' is not a duration")]
    [InlineData("users: 4,", "users: 4, rate: 5/s,", "workload: give exactly one of users")]
    [InlineData("type: status", "type: workflow, fanOut: 0", "operations[2].fanOut: '0' is not a whole number from 1 to 100")]
    [InlineData("type: status", "type: poll", "operations[2].type: 'poll' is not an operation type")]
    [InlineData("dependency: ocr,", "dependency: tesseract,", "operations[1].dependency: 'tesseract' is not in dependencies")]
    [InlineData("ask: { p95", "asks: { p95", "sla.operations.asks: 'asks' is not an operation of this scenario")]
    [InlineData("p95: 6s", "p95: 1s", "dependencies.llm.latency.p95: must be at least p50")]
    [InlineData("rate429: 0.01", "rate429: 1.5", "dependencies.llm.rate429: '1.5' is not a number from 0 to 1")]
    [InlineData("users: 1, args", "users: 9, args", "operations: the operations' own users add up to 9, more than workload.users (4)")]
    [InlineData("- { name: poll", "- { name: ask", "operations[2].name: 'ask' is used by an earlier operation")]
    [InlineData("throughput: 100/min", "throughput: lots", "sla.throughput: 'lots' is not a rate")]
    [InlineData("rampUp: 1s", "rampUp: 10s", "workload.rampUp: must be shorter than the duration")]
    public void Parse_Mistake_NamesTheField(string valid, string mistake, string expected)
    {
        Assert.Contains(valid, Valid, StringComparison.Ordinal);

        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(Valid.Replace(valid, mistake, StringComparison.Ordinal), "small.yaml"));

        Assert.Contains(error.Errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_SeveralMistakes_ReportsThemAll()
    {
        var text = Valid.Replace("users: 4,", "users: 0,", StringComparison.Ordinal).Replace("name: poll", "nam: poll", StringComparison.Ordinal);

        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(text, "small.yaml"));

        Assert.Contains(error.Errors, e => e.StartsWith("workload.users: '0' is not a whole number", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("operations[2].nam: unknown field", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("operations[2].name: is required", StringComparison.Ordinal));
        Assert.Contains("small.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MalformedYaml_GivesTheLine()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse("name: x\nworkload: { users: 4\n", "bad.yaml"));

        Assert.StartsWith("line ", error.Errors.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingSections_NamesThem()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse("name: x\n", "empty.yaml"));

        Assert.Contains(error.Errors, e => e.StartsWith("workload: is required", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("operations: is required", StringComparison.Ordinal));
    }

    [Fact]
    public void ShippedScenarios_AllParse_AndAreBuiltIn()
    {
        var files = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "scenarios"), "*.yaml").Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var scenario = ScenarioLoader.LoadFile(file);
            Assert.Equal(Path.GetFileNameWithoutExtension(file), scenario.Name);
            Assert.Equal(scenario, ScenarioLoader.LoadFile(scenario.Name) with { }, ScenarioComparer.Instance);
        }

        Assert.Equal(files.Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal), ScenarioLoader.BuiltIn);
    }

    [Fact]
    public void ReadmeExample_Parses()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var start = readme.IndexOf("```yaml\nname: my-portal", StringComparison.Ordinal);
        Assert.True(start >= 0, "the README's scenario example is gone");
        var body = readme[(start + "```yaml\n".Length)..];

        var scenario = ScenarioLoader.Parse(body[..body.IndexOf("```", StringComparison.Ordinal)], "README.md");

        Assert.Equal(5, scenario.Operations.Count);
        Assert.Equal(15, scenario.Operations[0].Users);
    }

    [Fact]
    public void LoadFile_UnknownName_ListsTheBuiltInOnes()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.LoadFile("no-such-scenario"));

        Assert.Contains("3-pge-ms", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Scenarios hold dictionaries and lists: equal when their names, workloads and operation names agree.</summary>
    private sealed class ScenarioComparer : IEqualityComparer<Scenario>
    {
        public static ScenarioComparer Instance { get; } = new();

        public bool Equals(Scenario? x, Scenario? y) => x is not null && y is not null && x.Name == y.Name && x.Workload == y.Workload
            && x.Operations.Select(o => o.Name).SequenceEqual(y.Operations.Select(o => o.Name));

        public int GetHashCode(Scenario obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
