using Escala.Configuration;
using Escala.Governance;
using Microsoft.Extensions.Configuration;

namespace Escala.Core.Tests.Configuration;

public sealed class SettingsBuilderTests
{
    [Fact]
    public void Build_NothingConfigured_AppliesDocumentedDefaults()
    {
        var settings = SettingsBuilder.Build(new EscalaOptions());

        var queue = Assert.Single(settings.Queues).Value;
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
        Assert.Empty(settings.Resources);
        Assert.Equal("all", settings.Role);
        Assert.True(settings.RunsWorkers);
        Assert.False(string.IsNullOrWhiteSpace(settings.NodeId));
        Assert.Equal(TimeSpan.FromSeconds(30), settings.LeaseDuration);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.ShutdownGrace);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.PromoteInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.RescueInterval);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.PruneInterval);
        Assert.Equal(TimeSpan.FromSeconds(15), settings.LeaderTtl);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.NodeTtl);
        Assert.Equal(1 << 20, settings.MaxArgsBytes);
        Assert.Equal(1000, settings.MaxBatch);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.MaxWait);
    }

    [Fact]
    public void Build_QueueAndResourceConfigured_ParsesEveryValue()
    {
        var settings = Build(
            ("NodeId", "node-a"),
            ("Role", "worker"),
            ("Queues:llm:Concurrency", "500"),
            ("Queues:llm:Timeout", "1m30s"),
            ("Queues:llm:TenantConcurrency", "3"),
            ("Resources:gemini:Concurrency", "10"),
            ("Resources:gemini:Rate", "60/min"),
            ("Resources:gemini:Breaker:Failures", "3"),
            ("Resources:gemini:Breaker:OpenFor", "1m"),
            ("KindResources:llm.chat:0", "gemini"));

        Assert.Equal("node-a", settings.NodeId);
        Assert.Equal("worker", settings.Role);
        Assert.True(settings.RunsWorkers);
        Assert.Equal(["default", "llm"], settings.Queues.Keys.Order());
        var llm = settings.Queues["llm"];
        Assert.Equal(100, llm.FetchBatch);
        Assert.Equal(TimeSpan.FromSeconds(90), llm.Timeout);
        Assert.Equal(3, llm.TenantConcurrency);
        var gemini = settings.Resources["gemini"];
        Assert.Equal(10, gemini.Concurrency);
        Assert.Equal(new RateLimit(60, TimeSpan.FromMinutes(1)), gemini.Rate);
        Assert.Equal(3, gemini.Breaker!.Failures);
        Assert.Equal(TimeSpan.FromMinutes(1), gemini.Breaker.OpenFor);
        Assert.Equal(TimeSpan.FromSeconds(30), gemini.Breaker.Window);
        Assert.Equal(1, gemini.Breaker.Probes);
        Assert.Equal(["gemini"], settings.KindResources["llm.chat"]);
    }

    [Theory]
    [InlineData("api", false)]
    [InlineData("worker", true)]
    [InlineData("all", true)]
    public void Build_Role_DecidesWhetherWorkersRun(string role, bool runsWorkers)
    {
        Assert.Equal(runsWorkers, Build(("Role", role)).RunsWorkers);
    }

    [Theory]
    [InlineData("Queues:llm:Timeout", "soon")]
    [InlineData("Queues:llm:Timeout", "30")]
    [InlineData("Queues:llm:Timeout", "0s")]
    [InlineData("Queues:llm:HardTimeoutGrace", "x")]
    [InlineData("Queues:llm:Backoff", "-1s")]
    [InlineData("Queues:llm:MaxBackoff", "10")]
    [InlineData("Queues:llm:Retention", "forever")]
    [InlineData("Queues:llm:Concurrency", "0")]
    [InlineData("Queues:llm:Concurrency", "10001")]
    [InlineData("Queues:llm:MaxAttempts", "0")]
    [InlineData("Queues:llm:FetchBatch", "0")]
    [InlineData("Queues:llm:TenantConcurrency", "0")]
    [InlineData("Resources:llm:Concurrency", "0")]
    [InlineData("Resources:llm:Rate", "lots")]
    [InlineData("Resources:llm:Rate", "60")]
    [InlineData("Resources:llm:Breaker:Failures", "0")]
    [InlineData("Resources:llm:Breaker:MinThroughput", "0")]
    [InlineData("Resources:llm:Breaker:Probes", "0")]
    [InlineData("Resources:llm:Breaker:FailureRatio", "1.5")]
    [InlineData("Resources:llm:Breaker:FailureRatio", "0")]
    [InlineData("Resources:llm:Breaker:Window", "x")]
    [InlineData("Resources:llm:Breaker:OpenFor", "0s")]
    [InlineData("Role", "boss")]
    [InlineData("Execution:LeaseDuration", "30")]
    [InlineData("Execution:HeartbeatInterval", "30s")]
    [InlineData("Execution:PollInterval", "0s")]
    [InlineData("Execution:ShutdownGrace", "x")]
    [InlineData("Maintenance:PromoteInterval", "x")]
    [InlineData("Maintenance:RescueInterval", "0ms")]
    [InlineData("Maintenance:PruneInterval", "1")]
    [InlineData("Maintenance:LeaderTtl", "x")]
    [InlineData("Maintenance:NodeTtl", "x")]
    [InlineData("Limits:MaxArgsBytes", "1")]
    [InlineData("Limits:MaxBatch", "0")]
    [InlineData("Limits:MaxWait", "1")]
    public void Build_BadValue_ThrowsOneErrorNamingTheKey(string key, string value)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Build((key, value)));

        var error = Assert.Single(ex.Errors);
        Assert.StartsWith(key + ": ", error);
        Assert.Contains(key, ex.Message);
    }

    [Theory]
    [InlineData("Queues:bad name!:Concurrency", "Queues:bad name!: ")]
    [InlineData("Resources:a/b:Concurrency", "Resources:a/b: ")]
    public void Build_BadName_ThrowsErrorNamingTheEntry(string key, string expectedPrefix)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Build((key, "1")));

        Assert.StartsWith(expectedPrefix, Assert.Single(ex.Errors));
    }

    [Fact]
    public void Build_KindNamesUndeclaredResource_ThrowsErrorNamingKindAndResource()
    {
        var ex = Assert.Throws<ConfigurationException>(() => Build(("Resources:llm:Concurrency", "1"), ("KindResources:ocr.scan:0", "ocr")));

        Assert.Equal("KindResources:ocr.scan: resource 'ocr' is not declared under Resources.", Assert.Single(ex.Errors));
    }

    [Fact]
    public void Build_SeveralBadKeys_ListsEveryOne()
    {
        var ex = Assert.Throws<ConfigurationException>(() => Build(("Queues:llm:Timeout", "soon"), ("Role", "boss"), ("Limits:MaxBatch", "0")));

        Assert.Equal(3, ex.Errors.Count);
    }

    [Theory]
    [InlineData("60/min", 60, 60_000)]
    [InlineData("60/m", 60, 60_000)]
    [InlineData("10/s", 10, 1_000)]
    [InlineData("5/2s", 5, 2_000)]
    [InlineData("1000/1h", 1000, 3_600_000)]
    [InlineData("100/hour", 100, 3_600_000)]
    [InlineData(" 3 / 1m30s ", 3, 90_000)]
    [InlineData("1/500ms", 1, 500)]
    public void TryParseRate_ValidRate_ReturnsPermitsPerWindow(string text, int permits, long perMilliseconds)
    {
        Assert.True(SettingsBuilder.TryParseRate(text, out var rate));
        Assert.Equal(new RateLimit(permits, TimeSpan.FromMilliseconds(perMilliseconds)), rate);
    }

    [Theory]
    [InlineData("60")]
    [InlineData("/s")]
    [InlineData("60/")]
    [InlineData("0/s")]
    [InlineData("-1/s")]
    [InlineData("1.5/s")]
    [InlineData("60/fortnight")]
    [InlineData("60/0s")]
    [InlineData("60/10")]
    public void TryParseRate_Junk_ReturnsFalse(string text)
    {
        Assert.False(SettingsBuilder.TryParseRate(text, out var rate));
        Assert.Null(rate);
    }

    /// <summary>Binds keys the way the host binds the <c>Escala</c> section, then builds.</summary>
    private static EscalaSettings Build(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
        var options = new EscalaOptions();
        configuration.Bind(options);
        return SettingsBuilder.Build(options);
    }
}
