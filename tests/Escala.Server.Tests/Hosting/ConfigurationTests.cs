using Escala.Configuration;
using Escala.Server.Hosting;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Hosting;

/// <summary>Bad configuration stops <see cref="EscalaHost.BuildAsync"/> with a message naming the key.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("queues:x:timeout", "abc")]
    [InlineData("queues:x:concurrency", "0")]
    [InlineData("queues:x:concurrency", "lots")]
    [InlineData("queues:x:backoff", "-1s")]
    [InlineData("resources:llm:rate", "fast")]
    [InlineData("resources:llm:concurrency", "lots")]
    [InlineData("execution:leaseDuration", "0s")]
    [InlineData("role", "boss")]
    [InlineData("schema", "Escala-Prod")]
    [InlineData("pii:hashKey", "short")]
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

        Assert.Contains("kindResources:ocr", ex.Message);
        Assert.Contains("gpu", ex.Message);
    }

    public void Dispose() => _dir.Dispose();
}
