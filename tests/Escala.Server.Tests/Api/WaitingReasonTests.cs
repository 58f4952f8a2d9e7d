using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Api;

/// <summary>A waiting job's <c>waitingReason</c> and <c>/v1/resources</c> name the limit that holds it back.</summary>
public sealed class WaitingReasonTests : NodeTest
{
    protected override IReadOnlyDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Resources:llm:Rate"] = "1/min",
        ["Resources:ocr:Concurrency"] = "4",
        ["Resources:ocr:PerKey:Concurrency"] = "1",
        ["Resources:gpu:Concurrency"] = "1",
        ["Resources:embed:Tokens"] = "1000/min",
    };

    [Fact]
    public async Task GetJob_RateWindowUsedUp_SaysRateLimit()
    {
        await Api.WaitForStateAsync(await Api.SubmitIdAsync(new { kind = "echo", resources = new[] { "llm" } }), "completed");

        var waiting = await Api.SubmitIdAsync(new { kind = "echo", resources = new[] { "llm" } });

        var job = await Api.GetJobAsync(waiting);
        Assert.Equal("available", EscalaApi.State(job));
        Assert.Equal("waiting: resource llm, rate limit 1/min reached", job.GetProperty("waitingReason").GetString());
        var resources = await Api.GetAsync("/v1/resources");
        var llm = resources.GetProperty("resources").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "llm");
        Assert.Equal("waiting: resource llm, rate limit 1/min reached", llm.GetProperty("waitingReason").GetString());
    }

    [Fact]
    public async Task GetJob_TokenBudgetUsedUp_SaysTokenBudgetAndResourcesShowItUsed()
    {
        // The first job reserves the whole budget (an echo settles nothing, so its estimate stays for the window).
        await Api.WaitForStateAsync(await Api.SubmitIdAsync(new { kind = "echo", resources = new[] { "embed" }, tokens = 1000 }), "completed");

        var waiting = await Api.SubmitIdAsync(new { kind = "echo", resources = new[] { "embed" }, tokens = 10 });

        var job = await Api.GetJobAsync(waiting);
        Assert.Equal("available", EscalaApi.State(job));
        Assert.Equal("waiting: resource embed, token budget 1000/min used", job.GetProperty("waitingReason").GetString());
        var resources = await Api.GetAsync("/v1/resources");
        var embed = resources.GetProperty("resources").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "embed");
        Assert.Equal("waiting: resource embed, token budget 1000/min used", embed.GetProperty("waitingReason").GetString());
        Assert.Equal("1000/min", embed.GetProperty("tokens").GetString());
        Assert.Equal(1000, embed.GetProperty("tokensUsed").GetInt64());
    }

    [Fact]
    public async Task GetJob_KeyAtItsPerKeyLimit_SaysPerKey()
    {
        var running = await Api.SubmitIdAsync(new { kind = "block", resources = new[] { "ocr" }, concurrencyKey = "user:1" });
        await Eventually.WithinAsync(Handlers.Block.Started(running), "the first job of user:1 to start");

        var waiting = await Api.SubmitIdAsync(new { kind = "block", resources = new[] { "ocr" }, concurrencyKey = "user:1" });

        Assert.Equal("waiting: resource ocr, per-key concurrency limit 1 reached for key user:1",
            (await Api.GetJobAsync(waiting)).GetProperty("waitingReason").GetString());
        var other = await Api.SubmitIdAsync(new { kind = "block", resources = new[] { "ocr" }, concurrencyKey = "user:2" });
        await Eventually.WithinAsync(Handlers.Block.Started(other), "user:2's job to start while user:1 waits");
    }

    [Fact]
    public async Task GetJob_GlobalLimitReachedWithOtherKeysWaiting_SaysConcurrencyAndFairTurn()
    {
        var running = await Api.SubmitIdAsync(new { kind = "block", resources = new[] { "gpu" }, concurrencyKey = "user:a" });
        await Eventually.WithinAsync(Handlers.Block.Started(running), "the gpu job to start");
        await Api.SubmitIdAsync(new { kind = "block", resources = new[] { "gpu" }, concurrencyKey = "user:a" });

        var waiting = await Api.SubmitIdAsync(new { kind = "block", resources = new[] { "gpu" }, concurrencyKey = "user:b" });

        Assert.Equal("waiting: resource gpu, concurrency limit 1 reached; fair share: takes turns with 1 other keys or tenants",
            (await Api.GetJobAsync(waiting)).GetProperty("waitingReason").GetString());
    }
}
