using System.Net.Http.Json;
using System.Text.Json;
using Escala.FakeDependency;
using Microsoft.AspNetCore.Builder;

namespace Escala.Governance.Tests;

/// <summary>
/// A token budget on the llm resource, against the fake OpenAI-compatible model enforcing the same budget itself:
/// the model never refuses a call for tokens and never serves more than the budget in any window, and with a large
/// backlog Escala keeps it within 10 % of the budget (the estimate reserved at admission is settled with the usage).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TokenBudgetTests(Escala.Testing.PostgresServer postgres)
{
    // 2,400 tokens per 5 s ("28800/min" scaled down so the test runs in about 25 s).
    private const int Budget = 2400;
    private const int WindowMs = 5_000;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TokenBudget_LargeBacklog_NeverExceededAndThroughputWithinTenPercent(string driver)
    {
        // On PostgreSQL two nodes share the budget.
        var store = driver == "postgres" ? await postgres.CreateDatabaseAsync() : NodeSettings.SqliteDirectory();
        var app = FakeDependencyApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"]);
        await app.StartAsync();
        using var fake = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        try
        {
            // Each call: prompt 4 tokens, reply 20 → 24 used; estimated 44 (maxTokens 40), so without settling the
            // usage Escala would reach only 24/44 ≈ 55 % of the budget.
            (await fake.PutAsJsonAsync("/_openai/config", new { completionTokens = 20, tokenBudget = Budget, budgetWindow = $"{WindowMs}ms" })).EnsureSuccessStatusCode();
            var settings = NodeSettings.Of(
                ("Models:qwen:Endpoints:0", app.Urls.Single() + "/v1"),
                ("Resources:llm:Tokens", $"{Budget}/{WindowMs}ms"),
                ("Queues:default:Concurrency", "50"),
                ("Queues:default:MaxAttempts", "1"));
            await using var node = await EscalaNode.StartAsync(store, settings);
            await using var second = driver == "postgres" ? await EscalaNode.StartAsync(store, settings) : null;

            // Five budgets' worth: the backlog lasts beyond the three windows throughput is measured over.
            const int jobs = 5 * Budget / 24;
            var args = new { model = "qwen", messages = new[] { new { role = "user", content = "x" } }, maxTokens = 40, stream = false };
            await node.SubmitAsync(Enumerable.Range(0, jobs).Select(_ => new { kind = "llm.chat", args }));
            await node.WaitCompletedAsync(jobs, TimeSpan.FromSeconds(120));

            var stats = await fake.GetFromJsonAsync<JsonElement>($"/_openai/stats?window={WindowMs}ms");
            var served = (await fake.GetFromJsonAsync<long[][]>("/_openai/served"))!;
            Assert.Equal(jobs, served.Length);
            Assert.Equal(0, stats.GetProperty("throttled").GetInt64());
            Assert.InRange(stats.GetProperty("maxTokensInWindow").GetInt64(), Budget * 9 / 10, Budget);

            // While the backlog lasts, three windows from the first call carry at least 90 % of three budgets.
            var first = served[0][0];
            var inThreeWindows = served.Where(s => s[0] < first + 3 * WindowMs).Sum(s => s[1]);
            Assert.True(inThreeWindows >= 0.9 * 3 * Budget,
                $"{inThreeWindows} tokens in the first three windows, budget {3 * Budget}; per 500 ms: "
                + string.Join(" ", served.GroupBy(s => (s[0] - first) / 500).Select(g => $"{g.Key * 0.5}s:{g.Sum(s => s[1])}")));
        }
        finally
        {
            if (driver == "postgres")
            {
                await postgres.DropDatabaseAsync(store);
            }

            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>
    /// Another client of the same key has spent most of the provider's budget: the provider's 429 says how much is left
    /// (<c>x-ratelimit-remaining-tokens</c>) and the ledger takes it (admission on every node holds back until the
    /// provider's reset), and once the reset has passed the next job goes through.
    /// </summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TokenBudget_Provider429SaysFewerLeft_LedgerTakesItUntilTheProvidersReset(string driver)
    {
        const int budget = 1000;
        const int windowMs = 4_000;
        var store = driver == "postgres" ? await postgres.CreateDatabaseAsync() : NodeSettings.SqliteDirectory();
        var app = FakeDependencyApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"]);
        await app.StartAsync();
        using var fake = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        try
        {
            await using var node = await EscalaNode.StartAsync(store, NodeSettings.Of(
                ("Models:qwen:Endpoints:0", app.Urls.Single() + "/v1"),
                ("Resources:llm:Tokens", $"{budget}/{windowMs}ms"),
                ("Queues:default:MaxAttempts", "1")));

            // The other client's call, right before Escala's: the provider's window holds it for the rest of the test.
            (await fake.PutAsJsonAsync("/_openai/config", new { completionTokens = 990, tokenBudget = budget, budgetWindow = $"{windowMs}ms" })).EnsureSuccessStatusCode();
            var other = new { model = "qwen", messages = new[] { new { role = "user", content = "x" } }, max_tokens = 990 };
            (await fake.PostAsJsonAsync("/v1/chat/completions", other)).EnsureSuccessStatusCode();
            var spent = (await fake.GetFromJsonAsync<long[][]>("/_openai/served"))!.Single()[1];
            (await fake.PutAsJsonAsync("/_openai/config", new { completionTokens = 20 })).EnsureSuccessStatusCode();
            var args = new { model = "qwen", messages = new[] { new { role = "user", content = "x" } }, maxTokens = 40, stream = false };
            var refused = (await node.SubmitAsync([new { kind = "llm.chat", args }])).Single();
            await Eventually.UntilAsync(async () => (await node.GetJobAsync(refused)).GetProperty("state").GetString() == "dead",
                TimeSpan.FromSeconds(20), "the refused job dead");

            // Escala had used none of its budget; the provider had {budget - spent} left: the ledger now says so.
            var llm = await node.ResourceAsync("llm");
            Assert.Equal($"{budget}/4s", llm.GetProperty("tokens").GetString());
            Assert.InRange(llm.GetProperty("tokensUsed").GetInt64(), spent, budget);

            var next = (await node.SubmitAsync([new { kind = "llm.chat", args }])).Single();
            await Eventually.UntilAsync(async () => (await node.GetJobAsync(next)).GetProperty("state").GetString() == "completed",
                TimeSpan.FromSeconds(30), "the next job completed after the provider's reset");
            var stats = await fake.GetFromJsonAsync<JsonElement>("/_openai/stats");
            Assert.Equal(1, stats.GetProperty("throttled").GetInt64());
        }
        finally
        {
            if (driver == "postgres")
            {
                await postgres.DropDatabaseAsync(store);
            }

            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
