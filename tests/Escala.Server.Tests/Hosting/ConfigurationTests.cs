using Escala.Configuration;
using Escala.Server.Hosting;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Hosting;

/// <summary>Bad configuration stops <see cref="EscalaHost.BuildAsync"/> with a message naming the key.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("Queues:x:Timeout", "abc")]
    [InlineData("Queues:x:Concurrency", "0")]
    [InlineData("Queues:x:Concurrency", "lots")]
    [InlineData("Queues:x:Backoff", "-1s")]
    [InlineData("Resources:llm:Rate", "fast")]
    [InlineData("Resources:llm:Concurrency", "lots")]
    [InlineData("Execution:LeaseDuration", "0s")]
    [InlineData("Role", "boss")]
    [InlineData("Schema", "Escala-Prod")]
    public async Task BuildAsync_BadKey_ThrowsConfigurationExceptionNamingTheKey(string key, string value)
    {
        var ex = await Assert.ThrowsAsync<ConfigurationException>(() => EscalaHost.BuildAsync(new ServeOptions
        {
            Store = _dir.Path,
            Urls = "http://127.0.0.1:0",
            Overrides = new Dictionary<string, string?> { [key] = value },
        }));

        Assert.Contains(key, ex.Message);
    }

    [Fact]
    public async Task BuildAsync_KindResourceNotDeclared_NamesTheKind()
    {
        var ex = await Assert.ThrowsAsync<ConfigurationException>(() => EscalaHost.BuildAsync(new ServeOptions
        {
            Store = _dir.Path,
            Urls = "http://127.0.0.1:0",
            Overrides = new Dictionary<string, string?> { ["KindResources:ocr:0"] = "gpu" },
        }));

        Assert.Contains("KindResources:ocr", ex.Message);
        Assert.Contains("gpu", ex.Message);
    }

    public void Dispose() => _dir.Dispose();
}
