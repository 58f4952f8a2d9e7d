using Escala.Configuration;
using Escala.Governance;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Escala.Core.Tests.Configuration;

/// <summary>Keys bound from configuration as the host binds them: defaults, values, and the exact messages for bad ones.</summary>
public sealed class EscalaConfigurationTests
{
    [Fact]
    public void Load_NothingConfigured_AppliesDocumentedDefaults()
    {
        var options = Load();

        var queue = Assert.Single(options.Queues).Value;
        Assert.Equal("default", queue.Name);
        Assert.Equal(10, queue.Concurrency);
        Assert.Equal(10, queue.FetchBatch);
        Assert.Equal(5, queue.MaxAttempts);
        Assert.Equal(TimeSpan.FromMinutes(5), queue.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(5), queue.HardTimeoutGrace);
        Assert.Equal(TimeSpan.FromSeconds(1), queue.Backoff);
        Assert.Equal(TimeSpan.FromMinutes(10), queue.MaxBackoff);
        Assert.Equal(TimeSpan.FromHours(24), queue.Retention);
        Assert.Null(queue.TenantConcurrency);
        Assert.False(queue.External);
        Assert.Empty(options.Resources);
        Assert.Equal("all", options.Role);
        Assert.True(options.RunsWorkers);
        Assert.Equal("http://127.0.0.1:8080", options.Urls);
        Assert.Equal("escala-data", options.Data);
        Assert.Null(options.Store);
        Assert.False(string.IsNullOrWhiteSpace(options.NodeId));
        Assert.Equal(options.NodeId, options.NodeId);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Execution.LeaseDuration);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Execution.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Execution.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Execution.ShutdownGrace);
        Assert.Equal(TimeSpan.Zero, options.Execution.DrainDelay);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Maintenance.PromoteInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Maintenance.RescueInterval);
        Assert.Equal(TimeSpan.FromMinutes(1), options.Maintenance.PruneInterval);
        Assert.Equal(TimeSpan.FromSeconds(15), options.Maintenance.LeaderTtl);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Maintenance.NodeTtl);
        Assert.Equal(1 << 20, options.Limits.MaxArgsBytes);
        Assert.Equal(1000, options.Limits.MaxBatch);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Limits.MaxWait);
    }

    [Fact]
    public void Load_EveryKindOfValue_ReadsEachOne()
    {
        var options = Load(
            ("nodeId", "node-a"),
            ("Role", "worker"),
            ("queues:llm:concurrency", "500"),
            ("Queues:llm:Timeout", "1m30s"),
            ("queues:llm:tenantConcurrency", "3"),
            ("queues:llm:external", "true"),
            ("resources:gemini:concurrency", "10"),
            ("resources:gemini:rate", "60/min"),
            ("resources:gemini:breaker:failures", "3"),
            ("resources:gemini:breaker:failureRatio", "0.5"),
            ("resources:gemini:breaker:openFor", "1m"),
            ("kindResources:llm.chat:0", "gemini"),
            ("execution:leaseDuration", "1m"),
            ("logging:logLevel:Escala", "debug"));

        Assert.Equal("node-a", options.NodeId);
        Assert.Equal("worker", options.Role);
        Assert.Equal(["default", "llm"], options.Queues.Keys.Order());
        var llm = options.Queues["llm"];
        Assert.Equal("llm", llm.Name);
        Assert.Equal(100, llm.FetchBatch);
        Assert.Equal(TimeSpan.FromSeconds(90), llm.Timeout);
        Assert.Equal(3, llm.TenantConcurrency);
        Assert.True(llm.External);
        var gemini = options.Resources["gemini"];
        Assert.Equal("gemini", gemini.Name);
        Assert.Equal(10, gemini.Concurrency);
        Assert.Equal(new RateLimit(60, TimeSpan.FromMinutes(1)), gemini.Rate);
        Assert.Equal(3, gemini.Breaker!.Failures);
        Assert.Equal(0.5, gemini.Breaker.FailureRatio);
        Assert.Equal(TimeSpan.FromMinutes(1), gemini.Breaker.OpenFor);
        Assert.Equal(TimeSpan.FromSeconds(30), gemini.Breaker.Window);
        Assert.Equal(1, gemini.Breaker.Probes);
        Assert.Equal(["gemini"], options.KindResources["llm.chat"]);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Execution.HeartbeatInterval);
        Assert.Equal(LogLevel.Debug, options.Logging.LogLevel["Escala"]);
    }

    [Theory]
    [InlineData("api", false)]
    [InlineData("worker", true)]
    [InlineData("all", true)]
    public void Load_Role_DecidesWhetherWorkersRun(string role, bool runsWorkers)
    {
        Assert.Equal(runsWorkers, Load(("role", role)).RunsWorkers);
    }

    [Theory]
    [InlineData("queues:llm:timeout", "soon", "'soon' is not a duration such as 500ms, 10s, 2m or 1h.")]
    [InlineData("queues:llm:timeout", "30", "'30' is not a duration such as 500ms, 10s, 2m or 1h.")]
    [InlineData("queues:llm:timeout", "0s", "must be longer than zero.")]
    [InlineData("queues:llm:hardTimeoutGrace", "x", "'x' is not a duration such as 500ms, 10s, 2m or 1h.")]
    [InlineData("queues:llm:backoff", "-1s", "'-1s' is not a duration such as 500ms, 10s, 2m or 1h.")]
    [InlineData("queues:llm:maxBackoff", "10", "'10' is not a duration such as 500ms, 10s, 2m or 1h.")]
    [InlineData("queues:llm:retention", "forever", "'forever' is not a duration such as 500ms, 10s, 2m or 1h.")]
    [InlineData("queues:llm:concurrency", "0", "0 is outside 1..10000.")]
    [InlineData("queues:llm:concurrency", "10001", "10001 is outside 1..10000.")]
    [InlineData("queues:llm:concurrency", "many", "'many' is not a whole number.")]
    [InlineData("queues:llm:concurrency", "99999999999", "'99999999999' is not a whole number.")]
    [InlineData("queues:llm:maxAttempts", "0", "0 is outside 1..1000.")]
    [InlineData("queues:llm:fetchBatch", "0", "0 is outside 1..1000.")]
    [InlineData("queues:llm:tenantConcurrency", "0", "0 is outside 1..100000.")]
    [InlineData("queues:llm:external", "yes", "'yes' is not true or false.")]
    [InlineData("resources:llm:concurrency", "0", "0 is outside 1..100000.")]
    [InlineData("resources:llm:rate", "lots", "'lots' is not a rate such as 60/min, 10/s or 1000/1h.")]
    [InlineData("resources:llm:rate", "60", "'60' is not a rate such as 60/min, 10/s or 1000/1h.")]
    [InlineData("resources:llm:breaker:failures", "0", "0 is outside 1..100000.")]
    [InlineData("resources:llm:breaker:minThroughput", "0", "0 is outside 1..100000.")]
    [InlineData("resources:llm:breaker:probes", "0", "0 is outside 1..1000.")]
    [InlineData("resources:llm:breaker:failureRatio", "1.5", "1.5 must be above 0 and at most 1.")]
    [InlineData("resources:llm:breaker:failureRatio", "0", "0 must be above 0 and at most 1.")]
    [InlineData("resources:llm:breaker:failureRatio", "half", "'half' is not a number such as 0.5.")]
    [InlineData("resources:llm:breaker:window", "x", "'x' is not a duration such as 500ms, 10s, 2m or 1h.")]
    [InlineData("resources:llm:breaker:openFor", "0s", "must be longer than zero.")]
    [InlineData("role", "boss", "'boss' is not one of all, api, worker.")]
    [InlineData("execution:leaseDuration", "30", "'30' is not a duration such as 500ms, 10s, 2m or 1h.")]
    [InlineData("execution:heartbeatInterval", "30s", "must be shorter than leaseDuration (30s).")]
    [InlineData("execution:pollInterval", "0s", "must be longer than zero.")]
    [InlineData("execution:shutdownGrace", "x", "'x' is not a duration such as 500ms, 10s, 2m or 1h.")]
    [InlineData("maintenance:promoteInterval", "x", "'x' is not a duration such as 500ms, 10s, 2m or 1h.")]
    [InlineData("maintenance:rescueInterval", "0ms", "must be longer than zero.")]
    [InlineData("maintenance:pruneInterval", "1", "'1' is not a duration such as 500ms, 10s, 2m or 1h.")]
    [InlineData("maintenance:leaderTtl", "x", "'x' is not a duration such as 500ms, 10s, 2m or 1h.")]
    [InlineData("maintenance:nodeTtl", "x", "'x' is not a duration such as 500ms, 10s, 2m or 1h.")]
    [InlineData("limits:maxArgsBytes", "1", "1 is outside 2..67108864.")]
    [InlineData("limits:maxBatch", "0", "0 is outside 1..100000.")]
    [InlineData("limits:maxWait", "1", "'1' is not a duration such as 500ms, 10s, 2m or 1h.")]
    [InlineData("resources:llm:perKey:concurrency", "0", "0 is outside 1..100000.")]
    [InlineData("resources:llm:perKey:rate", "6", "'6' is not a rate such as 60/min, 10/s or 1000/1h.")]
    [InlineData("queues:llm:tenantWeights:acme", "0", "must be between 1 and 100.")]
    [InlineData("queues:llm:tenantWeights:acme", "many", "'many' is not a whole number.")]
    [InlineData("resources:llm:tokens", "lots", "'lots' is not a rate such as 60/min, 10/s or 1000/1h.")]
    [InlineData("cache:enabled", "maybe", "'maybe' is not true or false.")]
    [InlineData("cache:maxTtl", "0s", "must be longer than zero.")]
    [InlineData("cache:kinds:llm.chat", "soon", "'soon' is not a duration such as 500ms, 10s, 2m or 1h.")]
    [InlineData("cache:kinds:llm.chat", "25h", "must be at most cache:maxTtl (1d).")]
    [InlineData("logging:logLevel:Default", "loud", "'loud' is not one of Trace, Debug, Information, Warning, Error, Critical, None.")]
    public void Load_BadValue_ThrowsExactlyOneMessageNamingTheKey(string key, string value, string problem)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Load((key, value)));

        Assert.Equal($"{key}: {problem}", Assert.Single(ex.Errors));
    }

    [Theory]
    [InlineData("Queues:LLM:Timeout", "queues:LLM:timeout: 'soon' is not a duration such as 500ms, 10s, 2m or 1h.")]
    [InlineData("EXECUTION:LEASEDURATION", "execution:leaseDuration: 'soon' is not a duration such as 500ms, 10s, 2m or 1h.")]
    public void Load_KeyInAnyCase_NamesItAsDocumentedWithTheEntryNameAsWritten(string key, string message)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Load((key, "soon")));

        Assert.Equal(message, Assert.Single(ex.Errors));
    }

    [Theory]
    [InlineData("queues:llm:concurency", "queues:llm:concurency: unknown key; did you mean 'concurrency'?")]
    [InlineData("queues:llm:timout", "queues:llm:timout: unknown key; did you mean 'timeout'?")]
    [InlineData("concurrency", "concurrency: unknown key; did you mean 'queues:NAME:concurrency' or 'resources:NAME:concurrency' or 'resources:NAME:perKey:concurrency'?")]
    [InlineData("resources:llm:breaker:failure", "resources:llm:breaker:failure: unknown key; did you mean 'failures'?")]
    [InlineData("exectuion:leaseDuration", "exectuion: unknown key; did you mean 'execution'?")]
    [InlineData("limits:wibble",
        "limits:wibble: unknown key; the keys here are maxArgsBytes, maxBatch, maxWait.")]
    [InlineData("kindResources:llm.chat:first", "kindResources:llm.chat:first: unknown key; kindResources:llm.chat is a list.")]
    [InlineData("queues:llm:timeout:value", "queues:llm:timeout: takes a value, not a section.")]
    public void Load_UnknownKey_NamesItAndTheNearestValidKey(string key, string message)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Load((key, "1")));

        Assert.Equal(message, Assert.Single(ex.Errors));
    }

    [Fact]
    public void Load_UnknownKey_SaysWhereItWasSet()
    {
        var configuration = Configuration(("queues:llm:concurency", "4"));

        var ex = Assert.Throws<ConfigurationException>(() => EscalaConfiguration.Load(configuration, path => $"in /etc/escala.json ({path})"));

        Assert.Equal(
            "queues:llm:concurency: unknown key in /etc/escala.json (queues:llm:concurency); did you mean 'concurrency'?",
            Assert.Single(ex.Errors));
    }

    [Fact]
    public void Load_SectionGivenAValue_SaysItIsASection()
    {
        var ex = Assert.Throws<ConfigurationException>(() => Load(("execution", "fast")));

        Assert.Equal("execution: is a section, not a value.", Assert.Single(ex.Errors));
    }

    [Theory]
    [InlineData("queues:bad name!:concurrency", "queues:bad name!: 'bad name!' is not a valid name (letters, digits, '_', '.', '-'; at most 64).")]
    [InlineData("resources:a/b:concurrency", "resources:a/b: 'a/b' is not a valid name (letters, digits, '_', '.', '-'; at most 64).")]
    public void Load_BadName_NamesTheEntry(string key, string message)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Load((key, "1")));

        Assert.Equal(message, Assert.Single(ex.Errors));
    }

    [Fact]
    public void Load_KindNamesUndeclaredResource_NamesKindAndResource()
    {
        var ex = Assert.Throws<ConfigurationException>(() => Load(("resources:llm:concurrency", "1"), ("kindResources:ocr.scan:0", "ocr")));

        Assert.Equal("kindResources:ocr.scan: resource 'ocr' is not declared under resources.", Assert.Single(ex.Errors));
    }

    [Fact]
    public void Load_SeveralBadKeys_ListsEveryOneInTheMessage()
    {
        var ex = Assert.Throws<ConfigurationException>(() => Load(("queues:llm:timeout", "soon"), ("role", "boss"), ("limits:maxBach", "0")));

        Assert.Equal(3, ex.Errors.Count);
        Assert.Equal(
            string.Join(Environment.NewLine,
                "Invalid configuration:",
                "  limits:maxBach: unknown key; did you mean 'maxBatch'?",
                "  queues:llm:timeout: 'soon' is not a duration such as 500ms, 10s, 2m or 1h.",
                "  role: 'boss' is not one of all, api, worker."),
            ex.Message);
    }

    [Fact]
    public void Validate_OptionsBuiltInCode_AddsTheDefaultQueueAndNamesEntries()
    {
        var options = new EscalaOptions();
        options.Queues["llm"] = new QueueOptions { Concurrency = 4 };

        EscalaConfiguration.Validate(options);

        Assert.Equal("llm", options.Queues["llm"].Name);
        Assert.Equal("default", options.Queues["default"].Name);
    }

    [Fact]
    public void Validate_OptionsBuiltInCode_ChecksBoundsToo()
    {
        var options = new EscalaOptions();
        options.Queues["llm"] = new QueueOptions { Concurrency = 0 };

        var ex = Assert.Throws<ConfigurationException>(() => EscalaConfiguration.Validate(options));

        Assert.Equal("queues:llm:concurrency: 0 is outside 1..10000.", Assert.Single(ex.Errors));
    }

    private static EscalaOptions Load(params (string Key, string Value)[] values) => EscalaConfiguration.Load(Configuration(values));

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
}
