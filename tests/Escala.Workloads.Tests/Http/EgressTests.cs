using System.Net;
using System.Text.Json;
using Escala.Configuration;
using Escala.Execution;
using Escala.Workloads.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Escala.Workloads.Tests.Http;

/// <summary>The http kind reaches only what the egress policy allows, checked at connect time; redirects are not followed; headers cannot smuggle.</summary>
public sealed class EgressTests(EndpointServer server) : IClassFixture<EndpointServer>
{
    private static HttpJobHandler Handler(EgressOptions? egress, out ServiceProvider services)
    {
        var collection = new ServiceCollection();
        if (egress is not null)
        {
            collection.AddSingleton(new EgressPolicy(egress));
        }

        services = collection.AddEscalaWorkloads().BuildServiceProvider();
        return services.GetServices<IJobHandler>().OfType<HttpJobHandler>().Single();
    }

    private static Task<object?> RunAsync(HttpJobHandler handler, object args) =>
        handler.ExecuteAsync(TestJobs.Context("http", JsonSerializer.Serialize(args, JsonSerializerOptions.Web)), CancellationToken.None);

    [Theory]
    [InlineData("http://127.0.0.1:{port}/echo")]
    [InlineData("http://localhost:{port}/echo")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/echo")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://192.168.1.1/")]
    [InlineData("http://0.0.0.0:{port}/echo")]
    [InlineData("http://2130706433:{port}/echo")]
    public async Task Default_InternalAddress_FailsPermanentlyWithoutConnecting(string url)
    {
        var handler = Handler(null, out var services);
        using var _ = services;
        var before = server.Requests;

        var ex = await Assert.ThrowsAsync<PermanentJobException>(() =>
            RunAsync(handler, new { url = url.Replace("{port}", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) }));

        Assert.Contains("refused", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, server.Requests);
    }

    [Fact]
    public async Task AllowListed_Range_IsReached()
    {
        var handler = Handler(new EgressOptions { Allow = ["127.0.0.0/8"] }, out var services);
        using var _ = services;

        var result = Assert.IsType<HttpJobResult>(await RunAsync(handler, new { url = server.Url("/echo") }));

        Assert.Equal(200, result.Status);
    }

    [Fact]
    public async Task Redirect_IsNotFollowed()
    {
        var handler = Handler(new EgressOptions { Allow = ["127.0.0.1"] }, out var services);
        using var _ = services;

        var ex = await Assert.ThrowsAsync<PermanentJobException>(() => RunAsync(handler, new { url = server.Url("/redirect") }));

        Assert.Contains("302", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X-Ok", "a\r\nX-Injected: 1")]
    [InlineData("X-Ok", "a\nb")]
    [InlineData("Host", "internal.example")]
    [InlineData("host", "internal.example")]
    [InlineData("Transfer-Encoding", "chunked")]
    [InlineData("X-Bad\r\nX-Injected", "1")]
    public async Task Header_Smuggling_FailsPermanentlyBeforeSending(string name, string value)
    {
        var handler = Handler(new EgressOptions { Allow = ["127.0.0.1"] }, out var services);
        using var _ = services;
        var before = server.Requests;

        await Assert.ThrowsAsync<PermanentJobException>(() =>
            RunAsync(handler, new { url = server.Url("/echo"), headers = new Dictionary<string, string> { [name] = value } }));

        Assert.Equal(before, server.Requests);
    }

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("100.64.0.1", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("::1", true)]
    [InlineData("2606:4700::1111", false)]
    public void IsInternal_KnowsThePrivateRanges(string address, bool expected) =>
        Assert.Equal(expected, EgressPolicy.IsInternal(IPAddress.Parse(address)));
}
