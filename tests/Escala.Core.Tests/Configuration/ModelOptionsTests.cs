using Escala.Configuration;

namespace Escala.Core.Tests.Configuration;

public sealed class ModelOptionsTests
{
    private static EscalaOptions With(params (string Name, ModelOptions Model)[] models) =>
        new() { Models = models.ToDictionary(m => m.Name, m => m.Model, StringComparer.Ordinal) };

    [Fact]
    public void Validate_OneModel_AppliesDefaultsAndGivesLlmChatItsResource()
    {
        var options = EscalaConfiguration.Validate(With(("qwen", new ModelOptions { Endpoints = ["http://127.0.0.1:11434/v1"] })));

        var model = options.Models["qwen"];
        Assert.Equal("qwen", model.Model);
        Assert.Equal("llm", model.Resource);
        Assert.Null(model.ApiKey);
        Assert.Equal(1024, model.MaxTokens);
        Assert.Equal(3, model.EndpointFailures);
        Assert.Equal(TimeSpan.FromSeconds(30), model.EndpointOpenFor);
        Assert.Equal(new Uri("http://127.0.0.1:11434/v1"), Assert.Single(model.EndpointUris));
        Assert.Equal(["llm"], options.KindResources["llm.chat"]);
        Assert.True(options.Resources.ContainsKey("llm"));
        Assert.Equal("llm.qwen.0", model.EndpointName(0));
    }

    [Fact]
    public void Validate_DeclaredResource_KeepsItsLimits()
    {
        var options = With(("qwen", new ModelOptions { Endpoints = ["http://a/v1"] }));
        options.Resources["llm"] = new ResourceOptions { Concurrency = 10 };

        EscalaConfiguration.Validate(options);

        Assert.Equal(10, options.Resources["llm"].Concurrency);
    }

    [Fact]
    public void Validate_BadModel_NamesEveryKey()
    {
        var ex = Assert.Throws<ConfigurationException>(() => EscalaConfiguration.Validate(With(
            ("qwen", new ModelOptions { Endpoints = ["ftp://x", "not a url"], Fallback = "ghost", MaxTokens = 0, EndpointOpenFor = TimeSpan.Zero }),
            ("empty", new ModelOptions()))));

        Assert.Equal(
            [
                "models:empty:endpoints: give at least one base URL, such as http://127.0.0.1:11434/v1.",
                "models:qwen:endpointOpenFor: must be longer than zero.",
                "models:qwen:endpoints:0: 'ftp://x' is not an http(s) URL.",
                "models:qwen:endpoints:1: 'not a url' is not an http(s) URL.",
                "models:qwen:fallback: 'ghost' is not another model under models.",
                "models:qwen:maxTokens: 0 is outside 1..1000000.",
            ],
            ex.Errors.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validate_ApiKeyEnv_ReadsTheVariableOrItsFile()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "sk-from-file\n");
            var env = new Dictionary<string, string?> { ["DIRECT"] = "sk-direct", ["VIA_FILE"] = file };
            var options = With(
                ("a", new ModelOptions { Endpoints = ["http://a/v1"], ApiKeyEnv = "DIRECT" }),
                ("b", new ModelOptions { Endpoints = ["http://b/v1"], ApiKeyEnv = "VIA" }),
                ("c", new ModelOptions { Endpoints = ["http://c/v1"], ApiKeyEnv = "MISSING" }));

            var ex = Assert.Throws<ConfigurationException>(() => EscalaConfiguration.Validate(options, env.GetValueOrDefault));

            Assert.Equal("models:c:apiKeyEnv: neither MISSING nor MISSING_FILE is set.", Assert.Single(ex.Errors));
            Assert.Equal("sk-direct", options.Models["a"].ApiKey);
            Assert.Equal("sk-from-file", options.Models["b"].ApiKey);
            Assert.DoesNotContain("sk-", options.Models["a"].ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
