using Escala.Governance;
using Xunit;

namespace Escala.Storage.Conformance;

/// <summary>Adaptive concurrency: one shared limit per resource, moved by additions and guarded cuts from any node.</summary>
public abstract partial class JobStoreConformance
{
    private IAdaptiveLimitStore AdaptiveLimits => Assert.IsAssignableFrom<IAdaptiveLimitStore>(Store);

    private static AdaptiveLimitChange Change(LimitAdjustment adjustment, DateTimeOffset now, double initial = 10) =>
        new("llm", initial, 2, 50, adjustment, now);

    private static LimitAdjustment Add(double add) => new(add, 1, T0, "increase");

    private static LimitAdjustment Cut(DateTimeOffset since) => new(0, 0.5, since, "overload");

    [Fact]
    public async Task Adaptive_FirstUse_CreatesTheLimitAtItsInitialValue()
    {
        var state = await AdaptiveLimits.AdjustConcurrencyAsync(Change(Add(0), T0), Ct);

        Assert.Equal(10, state.Limit);
        Assert.Null(state.LastCut);
        Assert.Equal(0, state.Running);
    }

    [Fact]
    public async Task Adaptive_Additions_AccumulateWithinMax()
    {
        await AdaptiveLimits.AdjustConcurrencyAsync(Change(Add(0), T0), Ct);
        Assert.Equal(12.5, (await AdaptiveLimits.AdjustConcurrencyAsync(Change(Add(2.5), T0), Ct)).Limit);

        Assert.Equal(50, (await AdaptiveLimits.AdjustConcurrencyAsync(Change(Add(100), T0), Ct)).Limit);
    }

    [Fact]
    public async Task Adaptive_Cut_AppliesOncePerOverloadAndNeverBelowMin()
    {
        await AdaptiveLimits.AdjustConcurrencyAsync(Change(Add(0), T0, initial: 40), Ct);

        var cut = await AdaptiveLimits.AdjustConcurrencyAsync(Change(Cut(T0), T0 + TimeSpan.FromSeconds(1)), Ct);
        Assert.Equal(20, cut.Limit);
        Assert.Equal(T0 + TimeSpan.FromSeconds(1), cut.LastCut);

        // Another node saw the same overload (attempts started before that cut): no second cut.
        var same = await AdaptiveLimits.AdjustConcurrencyAsync(Change(Cut(T0 + TimeSpan.FromMilliseconds(500)), T0 + TimeSpan.FromSeconds(2)), Ct);
        Assert.Equal(20, same.Limit);
        Assert.Equal(T0 + TimeSpan.FromSeconds(1), same.LastCut);

        // A later overload cuts again, down to min at most.
        await AdaptiveLimits.AdjustConcurrencyAsync(Change(Cut(T0 + TimeSpan.FromSeconds(3)), T0 + TimeSpan.FromSeconds(4)), Ct);
        await AdaptiveLimits.AdjustConcurrencyAsync(Change(Cut(T0 + TimeSpan.FromSeconds(5)), T0 + TimeSpan.FromSeconds(6)), Ct);
        var floor = await AdaptiveLimits.AdjustConcurrencyAsync(Change(Cut(T0 + TimeSpan.FromSeconds(7)), T0 + TimeSpan.FromSeconds(8)), Ct);
        Assert.Equal(2.5, floor.Limit);
        Assert.Equal(2, (await AdaptiveLimits.AdjustConcurrencyAsync(Change(Cut(T0 + TimeSpan.FromSeconds(9)), T0 + TimeSpan.FromSeconds(10)), Ct)).Limit);
    }

    [Fact]
    public async Task Adaptive_AnotherNode_SeesTheSameLimitAndRunningJobs()
    {
        await InsertAsync(NewJob(resources: ["llm"]), NewJob(resources: ["llm", "ocr"]), NewJob(resources: ["ocr"]), NewJob());
        await LeaseAsync(max: 10);
        await AdaptiveLimits.AdjustConcurrencyAsync(Change(Add(5), T0), Ct);

        var other = Assert.IsAssignableFrom<IAdaptiveLimitStore>(await OpenAnotherNodeAsync());
        var seen = await other.AdjustConcurrencyAsync(Change(Add(0), T0), Ct);

        Assert.Equal(10, seen.Limit);
        Assert.Equal(2, seen.Running);
    }

    [Fact]
    public async Task Adaptive_PausedResource_KeepsItsPauseAndGetsALimit()
    {
        await Store.PauseResourceAsync("llm", T0 + TimeSpan.FromMinutes(1), "dependency asked to retry later (429)", Ct);

        Assert.Equal(10, (await AdaptiveLimits.AdjustConcurrencyAsync(Change(Add(0), T0), Ct)).Limit);

        var usage = Assert.Single(await Store.GetResourceUsageAsync(T0, Ct), u => u.Name == "llm");
        Assert.Equal(T0 + TimeSpan.FromMinutes(1), usage.PausedUntil);
    }
}
