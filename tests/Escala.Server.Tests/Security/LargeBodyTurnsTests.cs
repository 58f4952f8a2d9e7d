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
/// to two at a time per node: 64 single-job batch clients did 1k jobs/s instead of 4.5k). A large one that gets no
/// turn in time is refused, declared or chunked. The node's turns wait 300 ms here instead of 30 s.
/// </summary>
public sealed class LargeBodyTurnsTests : SecureNodeTest
{
    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton(new LargeBodyTurns(TimeSpan.FromMilliseconds(300)));

    [Fact]
    public async Task SmallBatch_WhileEveryLargeBodyTurnIsTaken_IsNotHeldBack()
    {
        using var client = Client(await KeyAsync("a", "submit,read"));
        await using var held = await HoldEveryTurnAsync();

        using var declared = await client.PostAsync(
            "/v1/jobs/batch", new StringContent("{\"jobs\":[{\"kind\":\"noop\"}]}", Encoding.UTF8, "application/json"));
        using var chunked = await client.PostAsJsonAsync("/v1/jobs/batch", new { jobs = new[] { new { kind = "noop" } } });

        await EscalaApi.ExpectAsync(declared, HttpStatusCode.OK);
        await EscalaApi.ExpectAsync(chunked, HttpStatusCode.OK);
        Assert.Null(chunked.RequestMessage!.Content!.Headers.ContentLength);
    }

    [Fact]
    public async Task LargeBatch_WhileEveryLargeBodyTurnIsTaken_Is503WithRetryAfter_NothingWritten()
    {
        using var client = Client(await KeyAsync("a", "submit,read"));
        // Two jobs of 700 KB of arguments each: over a submit's size (1 MiB + 64 KiB), under the batch limit (8 MiB).
        var jobs = new[] { new { kind = "noop", args = new { text = new string('x', 700_000) } }, new { kind = "noop", args = new { text = new string('y', 700_000) } } };
        await using var held = await HoldEveryTurnAsync();

        using var declared = await client.PostAsync(
            "/v1/jobs/batch", new StringContent(System.Text.Json.JsonSerializer.Serialize(new { jobs }), Encoding.UTF8, "application/json"));
        using var chunked = await client.PostAsJsonAsync("/v1/jobs/batch", new { jobs });

        foreach (var response in new[] { declared, chunked })
        {
            await Problem.AssertAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        }

        Assert.NotNull(declared.RequestMessage!.Content!.Headers.ContentLength);
        Assert.Null(chunked.RequestMessage!.Content!.Headers.ContentLength);
        Assert.Equal(0, await CountJobsAsync());
    }

    /// <summary>Takes every turn of the node until disposed.</summary>
    private async Task<HeldTurns> HoldEveryTurnAsync()
    {
        var turns = Node.App.Services.GetRequiredService<LargeBodyTurns>();
        for (var i = 0; i < SecurityDefaults.LargeBodiesAtOnce; i++)
        {
            Assert.True(await turns.TakeAsync(CancellationToken.None));
        }

        return new HeldTurns(turns);
    }

    private sealed class HeldTurns(LargeBodyTurns turns) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            for (var i = 0; i < SecurityDefaults.LargeBodiesAtOnce; i++)
            {
                turns.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
