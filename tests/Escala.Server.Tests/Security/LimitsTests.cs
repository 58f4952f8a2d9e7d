using System.Net;
using System.Net.Http.Json;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Security;

/// <summary>Rate limits answer 429 with Retry-After; event streams are capped per key; idempotency keys cannot surprise.</summary>
public sealed class LimitsTests : SecureNodeTest
{
    protected override IReadOnlyDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Security:Open"] = "false",
        ["Security:RateLimits:PerKey"] = "5/min",
        ["Security:RateLimits:Routes:POST /v1/jobs/{id}/cancel"] = "1/min",
        ["Security:MaxStreamsPerKey"] = "1",
    };

    [Fact]
    public async Task PerKey_SixthRequestInAMinute_Is429WithRetryAfter_OtherKeysUnaffected()
    {
        using var first = Client(await KeyAsync("a", "read"));
        using var second = Client(await KeyAsync("a", "read"));
        for (var i = 0; i < 5; i++)
        {
            using var ok = await first.GetAsync("/v1/queues");
            await EscalaApi.ExpectAsync(ok, HttpStatusCode.OK);
        }

        using var limited = await first.GetAsync("/v1/queues");
        using var other = await second.GetAsync("/v1/queues");

        await Problem.AssertAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter?.Delta is { } wait && wait > TimeSpan.Zero && wait <= TimeSpan.FromMinutes(1));
        await EscalaApi.ExpectAsync(other, HttpStatusCode.OK);
    }

    [Fact]
    public async Task PerRoute_SecondCancelInAMinute_Is429()
    {
        using var client = Client(await KeyAsync("a", "submit,read"));

        using var first = await client.PostAsync("/v1/jobs/424242/cancel", EscalaApi.EmptyJson());
        using var second = await client.PostAsync("/v1/jobs/424243/cancel", EscalaApi.EmptyJson());

        await Problem.AssertAsync(first, HttpStatusCode.NotFound);
        await Problem.AssertAsync(second, HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task EventStreams_BeyondThePerKeyCap_Are429()
    {
        using var client = Client(await KeyAsync("a", "submit,read"));
        using var submitted = await client.PostAsJsonAsync("/v1/jobs", new { kind = "noop", delay = "1h" });
        var id = EscalaApi.Id(await EscalaApi.ReadAsync(submitted));

        using var open = await client.GetAsync($"/v1/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        using var refused = await client.GetAsync($"/V1/JOBS/{id}/EVENTS", HttpCompletionOption.ResponseHeadersRead); // routing ignores case

        await Problem.AssertAsync(refused, HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task IdempotencyKey_SameBody200_OtherBody409_NothingNewWritten()
    {
        using var client = Client(await KeyAsync("a", "submit,read"));
        using var first = await client.PostAsJsonAsync("/v1/jobs", new { kind = "noop", args = new { n = 1 }, idempotencyKey = "order-1", delay = "1h" });
        await EscalaApi.ExpectAsync(first, HttpStatusCode.Created);

        using var same = await client.PostAsJsonAsync("/v1/jobs", new { args = new { n = 1 }, kind = "noop", idempotencyKey = "order-1", delay = "1h" });
        using var other = await client.PostAsJsonAsync("/v1/jobs", new { kind = "noop", args = new { n = 2 }, idempotencyKey = "order-1" });

        await EscalaApi.ExpectAsync(same, HttpStatusCode.OK);
        await Problem.AssertFieldAsync(other, HttpStatusCode.Conflict, "idempotencyKey");
        var page = await EscalaApi.ReadAsync(await client.GetAsync("/v1/jobs"));
        Assert.Equal(1, page.GetProperty("jobs").GetArrayLength());
    }

    [Fact]
    public async Task IdempotencyKey_ReusedWithOtherBodyInABatch_409NamingTheEntry_NothingOfTheBatchWritten()
    {
        using var client = Client(await KeyAsync("a", "submit,read"));
        using var first = await client.PostAsJsonAsync("/v1/jobs", new { kind = "noop", args = new { n = 1 }, idempotencyKey = "order-1", delay = "1h" });
        await EscalaApi.ExpectAsync(first, HttpStatusCode.Created);

        using var stored = await client.PostAsJsonAsync("/v1/jobs/batch", new
        {
            jobs = new object[]
            {
                new { kind = "noop", args = new { n = 10 }, delay = "1h" },
                new { kind = "noop", args = new { n = 2 }, idempotencyKey = "order-1" },
            },
        });
        await Problem.AssertFieldAsync(stored, HttpStatusCode.Conflict, "jobs[1].idempotencyKey");
        var page = await EscalaApi.ReadAsync(await client.GetAsync("/v1/jobs"));
        Assert.Equal(1, page.GetProperty("jobs").GetArrayLength());
    }
}
