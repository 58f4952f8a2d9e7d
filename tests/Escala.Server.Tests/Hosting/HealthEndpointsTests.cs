using System.Net;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Hosting;

public sealed class HealthEndpointsTests : NodeTest
{
    [Theory]
    [InlineData("/health/live", "live")]
    [InlineData("/health/ready", "ready")]
    public async Task Health_RunningNode_Returns200(string path, string status)
    {
        using var response = await Node.Http.GetAsync(path);

        await EscalaApi.ExpectAsync(response, HttpStatusCode.OK);
        Assert.Equal(status, (await EscalaApi.ReadAsync(response)).GetProperty("status").GetString());
    }
}
