using Escala.Configuration;

namespace Escala.Core.Tests.Configuration;

public sealed class ModelSettingsBuilderTests
{
    private static EscalaOptions With(params (string Name, ModelOptions Model)[] models) =>
        new() { Models = models.ToDictionary(m => m.Name, m => m.Model, StringComparer.Ordinal) };

    [Fact]
    public void Build_OneModel_AppliesDefaultsAndGivesLlmChatItsResource()
    {
        var settings = SettingsBuilder.Build(With(("qwen", new ModelOptions { Endpoints = ["http://127.0.0.1:11434/v1"] })));

        var model = settings.Models["qwen"];
        Assert.Equal("qwen", model.Model);
        Assert.Equal("llm", model.Resource);
        Assert.Null(model.ApiKey);
        Assert.Equal(1024, model.MaxTokens);
        Assert.Equal(3, model.EndpointFailures);
        Assert.Equal(TimeSpan.FromSeconds(30), model.EndpointOpenFor);
        Assert.Equal(new Uri("http://127.0.0.1:11434/v1"), Assert.Single(model.Endpoints));
        Assert.Equal(["llm"], settings.KindResources["llm.chat"]);
        Assert.True(settings.Resources.ContainsKey("llm"));
        Assert.Equal("llm.qwen.0", model.EndpointName(0));
    }

    [Fact]
    public void Build_DeclaredResource_KeepsItsLimits()
    {
        var options = With(("qwen", new ModelOptions { Endpoints = ["http://a/v1"] }));
        options.Resources["llm"] = new ResourceOptions { Concurrency = 10 };

        var settings = SettingsBuilder.Build(options);

        Assert.Equal(10, settings.Resources["llm"].Concurrency);
    }

    [Fact]
    public void Build_BadModel_NamesEveryKey()
    {
        var ex = Assert.Throws<ConfigurationException>(() => SettingsBuilder.Build(With(
            ("qwen", new ModelOptions { Endpoints = ["ftp://x", "not a url"], Fallback = "ghost", MaxTokens = 0, EndpointOpenFor = "soon" }),
            ("empty", new ModelOptions()))));

        Assert.Contains(ex.Errors, e => e.StartsWith("models:qwen:endpoints[0]: ", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("models:qwen:endpoints[1]: ", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("models:qwen:fallback: 'ghost'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("models:qwen:maxTokens: ", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("models:qwen:endpointOpenFor: ", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("models:empty:endpoints: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_ApiKeyEnv_ReadsTheVariableOrItsFile()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "sk-from-file\n");
            var env = new Dictionary<string, string?> { ["DIRECT"] = "sk-direct", ["VIA_FILE"] = file };
            var errors = new List<string>();
            var models = ModelSettingsBuilder.Build(
                new Dictionary<string, ModelOptions>
                {
                    ["a"] = new() { Endpoints = ["http://a/v1"], ApiKeyEnv = "DIRECT" },
                    ["b"] = new() { Endpoints = ["http://b/v1"], ApiKeyEnv = "VIA" },
                    ["c"] = new() { Endpoints = ["http://c/v1"], ApiKeyEnv = "MISSING" },
                },
                [], [], errors, name => env.GetValueOrDefault(name == "VIA_FILE" ? "VIA_FILE" : name));

            Assert.Equal("sk-direct", models["a"].ApiKey);
            Assert.Equal("sk-from-file", models["b"].ApiKey);
            Assert.Equal("models:c:apiKeyEnv: neither MISSING nor MISSING_FILE is set.", Assert.Single(errors));
            Assert.DoesNotContain("sk-", models["a"].ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
