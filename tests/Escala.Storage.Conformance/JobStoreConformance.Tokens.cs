using Escala.Governance;
using Escala.Governance.Tokens;
using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

/// <summary>Token budgets: leases reserve each job's estimate on resources with a budget; the ledger settles and adds use.</summary>
public abstract partial class JobStoreConformance
{
    private static readonly RateLimit Budget = new(100, TimeSpan.FromMinutes(1));

    private ITokenLedger Ledger => Assert.IsAssignableFrom<ITokenLedger>(Store);

    private static Admission TokenLimits(RateLimit budget, int? concurrency = null) =>
        Limits(new ResourceLimit("llm", concurrency, null, BreakerGate.Closed) { Tokens = budget });

    private static NewJob[] TokenJobs(int count, long tokens, string tenant = "t1") =>
        Enumerable.Range(0, count).Select(_ => NewJob(resources: ["llm"], tenant: tenant) with { Tokens = tokens }).ToArray();

    [Fact]
    public async Task Tokens_Budget_LeasesOnlyWhatTheEstimatesFitAndReservesThem()
    {
        await InsertAsync(TokenJobs(4, 40));

        var leased = await LeaseAsync(max: 10, admission: TokenLimits(Budget));

        Assert.Equal(2, leased.Count);
        Assert.Equal(80, await Ledger.TokensSinceAsync("llm", T0 - TimeSpan.FromMinutes(1), Ct));
        Assert.Empty(await LeaseAsync(max: 10, admission: TokenLimits(Budget), now: T0 + TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Tokens_WindowSlides_ReservationsAgeOut()
    {
        await InsertAsync(TokenJobs(4, 40));
        Assert.Equal(2, (await LeaseAsync(max: 10, admission: TokenLimits(Budget))).Count);

        // Out of the window only after the budget's minute plus the guard.
        Assert.Empty(await LeaseAsync(max: 10, admission: TokenLimits(Budget), now: T0 + TimeSpan.FromMinutes(1)));
        var later = T0 + TokenWindow.Of(Budget) + TimeSpan.FromMilliseconds(1);
        Assert.Equal(2, (await LeaseAsync(max: 10, admission: TokenLimits(Budget), now: later)).Count);
    }

    [Fact]
    public async Task Tokens_Settle_ReplacesTheEstimateWithTheActualUsage()
    {
        await InsertAsync(TokenJobs(4, 40));
        var first = await LeaseAsync(max: 10, admission: TokenLimits(Budget));

        Assert.True(await Ledger.SettleTokensAsync(first[0].Id, 5, T0, Ct));
        Assert.True(await Ledger.SettleTokensAsync(first[1].Id, 5, T0, Ct));
        Assert.False(await Ledger.SettleTokensAsync(999_999, 5, T0, Ct));

        Assert.Equal(10, await Ledger.TokensSinceAsync("llm", T0 - TimeSpan.FromMinutes(1), Ct));
        Assert.Equal(2, (await LeaseAsync(max: 10, admission: TokenLimits(Budget), now: T0 + TimeSpan.FromSeconds(1))).Count);
    }

    [Fact]
    public async Task Tokens_Restamp_MovesTheReservationToWhenTheCallStarts()
    {
        await InsertAsync(TokenJobs(4, 40));
        var first = await LeaseAsync(max: 10, admission: TokenLimits(Budget));
        var start = T0 + TimeSpan.FromSeconds(20);

        Assert.True(await Ledger.RestampTokensAsync(first[0].Id, start, Ct));
        Assert.False(await Ledger.RestampTokensAsync(999_999, start, Ct));

        Assert.Equal(40, await Ledger.TokensSinceAsync("llm", start - TimeSpan.FromMilliseconds(1), Ct));

        // The other reservation ages out on time; the restamped one counts until its own window is over.
        var afterFirstWindow = T0 + TokenWindow.Of(Budget) + TimeSpan.FromMilliseconds(1);
        Assert.Single(await LeaseAsync(max: 10, admission: TokenLimits(Budget), now: afterFirstWindow));
    }

    [Fact]
    public async Task Tokens_SettleNotBefore_MovesTheReservationLaterButNeverEarlier()
    {
        await InsertAsync(TokenJobs(4, 40));
        var first = await LeaseAsync(max: 10, admission: TokenLimits(Budget));
        var start = T0 + TimeSpan.FromSeconds(20);
        Assert.True(await Ledger.RestampTokensAsync(first[0].Id, start, Ct));
        Assert.True(await Ledger.RestampTokensAsync(first[1].Id, start, Ct));

        // The reply of the first began 10 s after its call: it counts from there. The second's "not before" is already past.
        Assert.True(await Ledger.SettleTokensAsync(first[0].Id, 30, start + TimeSpan.FromSeconds(10), Ct));
        Assert.True(await Ledger.SettleTokensAsync(first[1].Id, 30, T0, Ct));

        Assert.Equal(60, await Ledger.TokensSinceAsync("llm", start - TimeSpan.FromMilliseconds(1), Ct));
        Assert.Equal(30, await Ledger.TokensSinceAsync("llm", start + TimeSpan.FromMilliseconds(1), Ct));
        Assert.Equal(30, await Ledger.TokensSinceAsync("llm", start + TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1), Ct));
        Assert.Equal(0, await Ledger.TokensSinceAsync("llm", start + TimeSpan.FromSeconds(10), Ct));
    }

    [Fact]
    public async Task Tokens_ProviderReportedUse_HoldsJobsBackUntilItAgesOut()
    {
        await InsertAsync(TokenJobs(1, 10));
        await Ledger.ConsumeTokensAsync("llm", 95, T0, Ct);

        Assert.Empty(await LeaseAsync(admission: TokenLimits(Budget), now: T0 + TimeSpan.FromSeconds(1)));
        Assert.Single(await LeaseAsync(admission: TokenLimits(Budget), now: T0 + TokenWindow.Of(Budget) + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Tokens_JobLargerThanTheBudget_RunsAloneInAnEmptyWindow()
    {
        var big = await InsertOneAsync(TokenJobs(1, 500)[0]);
        await InsertAsync(TokenJobs(1, 1));

        var leased = await LeaseAsync(max: 10, admission: TokenLimits(Budget));

        Assert.Equal([big.Id], leased.Select(job => job.Id));
    }

    [Fact]
    public async Task Tokens_JobsWithoutEstimateOrBudget_AreNotHeldBack()
    {
        await InsertAsync(NewJob(resources: ["llm"]), NewJob(resources: ["ocr"]) with { Tokens = 1000 });
        await Ledger.ConsumeTokensAsync("llm", 100, T0, Ct);

        // The budget is spent: a job with no estimate still waits for room; a job on a resource without budget does not.
        var leased = await LeaseAsync(max: 10, admission: TokenLimits(Budget));

        Assert.Equal(["ocr"], leased.Select(job => job.Resources.Single()));
    }
}
