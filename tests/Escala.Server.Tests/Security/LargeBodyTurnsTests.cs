using System.Net;
using System.Net.Http.Json;
using System.Text;
using Escala.Configuration;
using Escala.Server.Security;
using Escala.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Escala.Server.Tests.Security;

/// <summary>
/// Only bodies larger than a submit wait for one of the node's large-body turns: a small batch goes through while
/// every turn is taken, whether it declares its length or is sent chunked (it held every <c>POST /v1/jobs/batch</c>
/// to two at a time per node: 64 single-job batch clients did 1k jobs/s instead of 4.5k).
/// </summary>
public sealed class LargeBodyTurnsTests : SecureNodeTest
{
    [Fact]
    public async Task SmallBatch_WhileEveryLargeBodyTurnIsTaken_IsNotHeldBack()
    {
        var turns = Node.App.Services.GetRequiredService<LargeBodyTurns>();
        using var client = Client(await KeyAsync("a", "submit,read"));
        var taken = 0;
        try
        {
            for (; taken < SecurityDefaults.LargeBodiesAtOnce; taken++)
            {
                Assert.True(await turns.TakeAsync(CancellationToken.None));
            }

            using var declared = await client.PostAsync(
                "/v1/jobs/batch", new StringContent("{\"jobs\":[{\"kind\":\"noop\"}]}", Encoding.UTF8, "application/json"));
            using var chunked = await client.PostAsJsonAsync("/v1/jobs/batch", new { jobs = new[] { new { kind = "noop" } } });

            await EscalaApi.ExpectAsync(declared, HttpStatusCode.OK);
            await EscalaApi.ExpectAsync(chunked, HttpStatusCode.OK);
            Assert.Null(chunked.RequestMessage!.Content!.Headers.ContentLength);
        }
        finally
        {
            for (; taken > 0; taken--)
            {
                turns.Release();
            }
        }
    }
}
