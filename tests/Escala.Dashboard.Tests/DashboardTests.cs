using System.Net.Http.Json;
using System.Text.Json;
using Escala.Dashboard.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Escala.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class DashboardTests(DashboardFixture fixture) : PageTest(fixture)
{
    private static ILocator Test(IPage page, string id) => page.GetByTestId(id);

    [Fact]
    public Task Overview_Loads_ShowsChartsQueuesAndTheLeaderNode() => RunAsync(async page =>
    {
        await Node.SubmitAsync(new { kind = "noop", queue = "work" });

        await page.GotoAsync("/");

        await Expect(Test(page, "view-overview")).ToBeVisibleAsync();
        await Expect(Test(page, "chart-throughput").Locator("svg path")).Not.ToHaveCountAsync(0);
        await Expect(Test(page, "chart-latency")).ToBeVisibleAsync();
        await Expect(Test(page, "depth-work")).ToBeVisibleAsync();
        await Expect(Test(page, "depth-mail")).ToBeVisibleAsync();
        await Expect(Test(page, "nodes")).ToContainTextAsync("dash-test");
        await Expect(Test(page, "leader")).ToBeVisibleAsync();
        await Expect(Test(page, "live")).ToHaveTextAsync("live");
    }, screenshotOnSuccess: true);

    [Fact]
    public Task SubmittedJob_AppearsInTheList_AndItsDetailWatchesItFinish() => RunAsync(async page =>
    {
        await page.GotoAsync("/#/jobs?queue=work");
        var id = await Node.SubmitAsync(new { kind = "gate", queue = "work", idempotencyKey = "order-" + Guid.NewGuid().ToString("N")[..8] });

        var row = Test(page, $"job-{id}");
        await Expect(row).ToBeVisibleAsync();
        await row.ClickAsync();

        await Expect(Test(page, "job-title")).ToContainTextAsync($"Job #{id}");
        await Node.Gate.Started(id).WaitAsync(TimeSpan.FromSeconds(30));
        await Expect(Test(page, "job-title").GetByTestId("state")).ToHaveTextAsync("running");
        await Expect(Test(page, "progress")).ToContainTextAsync("50%");
        await Expect(Test(page, "stream")).ToHaveTextAsync("streaming");

        Node.Gate.Open(id);

        await Expect(Test(page, "job-title").GetByTestId("state")).ToHaveTextAsync("completed");
        await Expect(Test(page, "result")).ToContainTextAsync("\"opened\": true");
        await Expect(Test(page, "events")).ToContainTextAsync("done");
    }, screenshotOnSuccess: true);

    [Fact]
    public Task SearchByIdempotencyKey_FindsTheJob() => RunAsync(async page =>
    {
        var key = "invoice-" + Guid.NewGuid().ToString("N")[..8];
        var id = await Node.SubmitAsync(new { kind = "noop", queue = "work", idempotencyKey = key });
        await Node.SubmitAsync(new { kind = "noop", queue = "work" });

        await page.GotoAsync("/#/jobs");
        await Test(page, "search").FillAsync(key);
        await Test(page, "search").PressAsync("Enter");

        await Expect(Test(page, "jobs").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(Test(page, $"job-{id}")).ToContainTextAsync(key);
    });

    [Fact]
    public Task DeadJob_RetriedFromTheDeadView_RunsAgainAndCompletes() => RunAsync(async page =>
    {
        var id = await Node.SubmitAsync(new { kind = "fail", queue = "work", maxAttempts = 1, args = new { failures = 1 } });
        await DashboardFixture.EventuallyAsync(async () => (await Node.GetJsonAsync($"/v1/jobs/{id}")).GetProperty("state").GetString() == "dead", $"job {id} dead");

        await page.GotoAsync("/#/dead");
        var row = Test(page, $"dead-{id}");
        await Expect(row).ToContainTextAsync("dependency answered 503");
        await Test(page, $"retry-{id}").ClickAsync();

        await Expect(row).ToHaveCountAsync(0);
        await DashboardFixture.EventuallyAsync(async () => (await Node.GetJsonAsync($"/v1/jobs/{id}")).GetProperty("state").GetString() == "completed", $"job {id} completed after the retry");
    });

    [Fact]
    public Task WorkflowSteps_DeadStepOffersNoRetry_WaitingStepIsCountedAndListed() => RunAsync(async page =>
    {
        using var response = await Node.Http.PostAsJsonAsync("/v1/workflows", new
        {
            name = "dash-steps",
            onFailure = "continue",
            steps = new object[]
            {
                new { name = "flaky", kind = "fail", queue = "work", maxAttempts = 1, args = new { failures = 1 } },
                new { name = "hold", kind = "gate", queue = "work" },
                new { name = "after", kind = "noop", queue = "work", dependsOn = new[] { "hold" } },
            },
        });
        response.EnsureSuccessStatusCode();
        var workflow = await response.Content.ReadFromJsonAsync<JsonElement>();
        var workflowId = workflow.GetProperty("id").GetInt64();
        var steps = workflow.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("jobId").GetInt64());
        await DashboardFixture.EventuallyAsync(async () => (await Node.GetJsonAsync($"/v1/jobs/{steps["flaky"]}")).GetProperty("state").GetString() == "dead", "the flaky step dead");

        // A dead step: the server refuses to run it again on its own (409), so neither view offers it.
        await page.GotoAsync($"/#/jobs/{steps["flaky"]}");
        await Expect(Test(page, "job-title").GetByTestId("state")).ToHaveTextAsync("dead");
        await Expect(Test(page, "workflow")).ToHaveTextAsync($"#{workflowId}, step flaky");
        await Expect(Test(page, "discard")).ToBeVisibleAsync();
        await Expect(Test(page, "retry")).ToHaveCountAsync(0);
        await page.GotoAsync("/#/dead?queue=work");
        await Expect(Test(page, $"step-{steps["flaky"]}")).ToHaveTextAsync($"step of #{workflowId}");
        await Expect(Test(page, $"retry-{steps["flaky"]}")).ToHaveCountAsync(0);

        // The step behind the held one waits for its parent: the queues view counts it and links to it.
        await page.GotoAsync("/#/queues");
        var waiting = Test(page, "queue-work").Locator("a[href='#/jobs?queue=work&state=waiting']");
        await Expect(waiting).Not.ToHaveTextAsync("0");
        await waiting.ClickAsync();
        await Expect(Test(page, $"job-{steps["after"]}")).ToBeVisibleAsync();
        await Expect(Test(page, $"job-{steps["after"]}").GetByTestId("state")).ToHaveTextAsync("waiting");

        Node.Gate.Open(steps["hold"]);
        await DashboardFixture.EventuallyAsync(async () => (await Node.GetJsonAsync($"/v1/jobs/{steps["after"]}")).GetProperty("state").GetString() == "completed", "the waiting step ran once its parent completed");
    });

    [Fact]
    public Task DeadJobs_SelectedAndDiscarded_AreGone() => RunAsync(async page =>
    {
        var ids = new List<long>();
        for (var i = 0; i < 2; i++)
        {
            ids.Add(await Node.SubmitAsync(new { kind = "fail", queue = "work", maxAttempts = 1, args = new { failures = 5 } }));
        }

        foreach (var id in ids)
        {
            await DashboardFixture.EventuallyAsync(async () => (await Node.GetJsonAsync($"/v1/jobs/{id}")).GetProperty("state").GetString() == "dead", $"job {id} dead");
        }

        await page.GotoAsync("/#/dead?queue=work");
        foreach (var id in ids)
        {
            await Test(page, $"select-{id}").CheckAsync();
        }

        await Test(page, "discard-selected").ClickAsync();

        foreach (var id in ids)
        {
            await Expect(Test(page, $"dead-{id}")).ToHaveCountAsync(0);
            using var response = await Node.Http.GetAsync($"/v1/jobs/{id}");
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        }
    });

    [Fact]
    public Task Queue_PausedAndResumedFromTheQueuesView_HoldsThenRunsItsJobs() => RunAsync(async page =>
    {
        await page.GotoAsync("/#/queues");
        var queue = Test(page, "queue-mail");
        await queue.GetByTestId("pause").ClickAsync();
        await Expect(queue.GetByTestId("queue-status")).ToHaveTextAsync("paused");
        Assert.True(await IsPausedAsync("mail"));

        var id = await Node.SubmitAsync(new { kind = "noop", queue = "mail" });
        Assert.Equal("available", (await Node.GetJsonAsync($"/v1/jobs/{id}")).GetProperty("state").GetString());

        await queue.GetByTestId("resume").ClickAsync();
        await Expect(queue.GetByTestId("queue-status")).ToHaveTextAsync("running");
        Assert.False(await IsPausedAsync("mail"));
        await DashboardFixture.EventuallyAsync(async () => (await Node.GetJsonAsync($"/v1/jobs/{id}")).GetProperty("state").GetString() == "completed", $"job {id} completed after resume");
    });

    [Fact]
    public Task Breaker_FailingJobsOpenIt_TheResourcesViewShowsItOpen() => RunAsync(async page =>
    {
        await page.GotoAsync("/#/resources");
        var resource = Test(page, "resource-flakyapi");
        await Expect(resource.GetByTestId("breaker")).ToHaveTextAsync("breaker closed");

        for (var i = 0; i < 2; i++)
        {
            await Node.SubmitAsync(new { kind = "fail", queue = "flaky", resources = new[] { "flakyapi" }, maxAttempts = 3, args = new { failures = 3 } });
        }

        await Expect(resource.GetByTestId("breaker")).ToHaveTextAsync("breaker open");
        await Expect(resource.GetByTestId("breaker-history")).ToContainTextAsync("open");
        var metrics = (await Node.Http.GetStringAsync("/metrics")).Split('\n');
        Assert.Contains("escala_breaker_status{resource=\"flakyapi\",state=\"open\"} 1", metrics);
        Assert.Contains("escala_breaker_status{resource=\"flakyapi\",state=\"closed\"} 0", metrics);
        Assert.Contains("escala_breaker_transitions_total{resource=\"flakyapi\",to=\"open\"} 1", metrics);

        var held = await Node.SubmitAsync(new { kind = "fail", queue = "flaky", resources = new[] { "flakyapi" }, args = new { failures = 0 } });
        await Expect(resource.GetByTestId("waiting-reason")).ToContainTextAsync("breaker open");
        Assert.Equal("available", (await Node.GetJsonAsync($"/v1/jobs/{held}")).GetProperty("state").GetString());
    }, screenshotOnSuccess: true);

    [Fact]
    public Task TokenBudget_JobReservesTokens_TheResourcesViewShowsThemUsed() => RunAsync(async page =>
    {
        await page.GotoAsync("/#/resources");
        var used = Test(page, "resource-tokenapi").GetByTestId("tokens-used");
        await Expect(used).ToHaveTextAsync("0 of 5000/min used in the window");

        // A noop declares what it expects to use; with nothing to settle it, the reservation stays for the window.
        var id = await Node.SubmitAsync(new { kind = "noop", resources = new[] { "tokenapi" }, tokens = 1200 });
        await DashboardFixture.EventuallyAsync(async () => (await Node.GetJsonAsync($"/v1/jobs/{id}")).GetProperty("state").GetString() == "completed", $"job {id} completed");
        await Expect(used).ToHaveTextAsync("1,200 of 5000/min used in the window");
    });

    private async Task<bool> IsPausedAsync(string name)
    {
        var queues = (await Node.GetJsonAsync("/v1/queues")).GetProperty("queues");
        return queues.EnumerateArray().Single(q => q.GetProperty("name").GetString() == name).GetProperty("paused").GetBoolean();
    }
}
