using Escala.Server.Hosting;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Hosting;

/// <summary>The configuration the README shows is one a node accepts.</summary>
public sealed class ExampleConfigurationTests
{
    [Fact]
    public void Load_ExamplesEscalaJson_IsAcceptedWithEveryQueueAndResource()
    {
        var file = Path.Combine(RepositoryPaths.Root, "examples", "escala.json");

        var loaded = NodeConfiguration.Load(new ServeOptions { Config = file });

        Assert.Equal(file, loaded.File);
        Assert.Equal(["ai", "default", "messages", "ocr", "reports"], loaded.Options.Queues.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["llm", "tjms", "training"], loaded.Options.Resources.Keys.Order(StringComparer.Ordinal));
        Assert.True(loaded.Options.Queues["ocr"].External);
        Assert.Equal(TimeSpan.FromMinutes(30), loaded.Options.Queues["reports"].Timeout);
    }

    [Fact]
    public void Load_LlmExampleEscalaJson_IsAcceptedWithTokenBudgetAndCache()
    {
        var file = Path.Combine(RepositoryPaths.Root, "examples", "llm", "escala.json");

        var loaded = NodeConfiguration.Load(new ServeOptions { Config = file });

        Assert.Equal(new Governance.RateLimit(40000, TimeSpan.FromMinutes(1)), loaded.Options.Resources["llm"].Tokens);
        Assert.Equal(TimeSpan.FromMinutes(10), loaded.Options.Cache.Kinds["llm.chat"]);
        Assert.Equal(["gemma", "qwen"], loaded.Options.Models.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ReadEnvironment_VariablesOfOtherTools_AreNotKeys()
    {
        var keys = NodeConfiguration.ReadEnvironment(new Dictionary<string, string>
        {
            ["ESCALA_Queues__llm__Concurrency"] = "4",
            ["ESCALA_URL"] = "http://127.0.0.1:8080",
            ["ESCALA_API_KEY"] = "k",
            ["ESCALA_LOG_LEVEL"] = "info",
            ["ESCALA_SERVER_DLL"] = "/tmp/Escala.Server.dll",
            ["ESCALA_TEST_POSTGRES"] = "Host=127.0.0.1",
            ["PATH"] = "/usr/bin",
        });

        var key = Assert.Single(keys);
        Assert.Equal("Queues:llm:Concurrency", key.Key);
        Assert.Equal(("ESCALA_Queues__llm__Concurrency", "4"), key.Value);
    }
}
