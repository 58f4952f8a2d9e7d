using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

/// <summary>Unique jobs: a key is taken while its job waits or runs and for its window after; a refused call writes nothing.</summary>
public abstract partial class JobStoreConformance
{
    private IUniqueJobStore UniqueStore => Assert.IsAssignableFrom<IUniqueJobStore>(Store);

    private static NewJob Unique(string key, TimeSpan? holdFor = null, bool returnsExisting = false, string tenant = "t1") =>
        NewJob(tenant: tenant) with { UniqueKey = key, UniqueFor = holdFor ?? TimeSpan.Zero, UniqueReturnsExisting = returnsExisting };

    private Task<UniqueInsertResult> InsertUniqueAsync(DateTimeOffset now, params NewJob[] jobs) => UniqueStore.InsertUniqueAsync(jobs, now, Ct);

    private async Task<int> CountJobsAsync(string tenant = "t1") => (await Store.ListAsync(new JobQuery { Tenant = tenant, Limit = 1000 }, Ct)).Jobs.Count;

    [Fact]
    public async Task Unique_SecondWhileFirstWaits_RefusedNamingTheHolder_AndNothingWritten()
    {
        var first = await InsertUniqueAsync(T0, Unique("report-7"));
        var holder = Assert.Single(first.Results!);
        Assert.True(holder.Created);

        var second = await InsertUniqueAsync(T0, Unique("report-7"));

        Assert.Null(second.Results);
        var conflict = Assert.Single(second.Conflicts);
        Assert.Equal(0, conflict.Index);
        Assert.Equal(holder.Job.Id, conflict.Holder!.Id);
        Assert.Equal(1, await CountJobsAsync());
    }

    [Fact]
    public async Task Unique_ReturnOnConflict_GivesTheHolderBack()
    {
        var holder = (await InsertUniqueAsync(T0, Unique("k"))).Results![0].Job;

        var second = await InsertUniqueAsync(T0, Unique("k", returnsExisting: true));

        var result = Assert.Single(second.Results!);
        Assert.False(result.Created);
        Assert.Equal(holder.Id, result.Job.Id);
        Assert.Equal(1, await CountJobsAsync());
    }

    [Fact]
    public async Task Unique_AfterTheHolderFinished_TakenForTheWindowOnly()
    {
        var job = (await InsertUniqueAsync(T0, Unique("k", TimeSpan.FromMinutes(10)))).Results![0].Job;
        var leased = Assert.Single(await LeaseAsync());
        Assert.Equal(job.Id, leased.Id);
        Assert.Null((await InsertUniqueAsync(T0, Unique("k", TimeSpan.FromMinutes(10)))).Results);
        Assert.True(await CompleteAsync(leased.Lease, new JobOutcome.Succeeded(null), T0 + TimeSpan.FromSeconds(1)));

        Assert.Null((await InsertUniqueAsync(T0 + TimeSpan.FromMinutes(10), Unique("k", TimeSpan.FromMinutes(10)))).Results);
        var after = await InsertUniqueAsync(T0 + TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(2), Unique("k"));

        Assert.True(Assert.Single(after.Results!).Created);
        // The new job holds the key now, with its own window (none): taken while it waits.
        Assert.Null((await InsertUniqueAsync(T0 + TimeSpan.FromMinutes(11), Unique("k"))).Results);
    }

    [Fact]
    public async Task Unique_KeysArePerTenant()
    {
        await InsertUniqueAsync(T0, Unique("k"));

        var other = await InsertUniqueAsync(T0, Unique("k", tenant: "t2"));

        Assert.True(Assert.Single(other.Results!).Created);
    }

    [Fact]
    public async Task Unique_BatchWithOneTakenKey_WritesNothing_EvenTheFreeJobs()
    {
        await InsertUniqueAsync(T0, Unique("taken"));

        var batch = await InsertUniqueAsync(T0, NewJob(), Unique("free"), Unique("taken"));

        Assert.Null(batch.Results);
        Assert.Equal(2, Assert.Single(batch.Conflicts).Index);
        Assert.Equal(1, await CountJobsAsync());
        Assert.True(Assert.Single((await InsertUniqueAsync(T0, Unique("free"))).Results!).Created);
    }

    [Fact]
    public async Task Unique_SameKeyTwiceInOneBatch_Refused()
    {
        var batch = await InsertUniqueAsync(T0, Unique("k"), Unique("k"));

        Assert.Null(batch.Results);
        var conflict = Assert.Single(batch.Conflicts);
        Assert.Equal((1, 0), (conflict.Index, conflict.HolderIndex));
        Assert.Null(conflict.Holder);
        Assert.Equal(0, await CountJobsAsync());
    }

    [Fact]
    public async Task Unique_SameIdempotencyKeyAsTheHolder_IsTheSameSubmit_ItsJobComesBack()
    {
        var holder = (await InsertUniqueAsync(T0, Unique("k") with { IdempotencyKey = "submit-1" })).Results![0].Job;

        var again = await InsertUniqueAsync(T0, Unique("k") with { IdempotencyKey = "submit-1" });

        var result = Assert.Single(again.Results!);
        Assert.False(result.Created);
        Assert.Equal(holder.Id, result.Job.Id);
    }

    [Fact]
    public async Task Unique_ConcurrentSubmitsOfOneKey_FromTwoNodes_OnlyOneWins()
    {
        var other = Assert.IsAssignableFrom<IUniqueJobStore>(await OpenAnotherNodeAsync());
        var calls = Enumerable.Range(0, 16)
            .Select(i => (i % 2 == 0 ? UniqueStore : other).InsertUniqueAsync([Unique("race")], T0, Ct))
            .ToArray();

        var results = await Task.WhenAll(calls);

        Assert.Single(results, r => r.Results is not null);
        Assert.Equal(15, results.Count(r => r.Results is null));
        Assert.Equal(1, await CountJobsAsync());
    }
}
