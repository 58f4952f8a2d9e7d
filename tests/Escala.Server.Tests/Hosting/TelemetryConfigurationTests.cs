using Escala.Configuration;
using Escala.Server.Hosting;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Hosting;

/// <summary>Bad <c>Telemetry</c> settings stop start-up naming the key.</summary>
public sealed class TelemetryConfigurationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("Telemetry:OtlpEndpoint", "collector:4318")]
    [InlineData("Telemetry:OtlpEndpoint", "ftp://collector")]
    [InlineData("Telemetry:OtlpProtocol", "udp")]
    [InlineData("Telemetry:SampleRatio", "2")]
    [InlineData("Telemetry:SampleRatio", "most")]
    [InlineData("Telemetry:ServiceName", " ")]
    public async Task BuildAsync_BadTelemetryKey_ThrowsConfigurationExceptionNamingTheKey(string key, string value)
    {
        var ex = await Assert.ThrowsAsync<ConfigurationException>(() => EscalaHost.BuildAsync(new ServeOptions
        {
            Store = _dir.Path,
            Urls = "http://127.0.0.1:0",
            Overrides = new Dictionary<string, string?> { [key] = value },
        }));

        Assert.Contains(key, ex.Message);
    }

    public void Dispose() => _dir.Dispose();
}
