using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

public abstract partial class JobStoreConformance
{
    [Fact]
    public async Task Insert_RunAtNowOrPast_IsAvailable()
    {
        var jobs = await InsertAsync(NewJob(), NewJob(runAt: T0.AddMinutes(-5)));

        Assert.All(jobs, job => Assert.Equal(JobState.Available, job.State));
        Assert.Equal(JobState.Available, (await GetAsync(jobs[0].Id)).State);
        Assert.Equal(JobState.Available, (await GetAsync(jobs[1].Id)).State);
    }

    [Fact]
    public async Task Insert_RunAtFuture_IsScheduled()
    {
        var job = await InsertOneAsync(NewJob(runAt: T0.AddMinutes(5)));

        Assert.Equal(JobState.Scheduled, job.State);
        Assert.Equal(JobState.Scheduled, (await GetAsync(job.Id)).State);
        Assert.Empty(await LeaseAsync());
    }

    [Fact]
    public async Task Insert_Batch_KeepsOrderAndIncreasingIds()
    {
        var results = await Store.InsertAsync([NewJob(kind: "a"), NewJob(kind: "b"), NewJob(kind: "c")], T0, Ct);

        Assert.Equal(["a", "b", "c"], results.Select(result => result.Job.Kind));
        Assert.All(results, result => Assert.True(result.Created));
        var ids = results.Select(result => result.Job.Id).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(3, ids.Distinct().Count());
    }

    [Fact]
    public async Task Insert_StoresEveryField_ReadBackEqual()
    {
        var input = NewJob(queue: "q1", priority: 7, key: "k1", resources: ["llm", "ocr"], maxAttempts: 5) with
        {
            Timeout = TimeSpan.FromSeconds(42),
            Backoff = TimeSpan.FromMilliseconds(1500),
        };

        var inserted = await InsertOneAsync(input);
        var read = await GetAsync(inserted.Id);

        foreach (var job in new[] { inserted, read })
        {
            Assert.Equal(("t1", "q1", "noop", "{\"n\":1}", 7, 5, "k1"), (job.Tenant, job.Queue, job.Kind, job.Args, job.Priority, job.MaxAttempts, job.IdempotencyKey));
            Assert.Equal(["llm", "ocr"], job.Resources);
            Assert.Equal(TimeSpan.FromSeconds(42), job.Timeout);
            Assert.Equal(TimeSpan.FromMilliseconds(1500), job.Backoff);
            Assert.Equal(T0, job.CreatedAt);
            Assert.Equal(T0, job.RunAt);
            Assert.Equal(0, job.Attempt);
            Assert.Null(job.LeaseToken);
            Assert.Empty(job.Errors);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Insert_ReturnedJob_IsExactlyTheStoredJob(int scheduled)
    {
        // Odd ticks everywhere: each driver must return what it stores, at its own precision.
        var now = T0.AddTicks(12_345);
        var input = NewJob(key: "k" + scheduled, resources: ["b", "a"]) with
        {
            RunAt = now.AddTicks(scheduled * 987_654_321),
            Timeout = TimeSpan.FromTicks(123_456_789),
            Backoff = TimeSpan.FromTicks(7),
        };

        var inserted = (await Store.InsertAsync([input], now, Ct))[0];
        var read = await GetAsync(inserted.Job.Id);

        Assert.True(inserted.Created);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(read), System.Text.Json.JsonSerializer.Serialize(inserted.Job));
    }

    [Fact]
    public async Task Insert_DuplicateKeyInStore_ReturnsExistingNotCreated()
    {
        var first = await InsertOneAsync(NewJob(key: "same"));

        var second = (await Store.InsertAsync([NewJob(key: "same", kind: "other")], T0.AddSeconds(1), Ct))[0];

        Assert.False(second.Created);
        Assert.Equal(first.Id, second.Job.Id);
        Assert.Equal("noop", second.Job.Kind);
        Assert.Equal(1, (await Store.CountByQueueAsync("t1", Ct)).Single()[JobState.Available]);
    }

    [Fact]
    public async Task Insert_DuplicateKeyInSameBatch_SecondReturnsFirst()
    {
        var results = await Store.InsertAsync([NewJob(key: "k"), NewJob(key: "k"), NewJob(key: "other")], T0, Ct);

        Assert.Equal([true, false, true], results.Select(result => result.Created));
        Assert.Equal(results[0].Job.Id, results[1].Job.Id);
        Assert.NotEqual(results[0].Job.Id, results[2].Job.Id);
    }

    [Fact]
    public async Task Insert_SameKeyOtherTenant_CreatesBoth()
    {
        var results = await Store.InsertAsync([NewJob(key: "k", tenant: "t1"), NewJob(key: "k", tenant: "t2")], T0, Ct);

        Assert.All(results, result => Assert.True(result.Created));
        Assert.NotEqual(results[0].Job.Id, results[1].Job.Id);
    }

    [Fact]
    public async Task Insert_AvailableJob_WakesSubscriber()
    {
        var woken = new List<string>();
        using var subscription = Store.SubscribeAvailable(queue => { lock (woken) { woken.Add(queue); } });

        await InsertAsync(NewJob(queue: "mail"));
        await InsertAsync(NewJob(queue: "later", runAt: T0.AddHours(1)));

        lock (woken)
        {
            Assert.Contains("mail", woken);
            Assert.DoesNotContain("later", woken);
        }
    }
}
